//! Chooses the interpreter's dispatch (`src/interp/threaded.rs`): handlers
//! that tail-call the next op's handler where the build optimises and the
//! target's calling convention lets LLVM turn those calls into jumps, a loop
//! that calls each handler elsewhere (an unoptimised build would grow the
//! host stack by a frame per instruction).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zwasm_tail_dispatch)");
    println!("cargo::rerun-if-changed=build.rs");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimised = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    if optimised && matches!(arch.as_str(), "x86_64" | "aarch64") {
        println!("cargo::rustc-cfg=zwasm_tail_dispatch");
    }
}
