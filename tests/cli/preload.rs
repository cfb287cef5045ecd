//! `zwasm run --preload NAME=FILE`: a module linked as an import namespace,
//! as wasmtime spells it; what the sightglass programs need (`bench.start`
//! and `bench.end` from `bench.wat`).

use super::{assert_exit, root, scratch, stderr, stdout, zwasm, zwasm_command};

/// A library with state (a counter in a global, a memory) and a program
/// that imports from it.
fn files(name: &str) -> (std::path::PathBuf, String, String) {
    let dir = scratch(name);
    let lib = dir.join("lib.wat");
    std::fs::write(
        &lib,
        r#"(module
  (memory (export "mem") 1)
  (global $n (mut i32) (i32.const 0))
  (func (export "bump") (param i32) (result i32)
    (global.set $n (i32.add (global.get $n) (local.get 0)))
    (global.get $n)))"#,
    )
    .unwrap();
    let main = dir.join("main.wat");
    std::fs::write(
        &main,
        r#"(module
  (import "lib" "bump" (func $bump (param i32) (result i32)))
  (import "lib" "mem" (memory 1))
  (func (export "twice") (param i32) (result i32)
    (drop (call $bump (local.get 0)))
    (i32.store (i32.const 8) (call $bump (local.get 0)))
    (i32.load (i32.const 8))))"#,
    )
    .unwrap();
    let s = |p: std::path::PathBuf| p.to_str().unwrap().to_string();
    (dir, s(lib), s(main))
}

#[test]
fn a_preloaded_module_satisfies_imports_with_its_state() {
    let (_dir, lib, main) = files("preload_ok");
    let o = zwasm(&[
        "run",
        "--preload",
        &format!("lib={lib}"),
        &main,
        "--invoke",
        "twice",
        "5",
    ]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "10\n");
    // Both engines.
    let o = zwasm(&[
        "run",
        "--engine",
        "interp",
        "--preload",
        &format!("lib={lib}"),
        &main,
        "--invoke",
        "twice",
        "7",
    ]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "14\n");
}

#[test]
fn bad_preloads_are_clear_errors() {
    let (dir, lib, main) = files("preload_bad");
    for spec in ["lib", "=x.wat", "lib="] {
        let o = zwasm(&["run", "--preload", spec, &main, "--invoke", "twice", "1"]);
        assert_exit(&o, 1);
        assert_eq!(
            stderr(&o),
            format!("error: invalid --preload `{spec}`: expected NAME=FILE\n")
        );
    }
    let missing = dir.join("missing.wasm");
    let o = zwasm(&[
        "run",
        "--preload",
        &format!("lib={}", missing.display()),
        &main,
        "--invoke",
        "twice",
        "1",
    ]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains(&missing.display().to_string()),
        "{}",
        stderr(&o)
    );
    // Under another name the imports stay unsatisfied.
    let o = zwasm(&[
        "run",
        "--preload",
        &format!("other={lib}"),
        &main,
        "--invoke",
        "twice",
        "1",
    ]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("unknown import"), "{}", stderr(&o));
    // A preloaded module's own imports must be satisfied too.
    let o = zwasm(&[
        "run",
        "--preload",
        &format!("lib={main}"),
        &main,
        "--invoke",
        "twice",
        "1",
    ]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("unknown import"), "{}", stderr(&o));
}

/// A sightglass program runs from the command line as the suite's README
/// says wasmtime runs it, with the same output.
#[test]
fn a_sightglass_program_runs_with_bench_preloaded() {
    let suite = root().join("../shared/sightglass");
    if !suite.is_dir() {
        println!("skipped: {} is not there", suite.display());
        return;
    }
    let dir = suite.join("benchmarks/shootout");
    let o = zwasm_command(&dir)
        .args([
            "run",
            "--preload",
            "bench=../../bench.wat",
            "--dir",
            ".::.",
            "shootout-gimli.wasm",
        ])
        .output()
        .unwrap();
    assert_exit(&o, 0);
    let expected = std::fs::read(suite.join("expected/shootout-gimli.stdout")).unwrap();
    assert!(o.stdout == expected, "stdout differs: {}", stdout(&o));
}
