//! Fuel and interrupts: code compiled with them takes fuel and checks the
//! interrupt flag at each function entry and loop iteration, on both engines;
//! code compiled without them does neither.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Error, Linker, Module, Store, TrapCode, Val};

const LOOPS: &str = r#"(module
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 1)))"#;

fn module(engine: Engine, fuel: bool, interruptible: bool) -> Module {
    let opts = CompileOptions {
        engine,
        fuel,
        interruptible,
        ..CompileOptions::default()
    };
    let zwo = compile(LOOPS.as_bytes(), &opts).expect("compiles");
    let m = Module::from_bytes(&zwo).expect("loads");
    match engine {
        Engine::Interp => m.interp_only(),
        Engine::Native => m,
    }
}

fn trap_code(r: Result<Vec<Val>, Error>) -> TrapCode {
    match r {
        Err(Error::Trap(t)) => t.code,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn fuel_is_counted_and_runs_out_on_both_engines() {
    for engine in [Engine::Interp, Engine::Native] {
        let m = module(engine, true, false);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &m).unwrap();
        let count = store.get_func(instance, "count").unwrap();
        store.set_fuel(1_000);
        let r = store.call(count, &[Val::I32(10)]).unwrap();
        assert_eq!(r, vec![Val::I32(10)], "{engine:?}");
        let spent = 1_000 - store.fuel();
        // One unit per iteration, give or take the entry into the function
        // and into the loop (the engines place the check differently).
        assert!(
            (10..=12).contains(&spent),
            "{engine:?}: {spent} units for 10 iterations"
        );

        store.set_fuel(500);
        let r = store.call(count, &[Val::I32(1_000_000)]);
        assert_eq!(trap_code(r), TrapCode::OutOfFuel, "{engine:?}");
        let spin = store.get_func(instance, "spin").unwrap();
        store.set_fuel(100);
        assert_eq!(
            trap_code(store.call(spin, &[])),
            TrapCode::OutOfFuel,
            "{engine:?}"
        );
    }
}

#[test]
fn code_without_fuel_takes_none() {
    for engine in [Engine::Interp, Engine::Native] {
        let m = module(engine, false, false);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &m).unwrap();
        let count = store.get_func(instance, "count").unwrap();
        store.set_fuel(5);
        let r = store.call(count, &[Val::I32(100)]).unwrap();
        assert_eq!(r, vec![Val::I32(100)]);
        assert_eq!(store.fuel(), 5, "{engine:?}");
    }
}

#[test]
fn an_interrupt_stops_an_endless_loop() {
    for engine in [Engine::Interp, Engine::Native] {
        let m = module(engine, false, true);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &m).unwrap();
        let spin = store.get_func(instance, "spin").unwrap();
        let handle = store.interrupt_handle();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            handle.interrupt();
        });
        assert_eq!(
            trap_code(store.call(spin, &[])),
            TrapCode::Interrupted,
            "{engine:?}"
        );
        stopper.join().unwrap();
        // Interrupted until cleared; then it runs again.
        let count = store.get_func(instance, "count").unwrap();
        assert_eq!(
            trap_code(store.call(count, &[Val::I32(3)])),
            TrapCode::Interrupted
        );
        store.clear_interrupt();
        assert_eq!(
            store.call(count, &[Val::I32(3)]).unwrap(),
            vec![Val::I32(3)]
        );
    }
}
