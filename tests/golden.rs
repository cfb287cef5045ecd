//! Golden disassembly of native code: every defined function of each
//! `tests/golden/*.wat`, compiled by `zwasm compile --cpu baseline` (the
//! same bytes on every machine), disassembled and compared with the
//! checked-in `tests/golden/<isa>/<name>.s`. Any change to the code the
//! backend emits shows in review as a change to those files.
//!
//! `ZWASM_BLESS=1 cargo test --release -p zwasm --test golden` rewrites the
//! files from the current compiler.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn zwasm(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_zwasm"))
        .args(args)
        .output()
        .expect("run zwasm");
    assert!(
        o.status.success(),
        "zwasm {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8 output")
}

/// A defined function with native code: its index, name, and where its code
/// lies in the artifact file.
struct Func {
    index: u64,
    name: String,
    offset: usize,
    len: usize,
}

/// The defined functions with native code, from `zwasm inspect --json`.
fn native_functions(json: &str) -> Vec<Func> {
    let field = |obj: &str, key: &str| -> Option<String> {
        let at = obj.find(&format!("\"{key}\": "))? + key.len() + 4;
        let rest = &obj[at..];
        let end = rest.find([',', '\n', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim().trim_matches('"').to_string())
    };
    let defined = &json[json.find("\"defined\"").expect("a defined list")..];
    defined
        .split("\"index\"")
        .skip(1)
        .map(|obj| format!("\"index\"{obj}"))
        .filter_map(|obj| {
            let num = |key: &str| field(&obj, key).and_then(|v| v.parse::<u64>().ok());
            Some(Func {
                index: num("index")?,
                name: field(&obj, "name").unwrap_or_default(),
                offset: num("native_file_offset")? as usize,
                len: num("native_bytes")? as usize,
            })
        })
        .collect()
}

/// The x86_64 disassembly of `code`, one instruction per line: offset,
/// bytes, instruction (AT&T syntax, branch targets as offsets in the
/// function).
fn disassemble_x86_64(code: &[u8]) -> String {
    use iced_x86::{Decoder, DecoderOptions, Formatter, GasFormatter, Instruction};
    let mut decoder = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut formatter = GasFormatter::new();
    formatter.options_mut().set_first_operand_char_index(8);
    let mut out = String::new();
    let mut text = String::new();
    let mut i = Instruction::default();
    while decoder.can_decode() {
        decoder.decode_out(&mut i);
        text.clear();
        formatter.format(&i, &mut text);
        let at = i.ip() as usize;
        let bytes: String = code[at..at + i.len()]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        writeln!(out, "{at:5x}  {bytes:<24} {text}").unwrap();
    }
    out
}

#[test]
fn native_code_matches_the_golden_disassembly() {
    let dir = root().join("tests/golden");
    let bless = std::env::var_os("ZWASM_BLESS").is_some();
    let tmp = std::env::temp_dir().join(format!("zwasm-golden-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut wats: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wats.sort();
    assert!(wats.len() >= 3, "only {} golden modules", wats.len());
    let mut stale = Vec::new();
    for wat in &wats {
        let stem = wat.file_stem().unwrap().to_str().unwrap();
        let zwo = tmp.join(format!("{stem}.zwo"));
        let zwo_s = zwo.to_str().unwrap();
        zwasm(&[
            "compile",
            "--cpu",
            "baseline",
            wat.to_str().unwrap(),
            "-o",
            zwo_s,
        ]);
        let bytes = std::fs::read(&zwo).unwrap();
        let funcs = native_functions(&zwasm(&["inspect", "--json", zwo_s]));
        assert!(!funcs.is_empty(), "{stem}: no function has native code");
        let mut text =
            format!("# {stem}.wat, `zwasm compile --cpu baseline` (regenerate: ZWASM_BLESS=1)\n");
        for f in &funcs {
            let code = &bytes[f.offset..f.offset + f.len];
            write!(
                text,
                "\n## func {} {}\n{}",
                f.index,
                f.name,
                disassemble_x86_64(code)
            )
            .unwrap();
        }
        let golden = dir.join("x86_64").join(format!("{stem}.s"));
        if bless {
            std::fs::write(&golden, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != text {
            let first = want
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(text.lines().count()));
            stale.push(format!(
                "{}: differs from line {}:\n  golden: {}\n  now:    {}",
                golden.display(),
                first + 1,
                want.lines().nth(first).unwrap_or("(end)"),
                text.lines().nth(first).unwrap_or("(end)")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        stale.is_empty(),
        "the native code changed; review it and rerun with ZWASM_BLESS=1 if intended:\n{}",
        stale.join("\n")
    );
}
