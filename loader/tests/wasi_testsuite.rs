//! Runs the official WASI preview 1 testsuite (`../shared/wasi-testsuite`,
//! the `c/`, `rust/` and `assemblyscript/` groups) on the loader, one
//! program at a time, and reports pass/fail per test. Each test runs in a
//! fresh copy of its group's folder, so the shared copy is never written.
//! `WASI_TEST=substring` runs only the matching tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zwasm_loader::wasi::{Exit, OutputPipe, Wasi, WasiConfig};
use zwasm_loader::{Linker, Module, Store};

/// What `NAME.json` asks for (missing fields take the testsuite's defaults).
#[derive(Default, Debug)]
struct Spec {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: Option<String>,
}

/// A minimal JSON value, enough for the testsuite's spec files.
#[derive(Debug)]
enum Json {
    Null,
    Bool,
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s[self.i], c, "bad JSON at byte {}", self.i);
        self.i += 1;
    }

    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = Vec::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            let ch = char::from_u32(u32::from_str_radix(hex, 16).unwrap())
                                .unwrap_or('\u{fffd}');
                            out.extend_from_slice(ch.to_string().as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).unwrap()
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'"' => Json::Str(self.string()),
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(fields);
                }
                loop {
                    let k = self.string();
                    self.eat(b':');
                    fields.push((k, self.value()));
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(fields);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(items);
                }
                loop {
                    items.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(items);
                    }
                }
            }
            b't' => {
                self.i += 4;
                Json::Bool
            }
            b'f' => {
                self.i += 5;
                Json::Bool
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-0123456789.eE".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(t.parse().unwrap())
            }
        }
    }
}

fn parse_spec(text: &str) -> Spec {
    let mut spec = Spec::default();
    let Json::Obj(fields) = (Parser {
        s: text.as_bytes(),
        i: 0,
    })
    .value() else {
        panic!("spec is not an object");
    };
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("args", Json::Arr(a)) => {
                spec.args = a
                    .into_iter()
                    .map(|s| match s {
                        Json::Str(s) => s,
                        other => panic!("arg {other:?}"),
                    })
                    .collect()
            }
            ("env", Json::Obj(e)) => {
                spec.env = e
                    .into_iter()
                    .map(|(k, v)| match v {
                        Json::Str(v) => (k, v),
                        other => panic!("env {other:?}"),
                    })
                    .collect()
            }
            ("root", Json::Str(r)) => spec.root = Some(r),
            ("exit_code", Json::Num(n)) => spec.exit_code = n as i32,
            ("stdout", Json::Str(s)) => spec.stdout = Some(s),
            _ => {}
        }
    }
    spec
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let ty = e.file_type().unwrap();
        let dst = to.join(e.file_name());
        if ty.is_dir() {
            copy_tree(&e.path(), &dst);
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dst).unwrap();
        } else if !e.file_name().to_string_lossy().ends_with(".cleanup") {
            std::fs::copy(e.path(), &dst).unwrap();
        }
        if !ty.is_symlink() {
            // The shared copy is read-only; the tests write into theirs.
            let mut perm = std::fs::metadata(&dst).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)] // the copy must be writable
            perm.set_readonly(false);
            std::fs::set_permissions(&dst, perm).unwrap();
        }
    }
}

/// Runs one test; `Err` says why it failed.
fn run_one(group_dir: &Path, name: &str, scratch: &Path) -> Result<(), String> {
    let wasm = std::fs::read(group_dir.join(format!("{name}.wasm"))).map_err(|e| e.to_string())?;
    let spec = match std::fs::read_to_string(group_dir.join(format!("{name}.json"))) {
        Ok(t) => parse_spec(&t),
        Err(_) => Spec::default(),
    };
    let zwo = zwasm_compiler::compile(&wasm, &Default::default()).map_err(|e| e.to_string())?;
    let module = Module::from_bytes(&zwo).map_err(|e| e.to_string())?;
    let stdout = OutputPipe::new();
    let stderr = OutputPipe::new();
    let mut config = WasiConfig::new()
        .arg(format!("{name}.wasm"))
        .args(spec.args.clone())
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    for (k, v) in &spec.env {
        config = config.env(k, v);
    }
    if let Some(root) = &spec.root {
        let dir = scratch.join(name);
        copy_tree(&group_dir.join(root), &dir);
        config = config.preopen_dir(&dir, "/").map_err(|e| e.to_string())?;
    }
    let mut store = Store::new();
    let mut linker = Linker::new();
    let wasi = Wasi::add_to_linker(&mut linker, &mut store, config);
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let Exit::Status(status) = wasi.run_start(&mut store, instance).map_err(|e| {
        format!(
            "{e}; stderr: {}",
            String::from_utf8_lossy(&stderr.contents())
        )
    })?;
    let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
    let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
    if status != spec.exit_code {
        return Err(format!(
            "exit {status}, expected {}; stdout: {out:?}; stderr: {err:?}",
            spec.exit_code
        ));
    }
    if let Some(expected) = spec.stdout {
        if out != expected {
            return Err(format!("stdout {out:?}, expected {expected:?}"));
        }
    }
    Ok(())
}

#[test]
fn wasi_testsuite() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/wasi-testsuite");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let filter = std::env::var("WASI_TEST").ok();
    let scratch = std::env::temp_dir().join(format!("zwasm-wasi-testsuite-{}", std::process::id()));
    let mut results = BTreeMap::new();
    for group in ["c", "rust", "assemblyscript"] {
        let dir = root.join(group);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".wasm").map(str::to_string)
            })
            .collect();
        names.sort();
        for name in names {
            let full = format!("{group}/{name}");
            if filter.as_ref().is_some_and(|f| !full.contains(f.as_str())) {
                continue;
            }
            let t = std::time::Instant::now();
            let r = std::panic::catch_unwind(|| run_one(&dir, &name, &scratch.join(group)))
                .unwrap_or_else(|_| Err("panicked".into()));
            let ms = t.elapsed().as_millis();
            match &r {
                Ok(()) => println!("PASS {full} ({ms} ms)"),
                Err(e) => println!("FAIL {full} ({ms} ms): {e}"),
            }
            results.insert(full, r.is_ok());
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let failed: Vec<_> = results.iter().filter(|(_, ok)| !**ok).collect();
    println!(
        "{} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed: {failed:?}");
}
