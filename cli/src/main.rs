//! The `zwasm` command line.

fn main() {
    std::process::exit(1);
}
