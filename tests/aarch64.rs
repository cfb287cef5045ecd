//! The workspace's tests again on ARM64, from an x86_64 machine: cross-built
//! for `aarch64-unknown-linux-gnu` and run under qemu-user (the spec suite,
//! the corpus, the WASI testsuite, the differential suite, the CLI and
//! every unit test). The AArch64 backend covers every op x86_64's does, so
//! the checks that every function of a Wasm 1.0/2.0 module is native apply
//! there too.
//!
//! Needs, besides the host toolchain: `rustup target add
//! aarch64-unknown-linux-gnu`, Debian's `gcc-aarch64-linux-gnu`,
//! `libc6-dev-arm64-cross` and `qemu-user` (10 or newer: 7.2 lacks
//! `openat2`, which the WASI sandbox uses), and qemu registered with
//! binfmt_misc (the tests start `zwasm` and re-run themselves as child
//! processes). `.ci/run` sets all of it up. Where something is missing the
//! run is skipped with the reason; on an ARM64 machine it is the native
//! `cargo test` that counts, and this one has nothing to do.
//!
//! Prints the ARM64 run's per-binary results indented, then
//! `aarch64: N passed, N failed, N skipped`; exits non-zero on a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TARGET: &str = "aarch64-unknown-linux-gnu";
const SYSROOT: &str = "/usr/aarch64-linux-gnu";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What the ARM64 run needs that is missing here, if anything.
fn missing() -> Option<String> {
    if !cfg!(target_arch = "x86_64") {
        return Some(format!(
            "this is {} itself: its own `cargo test` is the run",
            std::env::consts::ARCH
        ));
    }
    let rustc = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output();
    match rustc {
        Ok(o) if o.status.success() => {
            let dir = String::from_utf8_lossy(&o.stdout).trim().to_string();
            let has_std = std::fs::read_dir(&dir)
                .map(|d| {
                    d.flatten()
                        .any(|e| e.file_name().to_string_lossy().starts_with("libstd"))
                })
                .unwrap_or(false);
            if !has_std {
                return Some(format!(
                    "no standard library for {TARGET} (rustup target add {TARGET})"
                ));
            }
        }
        _ => return Some("rustc cannot be run".into()),
    }
    for (tool, package) in [
        ("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
        ("qemu-aarch64", "qemu-user"),
    ] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            return Some(format!("no {tool} (Debian package {package})"));
        }
    }
    if !Path::new(SYSROOT).join("lib").exists() {
        return Some(format!(
            "no ARM64 C library in {SYSROOT} (Debian package libc6-dev-arm64-cross)"
        ));
    }
    let binfmt =
        std::fs::read_to_string("/proc/sys/fs/binfmt_misc/qemu-aarch64").unwrap_or_default();
    if !binfmt.starts_with("enabled") {
        return Some("qemu-aarch64 is not registered with binfmt_misc (see .ci/run)".into());
    }
    None
}

fn main() {
    if let Some(why) = missing() {
        println!("aarch64: skipped: {why}");
        println!("aarch64: 0 passed, 0 failed, 1 skipped");
        return;
    }
    let root = root();
    // A target folder of its own: the outer `cargo test` holds the usual one.
    let target_dir = root.join("target").join("aarch64-cross");
    let out = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "test",
            "--release",
            "--target",
            TARGET,
            "--workspace",
            "--exclude",
            "zwasm-benches",
            "--no-fail-fast",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("QEMU_LD_PREFIX", SYSROOT)
        .env(
            format!(
                "CARGO_TARGET_{}_LINKER",
                TARGET.to_uppercase().replace('-', "_")
            ),
            "aarch64-linux-gnu-gcc",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run cargo");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let (mut passed, mut failed, mut skipped) = (0u64, 0u64, 0u64);
    for line in text.lines() {
        if let Some((p, f)) = libtest_counts(line) {
            println!("  [aarch64] {line}");
            passed += p;
            failed += f;
        } else if let Some((p, f, s)) = suite_counts(line) {
            println!("  [aarch64] {line}");
            passed += p;
            failed += f;
            skipped += s;
        } else if line.starts_with("FAIL") || line.contains("panicked") || line.starts_with("error")
        {
            println!("  [aarch64] {line}");
        }
    }
    if !out.status.success() && failed == 0 {
        println!(
            "  [aarch64] cargo test failed ({}) without a failed test: the build?",
            out.status
        );
        for line in text.lines().filter(|l| l.starts_with("error")).take(20) {
            println!("  [aarch64] {line}");
        }
        failed += 1;
    }
    println!("aarch64: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// The counts of libtest's `test result: ok. N passed; N failed; ...`.
fn libtest_counts(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("test result: ")?;
    let count = |word: &str| -> Option<u64> {
        let at = rest.find(&format!(" {word}"))?;
        rest[..at].rsplit(' ').next()?.parse().ok()
    };
    Some((count("passed")?, count("failed")?))
}

/// The counts of a suite's closing line, `[name: ]N passed, N failed, N
/// skipped` (as `.ci/run` counts them: the spec harness's SIMD line, which
/// says its tests are included above, does not match).
fn suite_counts(line: &str) -> Option<(u64, u64, u64)> {
    let rest = match line.split_once(": ") {
        Some((name, rest))
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
        {
            rest
        }
        _ => line,
    };
    let mut n = [0u64; 3];
    let mut parts = rest.split(", ");
    for (k, word) in ["passed", "failed", "skipped"].iter().enumerate() {
        let (num, w) = parts.next()?.split_once(' ')?;
        if w != *word {
            return None;
        }
        n[k] = num.parse().ok()?;
    }
    parts.next().is_none().then_some((n[0], n[1], n[2]))
}
