//! Every example in `examples/wat/` runs with the output the table below
//! expects, and every command documented in an example's header comment
//! (`;;   zwasm run ...` then `;; Expected output:` or `;; Expected trap:`) is true.

use crate::{example, root, stderr, stdout, zwasm};

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
    ("simd.wat", "mandel_row", &["12"], "2011\n"),
    ("simd.wat", "mandel_row", &["16"], "2962\n"),
    ("simd.wat", "mandel_row", &["0"], "240\n"),
    (
        "simd.wat",
        "shifts",
        &["0x12345678", "3"],
        "8885093528263321448\n",
    ),
    ("simd.wat", "shifts", &["-1", "7"], "-8240081115066386763\n"),
    ("loops.wat", "sum", &["0"], "0\n"),
    ("loops.wat", "collatz", &["27"], "111\n"),
    ("loops.wat", "count_while", &["10"], "55\n"),
    ("loops.wat", "count_while", &["0"], "0\n"),
    ("loops.wat", "count_while_no_else", &["7"], "7\n"),
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
    ("tail_calls.wat", "is_even", &["1000001"], "0\n"),
    ("tail_calls.wat", "is_even", &["0"], "1\n"),
    ("tail_calls.wat", "sum", &["1000000"], "500000500000\n"),
    ("tail_calls.wat", "run_machine", &["10"], "55\n"),
    ("tail_calls.wat", "run_machine", &["0"], "0\n"),
];

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
