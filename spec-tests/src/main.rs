//! Entry point of the `spec` test target; the harness lives in the library so
//! its unit tests run under `cargo test`.

fn main() {
    zwasm_spec_tests::main();
}
