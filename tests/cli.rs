//! CLI end-to-end tests: drive the built `zwasm` binary over the examples and
//! over broken inputs, and check stdout, stderr and exit codes. Every example's
//! documented commands (in its header comment) are run too, so the docs stay true.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root; the tests run the binary from there so that paths in
/// messages read `examples/wat/...` as in the docs.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn zwasm<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwasm"))
        .args(args)
        .current_dir(root())
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
/// Every file in `examples/wat/` must appear here at least once.
const EXAMPLES: &[(&str, &str, &[&str], &str)] = &[
    ("add.wat", "add", &["2", "3"], "5\n"),
    ("add.wat", "add", &["-7", "0x10"], "9\n"),
    ("add.wat", "add", &["0x7fffffff", "1"], "-2147483648\n"),
    ("factorial.wat", "fac_rec", &["20"], "2432902008176640000\n"),
    (
        "factorial.wat",
        "fac_iter",
        &["20"],
        "2432902008176640000\n",
    ),
    ("factorial.wat", "fac_iter", &["0"], "1\n"),
    ("fibonacci.wat", "fib_rec", &["20"], "6765\n"),
    ("fibonacci.wat", "fib", &["90"], "2880067194370816120\n"),
    ("loops.wat", "sum", &["100"], "5050\n"),
    ("loops.wat", "sum", &["0"], "0\n"),
    ("loops.wat", "collatz", &["27"], "111\n"),
    ("strings.wat", "strlen", &["0"], "19\n"),
    ("strings.wat", "count_char", &["0", "0x65"], "3\n"),
    ("strings.wat", "checksum", &["0", "5"], "500\n"),
    ("strings.wat", "load_word", &[], "67305985\n"),
    ("multi_value.wat", "swap", &["1", "2"], "2\n1\n"),
    ("multi_value.wat", "divmod", &["17", "5"], "3\n2\n"),
    ("multi_value.wat", "minmax", &["9", "4"], "4\n9\n"),
    ("multi_value.wat", "sum_via_block", &["40", "2"], "42\n"),
    ("br_table.wat", "days_in_month", &["2"], "28\n"),
    ("br_table.wat", "days_in_month", &["4"], "30\n"),
    ("br_table.wat", "days_in_month", &["12"], "31\n"),
    ("br_table.wat", "days_in_month", &["13"], "0\n"),
    ("br_table.wat", "days_in_month", &["-1"], "0\n"),
    ("br_table.wat", "grade", &["95"], "1\n"),
    ("br_table.wat", "grade", &["71"], "3\n"),
    ("br_table.wat", "grade", &["12"], "4\n"),
    ("call_indirect.wat", "calc", &["2", "6", "7"], "42\n"),
    ("call_indirect.wat", "calc", &["0", "-5", "3"], "-2\n"),
    ("call_indirect.wat", "calc", &["3", "100", "-7"], "-14\n"),
    ("bulk_memory.wat", "fill_sum", &["7", "10"], "70\n"),
    ("bulk_memory.wat", "copy_overlapping", &[], "84148994\n"),
    ("bulk_memory.wat", "init_passive", &["100"], "562\n"),
    ("globals.wat", "count_to", &["5"], "5\n"),
    ("globals.wat", "increment", &[], "1\n"),
    ("globals.wat", "next_id", &[], "1001\n"),
    ("traps.wat", "divide", &["7", "2"], "3\n"),
    ("traps.wat", "divide", &["-7", "2"], "-3\n"),
    ("select.wat", "max", &["-3", "8"], "8\n"),
    ("select.wat", "abs", &["-42"], "42\n"),
    ("select.wat", "clamp", &["250", "0", "100"], "100\n"),
    ("select.wat", "clamp", &["-5", "0", "100"], "0\n"),
    ("select.wat", "fmax", &["1.5", "-inf"], "1.5\n"),
    ("i64_math.wat", "gcd", &["1071", "462"], "21\n"),
    ("i64_math.wat", "pow", &["3", "39"], "4052555153018976267\n"),
    (
        "i64_math.wat",
        "pow",
        &["3", "40"],
        "-6289078614652622815\n",
    ),
    ("i64_math.wat", "bits", &["0xff00"], "8\n48\n8\n"),
    ("i64_math.wat", "rotl", &["0x8000000000000001", "1"], "3\n"),
    (
        "i64_math.wat",
        "shr_s_vs_u",
        &["-0x8000000000000000"],
        "-8\n8\n",
    ),
    ("float_math.wat", "hypot", &["3", "4"], "5\n"),
    (
        "float_math.wat",
        "circle_area",
        &["0.5"],
        "0.7853981633974483\n",
    ),
    ("float_math.wat", "div", &["1", "0"], "inf\n"),
    ("float_math.wat", "div", &["-1", "0"], "-inf\n"),
    ("float_math.wat", "div", &["0", "0"], "nan\n"),
    ("float_math.wat", "rounding", &["-2.5"], "-2\n-2\n-3\n-2\n"),
    ("float_math.wat", "rounding", &["3.5"], "4\n3\n3\n4\n"),
    ("float_math.wat", "fmin", &["nan", "1"], "nan\n"),
    ("float_math.wat", "fmin", &["0", "-0"], "-0\n"),
    ("float_math.wat", "copysign", &["3", "-0"], "-3\n"),
    ("float_math.wat", "quarter", &[], "0.25\n"),
    ("conversions.wat", "extend8", &["255"], "-1\n"),
    ("conversions.wat", "extend16", &["0x8000"], "-32768\n"),
    ("conversions.wat", "extend32", &["0xffffffff"], "-1\n"),
    ("conversions.wat", "sat_i32", &["1e10"], "2147483647\n"),
    ("conversions.wat", "sat_i32", &["-inf"], "-2147483648\n"),
    ("conversions.wat", "sat_i32", &["nan"], "0\n"),
    ("conversions.wat", "sat_u8", &["-3.5"], "0\n"),
    ("conversions.wat", "trunc_i32", &["-3.9"], "-3\n"),
    (
        "conversions.wat",
        "int_to_float",
        &["-9007199254740993"],
        "-9007199254740992\n",
    ),
    ("conversions.wat", "float_bits", &["1"], "1065353216\n"),
    ("conversions.wat", "float_bits", &["0x1p-149"], "1\n"),
    ("reference_types.wat", "is_null", &["0"], "0\n"),
    ("reference_types.wat", "is_null", &["3"], "1\n"),
    ("reference_types.wat", "fill_and_call", &["3"], "42\n"),
    ("reference_types.wat", "grow", &["2"], "6\n"),
    ("reference_types.wat", "keep", &["7"], "ref.extern 7\n"),
    ("reference_types.wat", "keep", &["null"], "null\n"),
    ("reference_types.wat", "get", &["1"], "ref.func\n"),
    ("reference_types.wat", "get", &["2"], "null\n"),
    ("memory_grow.wat", "grow", &["2"], "1\n3\n"),
    ("memory_grow.wat", "grow", &["10"], "-1\n1\n"),
    ("memory_grow.wat", "touch_new_page", &[], "0\n99\n"),
    ("start.wat", "count_primes", &["100"], "25\n"),
    ("start.wat", "count_primes", &["10000"], "1229\n"),
    ("start.wat", "_start", &[], ""),
];

fn example(file: &str) -> String {
    format!("examples/wat/{file}")
}

#[test]
fn every_example_gives_its_expected_output() {
    let mut failures = Vec::new();
    for &(file, func, args, expected) in EXAMPLES {
        let path = example(file);
        let mut argv = vec!["run", path.as_str(), "--invoke", func];
        argv.extend_from_slice(args);
        let o = zwasm(&argv);
        if o.status.code() != Some(0) || stdout(&o) != expected {
            failures.push(format!(
                "zwasm {}\n  expected {expected:?}, got {:?} (exit {:?})\n  stderr: {}",
                argv.join(" "),
                stdout(&o),
                o.status.code(),
                stderr(&o).trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_example_file_is_in_the_table() {
    let dir = root().join("examples/wat");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".wat"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} examples", files.len());
    let missing: Vec<_> = files
        .iter()
        .filter(|f| !EXAMPLES.iter().any(|e| e.0 == f.as_str()))
        .collect();
    assert!(missing.is_empty(), "examples without a test: {missing:?}");
    let readme = std::fs::read_to_string(root().join("examples/README.md")).unwrap();
    for f in &files {
        assert!(
            readme.contains(&format!("(wat/{f})")),
            "examples/README.md does not list {f}"
        );
    }
}

/// One documented command from an example's header comment.
#[derive(Debug)]
struct DocCase {
    file: String,
    argv: Vec<String>,
    /// Exit 0 with exactly these stdout lines, or exit 134 with these lines in stderr.
    trap: bool,
    lines: Vec<String>,
}

/// Reads the `;;   zwasm run ...` / `;; Expected output:` / `;; Expected trap:`
/// blocks of an example's header comment.
fn doc_cases(file: &str, text: &str) -> Vec<DocCase> {
    let mut cases = Vec::new();
    let mut commands: Vec<Vec<String>> = Vec::new();
    let mut expect: Option<(bool, Vec<String>)> = None;
    let mut flush = |commands: &mut Vec<Vec<String>>, expect: &mut Option<(bool, Vec<String>)>| {
        if let Some((trap, lines)) = expect.take() {
            for argv in commands.drain(..) {
                cases.push(DocCase {
                    file: file.into(),
                    argv,
                    trap,
                    lines: lines.clone(),
                });
            }
        }
    };
    for line in text.lines().take_while(|l| l.starts_with(";;")) {
        let body = &line[2..];
        let indented = body.starts_with("  ");
        let trimmed = body.trim();
        if let Some(cmd) = trimmed.strip_prefix("zwasm ").filter(|_| indented) {
            flush(&mut commands, &mut expect);
            commands.push(cmd.split_whitespace().map(String::from).collect());
        } else if trimmed.starts_with("Expected output") {
            expect = Some((false, Vec::new()));
            if trimmed.contains("none") {
                flush(&mut commands, &mut expect);
            }
        } else if trimmed.starts_with("Expected trap") {
            expect = Some((true, Vec::new()));
        } else if let (true, Some((_, lines))) = (indented && !trimmed.is_empty(), &mut expect) {
            lines.push(trimmed.to_string());
        } else {
            flush(&mut commands, &mut expect);
            commands.clear();
        }
    }
    flush(&mut commands, &mut expect);
    cases
}

#[test]
fn documented_commands_in_examples_are_true() {
    let dir = root().join("examples/wat");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        assert!(
            text.starts_with(&format!(";; {name} — ")),
            "{name} should start with `;; {name} — what it shows`"
        );
        let cases = doc_cases(&name, &text);
        assert!(
            !cases.is_empty(),
            "{name} documents no command with its expected output"
        );
        for case in cases {
            count += 1;
            assert_eq!(
                case.argv[..2],
                ["run".to_string(), example(&case.file)],
                "{case:?}"
            );
            let o = zwasm(&case.argv);
            let ok = if case.trap {
                let err = stderr(&o);
                o.status.code() == Some(134) && case.lines.iter().all(|l| err.contains(l.as_str()))
            } else {
                let out = stdout(&o);
                let out: Vec<&str> = out.lines().map(str::trim).collect();
                o.status.code() == Some(0) && out == case.lines
            };
            if !ok {
                failures.push(format!(
                    "{}: zwasm {}\n  expected {} {:?}\n  got exit {:?}, stdout {:?}, stderr {:?}",
                    case.file,
                    case.argv.join(" "),
                    if case.trap { "trap with" } else { "output" },
                    case.lines,
                    o.status.code(),
                    stdout(&o),
                    stderr(&o)
                ));
            }
        }
    }
    assert!(count >= 30, "only {count} documented commands found");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
fn compile_from_wasm_binary_and_default_output_name() {
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
    let o = zwasm(&["compile", file.to_str().unwrap()]);
    assert_exit(&o, 0);
    let o = zwasm(&[
        dir.join("add.zwo").to_str().unwrap(),
        "--invoke",
        "add",
        "1",
        "2",
    ]);
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

// ---- inspect ----

#[test]
fn inspect_text_lists_the_module() {
    let o = zwasm(&["inspect", &example("strings.wat")]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for needle in [
        "module examples/wat/strings.wat",
        "exports: 5",
        "  memory: memory 0",
        "  strlen: func 0",
        "memories: 1",
        "  memory 0: 1 pages, max none",
        "functions: 4 (0 imported, 4 defined)",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let row = out.lines().find(|l| {
        l.trim_end()
            .ends_with("strlen: (func (param i32) (result i32))")
    });
    let row = row.unwrap_or_else(|| panic!("no strlen row in\n{out}"));
    let numbers: Vec<u64> = row
        .split_whitespace()
        .take(4)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(numbers[0], 0, "{row}");
    assert!(numbers[1..].iter().all(|&n| n > 0), "{row}");
}

#[test]
fn inspect_json_is_structured() {
    let o = zwasm(&["inspect", "--json", &example("reference_types.wat")]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)));
    assert_eq!(j.get("file").str(), "examples/wat/reference_types.wat");
    assert_eq!(j.get("imports").arr().len(), 0);
    let exports = j.get("exports").arr();
    assert!(exports
        .iter()
        .any(|e| e.get("name").str() == "keep" && e.get("kind").str() == "func"));
    let tables = j.get("tables").arr();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].get("elem").str(), "funcref");
    assert_eq!(tables[0].get("min").num(), 4.0);
    assert_eq!(tables[1].get("elem").str(), "externref");
    assert_eq!(*tables[0].get("max"), Json::Null);
    let funcs = j.get("functions");
    assert_eq!(funcs.get("count").num(), 8.0);
    assert_eq!(funcs.get("imported").num(), 0.0);
    let defined = funcs.get("defined").arr();
    assert_eq!(defined.len(), 8);
    let keep = defined
        .iter()
        .find(|f| f.get("name").str() == "keep")
        .expect("keep");
    assert_eq!(
        keep.get("type").str(),
        "(func (param externref) (result externref))"
    );
    for f in defined {
        for key in ["wasm_size", "ir_instrs", "slots", "index"] {
            assert!(f.get(key).num() >= 0.0);
        }
        assert!(f.get("ir_instrs").num() >= 1.0);
    }

    let o = zwasm(&["inspect", "--json", &example("globals.wat")]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    let globals = j.get("globals").arr();
    assert_eq!(globals.len(), 4);
    assert_eq!(globals[0].get("mutable"), &Json::Bool(true));
    assert_eq!(globals[1].get("mutable"), &Json::Bool(false));
    assert_eq!(globals[0].get("type").str(), "i32");
    assert_eq!(*j.get("start"), Json::Null);

    let o = zwasm(&["inspect", "--json", &example("start.wat")]);
    let j = parse_json(&stdout(&o)).unwrap();
    assert_eq!(j.get("start").num(), 0.0);
    let mem = &j.get("memories").arr()[0];
    assert_eq!(
        (mem.get("min").num(), mem.get("memory64")),
        (1.0, &Json::Bool(false))
    );
}

#[test]
fn inspect_json_lists_imports_and_escapes_names() {
    let dir = scratch("inspect_imports");
    let file = dir.join("imports.wat");
    std::fs::write(
        &file,
        r#"(module
             (import "env" "say \"hi\"\n" (func (param i32)))
             (import "env" "mem" (memory 1 2))
             (import "env" "g" (global (mut i64)))
             (import "env" "t" (table 3 funcref))
             (func $inner (export "tab\there") (param i32) (result i32) local.get 0))"#,
    )
    .unwrap();
    let o = zwasm(&["inspect", "--json", file.to_str().unwrap()]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)));
    let imports = j.get("imports").arr();
    assert_eq!(imports.len(), 4);
    assert_eq!(imports[0].get("name").str(), "say \"hi\"\n");
    assert_eq!(imports[0].get("kind").str(), "func");
    assert_eq!(imports[0].get("type").str(), "(func (param i32))");
    assert_eq!(imports[1].get("kind").str(), "memory");
    assert_eq!(imports[1].get("max").num(), 2.0);
    assert_eq!(imports[2].get("type").str(), "i64");
    assert_eq!(imports[3].get("elem").str(), "funcref");
    assert_eq!(j.get("exports").arr()[0].get("name").str(), "tab\there");
    let funcs = j.get("functions");
    assert_eq!(
        (funcs.get("count").num(), funcs.get("imported").num()),
        (2.0, 1.0)
    );
    assert_eq!(funcs.get("defined").arr()[0].get("index").num(), 1.0);
    // --ir of the imported function explains itself.
    let o = zwasm(&["inspect", file.to_str().unwrap(), "--ir", "0"]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("function 0 is imported"),
        "{}",
        stderr(&o)
    );
    // The name-section name works as well as the export name.
    for name in ["$inner", "inner", "tab\there", "1"] {
        let o = zwasm(&["inspect", file.to_str().unwrap(), "--ir", name]);
        assert_exit(&o, 0);
        assert!(
            stdout(&o).starts_with("func 1 inner: "),
            "{name}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn inspect_ir_prints_a_function() {
    for func in ["fac_iter", "1"] {
        let o = zwasm(&["inspect", &example("factorial.wat"), "--ir", func]);
        assert_exit(&o, 0);
        let out = stdout(&o);
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("func 1 fac_iter: (func (param i64) (result i64))")
        );
        assert!(
            lines.next().unwrap().starts_with("; 1 params, 1 locals, "),
            "{out}"
        );
        let code: Vec<&str> = lines.collect();
        assert!(code.len() >= 3, "{out}");
        assert!(code[0].trim_start().starts_with("0: "), "{out}");
        assert!(out.contains("i64.mul"), "{out}");
        assert!(code.last().unwrap().contains("return"), "{out}");
    }
    // The JSON form has the same instructions.
    let o = zwasm(&["inspect", &example("add.wat"), "--ir", "add", "--json"]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    assert_eq!(j.get("name").str(), "add");
    assert_eq!(j.get("params").num(), 2.0);
    let ir = j.get("ir").arr();
    assert!(ir.iter().any(|l| l.str().contains("i32.add")), "{ir:?}");
    // Unknown names and indices are errors.
    for bad in ["nope", "99"] {
        let o = zwasm(&["inspect", &example("add.wat"), "--ir", bad]);
        assert_exit(&o, 1);
        assert!(stderr(&o).contains("no function"), "{}", stderr(&o));
    }
}

// ---- features ----

#[test]
fn features_lists_every_proposal() {
    let o = zwasm(&["features"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().starts_with("PROPOSAL"));
    let row = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in\n{out}"))
            .to_string()
    };
    assert!(row("mvp").ends_with("supported"));
    assert!(row("bulk-memory").contains("2.0"));
    assert!(row("gc").contains("3.0"));
    assert!(row("simd").split_whitespace().last().is_some());

    let o = zwasm(&["features", "--json"]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    let list = j.arr();
    assert_eq!(list.len(), out.lines().count() - 1);
    let mut seen = BTreeMap::new();
    for f in list {
        let status = f.get("status").str();
        assert!(
            ["supported", "planned", "partial", "experimental"].contains(&status),
            "{status}"
        );
        seen.insert(f.get("name").str().to_string(), status.to_string());
        assert!(!f.get("spec").str().is_empty());
    }
    assert_eq!(seen.get("mvp").map(String::as_str), Some("supported"));
    assert!(seen.contains_key("reference-types") && seen.contains_key("memory64"));
}

#[test]
fn help_and_version() {
    let o = zwasm(&["--help"]);
    assert_exit(&o, 0);
    for cmd in ["run", "compile", "validate", "inspect", "features"] {
        assert!(stdout(&o).contains(cmd), "{cmd} missing from --help");
    }
    let o = zwasm(&["--version"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("zwasm {}\n", env!("CARGO_PKG_VERSION")));
}

// ---- the loader stays small ----

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

// ---- a small JSON reader, to check `--json` output structurally ----

#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    #[track_caller]
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(fields) => {
                &fields
                    .iter()
                    .find(|(k, _)| k == key)
                    .unwrap_or_else(|| panic!("no key {key}"))
                    .1
            }
            _ => panic!("not an object, looking for {key}: {self:?}"),
        }
    }

    #[track_caller]
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }

    #[track_caller]
    fn num(&self) -> f64 {
        match self {
            Json::Num(n) => *n,
            _ => panic!("not a number: {self:?}"),
        }
    }

    #[track_caller]
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => panic!("not an array: {self:?}"),
        }
    }
}

fn parse_json(text: &str) -> Result<Json, String> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing data at byte {}", p.i));
    }
    Ok(v)
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && b" \t\r\n".contains(&self.s[self.i]) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected `{}` at byte {}", b as char, self.i))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        let rest = &self.s[self.i..];
        for (word, v) in [
            ("null", Json::Null),
            ("true", Json::Bool(true)),
            ("false", Json::Bool(false)),
        ] {
            if rest.starts_with(word.as_bytes()) {
                self.i += word.len();
                return Ok(v);
            }
        }
        match rest.first() {
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return Err(format!("bad array at byte {}", self.i)),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    fields.push((k, self.value()?));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(fields));
                        }
                        _ => return Err(format!("bad object at byte {}", self.i)),
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let start = self.i;
                while self.i < self.s.len() && b"+-.eE0123456789".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                t.parse()
                    .map(Json::Num)
                    .map_err(|_| format!("bad number {t}"))
            }
            _ => Err(format!("unexpected input at byte {}", self.i)),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.s.get(self.i) != Some(&b'"') {
            return Err(format!("expected a string at byte {}", self.i));
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.i).ok_or("unterminated string")?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|e| e.to_string()),
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or("bad escape")?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            char::from_u32(u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?)
                                .ok_or("bad \\u escape")?
                        }
                        _ => return Err(format!("bad escape at byte {}", self.i)),
                    };
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                c if c < 0x20 => return Err(format!("raw control character at byte {}", self.i)),
                c => out.push(c),
            }
        }
    }
}
