//! Data segments and function names, which the loader reads in place from
//! the artifact rather than deserializing: active segments at constant
//! offsets, a passive segment for `memory.init` and `data.drop`, and
//! name-section names.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

fn wat() -> String {
    let mut m = String::from("(module\n  (memory 1)\n");
    // Segment k writes byte k + 1 at offset 100 + 2k.
    for k in 0..40 {
        m += &format!("  (data (i32.const {}) \"\\{:02x}\")\n", 100 + 2 * k, k + 1);
    }
    m += "  (global $g i32 (i32.const 42))\n";
    m += r#"  (data $passive "passive!")
  (func $byte (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func $global (export "global") (result i32) (global.get $g))
  (func $init (export "init") (param i32)
    (memory.init $passive (local.get 0) (i32.const 0) (i32.const 8))
    (data.drop $passive))
)"#;
    m
}

fn instantiate(engine: Engine) -> (Module, Store, zwasm_loader::Instance) {
    let opts = CompileOptions {
        engine,
        ..CompileOptions::default()
    };
    let module = Module::from_bytes(&compile(wat().as_bytes(), &opts).unwrap()).unwrap();
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    (module, store, instance)
}

#[test]
fn segments_and_names_are_read_in_place() {
    for engine in [Engine::Interp, Engine::Native] {
        let (module, mut store, instance) = instantiate(engine);
        let mut call = |name: &str, args: &[Val]| {
            let f = store.get_func(instance, name).unwrap();
            store.call(f, args)
        };
        for k in 0..40 {
            let got = call("byte", &[Val::I32(100 + 2 * k)]).unwrap();
            assert_eq!(got, vec![Val::I32(k + 1)], "segment {k} on {engine:?}");
            assert_eq!(
                call("byte", &[Val::I32(101 + 2 * k)]).unwrap(),
                vec![Val::I32(0)]
            );
        }
        assert_eq!(call("global", &[]).unwrap(), vec![Val::I32(42)]);
        call("init", &[Val::I32(1000)]).unwrap();
        let text: Vec<Val> = (0..8)
            .map(|i| call("byte", &[Val::I32(1000 + i)]).unwrap()[0])
            .collect();
        let expected: Vec<Val> = b"passive!".iter().map(|&b| Val::I32(b as i32)).collect();
        assert_eq!(text, expected);
        // Dropped: initializing again from it traps (8 bytes from an empty segment).
        assert!(call("init", &[Val::I32(2000)]).is_err());

        assert_eq!(module.func_name(0), Some("byte"));
        assert_eq!(module.func_name(2), Some("init"));
        assert_eq!(module.func_name(3), None);
        let names: Vec<(u32, &str)> = module.func_names().collect();
        assert_eq!(names, [(0, "byte"), (1, "global"), (2, "init")]);
    }
}
