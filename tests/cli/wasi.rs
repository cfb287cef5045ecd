//! WASI through the CLI: what a guest sees with and without `--dir`, `--env`
//! and `--allow-all`, that no path leaves a preopened directory, exit codes
//! (`proc_exit`, traps), argv, and bad flags. The guests are small WAT
//! programs that call `wasi_snapshot_preview1` directly and print what each
//! call returned, so every errno is checked exactly.
//!
//! The expected errnos are wasmtime's (50.0, cap-std underneath), taken by
//! running these same programs under it: an escape is `PERM` (63), never a
//! silent success.

use crate::{assert_exit, scratch, stderr, stdout, zwasm_command};
use std::path::{Path, PathBuf};
use std::process::Output;

/// WASI errno values used below.
const BADF: u32 = 8;
const PERM: u32 = 63;

/// Runs `zwasm ARGS` in `dir`, with `env` added to the inherited environment.
fn zwasm_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = zwasm_command(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("cannot start zwasm")
}

/// A WASI command in WAT: `_start` runs `body`, which may call the helpers of
/// [`PRELUDE`]; [`Guest::str`] places a string in memory.
#[derive(Default)]
struct Guest {
    body: String,
    data: Vec<(u32, Vec<u8>)>,
    next: u32,
}

/// Memory layout: 0..64 iovecs, counters and the number buffer; 256..1024
/// call results; 1024..32768 the strings of [`Guest::str`]; 32768.. the
/// pointer lists of args/environ, 49152.. their bytes; 65536.. a read buffer.
const PRELUDE: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)

  ;; Writes memory[ptr..ptr+len] to stdout.
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))
  (func $char (param $c i32)
    (i32.store8 (i32.const 20) (local.get $c))
    (call $print (i32.const 20) (i32.const 1)))
  (func $sp (call $char (i32.const 32)))
  (func $nl (call $char (i32.const 10)))
  ;; Prints an unsigned decimal number.
  (func $num (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))
  ;; Prints a NUL-terminated string.
  (func $cstr (param $p i32)
    (local $e i32)
    (local.set $e (local.get $p))
    (block $end
      (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (local.get $e))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $scan)))
    (call $print (local.get $p) (i32.sub (local.get $e) (local.get $p))))
  ;; Prints each string of a (char **list, count) on its own line.
  (func $lines (param $list i32) (param $n i32)
    (block $end
      (loop $each
        (br_if $end (i32.eqz (local.get $n)))
        (call $cstr (i32.load (local.get $list)))
        (call $nl)
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $each))))
  ;; Prints argv, one argument a line.
  (func $print_args
    (drop (call $args_sizes_get (i32.const 272) (i32.const 276)))
    (drop (call $args_get (i32.const 32768) (i32.const 49152)))
    (call $lines (i32.const 32768) (i32.load (i32.const 272))))
  ;; Prints the environment, one NAME=VALUE a line.
  (func $print_env
    (drop (call $environ_sizes_get (i32.const 272) (i32.const 276)))
    (drop (call $environ_get (i32.const 32768) (i32.const 49152)))
    (call $lines (i32.const 32768) (i32.load (i32.const 272))))
  ;; path_open(3, dirflags, path) for reading; the new fd goes to [256].
  (func $open (param $dirflags i32) (param $path i32) (param $len i32) (result i32)
    (call $path_open (i32.const 3) (local.get $dirflags) (local.get $path) (local.get $len)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 256)))
  ;; path_open(3, 0, path) with O_CREAT for writing; the new fd goes to [256].
  (func $create (param $path i32) (param $len i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 256)))
  ;; Prints what one read of up to 4096 bytes from fd gives.
  (func $cat (param $fd i32)
    (i32.store (i32.const 8) (i32.const 65536))
    (i32.store (i32.const 12) (i32.const 4096))
    (drop (call $fd_read (local.get $fd) (i32.const 8) (i32.const 1) (i32.const 24)))
    (call $print (i32.const 65536) (i32.load (i32.const 24))))
  ;; Prints `errno tag name_len name` for a preopen, or just `errno`.
  (func $prestat (param $fd i32)
    (local $e i32)
    (local.set $e (call $fd_prestat_get (local.get $fd) (i32.const 264)))
    (call $num (local.get $e))
    (if (i32.eqz (local.get $e))
      (then
        (call $sp) (call $num (i32.load8_u (i32.const 264)))
        (call $sp) (call $num (i32.load (i32.const 268)))
        (call $sp)
        (drop (call $fd_prestat_dir_name (local.get $fd) (i32.const 512) (i32.load (i32.const 268))))
        (call $print (i32.const 512) (i32.load (i32.const 268)))))
    (call $nl))
"#;

impl Guest {
    /// `(i32.const PTR) (i32.const LEN)` of `text`, placed in memory.
    fn str(&mut self, text: &str) -> String {
        let ptr = 1024 + self.next;
        self.next += (text.len() as u32 + 8) & !7;
        assert!(
            ptr + (text.len() as u32) < 32768,
            "strings overflow their area"
        );
        self.data.push((ptr, text.as_bytes().to_vec()));
        format!("(i32.const {ptr}) (i32.const {})", text.len())
    }

    /// Adds code to `_start`.
    fn code(&mut self, wat: &str) -> &mut Self {
        self.body.push_str(wat);
        self.body.push('\n');
        self
    }

    /// Adds code printing `text`.
    fn say(&mut self, text: &str) -> &mut Self {
        let s = self.str(text);
        self.code(&format!("(call $print {s})"))
    }

    fn wat(&self) -> String {
        let mut m = format!(
            "(module\n{PRELUDE}\n(func (export \"_start\")\n{}\n)\n",
            self.body
        );
        for (ptr, bytes) in &self.data {
            let escaped: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
            m.push_str(&format!("(data (i32.const {ptr}) \"{escaped}\")\n"));
        }
        m.push(')');
        m
    }

    /// Writes the program as `dir/name` and returns its path.
    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let file = dir.join(name);
        std::fs::write(&file, self.wat()).unwrap();
        file
    }
}

/// A guest that prints its argv, one argument a line.
fn args_printer() -> Guest {
    let mut g = Guest::default();
    g.code("(call $print_args)");
    g
}

/// A guest that prints its environment, one variable a line.
fn env_printer() -> Guest {
    let mut g = Guest::default();
    g.code("(call $print_env)");
    g
}

#[test]
fn without_flags_the_guest_sees_no_preopens_and_no_environment() {
    let dir = scratch("wasi_nothing");
    let mut g = Guest::default();
    g.say("prestat ").code("(call $prestat (i32.const 3))");
    g.say("environ ")
        .code("(call $num (call $environ_sizes_get (i32.const 272) (i32.const 276)))")
        .code("(call $sp) (call $num (i32.load (i32.const 272)))")
        .code("(call $sp) (call $num (i32.load (i32.const 276))) (call $nl)");
    let file = g.write(&dir, "nothing.wat");
    // The host has variables (and a HOME); none may reach the guest.
    let o = zwasm_in(
        &dir,
        &["run", file.to_str().unwrap()],
        &[("ZW_SECRET", "leak")],
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("prestat {BADF}\nenviron 0 0 0\n"));
}

#[test]
fn env_flags_set_variables_and_inherit_named_ones() {
    let dir = scratch("wasi_env");
    let file = env_printer().write(&dir, "env.wat");
    let o = zwasm_in(
        &dir,
        &[
            "run",
            "--env",
            "A=1",
            "--env",
            "ZW_INHERITED",
            "--env",
            "B=x=y",
            "--env",
            "EMPTY=",
            file.to_str().unwrap(),
        ],
        &[
            ("ZW_INHERITED", "from the host"),
            ("ZW_OTHER", "not asked for"),
        ],
    );
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        "A=1\nZW_INHERITED=from the host\nB=x=y\nEMPTY=\n"
    );
}

#[test]
fn allow_all_preopens_the_working_directory_and_inherits_the_environment() {
    let dir = scratch("wasi_allow_all");
    std::fs::write(dir.join("hello.txt"), "hi from the host\n").unwrap();
    let mut g = Guest::default();
    let hello = g.str("hello.txt");
    g.say("prestat ").code("(call $prestat (i32.const 3))");
    g.say("open ")
        .code(&format!(
            "(call $num (call $open (i32.const 0) {hello})) (call $nl)"
        ))
        .code("(call $cat (i32.load (i32.const 256)))")
        .code("(call $print_env)");
    let file = g.write(&dir, "allow_all.wat");
    let o = zwasm_in(
        &dir,
        &["run", "--allow-all", file.to_str().unwrap()],
        &[("ZW_ALLOW_ALL", "inherited")],
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with("prestat 0 0 1 .\nopen 0\nhi from the host\n"),
        "{out}"
    );
    assert!(out.lines().any(|l| l == "ZW_ALLOW_ALL=inherited"), "{out}");
}

#[test]
fn dir_flags_name_preopens_in_order() {
    let dir = scratch("wasi_dir_names");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let mut g = Guest::default();
    for fd in 3..6 {
        g.code(&format!("(call $prestat (i32.const {fd}))"));
    }
    let file = g.write(&dir, "names.wat");
    // `HOST::GUEST` names it GUEST; a bare HOST is shown as given.
    let o = zwasm_in(
        &dir,
        &[
            "run",
            "--dir",
            "a::/data",
            "--dir",
            "b",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("0 0 5 /data\n0 0 1 b\n{BADF}\n"));
}

#[test]
fn no_path_leaves_a_preopened_directory() {
    let dir = scratch("wasi_escape");
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("inside.txt"), "inside\n").unwrap();
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "SECRET\n").unwrap();
    let secret = secret.to_str().unwrap().to_string();
    use std::os::unix::fs::symlink;
    symlink(&secret, root.join("abs_link")).unwrap();
    symlink("../secret.txt", root.join("rel_link")).unwrap();
    symlink("..", root.join("up")).unwrap();
    symlink("sub/../inside.txt", root.join("ok_link")).unwrap();

    let mut g = Guest::default();
    // (label, dirflags: 1 follows symlinks, path)
    let cases: &[(&str, u32, &str)] = &[
        ("inside", 0, "inside.txt"),
        ("through_sub", 0, "sub/../inside.txt"),
        ("ok_link", 1, "ok_link"),
        ("dotdot", 0, "../secret.txt"),
        ("sub_dotdot", 0, "sub/../../secret.txt"),
        ("absolute", 0, &secret),
        ("abs_link", 1, "abs_link"),
        ("rel_link", 1, "rel_link"),
        ("dir_link", 1, "up/secret.txt"),
        ("dir_link_nofollow", 0, "up/secret.txt"),
    ];
    for &(label, flags, path) in cases {
        let p = g.str(path);
        g.say(&format!("{label} ")).code(&format!(
            "(call $num (call $open (i32.const {flags}) {p})) (call $nl)"
        ));
    }
    // A symlink the guest makes itself: creating it is allowed (it is only
    // text), following it out of the root is not.
    let (target, link) = (g.str("../secret.txt"), g.str("made_link"));
    g.say("symlink ").code(&format!(
        "(call $num (call $path_symlink {target} (i32.const 3) {link})) (call $nl)"
    ));
    g.say("made_link ").code(&format!(
        "(call $num (call $open (i32.const 1) {link})) (call $nl)"
    ));
    // Nothing can be created outside either: a file, or a symlink placed there.
    let (created, outside_link) = (g.str("../created.txt"), g.str("../made_outside"));
    g.say("create ")
        .code(&format!("(call $num (call $create {created})) (call $nl)"));
    g.say("symlink_outside ").code(&format!(
        "(call $num (call $path_symlink {target} (i32.const 3) {outside_link})) (call $nl)"
    ));
    let file = g.write(&dir, "escape.wat");
    let o = zwasm_in(
        &dir,
        &[
            "run",
            "--dir",
            &format!("{}::/", root.display()),
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_exit(&o, 0);
    let expected = format!(
        "inside 0\nthrough_sub 0\nok_link 0\n\
         dotdot {PERM}\nsub_dotdot {PERM}\nabsolute {PERM}\n\
         abs_link {PERM}\nrel_link {PERM}\ndir_link {PERM}\ndir_link_nofollow {PERM}\n\
         symlink 0\nmade_link {PERM}\ncreate {PERM}\nsymlink_outside {PERM}\n"
    );
    assert_eq!(stdout(&o), expected);
    assert!(!stdout(&o).contains("SECRET"));
    assert!(!dir.join("created.txt").exists());
    assert!(std::fs::symlink_metadata(dir.join("made_outside")).is_err());
}

#[test]
fn proc_exit_is_the_exit_code() {
    let dir = scratch("wasi_exit");
    let mut g = Guest::default();
    g.say("bye\n")
        .code("(call $proc_exit (i32.const 7))")
        .say("not reached\n");
    let file = g.write(&dir, "exit.wat");
    let o = zwasm_in(&dir, &["run", file.to_str().unwrap()], &[]);
    assert_exit(&o, 7);
    assert_eq!(stdout(&o), "bye\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_trap_keeps_earlier_output_and_exits_134() {
    let dir = scratch("wasi_trap");
    let mut g = Guest::default();
    g.say("before the trap\n").code("unreachable");
    let file = g.write(&dir, "trap.wat");
    let o = zwasm_in(&dir, &["run", file.to_str().unwrap()], &[]);
    assert_exit(&o, 134);
    assert_eq!(stdout(&o), "before the trap\n");
    assert!(
        stderr(&o).contains("wasm trap: unreachable"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn argv_is_the_file_name_then_the_guest_arguments() {
    let dir = scratch("wasi_argv");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let file = args_printer().write(&dir.join("sub"), "args.wat");
    let abs = file.to_str().unwrap();
    for (argv, expected) in [
        (vec!["run", abs], "args.wat\n"),
        (vec!["run", abs, "a", "b c"], "args.wat\na\nb c\n"),
        (vec![abs, "--", "-x", "--y"], "args.wat\n-x\n--y\n"),
        (
            vec!["run", abs, "a", "--", "b", "-c"],
            "args.wat\na\nb\n-c\n",
        ),
        (vec!["run", abs, "a", "-b"], "args.wat\na\n-b\n"),
        (
            vec!["run", "--env", "X=1", "sub/args.wat", ""],
            "args.wat\n\n",
        ),
        (
            vec!["sub/args.wat", "--", "--env", "X=1"],
            "args.wat\n--env\nX=1\n",
        ),
    ] {
        let o = zwasm_in(&dir, &argv, &[]);
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), expected, "{argv:?}");
    }
}

#[test]
fn bad_dir_and_env_flags_and_bad_files_exit_1() {
    let dir = scratch("wasi_bad_flags");
    let file = args_printer().write(&dir, "ok.wat");
    let ok = file.to_str().unwrap();
    std::fs::write(dir.join("plain.txt"), "not a directory").unwrap();
    std::fs::write(dir.join("notes.wasm"), "hello, not a module").unwrap();

    let o = zwasm_in(&dir, &["run", "--dir", "/nonexistent/zwasm-dir", ok], &[]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("/nonexistent/zwasm-dir"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");

    let o = zwasm_in(&dir, &["run", "--dir", "plain.txt::/x", ok], &[]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("plain.txt"), "{}", stderr(&o));

    // A variable needs a name: `--env =x`, `--env =` and `--env ""` are errors.
    for bad in ["=x", "=", ""] {
        let o = zwasm_in(&dir, &["run", "--env", bad, ok], &[]);
        assert_exit(&o, 1);
        let err = stderr(&o).to_lowercase();
        assert!(err.contains("env"), "{bad:?}: {err}");
        assert_eq!(stdout(&o), "", "{bad:?}");
    }

    let o = zwasm_in(&dir, &["run", "--allow-all", "notes.wasm"], &[]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("notes.wasm"), "{}", stderr(&o));
}

/// A reader that closes its end of stdout makes the guest's next write fail
/// with `PIPE` (64), as in wasmtime; the process is not killed by SIGPIPE.
#[test]
fn a_closed_stdout_pipe_is_an_errno_not_a_signal() {
    use std::process::Stdio;
    let dir = scratch("wasi_closed_pipe");
    let mut g = Guest::default();
    // Writes 4 KiB chunks until a write fails (a full pipe blocks until the
    // reader is gone), then exits with the errno of that write.
    g.code(
        r#"(i32.store (i32.const 8) (i32.const 65536))
        (i32.store (i32.const 12) (i32.const 4096))
        (block $failed
          (loop $write
            (br_if $failed (i32.store (i32.const 28)
              (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 24)))
              (i32.load (i32.const 28)))
            (br $write)))
        (call $proc_exit (i32.load (i32.const 28)))"#,
    );
    let file = g.write(&dir, "writer.wat");
    let mut child = zwasm_command(&dir)
        .args(["run", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start zwasm");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_exit(&o, 64);
}
