//! The compile cache through the CLI: `run` fills it under the documented key
//! and reuses it, a damaged entry is rebuilt without the run noticing,
//! `--no-cache` and `--engine`, `compile` with and without `-o`, `cache dir`
//! and `cache clear`, a cache that cannot be written, and concurrent runs.
//! Each test has a cache home of its own (`XDG_CACHE_HOME`).

use crate::{assert_exit, example, root, scratch, stderr, stdout, zwasm_command};
use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use zwasm_compiler::{CompileOptions, Engine};

/// Runs `zwasm ARGS` from the workspace root with `home` as `XDG_CACHE_HOME`.
fn zwasm_with<S: AsRef<OsStr>>(home: &Path, args: &[S]) -> Output {
    zwasm_command(&root())
        .env("XDG_CACHE_HOME", home)
        .args(args)
        .output()
        .expect("cannot start zwasm")
}

/// The file names in the cache directory of `home`, sorted; none if it does
/// not exist.
fn entries(home: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(home.join("zwasm")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// The one entry in `home`'s cache.
#[track_caller]
fn only_entry(home: &Path) -> PathBuf {
    let names = entries(home);
    assert_eq!(names.len(), 1, "{names:?}");
    home.join("zwasm").join(&names[0])
}

/// The entry name the CLI documents for `wasm` and `engine`: the compiler's
/// cache key, with the identity of the zwasm executable as its build.
fn expected_entry(wasm: &[u8], engine: Engine) -> String {
    let meta = std::fs::metadata(env!("CARGO_BIN_EXE_zwasm")).unwrap();
    let mut build = Vec::new();
    for n in [
        meta.size(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.dev(),
        meta.ino(),
    ] {
        build.extend_from_slice(&n.to_le_bytes());
    }
    let key = zwasm_compiler::cache_key(
        wasm,
        &CompileOptions {
            engine,
            ..CompileOptions::default()
        },
        &build,
    );
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.zwo")
}

fn add_wasm() -> Vec<u8> {
    let text = std::fs::read(root().join(example("add.wat"))).unwrap();
    zwasm_compiler::wat_to_wasm(&text).unwrap().into_owned()
}

/// Runs `add 2 3` from `file` and checks that it printed 5 and nothing else.
#[track_caller]
fn run_add(home: &Path, file: &str, extra: &[&str]) {
    // Options go before the file: after `--invoke` everything is an argument.
    let mut args = vec!["run"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[file, "--invoke", "add", "2", "3"]);
    let o = zwasm_with(home, &args);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "5\n");
    assert_eq!(
        stderr(&o),
        "",
        "the cache must not write to the guest's stderr"
    );
}

#[test]
fn a_run_fills_the_cache_under_its_key() {
    let home = scratch("cache_fill");
    run_add(&home, &example("add.wat"), &[]);
    let entry = only_entry(&home);
    let wasm = add_wasm();
    assert_eq!(
        entry.file_name().unwrap().to_str().unwrap(),
        expected_entry(&wasm, Engine::Native)
    );
    // The entry is exactly the artifact `compile -o` writes.
    let shipped = home.join("add.zwo");
    let o = zwasm_with(
        &home,
        &[
            "compile",
            &example("add.wat"),
            "-o",
            shipped.to_str().unwrap(),
        ],
    );
    assert_exit(&o, 0);
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        std::fs::read(&shipped).unwrap()
    );
    // The key is over the wasm binary, so the `.wasm` of the same module
    // shares the entry.
    let wasm_file = home.join("add.wasm");
    std::fs::write(&wasm_file, &wasm).unwrap();
    run_add(&home, wasm_file.to_str().unwrap(), &[]);
    assert_eq!(only_entry(&home), entry);
    // A `.zwo` input is loaded as it is: it adds nothing to the cache.
    run_add(&home, shipped.to_str().unwrap(), &[]);
    assert_eq!(only_entry(&home), entry);
}

#[test]
fn a_second_run_loads_the_entry_and_a_bad_one_is_rebuilt() {
    let home = scratch("cache_reuse");
    let add = example("add.wat");
    run_add(&home, &add, &[]);
    let entry = only_entry(&home);
    let good = std::fs::read(&entry).unwrap();
    // A hit leaves the file alone: every write is a rename to a new inode.
    let inode = std::fs::metadata(&entry).unwrap().ino();
    run_add(&home, &add, &[]);
    assert_eq!(std::fs::metadata(&entry).unwrap().ino(), inode);

    let mut other_version = good.clone();
    other_version[12..44].copy_from_slice(&[b'9'; 32]);
    let mut flipped = good.clone();
    let middle = good.len() / 2;
    flipped[middle] ^= 0x40;
    let other_module = {
        let dir = scratch("cache_reuse_other");
        let zwo = dir.join("fib.zwo");
        let o = zwasm_with(
            &home,
            &[
                "compile",
                &example("fibonacci.wat"),
                "-o",
                zwo.to_str().unwrap(),
            ],
        );
        assert_exit(&o, 0);
        std::fs::read(zwo).unwrap()
    };
    let damaged: [(&str, Vec<u8>); 5] = [
        ("flipped byte", flipped),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("other compiler version", other_version),
        ("artifact of another module", other_module),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&entry, &bytes).unwrap();
        run_add(&home, &add, &[]);
        assert_eq!(std::fs::read(&entry).unwrap(), good, "{what}: not rebuilt");
        assert_eq!(only_entry(&home), entry, "{what}");
    }
    // An entry that cannot even be replaced (a directory in its place) is
    // compiled around.
    std::fs::remove_file(&entry).unwrap();
    std::fs::create_dir(&entry).unwrap();
    std::fs::write(entry.join("keep"), "x").unwrap();
    run_add(&home, &add, &[]);
    assert!(entry.join("keep").is_file());
    assert_eq!(only_entry(&home), entry, "no temporary file may be left");
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let home = scratch("cache_none");
    run_add(&home, &example("add.wat"), &["--no-cache"]);
    assert!(!home.join("zwasm").exists(), "{:?}", entries(&home));
    // A damaged entry is not read (the run succeeds) and not repaired.
    run_add(&home, &example("add.wat"), &[]);
    let entry = only_entry(&home);
    std::fs::write(&entry, b"junk").unwrap();
    let inode = std::fs::metadata(&entry).unwrap().ino();
    run_add(&home, &example("add.wat"), &["--no-cache"]);
    assert_eq!(std::fs::read(&entry).unwrap(), b"junk");
    assert_eq!(std::fs::metadata(&entry).unwrap().ino(), inode);
}

#[test]
fn each_engine_has_its_own_entry() {
    let home = scratch("cache_engines");
    let fib = example("fibonacci.wat");
    let run_fib = |extra: &[&str]| {
        let mut args = vec!["run"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[fib.as_str(), "--invoke", "fib", "90"]);
        let o = zwasm_with(&home, &args);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "2880067194370816120\n", "{extra:?}");
    };
    run_fib(&["--engine", "interp"]);
    let interp = only_entry(&home);
    run_fib(&["--engine", "native"]);
    run_fib(&[]);
    let text = std::fs::read(root().join(&fib)).unwrap();
    let wasm = zwasm_compiler::wat_to_wasm(&text).unwrap();
    let mut expected = vec![
        expected_entry(&wasm, Engine::Interp),
        expected_entry(&wasm, Engine::Native),
    ];
    expected.sort();
    assert_ne!(expected[0], expected[1]);
    assert_eq!(entries(&home), expected);
    assert!(interp.ends_with(expected_entry(&wasm, Engine::Interp)));
    // A `.zwo` compiled for the interpreter, or with `--keep-ir`, runs on
    // either engine; one with native code keeps only part of its IR, so the
    // interpreter refuses it.
    let run = |zwo: &std::path::Path, engine: &str| {
        zwasm_with(
            &home,
            &[
                "run",
                "--engine",
                engine,
                zwo.to_str().unwrap(),
                "--invoke",
                "fib",
                "90",
            ],
        )
    };
    let interp_zwo = home.join("fib-interp.zwo");
    let native_zwo = home.join("fib.zwo");
    let full_zwo = home.join("fib-full.zwo");
    for (zwo, flags) in [
        (&interp_zwo, &["--engine", "interp"][..]),
        (&native_zwo, &[][..]),
        (&full_zwo, &["--keep-ir"][..]),
    ] {
        let out = zwo.to_str().unwrap();
        let mut args = vec!["compile", &fib, "-o", out];
        args.extend(flags);
        let o = zwasm_with(&home, &args);
        assert_exit(&o, 0);
    }
    // `--keep-ir` keeps the native functions' IR: a longer IR section (its
    // length is in the header's section table).
    let ir_len = |p: &std::path::Path| {
        let b = std::fs::read(p).unwrap();
        u64::from_le_bytes(b[152..160].try_into().unwrap())
    };
    if zwasm_compiler::has_native_backend() {
        assert!(ir_len(&full_zwo) > ir_len(&native_zwo));
    } else {
        // No native code on this ISA: every function keeps its whole IR.
        assert_eq!(ir_len(&full_zwo), ir_len(&native_zwo));
    }
    for (zwo, engine) in [
        (&interp_zwo, "interp"),
        (&interp_zwo, "native"),
        (&native_zwo, "native"),
        (&full_zwo, "interp"),
        (&full_zwo, "native"),
    ] {
        let o = run(zwo, engine);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "2880067194370816120\n", "{engine}");
    }
    let o = run(&native_zwo, "interp");
    if zwasm_compiler::has_native_backend() {
        assert_exit(&o, 1);
        assert!(
            stderr(&o).contains("cannot run on the interpreter alone"),
            "{}",
            stderr(&o)
        );
    } else {
        // Without native code the artifact is whole IR, which the
        // interpreter runs.
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "2880067194370816120\n");
    }
}

#[test]
fn compile_without_output_prewarms_the_cache() {
    let home = scratch("cache_prewarm");
    let src = home.join("add.wat");
    std::fs::copy(root().join(example("add.wat")), &src).unwrap();
    let src = src.to_str().unwrap();
    let wasm = add_wasm();
    for (engine, flags) in [
        (Engine::Native, &[][..]),
        (Engine::Interp, &["--engine", "interp"][..]),
    ] {
        let mut args = vec!["compile", src];
        args.extend_from_slice(flags);
        let o = zwasm_with(&home, &args);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "");
        let entry = home.join("zwasm").join(expected_entry(&wasm, engine));
        assert_eq!(
            stderr(&o),
            format!("{src}: cached as {}\n", entry.display())
        );
        let inode = std::fs::metadata(&entry).unwrap().ino();
        // The run that follows finds it.
        run_add(&home, src, flags);
        assert_eq!(std::fs::metadata(&entry).unwrap().ino(), inode);
    }
    assert_eq!(entries(&home).len(), 2);
    // Nothing is written next to the input.
    assert!(!home.join("add.zwo").exists());
}

#[test]
fn compile_with_output_writes_only_that_file() {
    let home = scratch("cache_compile_o");
    let out = home.join("out").join("add.zwo");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    for flags in [&[][..], &["--engine", "interp"][..]] {
        let mut args = vec![
            "compile",
            "examples/wat/add.wat",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(flags);
        let o = zwasm_with(&home, &args);
        assert_exit(&o, 0);
        assert_eq!((stdout(&o), stderr(&o)), (String::new(), String::new()));
        assert!(std::fs::read(&out).unwrap().starts_with(b"\0zwasm\x1a\n"));
        run_add(&home, out.to_str().unwrap(), flags);
    }
    assert!(!home.join("zwasm").exists(), "{:?}", entries(&home));
}

#[test]
fn cache_dir_follows_xdg_cache_home_then_home() {
    let dir = |xdg: Option<&str>, home: Option<&str>| {
        let mut cmd = zwasm_command(&root());
        cmd.env_remove("XDG_CACHE_HOME").env_remove("HOME");
        if let Some(x) = xdg {
            cmd.env("XDG_CACHE_HOME", x);
        }
        if let Some(h) = home {
            cmd.env("HOME", h);
        }
        cmd.args(["cache", "dir"]).output().unwrap()
    };
    for (xdg, home, expected) in [
        (Some("/x/cache"), Some("/home/u"), "/x/cache/zwasm\n"),
        (None, Some("/home/u"), "/home/u/.cache/zwasm\n"),
        // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
        (Some("rel"), Some("/home/u"), "/home/u/.cache/zwasm\n"),
    ] {
        let o = dir(xdg, home);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), expected, "{xdg:?} {home:?}");
    }
    let o = dir(None, None);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no cache directory"), "{}", stderr(&o));
    // With nowhere to cache, a run still runs.
    let mut cmd = zwasm_command(&root());
    cmd.env_remove("XDG_CACHE_HOME").env_remove("HOME");
    let o = cmd
        .args([&example("add.wat"), "--invoke", "add", "2", "3"])
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "5\n");
}

#[test]
fn cache_clear_removes_entries_and_temp_files_only() {
    let home = scratch("cache_clear");
    let cache = home.join("zwasm");
    // Neither subcommand needs the directory to exist.
    for (args, out) in [
        (["cache", "dir"], format!("{}\n", cache.display())),
        (
            ["cache", "clear"],
            format!("removed 0 cache entries from {}\n", cache.display()),
        ),
    ] {
        let o = zwasm_with(&home, &args);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), out);
    }
    run_add(&home, &example("add.wat"), &[]);
    run_add(&home, &example("add.wat"), &["--engine", "interp"]);
    let cached = entries(&home);
    assert_eq!(cached.len(), 2);
    let stale = format!(".{}.4242-0.tmp", cached[0]);
    let others = ["app.zwo", "notes.txt", ".hidden"];
    for name in others.iter().chain([&stale.as_str()]) {
        std::fs::write(cache.join(name), b"x").unwrap();
    }
    std::fs::create_dir(cache.join("sub")).unwrap();
    let o = zwasm_with(&home, &["cache", "clear"]);
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("removed 2 cache entries from {}\n", cache.display())
    );
    let mut kept: Vec<&str> = others.to_vec();
    kept.push("sub");
    kept.sort();
    assert_eq!(entries(&home), kept);
    // And the next run fills it again.
    run_add(&home, &example("add.wat"), &[]);
    assert_eq!(entries(&home).len(), kept.len() + 1);
}

#[test]
fn a_cache_that_cannot_be_written_is_skipped() {
    let home = scratch("cache_unwritable");
    // A file where the cache home should be, a file where `zwasm/` should
    // be, and a path below a device: none can hold a directory, whoever runs
    // the test (root may write into a read-only directory).
    let file = home.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let blocked = home.join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("zwasm"), b"x").unwrap();
    let read_only = home.join("read-only");
    std::fs::create_dir(&read_only).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o555);
        std::fs::set_permissions(&read_only, perms).unwrap();
    }
    for xdg in [
        file.clone(),
        blocked.clone(),
        PathBuf::from("/dev/null/cache"),
        read_only,
    ] {
        run_add(&xdg, &example("add.wat"), &[]);
    }
    assert_eq!(std::fs::read(blocked.join("zwasm")).unwrap(), b"x");
    // `compile` without -o exists to write the cache, so there it is an error.
    let o = zwasm_with(&blocked, &["compile", &example("add.wat")]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

#[test]
fn concurrent_runs_on_an_empty_cache_all_succeed() {
    let home = scratch("cache_concurrent");
    let fib = example("fibonacci.wat");
    let children: Vec<_> = (0..8)
        .map(|_| {
            zwasm_command(&root())
                .env("XDG_CACHE_HOME", &home)
                .args([&fib, "--invoke", "fib", "90"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("cannot start zwasm")
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "2880067194370816120\n");
        assert_eq!(stderr(&o), "");
    }
    // One entry, whole, and no temporary file left behind.
    let entry = only_entry(&home);
    let o = zwasm_with(&home, &["validate", entry.to_str().unwrap()]);
    assert_exit(&o, 0);
}

#[test]
fn bad_cache_and_engine_arguments_are_usage_errors() {
    let home = scratch("cache_usage");
    for (args, needle) in [
        (
            &["run", "--engine", "foo", "examples/wat/add.wat"][..],
            "invalid value 'foo' for '--engine <ENGINE>'",
        ),
        (
            &["compile", "--engine", "jit", "examples/wat/add.wat"][..],
            "[possible values: native, interp]",
        ),
        (&["cache", "frob"][..], "unrecognized subcommand 'frob'"),
        (&["cache"][..], "Usage: zwasm cache <COMMAND>"),
        (
            &["cache", "clear", "extra"][..],
            "unexpected argument 'extra'",
        ),
    ] {
        let o = zwasm_with(&home, args);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
    }
    assert!(!home.join("zwasm").exists());
}
