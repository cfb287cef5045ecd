//! Artifacts with native code that are damaged or do not fit this machine:
//! truncated, with a flipped byte, another format or compiler version,
//! another ISA, CPU features the host lacks. Each is refused with an error
//! naming the problem, both by `Module::from_bytes` and by `zwasm run`
//! (exit 1, the message on stderr, no panic).

use super::{assert_exit, example, root, scratch, stderr, zwasm};
use zwasm_abi::artifact::{Isa, FORMAT_VERSION, HEADER_LEN};
use zwasm_abi::native::cpu;
use zwasm_loader::Module;

/// An example compiled to native code, with its sections' (offset, length).
struct Artifact {
    bytes: Vec<u8>,
    meta: (usize, usize),
    ir: (usize, usize),
    code: (usize, usize),
}

fn native_artifact() -> Artifact {
    let src = std::fs::read(root().join(example("fibonacci.wat"))).unwrap();
    // With every function's IR kept, so that each section has bytes to spoil.
    let opts = zwasm_compiler::CompileOptions {
        keep_ir: true,
        ..Default::default()
    };
    let bytes = zwasm_compiler::compile(&src, &opts).unwrap();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let section = |i: usize| (word(128 + 16 * i), word(136 + 16 * i));
    let (meta, ir, code) = (section(0), section(1), section(2));
    let a = Artifact {
        bytes,
        meta,
        ir,
        code,
    };
    assert!(a.code.1 > 0, "fibonacci.wat has no native code");
    assert_eq!(a.code.0 % 4096, 0, "the code section is page-aligned");
    assert!(Module::from_bytes(&a.bytes).unwrap().native_funcs() > 0);
    a
}

/// (what was done, the spoiled bytes, what the error must say).
type Spoiled = (String, Vec<u8>, String);

fn with(bytes: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = bytes.to_vec();
    f(&mut b);
    b
}

/// Every spoiled variant of `a`.
fn spoiled(a: &Artifact) -> Vec<Spoiled> {
    let b = &a.bytes;
    let out_of_range =
        |s: &str| format!("artifact is truncated or damaged: {s} section out of range");
    let mut cases: Vec<Spoiled> = Vec::new();
    for n in [0, 7, 100, HEADER_LEN - 1] {
        let why = format!("file is {n} bytes, shorter than a .zwo header ({HEADER_LEN})");
        cases.push((format!("truncated to {n} bytes"), b[..n].to_vec(), why));
    }
    let code_end = a.code.0 + a.code.1;
    for (n, section) in [
        (HEADER_LEN, "metadata"),
        (a.meta.0 + a.meta.1 / 2, "metadata"),
        (a.ir.0 + a.ir.1 / 2, "IR"),
        (a.ir.0 + a.ir.1, "code"),
        (a.code.0 + a.code.1 / 2, "code"),
        (code_end - 1, "code"),
    ] {
        cases.push((
            format!("truncated to {n} bytes, inside the {section} section"),
            b[..n].to_vec(),
            out_of_range(section),
        ));
    }
    let hash = "artifact is damaged: hash does not match".to_string();
    if b.len() > code_end {
        // Only the padding after the code is gone: every section is whole.
        cases.push((
            "truncated in the padding after the code".into(),
            b[..b.len() - 1].to_vec(),
            hash.clone(),
        ));
    }
    for at in [a.code.0, a.code.0 + a.code.1 / 2, code_end - 1] {
        cases.push((
            format!("byte {at} (code section) flipped"),
            with(b, |b| b[at] ^= 0x01),
            hash.clone(),
        ));
    }
    let meta_at = a.meta.0 + a.meta.1 / 2;
    cases.push((
        format!("byte {meta_at} (metadata) flipped"),
        with(b, |b| b[meta_at] ^= 0x80),
        hash.clone(),
    ));
    let next = FORMAT_VERSION + 1;
    cases.push((
        "format version".into(),
        with(b, |b| b[8..12].copy_from_slice(&next.to_le_bytes())),
        format!("artifact format version {next}, this zwasm reads version {FORMAT_VERSION}"),
    ));
    let other = "0.0.0-other";
    let set_version = |b: &mut Vec<u8>| {
        b[12..44].fill(0);
        b[12..12 + other.len()].copy_from_slice(other.as_bytes());
    };
    let version_message = format!(
        "artifact was compiled by zwasm {other}, this is zwasm {}; recompile it",
        zwasm_abi::COMPILER_VERSION
    );
    cases.push((
        "compiler version".into(),
        with(b, set_version),
        version_message.clone(),
    ));
    // The fingerprint is checked before the body: a foreign artifact is
    // named as such even when its body does not match this loader's hash.
    cases.push((
        "compiler version, and a code byte flipped".into(),
        with(b, |b| {
            set_version(b);
            b[a.code.0] ^= 0x01;
        }),
        version_message,
    ));
    cases.push((
        "another runtime ABI".into(),
        with(b, |b| b[176] ^= 0x01),
        format!(
            "artifact was built against another runtime ABI ({:#018x}, this zwasm has {:#018x}); recompile it",
            zwasm_abi::native::ABI_FINGERPRINT ^ 1,
            zwasm_abi::native::ABI_FINGERPRINT
        ),
    ));
    let (host, other) = match Isa::host() {
        Isa::Aarch64 => (Isa::Aarch64, Isa::X86_64),
        _ => (Isa::X86_64, Isa::Aarch64),
    };
    cases.push((
        format!("ISA {}", other.name()),
        with(b, |b| b[44] = other as u8),
        format!(
            "artifact targets {}, this machine is {}",
            other.name(),
            host.name()
        ),
    ));
    cases.push((
        "ISA unknown".into(),
        with(b, |b| b[44] = 0x7f),
        "artifact targets an unknown ISA (127)".into(),
    ));
    // CPU features and flags sit in the header, which the hash covers: set
    // bits in the header word at `at`, then re-hash.
    let set_bits = |at: usize, bits: u64| {
        with(b, |b| {
            let old = u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
            b[at..at + 8].copy_from_slice(&(old | bits).to_le_bytes());
            let mut h = blake3::Hasher::new();
            for part in zwasm_abi::artifact::hashed_parts(b) {
                h.update(part);
            }
            b[96..128].copy_from_slice(h.finalize().as_bytes());
        })
    };
    let features = |bits: u64| set_bits(48, bits);
    cases.push((
        "an unknown CPU feature bit".into(),
        features(1 << 63),
        "artifact needs CPU features this machine lacks: unknown feature bits 0x8000000000000000"
            .into(),
    ));
    // A header that says native functions kept only part of their IR, on an
    // artifact whose bodies are whole: the loader checks each kept
    // instruction on its own, and a body has branches.
    cases.push((
        "the partial-IR flag on whole bodies".into(),
        set_bits(56, zwasm_abi::native::flags::PARTIAL_IR),
        "artifact is damaged: function 0: branch in a native function's IR at instruction 0".into(),
    ));
    for (bit, name) in cpu::NAMES {
        if !host_has(*bit) {
            cases.push((
                format!("CPU feature {name}, which this machine lacks"),
                features(*bit),
                format!("artifact needs CPU features this machine lacks: {name}"),
            ));
        }
    }
    cases
}

/// Whether this machine has the CPU feature with header bit `bit` (the
/// bits are x86_64's: another machine has none of them).
#[cfg(not(target_arch = "x86_64"))]
fn host_has(_bit: u64) -> bool {
    false
}

/// Whether this machine has the CPU feature with header bit `bit`.
#[cfg(target_arch = "x86_64")]
fn host_has(bit: u64) -> bool {
    match bit {
        cpu::POPCNT => std::arch::is_x86_feature_detected!("popcnt"),
        cpu::LZCNT => std::arch::is_x86_feature_detected!("lzcnt"),
        cpu::BMI1 => std::arch::is_x86_feature_detected!("bmi1"),
        cpu::SSE41 => std::arch::is_x86_feature_detected!("sse4.1"),
        cpu::AVX => std::arch::is_x86_feature_detected!("avx"),
        cpu::AVX2 => std::arch::is_x86_feature_detected!("avx2"),
        _ => panic!("feature bit {bit:#x} has no detection here: add it"),
    }
}

#[test]
fn spoiled_native_artifacts_are_refused_by_the_loader() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    let a = native_artifact();
    for (what, bytes, why) in spoiled(&a) {
        match Module::from_bytes(&bytes) {
            Ok(_) => panic!("{what}: loaded"),
            Err(e) => assert_eq!(e.to_string(), why, "{what}"),
        }
    }
}

#[test]
fn spoiled_native_artifacts_are_refused_by_zwasm_run() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    let dir = scratch("spoiled_native");
    let a = native_artifact();
    for (i, (what, bytes, why)) in spoiled(&a).into_iter().enumerate() {
        let path = dir.join(format!("spoiled-{i}.zwo"));
        std::fs::write(&path, &bytes).unwrap();
        let o = zwasm(&["run", path.to_str().unwrap(), "--invoke", "fib", "10"]);
        assert_exit(&o, 1);
        // The CLI refuses an empty file before looking at what it holds.
        let why = if bytes.is_empty() {
            "file is empty".to_string()
        } else {
            why
        };
        assert_eq!(
            stderr(&o),
            format!("error: {}: {why}\n", path.display()),
            "{what}"
        );
    }
    // The unspoiled artifact runs.
    let good = dir.join("good.zwo");
    std::fs::write(&good, &a.bytes).unwrap();
    let o = zwasm(&["run", good.to_str().unwrap(), "--invoke", "fib", "10"]);
    assert_exit(&o, 0);
    assert_eq!(super::stdout(&o), "55\n");
}

/// One flipped bit anywhere in the header of an artifact with native code:
/// `zwasm run` refuses the file or runs it correctly, and never crashes.
#[test]
fn a_flipped_header_bit_is_refused_or_harmless() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    let dir = scratch("header_bits");
    let a = native_artifact();
    let path = dir.join("flipped.zwo");
    let mut bad = Vec::new();
    for at in 0..HEADER_LEN {
        for bit in 0..8 {
            let bytes = with(&a.bytes, |b| b[at] ^= 1 << bit);
            std::fs::write(&path, &bytes).unwrap();
            let o = zwasm(&["run", path.to_str().unwrap(), "--invoke", "fib", "10"]);
            let refused = o.status.code() == Some(1) && stderr(&o).starts_with("error: ");
            let harmless = o.status.code() == Some(0) && super::stdout(&o) == "55\n";
            if !refused && !harmless {
                bad.push(format!(
                    "byte {at} bit {bit}: {:?} {}",
                    o.status,
                    stderr(&o)
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `zwasm compile -o` writes an artifact for any x86_64 CPU (the baseline,
/// SSE4.1) unless `--cpu native` asks for this machine's extensions; the
/// summary lists what the code needs beyond the baseline.
#[test]
fn shipped_artifacts_are_for_the_baseline_cpu_unless_asked() {
    let dir = scratch("cpu_targets");
    let wat = dir.join("bits.wat");
    std::fs::write(
        &wat,
        r#"(module
  (func (export "popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0))))"#,
    )
    .unwrap();
    let features = |file: &std::path::Path| {
        let o = zwasm(&["inspect", "--json", file.to_str().unwrap()]);
        assert_exit(&o, 0);
        let json = String::from_utf8(o.stdout).unwrap();
        let at = json
            .find("\"cpu_features\"")
            .expect("cpu_features in the summary");
        let list = &json[at..];
        list[..list.find(']').unwrap()].to_string()
    };
    let (base, native) = (dir.join("base.zwo"), dir.join("native.zwo"));
    for (out, extra) in [(&base, None), (&native, Some("native"))] {
        let mut args = vec![
            "compile",
            wat.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra.map(|cpu| ["--cpu", cpu]).into_iter().flatten());
        assert_exit(&zwasm(&args), 0);
        let o = zwasm(&["run", out.to_str().unwrap(), "--invoke", "popcnt", "-1"]);
        assert_exit(&o, 0);
        assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), "64");
    }
    let base = features(&base);
    assert!(
        !base.contains("popcnt") && !base.contains("lzcnt"),
        "{base}"
    );
    let native = features(&native);
    assert_eq!(native.contains("popcnt"), host_has(cpu::POPCNT), "{native}");
    assert_eq!(native.contains("lzcnt"), host_has(cpu::LZCNT), "{native}");
    // A bad target is a usage error.
    let o = zwasm(&[
        "compile",
        "--cpu",
        "pentium",
        wat.to_str().unwrap(),
        "-o",
        "x.zwo",
    ]);
    assert_exit(&o, 2);
}

/// `zwasm compile --target ISA -o OUT` writes an artifact for either ISA on
/// any host: the header names it, the loader of another ISA refuses to run
/// it with one line (and `inspect` describes it), and the artifact for the host's ISA is the same bytes as
/// without `--target`. The cache holds this machine's artifacts only, and
/// `--cpu native` describes this machine only.
#[test]
fn artifacts_are_compiled_for_either_isa() {
    let dir = scratch("targets");
    let wat = example("fibonacci.wat");
    let host = Isa::host();
    let other = match host {
        Isa::X86_64 => Isa::Aarch64,
        Isa::Aarch64 => Isa::X86_64,
    };
    let out = |isa: Option<Isa>| {
        let path = dir.join(format!("{}.zwo", isa.map_or("default", |i| i.name())));
        let mut args = vec!["compile", wat.as_str(), "-o", path.to_str().unwrap()];
        if let Some(isa) = isa {
            args.extend(["--target", isa.name()]);
        }
        assert_exit(&zwasm(&args), 0);
        std::fs::read(&path).unwrap()
    };
    let (default, mine, theirs) = (out(None), out(Some(host)), out(Some(other)));
    assert_eq!(default, mine, "--target {} is the default", host.name());
    assert_eq!(mine[44], host as u8);
    assert_eq!(theirs[44], other as u8);
    let path = dir.join(format!("{}.zwo", other.name()));
    let o = zwasm(&["run", path.to_str().unwrap(), "--invoke", "fib", "10"]);
    assert_exit(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: artifact targets {}, this machine is {}\n",
            path.display(),
            other.name(),
            host.name()
        )
    );
    // `inspect` describes the other ISA's artifact: its ISA, its functions
    // and their native code, which is not mapped here.
    let o = zwasm(&["inspect", path.to_str().unwrap()]);
    assert_exit(&o, 0);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(text.contains(&format!("isa: {}\n", other.name())), "{text}");
    let fib = text
        .lines()
        .find(|l| l.ends_with("fib: (func (param i32) (result i64))"))
        .unwrap_or_else(|| panic!("no fib in:\n{text}"));
    let native_bytes: u32 = fib.split_whitespace().nth(4).unwrap().parse().unwrap();
    assert!(native_bytes > 0, "{fib}");
    let o = zwasm(&["inspect", "--json", path.to_str().unwrap()]);
    assert_exit(&o, 0);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("\"isa\": \"{}\"", other.name())),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = zwasm(&["compile", wat.as_str(), "--target", other.name()]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("with -o OUT"), "{}", stderr(&o));
    let o = zwasm(&[
        "compile",
        wat.as_str(),
        "--target",
        other.name(),
        "--cpu",
        "native",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("--cpu native describes this machine"),
        "{}",
        stderr(&o)
    );
    let o = zwasm(&["compile", wat.as_str(), "--target", "mips", "-o", "x.zwo"]);
    assert_exit(&o, 2);
}
