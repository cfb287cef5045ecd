//! `zwasm inspect` (text, JSON, `--ir`) and `zwasm features`.

use crate::json::{parse_json, Json};
use crate::{assert_exit, example, scratch, stderr, stdout, zwasm};
use std::collections::BTreeMap;

#[test]
fn inspect_text_lists_the_module() {
    let o = zwasm(&["inspect", &example("strings.wat")]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for needle in [
        "module examples/wat/strings.wat",
        "exports: 5",
        "  memory: memory 0",
        "  strlen: func 0",
        "memories: 1",
        "  memory 0: 1 pages, max none",
        "functions: 4 (0 imported, 4 defined)",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let row = out.lines().find(|l| {
        l.trim_end()
            .ends_with("strlen: (func (param i32) (result i32))")
    });
    let row = row.unwrap_or_else(|| panic!("no strlen row in\n{out}"));
    let numbers: Vec<u64> = row
        .split_whitespace()
        .take(4)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(numbers[0], 0, "{row}");
    assert!(numbers[1..].iter().all(|&n| n > 0), "{row}");
}

#[test]
fn inspect_json_is_structured() {
    let o = zwasm(&["inspect", "--json", &example("reference_types.wat")]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)));
    assert_eq!(j.get("file").str(), "examples/wat/reference_types.wat");
    assert_eq!(j.get("imports").arr().len(), 0);
    let exports = j.get("exports").arr();
    assert!(exports
        .iter()
        .any(|e| e.get("name").str() == "keep" && e.get("kind").str() == "func"));
    let tables = j.get("tables").arr();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].get("elem").str(), "funcref");
    assert_eq!(tables[0].get("min").num(), 4.0);
    assert_eq!(tables[1].get("elem").str(), "externref");
    assert_eq!(*tables[0].get("max"), Json::Null);
    let funcs = j.get("functions");
    assert_eq!(funcs.get("count").num(), 8.0);
    assert_eq!(funcs.get("imported").num(), 0.0);
    let defined = funcs.get("defined").arr();
    assert_eq!(defined.len(), 8);
    let keep = defined
        .iter()
        .find(|f| f.get("name").str() == "keep")
        .expect("keep");
    assert_eq!(
        keep.get("type").str(),
        "(func (param externref) (result externref))"
    );
    for f in defined {
        for key in ["wasm_size", "ir_instrs", "slots", "index"] {
            assert!(f.get(key).num() >= 0.0);
        }
        assert!(f.get("ir_instrs").num() >= 1.0);
    }

    let o = zwasm(&["inspect", "--json", &example("globals.wat")]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    let globals = j.get("globals").arr();
    assert_eq!(globals.len(), 4);
    assert_eq!(globals[0].get("mutable"), &Json::Bool(true));
    assert_eq!(globals[1].get("mutable"), &Json::Bool(false));
    assert_eq!(globals[0].get("type").str(), "i32");
    assert_eq!(*j.get("start"), Json::Null);

    let o = zwasm(&["inspect", "--json", &example("start.wat")]);
    let j = parse_json(&stdout(&o)).unwrap();
    assert_eq!(j.get("start").num(), 0.0);
    let mem = &j.get("memories").arr()[0];
    assert_eq!(
        (mem.get("min").num(), mem.get("memory64")),
        (1.0, &Json::Bool(false))
    );
}

#[test]
fn inspect_json_lists_imports_and_escapes_names() {
    let dir = scratch("inspect_imports");
    let file = dir.join("imports.wat");
    std::fs::write(
        &file,
        r#"(module
             (import "env" "say \"hi\"\n" (func (param i32)))
             (import "env" "mem" (memory 1 2))
             (import "env" "g" (global (mut i64)))
             (import "env" "t" (table 3 funcref))
             (func $inner (export "tab\there") (param i32) (result i32) local.get 0))"#,
    )
    .unwrap();
    let o = zwasm(&["inspect", "--json", file.to_str().unwrap()]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)));
    let imports = j.get("imports").arr();
    assert_eq!(imports.len(), 4);
    assert_eq!(imports[0].get("name").str(), "say \"hi\"\n");
    assert_eq!(imports[0].get("kind").str(), "func");
    assert_eq!(imports[0].get("type").str(), "(func (param i32))");
    assert_eq!(imports[1].get("kind").str(), "memory");
    assert_eq!(imports[1].get("max").num(), 2.0);
    assert_eq!(imports[2].get("type").str(), "i64");
    assert_eq!(imports[3].get("elem").str(), "funcref");
    assert_eq!(j.get("exports").arr()[0].get("name").str(), "tab\there");
    let funcs = j.get("functions");
    assert_eq!(
        (funcs.get("count").num(), funcs.get("imported").num()),
        (2.0, 1.0)
    );
    assert_eq!(funcs.get("defined").arr()[0].get("index").num(), 1.0);
    // --ir of the imported function explains itself.
    let o = zwasm(&["inspect", file.to_str().unwrap(), "--ir", "0"]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("function 0 is imported"),
        "{}",
        stderr(&o)
    );
    // The name-section name works as well as the export name.
    for name in ["$inner", "inner", "tab\there", "1"] {
        let o = zwasm(&["inspect", file.to_str().unwrap(), "--ir", name]);
        assert_exit(&o, 0);
        assert!(
            stdout(&o).starts_with("func 1 inner: "),
            "{name}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn inspect_ir_prints_a_function() {
    for func in ["fac_iter", "1"] {
        let o = zwasm(&["inspect", &example("factorial.wat"), "--ir", func]);
        assert_exit(&o, 0);
        let out = stdout(&o);
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("func 1 fac_iter: (func (param i64) (result i64))")
        );
        assert!(
            lines.next().unwrap().starts_with("; 1 params, 1 locals, "),
            "{out}"
        );
        let code: Vec<&str> = lines.collect();
        assert!(code.len() >= 3, "{out}");
        assert!(code[0].trim_start().starts_with("0: "), "{out}");
        assert!(out.contains("i64.mul"), "{out}");
        assert!(code.last().unwrap().contains("return"), "{out}");
    }
    // The JSON form has the same instructions.
    let o = zwasm(&["inspect", &example("add.wat"), "--ir", "add", "--json"]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    assert_eq!(j.get("name").str(), "add");
    assert_eq!(j.get("params").num(), 2.0);
    let ir = j.get("ir").arr();
    assert!(ir.iter().any(|l| l.str().contains("i32.add")), "{ir:?}");
    // Unknown names and indices are errors.
    for bad in ["nope", "99"] {
        let o = zwasm(&["inspect", &example("add.wat"), "--ir", bad]);
        assert_exit(&o, 1);
        assert!(stderr(&o).contains("no function"), "{}", stderr(&o));
    }
}

#[test]
fn features_lists_every_proposal() {
    let o = zwasm(&["features"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().starts_with("PROPOSAL"));
    let row = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in\n{out}"))
            .to_string()
    };
    assert!(row("mvp").ends_with("supported"));
    assert!(row("bulk-memory").contains("2.0"));
    assert!(row("gc").contains("3.0"));
    assert!(row("simd").split_whitespace().last().is_some());

    let o = zwasm(&["features", "--json"]);
    assert_exit(&o, 0);
    let j = parse_json(&stdout(&o)).unwrap();
    let list = j.arr();
    assert_eq!(list.len(), out.lines().count() - 1);
    let mut seen = BTreeMap::new();
    for f in list {
        let status = f.get("status").str();
        assert!(
            ["supported", "planned", "partial", "experimental"].contains(&status),
            "{status}"
        );
        seen.insert(f.get("name").str().to_string(), status.to_string());
        assert!(!f.get("spec").str().is_empty());
    }
    assert_eq!(seen.get("mvp").map(String::as_str), Some("supported"));
    assert!(seen.contains_key("reference-types") && seen.contains_key("memory64"));
}
