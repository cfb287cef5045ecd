//! WASI through the embedding API: an embedder configures arguments,
//! environment, preopens and stdio in Rust, runs a command and reads its exit
//! status and captured output. The guests are small WAT programs that call
//! `wasi_snapshot_preview1` directly.

use zwasm_loader::wasi::{Exit, OutputPipe, Wasi, WasiConfig};
use zwasm_loader::{Linker, Module, Store};

/// Compiles `wat` and runs its `_start` under `config`.
fn run(wat: &str, config: WasiConfig) -> Result<Exit, zwasm_loader::Error> {
    let artifact = zwasm_compiler::compile(wat.as_bytes(), &Default::default()).unwrap();
    let module = Module::from_bytes(&artifact).unwrap();
    let mut store = Store::new();
    let mut linker = Linker::new();
    let wasi = Wasi::add_to_linker(&mut linker, &mut store, config);
    let instance = linker.instantiate(&mut store, &module)?;
    wasi.run_start(&mut store, instance)
}

/// Imports used by the programs below, and a `print(ptr, len)` helper that
/// writes to stdout with one ciovec at address 0.
const PRELUDE: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
"#;

fn module(body: &str) -> String {
    format!("(module {PRELUDE} {body})")
}

#[test]
fn args_and_env_reach_the_guest_and_stdout_is_captured() {
    // Prints every argument and environment string, each followed by '\n'
    // (the NUL terminators are replaced in place).
    let wat = module(
        r#"
  (func $print_list (param $count i32) (param $ptrs i32)
    (local $i i32) (local $s i32) (local $n i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $s (i32.load (i32.add (local.get $ptrs) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $n (i32.const 0))
        (block $end
          (loop $len
            (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $s) (local.get $n)))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $len)))
        (i32.store8 (i32.add (local.get $s) (local.get $n)) (i32.const 10))
        (call $write (i32.const 1) (local.get $s) (i32.add (local.get $n) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (call $print_list (i32.load (i32.const 16)) (i32.const 1024))
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $environ_get (i32.const 4096) (i32.const 8192)))
    (call $print_list (i32.load (i32.const 16)) (i32.const 4096)))
"#,
    );
    let out = OutputPipe::new();
    let config = WasiConfig::new()
        .args(["prog.wasm", "a b", ""])
        .env("LANG", "C")
        .env("EMPTY", "")
        .stdout(out.clone());
    assert_eq!(run(&wat, config).unwrap(), Exit::Status(0));
    assert_eq!(
        String::from_utf8(out.contents()).unwrap(),
        "prog.wasm\na b\n\nLANG=C\nEMPTY=\n"
    );
}

#[test]
fn stdin_bytes_are_read_and_proc_exit_sets_the_status() {
    // Copies stdin to stdout in 7-byte reads, then exits with status 3.
    let wat = module(
        r#"
  (func (export "_start")
    (local $n i32)
    (loop $more
      (i32.store (i32.const 32) (i32.const 100))
      (i32.store (i32.const 36) (i32.const 7))
      (if (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 40))
        (then (call $proc_exit (i32.const 99))))
      (local.set $n (i32.load (i32.const 40)))
      (if (local.get $n)
        (then
          (call $write (i32.const 1) (i32.const 100) (local.get $n))
          (br $more))))
    (call $proc_exit (i32.const 3))
    unreachable)
"#,
    );
    let out = OutputPipe::new();
    let text = "hello, stdin: more than seven bytes\n";
    let config = WasiConfig::new().stdin_bytes(text).stdout(out.clone());
    assert_eq!(run(&wat, config).unwrap(), Exit::Status(3));
    assert_eq!(String::from_utf8(out.contents()).unwrap(), text);
}

#[test]
fn nothing_is_granted_by_default() {
    // Exits with fd_prestat_get(3)'s errno (BADF = 8: no preopen), plus 100
    // if any environment variable is visible.
    let wat = module(
        r#"
  (func (export "_start")
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (call $proc_exit
      (i32.add
        (call $fd_prestat_get (i32.const 3) (i32.const 64))
        (select (i32.const 100) (i32.const 0) (i32.load (i32.const 16))))))
"#,
    );
    assert_eq!(run(&wat, WasiConfig::new()).unwrap(), Exit::Status(8));
    // With a preopen, fd 3 is a directory (prestat tag 0) and the call succeeds.
    let dir = std::env::temp_dir();
    let config = WasiConfig::new().preopen_dir(&dir, "/tmp").unwrap();
    assert_eq!(run(&wat, config).unwrap(), Exit::Status(0));
}

#[test]
fn output_written_before_a_trap_is_kept() {
    let wat = module(
        r#"
  (data (i32.const 200) "before the trap\n")
  (func (export "_start")
    (call $write (i32.const 2) (i32.const 200) (i32.const 16))
    unreachable)
"#,
    );
    let err = OutputPipe::new();
    let e = run(&wat, WasiConfig::new().stderr(err.clone())).unwrap_err();
    assert!(e.as_trap().is_some_and(|t| t.exit_status.is_none()), "{e}");
    assert_eq!(err.contents(), b"before the trap\n");
}

#[test]
fn bad_guest_pointers_are_errors_not_crashes() {
    // An iovec pointing past the end of memory gives FAULT (21).
    let wat = module(
        r#"
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 65530))
    (i32.store (i32.const 4) (i32.const 100))
    (call $proc_exit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
"#,
    );
    assert_eq!(run(&wat, WasiConfig::new()).unwrap(), Exit::Status(21));
}

#[test]
fn a_missing_preopen_directory_is_an_error() {
    let e = WasiConfig::new()
        .preopen_dir("/nonexistent/zwasm-test", "/")
        .err()
        .expect("a missing directory must not preopen");
    assert!(e.to_string().contains("/nonexistent/zwasm-test"), "{e}");
}
