//! Loading a `.zwo` from a file maps its native code read+execute straight
//! from the file (no copy, never writable), and that code runs.

use zwasm_compiler::{compile, CompileOptions};
use zwasm_loader::{Linker, Module, Store, Val};

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

#[test]
fn native_code_is_mapped_from_the_file() {
    if !cfg!(target_os = "linux") || !zwasm_compiler::has_native_backend() {
        println!("skipped: reads /proc/self/maps, and needs a native backend");
        return;
    }
    let zwo = compile(FIB.as_bytes(), &CompileOptions::default()).expect("compiles");
    let dir = std::env::temp_dir().join(format!("zwasm-mapped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fib.zwo");
    std::fs::write(&path, &zwo).unwrap();

    let module = Module::from_file(&path).expect("loads");
    assert_eq!(module.native_funcs(), 1);
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let path_text = path.display().to_string();
    let mappings: Vec<&str> = maps.lines().filter(|l| l.ends_with(&path_text)).collect();
    assert!(
        mappings.iter().any(|l| l.contains(" r-xp ")),
        "no read+execute mapping of the file:\n{}",
        mappings.join("\n")
    );
    assert!(
        !mappings
            .iter()
            .any(|l| l.split_whitespace().nth(1).is_some_and(|p| p.contains('w'))),
        "a writable mapping of the file:\n{}",
        mappings.join("\n")
    );

    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let fib = store.get_func(instance, "fib").unwrap();
    assert_eq!(
        store.call(fib, &[Val::I32(20)]).unwrap(),
        vec![Val::I32(6765)]
    );
    drop(store);
    drop(module);
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    assert!(
        !maps.lines().any(|l| l.ends_with(&path_text)),
        "the file stays mapped after the module is dropped"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
