//! Golden disassembly of native code: every defined function of each
//! `tests/golden/*.wat`, compiled as `zwasm compile --target ISA --cpu
//! baseline` does (the same bytes on every host), disassembled and compared
//! with the checked-in `tests/golden/<isa>/<name>.s`. Any change to the code the
//! backend emits shows in review as a change to those files.
//!
//! `ZWASM_BLESS=1 cargo test --release -p zwasm --test golden` rewrites the
//! files from the current compiler.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use zwasm_compiler::{CompileOptions, Cpu, Isa};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The export name of each function the module text defines, in order (the
/// golden modules export every function, on the line that defines it).
fn export_names(wat: &str) -> Vec<String> {
    wat.lines()
        .filter(|l| l.trim_start().starts_with("(func"))
        .map(|l| {
            l.split_once("(export \"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map_or(String::new(), |(name, _)| name.to_string())
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

/// The AArch64 disassembly of `code`: offset, the instruction word, the
/// instruction (branch targets relative to it).
fn disassemble_aarch64(code: &[u8]) -> String {
    use yaxpeax_arch::{Decoder, U8Reader};
    use yaxpeax_arm::armv8::a64::InstDecoder;
    let decoder = InstDecoder::default();
    let mut out = String::new();
    for (k, word) in code.chunks(4).enumerate() {
        let text = decoder
            .decode(&mut U8Reader::new(word))
            .map_or_else(|e| format!("(undecodable: {e})"), |i| i.to_string());
        let w = u32::from_le_bytes(word.try_into().unwrap_or([0; 4]));
        writeln!(out, "{:5x}  {w:08x}  {text}", 4 * k).unwrap();
    }
    out
}

#[test]
fn native_code_matches_the_golden_disassembly() {
    let dir = root().join("tests/golden");
    let bless = std::env::var_os("ZWASM_BLESS").is_some();
    let mut wats: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    wats.sort();
    assert!(wats.len() >= 3, "only {} golden modules", wats.len());
    let mut stale = Vec::new();
    let mut native = [0usize; 2];
    for (k, isa) in [Isa::X86_64, Isa::Aarch64].into_iter().enumerate() {
        for wat in &wats {
            let stem = wat.file_stem().unwrap().to_str().unwrap();
            let source = std::fs::read_to_string(wat).unwrap();
            let opts = CompileOptions {
                target: isa,
                cpu: Cpu::Baseline,
                ..CompileOptions::default()
            };
            let artifact = zwasm_compiler::compile_artifact(source.as_bytes(), &opts)
                .unwrap_or_else(|e| panic!("{stem}: {e}"));
            let names = export_names(&source);
            let mut text = format!(
            "# {stem}.wat, `zwasm compile --target {} --cpu baseline` (regenerate: ZWASM_BLESS=1)\n",
            isa.name()
        );
            for (index, code) in artifact.native_code().enumerate() {
                let name = names.get(index).map_or("", String::as_str);
                if code.is_empty() {
                    write!(text, "\n## func {index} {name}: left to the interpreter\n").unwrap();
                    continue;
                }
                native[k] += 1;
                let listing = match isa {
                    Isa::X86_64 => disassemble_x86_64(code),
                    Isa::Aarch64 => disassemble_aarch64(code),
                };
                write!(text, "\n## func {index} {name}\n{listing}").unwrap();
            }
            let golden = dir.join(isa.name()).join(format!("{stem}.s"));
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
    }
    // Every module of the set has native code on x86_64, and the integer
    // ones on AArch64.
    assert!(
        native[0] >= 10 && native[1] >= 7,
        "functions with native code: {native:?}"
    );
    assert!(
        stale.is_empty(),
        "the native code changed; review it and rerun with ZWASM_BLESS=1 if intended:\n{}",
        stale.join("\n")
    );
}
