//! CLI end-to-end tests: drive the built `zwasm` binary over the examples and
//! over broken inputs, and check stdout, stderr and exit codes. Every example's
//! documented commands (in its header comment) are run too, so the docs stay true.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[path = "cli/artifact.rs"]
mod artifact;
#[path = "cli/cache.rs"]
mod cache;
#[path = "cli/examples.rs"]
mod examples;
#[path = "cli/gc.rs"]
mod gc;
#[path = "cli/inspect.rs"]
mod inspect;
#[path = "cli/json.rs"]
mod json;
#[path = "cli/memory64.rs"]
mod memory64;
#[path = "cli/preload.rs"]
mod preload;
#[path = "cli/simd.rs"]
mod simd;
#[path = "cli/tail_calls.rs"]
mod tail_calls;
#[path = "cli/wasi.rs"]
mod wasi;

/// The workspace root; the tests run the binary from there so that paths in
/// messages read `examples/wat/...` as in the docs.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `XDG_CACHE_HOME` for every `zwasm` these tests start, emptied once per
/// run of the test binary: the tests never write to the real `~/.cache`, and
/// start from an empty cache each time.
fn cache_home() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests-cache");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

/// `zwasm` with the tests' compile cache, started in `dir`.
fn zwasm_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zwasm"));
    cmd.env("XDG_CACHE_HOME", cache_home()).current_dir(dir);
    cmd
}

fn zwasm<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    zwasm_command(&root())
        .args(args)
        .output()
        .expect("cannot start zwasm")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Asserts the exit code and shows the whole output when it differs.
#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// (example file, function to invoke, arguments, expected stdout).
fn example(file: &str) -> String {
    format!("examples/wat/{file}")
}

#[test]
fn run_is_implicit_and_start_runs_without_invoke() {
    let o = zwasm(&[&example("add.wat"), "--invoke", "add", "40", "2"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "42\n");
    // `_start` returns nothing: no output, exit 0.
    let o = zwasm(&["run", &example("start.wat")]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "");
    // No `_start`: instantiating is all there is to do.
    let o = zwasm(&[example("add.wat")]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "");
}

#[test]
fn start_function_runs_at_instantiation_and_can_trap() {
    let dir = scratch("start_trap");
    let file = dir.join("start_trap.wat");
    std::fs::write(
        &file,
        "(module (func $s unreachable) (start $s) (func (export \"f\")))",
    )
    .unwrap();
    let o = zwasm(&[file.to_str().unwrap(), "--invoke", "f"]);
    assert_exit(&o, 134);
    assert!(
        stderr(&o).contains("wasm trap: unreachable"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn compiled_artifact_runs_like_the_source() {
    let dir = scratch("compile_run");
    for (file, func, args) in [
        ("fibonacci.wat", "fib", &["90"][..]),
        ("multi_value.wat", "divmod", &["17", "5"][..]),
        ("strings.wat", "strlen", &["0"][..]),
        ("call_indirect.wat", "calc", &["1", "50", "8"][..]),
    ] {
        let zwo = dir.join(file.replace(".wat", ".zwo"));
        let o = zwasm(&[
            "compile".as_ref(),
            example(file).as_ref(),
            "-o".as_ref(),
            zwo.as_os_str(),
        ]);
        assert_exit(&o, 0);
        let bytes = std::fs::read(&zwo).unwrap();
        assert!(
            bytes.starts_with(b"\0zwasm\x1a\n"),
            "{file}: not an artifact"
        );
        let mut from_source = vec![
            "run".to_string(),
            example(file),
            "--invoke".into(),
            func.into(),
        ];
        from_source.extend(args.iter().map(|a| a.to_string()));
        let mut from_zwo = from_source.clone();
        from_zwo[1] = zwo.to_str().unwrap().to_string();
        let (a, b) = (zwasm(&from_source), zwasm(&from_zwo));
        assert_exit(&a, 0);
        assert_exit(&b, 0);
        assert!(!stdout(&a).is_empty());
        assert_eq!(stdout(&a), stdout(&b), "{file}");
    }
    // No temporary file is left next to the output.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with(".zwo"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn compile_from_wasm_binary() {
    let dir = scratch("compile_wasm");
    // The add module as a binary: (func (export "add") (param i32 i32) (result i32) ...).
    let wasm: &[u8] = &[
        0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
        1, 7, 1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, // type section
        3, 2, 1, 0, // function section
        7, 7, 1, 3, b'a', b'd', b'd', 0, 0, // export section
        10, 9, 1, 7, 0, 0x20, 0, 0x20, 1, 0x6a, 0x0b, // code section
    ];
    let file = dir.join("add.wasm");
    std::fs::write(&file, wasm).unwrap();
    let o = zwasm(&[file.to_str().unwrap(), "--invoke", "add", "20", "22"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "42\n");
    let zwo = dir.join("add.zwo");
    let o = zwasm(&[
        "compile",
        file.to_str().unwrap(),
        "-o",
        zwo.to_str().unwrap(),
    ]);
    assert_exit(&o, 0);
    let o = zwasm(&[zwo.to_str().unwrap(), "--invoke", "add", "1", "2"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "3\n");
}

#[test]
fn malformed_input_is_an_error_naming_the_file() {
    let dir = scratch("malformed");
    // (file, contents, what the message must say besides the file name)
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "garbage.wasm",
            b"\x00asm\x01\x00\x00\x00\x01\xff\xff",
            "invalid module",
        ),
        ("bad_version.wasm", b"\x00asm\x02\x00\x00\x00", "version"),
        (
            "binary.wasm",
            b"\x7fELF\x02\x01\x01\x00\xff\xfe",
            "not a wasm binary",
        ),
        (
            "syntax.wat",
            b"(module (func (result i32) i32.const))",
            "syntax.wat:1:37",
        ),
        ("text.wat", b"hello world", "expected `(`"),
        ("empty.wasm", b"", "file is empty"),
        // A damaged magic is a binary, whatever the name: never read as text.
        (
            "damaged_magic.wasm",
            b"\x00asX\x01\x00\x00\x00",
            "not a wasm binary",
        ),
        (
            "damaged_magic.bin",
            b"\x00asX\x01\x00\x00\x00",
            "not a wasm binary",
        ),
    ];
    for &(name, bytes, _) in cases {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    for &(name, _, needle) in cases {
        let path = dir.join(name);
        for cmd in ["run", "validate", "inspect", "compile"] {
            let o = zwasm(&[cmd, path.to_str().unwrap()]);
            let err = stderr(&o);
            assert_exit(&o, 1);
            let prefix = format!("error: {}: ", path.display());
            assert!(err.starts_with(&prefix), "{cmd} {name}: {err}");
            assert!(err.contains(needle), "{cmd} {name}: {err}");
            assert_eq!(stdout(&o), "", "{cmd} {name}");
            if name.starts_with("damaged") {
                assert_eq!(err.lines().count(), 1, "{cmd} {name}: {err}");
            }
        }
    }
    let o = zwasm(&["run", "no/such/file.wasm"]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("no/such/file.wasm: cannot read file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn invalid_module_is_rejected() {
    let dir = scratch("invalid");
    let file = dir.join("invalid.wat");
    // Well-formed, but the function returns an i64 where it promises an i32.
    std::fs::write(
        &file,
        "(module (func (export \"f\") (result i32) i64.const 1))",
    )
    .unwrap();
    for cmd in ["run", "validate", "compile", "inspect"] {
        let o = zwasm(&[cmd, file.to_str().unwrap()]);
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(
            err.contains("invalid.wat") && err.contains("type mismatch"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn memory64_limits_beyond_2_to_the_32_pages_are_valid() {
    let dir = scratch("memory64_limit");
    let file = dir.join("big.wat");
    std::fs::write(
        &file,
        "(module (memory (export \"m\") i64 1 0x100000000) \
         (func (export \"size\") (result i64) (memory.size)))",
    )
    .unwrap();
    let o = zwasm(&["validate", file.to_str().unwrap()]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{}: valid\n", file.display()));
    let o = zwasm(&["run", file.to_str().unwrap(), "--invoke", "size"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "1\n");
}

#[test]
fn validate_reports_valid_modules() {
    let o = zwasm(&["validate", &example("strings.wat")]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "examples/wat/strings.wat: valid\n");
    let dir = scratch("validate_zwo");
    let zwo = dir.join("s.zwo");
    assert_exit(
        &zwasm(&[
            "compile",
            &example("strings.wat"),
            "-o",
            zwo.to_str().unwrap(),
        ]),
        0,
    );
    let o = zwasm(&["validate", zwo.to_str().unwrap()]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{}: valid\n", zwo.display()));
}

#[test]
fn unsatisfied_imports_are_link_errors() {
    let dir = scratch("imports");
    let file = dir.join("imports.wat");
    std::fs::write(
        &file,
        "(module (import \"env\" \"log\" (func (param i32))) (func (export \"f\")))",
    )
    .unwrap();
    let o = zwasm(&[file.to_str().unwrap(), "--invoke", "f"]);
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("unknown import") && err.contains("log"),
        "{err}"
    );
}

#[test]
fn traps_exit_134_with_message_and_backtrace() {
    for (func, args, message) in [
        (
            "divide",
            &["1", "0"][..],
            "wasm trap: integer divide by zero",
        ),
        ("overflow", &[][..], "wasm trap: integer overflow"),
        ("boom", &[][..], "wasm trap: unreachable"),
        (
            "out_of_bounds",
            &[][..],
            "wasm trap: out of bounds memory access",
        ),
        ("deep", &["0"][..], "wasm trap: call stack exhausted"),
    ] {
        let mut argv = vec![
            "run".to_string(),
            example("traps.wat"),
            "--invoke".into(),
            func.into(),
        ];
        argv.extend(args.iter().map(|a| a.to_string()));
        let o = zwasm(&argv);
        assert_exit(&o, 134);
        let err = stderr(&o);
        assert!(
            err.starts_with("error: examples/wat/traps.wat: "),
            "{func}: {err}"
        );
        assert!(err.contains(message), "{func}: {err}");
        assert!(err.contains("wasm backtrace:"), "{func}: {err}");
        assert!(err.contains(&format!("0: {func} (func ")), "{func}: {err}");
        // Deep recursion is folded, not printed frame by frame.
        assert!(
            err.lines().count() < 40,
            "{func}: {} lines",
            err.lines().count()
        );
        assert_eq!(stdout(&o), "", "{func}");
    }
    let o = zwasm(&[
        &example("call_indirect.wat"),
        "--invoke",
        "calc",
        "9",
        "1",
        "1",
    ]);
    assert_exit(&o, 134);
    let o = zwasm(&[
        &example("bulk_memory.wat"),
        "--invoke",
        "fill_sum",
        "1",
        "70000",
    ]);
    assert_exit(&o, 134);
    assert!(
        stderr(&o).contains("out of bounds memory access"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_invoke_arguments_are_clear_errors() {
    let add = example("add.wat");
    let cases: &[(&[&str], &str)] = &[
        (
            &["--invoke", "add", "1"],
            "takes 2 arguments (i32 i32), 1 given",
        ),
        (
            &["--invoke", "add", "1", "2", "3"],
            "takes 2 arguments (i32 i32), 3 given",
        ),
        (
            &["--invoke", "add", "1", "x"],
            "argument 2 of `add`: `x` is not a valid i32",
        ),
        (&["--invoke", "add", "1", "1.5"], "`1.5` is not a valid i32"),
        (&["--invoke", "add", "1", "4294967296"], "not a valid i32"),
        (
            &["--invoke", "nope"],
            "no exported function `nope` (exported functions: add)",
        ),
    ];
    for &(args, message) in cases {
        let mut argv = vec!["run", add.as_str()];
        argv.extend_from_slice(args);
        let o = zwasm(&argv);
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(
            err.starts_with("error: examples/wat/add.wat: "),
            "{args:?}: {err}"
        );
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let o = zwasm(&[&example("strings.wat"), "--invoke", "memory"]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("export `memory` is a memory, not a function"),
        "{}",
        stderr(&o)
    );
    // clap's own usage errors exit 2.
    let o = zwasm(&["run"]);
    assert_exit(&o, 2);
    let o = zwasm(&["inspect", &add, "--bogus"]);
    assert_exit(&o, 2);
}

#[test]
fn guest_arguments_after_double_dash_are_not_invoke_arguments() {
    let o = zwasm(&[
        &example("add.wat"),
        "--invoke",
        "add",
        "-1",
        "-2",
        "--",
        "-x",
        "y",
    ]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "-3\n");
    let o = zwasm(&[&example("start.wat"), "--", "--anything"]);
    assert_exit(&o, 0);
}

fn compile_to(dir: &Path, file: &str) -> (PathBuf, Vec<u8>) {
    let zwo = dir.join(file.replace(".wat", ".zwo"));
    assert_exit(
        &zwasm(&["compile", &example(file), "-o", zwo.to_str().unwrap()]),
        0,
    );
    let bytes = std::fs::read(&zwo).unwrap();
    (zwo, bytes)
}

#[test]
fn damaged_artifacts_are_refused() {
    let dir = scratch("damaged");
    let (_, good) = compile_to(&dir, "factorial.wat");
    let header_len = 192;
    assert!(good.len() > header_len + 16);
    let mut cases: Vec<(&str, Vec<u8>, &[&str])> = Vec::new();
    // One flipped bit in the body, at a few places.
    for at in [header_len, header_len + 17, good.len() / 2, good.len() - 1] {
        let mut b = good.clone();
        b[at] ^= 0x10;
        cases.push(("flipped", b, &["damaged"]));
    }
    cases.push((
        "truncated",
        good[..good.len() - 1].to_vec(),
        &["truncated", "damaged"],
    ));
    cases.push((
        "truncated",
        good[..good.len() / 2].to_vec(),
        &["truncated", "damaged"],
    ));
    cases.push((
        "truncated",
        good[..100].to_vec(),
        &["shorter than a .zwo header"],
    ));
    let mut bad_magic = good.clone();
    bad_magic[1] = b'Z';
    cases.push(("bad-magic", bad_magic, &["not a .zwo artifact"]));
    for (i, (what, bytes, needles)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("{what}-{i}.zwo"));
        std::fs::write(&path, &bytes).unwrap();
        for cmd in ["run", "validate", "inspect"] {
            let o = zwasm(&[cmd, path.to_str().unwrap()]);
            assert_exit(&o, 1);
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!("error: {}: ", path.display())),
                "{what}: {err}"
            );
            assert!(
                needles.iter().any(|n| err.contains(n)),
                "{what} {cmd}: {err}"
            );
        }
    }
    // And the undamaged one still runs.
    let good_path = dir.join("factorial.zwo");
    let o = zwasm(&[good_path.to_str().unwrap(), "--invoke", "fac_iter", "5"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "120\n");
}

#[test]
fn compile_refuses_an_artifact_and_unwritable_output() {
    let dir = scratch("compile_errors");
    let (zwo, _) = compile_to(&dir, "add.wat");
    let o = zwasm(&["compile", zwo.to_str().unwrap()]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("already a .zwo"), "{}", stderr(&o));
    let o = zwasm(&[
        "compile",
        &example("add.wat"),
        "-o",
        "/nonexistent-dir/x.zwo",
    ]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("/nonexistent-dir/x.zwo: cannot write"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_and_version() {
    let o = zwasm(&["--help"]);
    assert_exit(&o, 0);
    for cmd in ["run", "compile", "validate", "inspect", "features", "cache"] {
        assert!(stdout(&o).contains(cmd), "{cmd} missing from --help");
    }
    let o = zwasm(&["--version"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("zwasm {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn loader_does_not_depend_on_the_compiler_stack() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "zwasm-loader",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cannot run cargo tree");
    assert!(o.status.success(), "cargo tree failed: {}", stderr(&o));
    let tree = stdout(&o);
    assert!(
        tree.contains("zwasm-loader") && tree.contains("zwasm-abi"),
        "{tree}"
    );
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            ![
                "wasmparser",
                "wat",
                "wast",
                "dynasm",
                "dynasmrt",
                "zwasm-compiler"
            ]
            .contains(&name),
            "the loader depends on {name}:\n{tree}"
        );
    }
}
