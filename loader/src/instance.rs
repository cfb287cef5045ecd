//! Instantiation: resolve and type-check imports, create the module's own
//! functions, tables, memories and globals, apply active segments in order and
//! run the start function. A trap part-way leaves earlier writes in place, as the
//! spec requires.

use crate::error::{Error, Trap};
use crate::memory::LinearMemory;
use crate::store::{Extern, FuncEntity, GlobalEntity, Instance, InstanceEntity, Store};
use crate::Module;
use zwasm_abi::module::{ArchivedSegmentMode, ConstExpr, ConstOp, ImportKind, SegmentMode};
use zwasm_abi::TrapCode;

pub(crate) fn instantiate(
    store: &mut Store,
    module: &Module,
    resolve: impl Fn(&str, &str) -> Option<Extern>,
) -> Result<Instance, Error> {
    let meta = module.meta();
    let id = store.instances.len() as u32;
    let sigs: Vec<u32> = meta.types.iter().map(|t| store.intern_sig(t)).collect();
    // Struct types get store-wide ids with their supertype chains. Types are
    // per instance: two instances of one module (or structurally equal types
    // in two modules) do not share ids, a simplification of the spec's
    // iso-recursive type equality.
    let mut gc_types = vec![u32::MAX; meta.types.len()];
    for (index, st) in &meta.structs {
        let id = store.gc_types.len() as u32;
        let parent = st
            .supertype
            .and_then(|p| gc_types.get(p as usize).copied())
            .filter(|&p| p != u32::MAX);
        let mut supers: Vec<u32> = match parent {
            Some(p) => store.gc_types[p as usize].supers.to_vec(),
            None => Vec::new(),
        };
        supers.push(id);
        store.gc_types.push(crate::store::GcType {
            supers: supers.into(),
            num_fields: st.fields.len(),
        });
        gc_types[*index as usize] = id;
    }
    let mut inst = InstanceEntity {
        module: module.clone(),
        funcs: Vec::new(),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        sigs,
        elems: Vec::new(),
        dropped_datas: vec![false; module.num_data_segments()],
        gc_types,
        num_imported_funcs: 0,
        vm: None,
        hooks: module.hooks(),
    };

    for import in &meta.imports {
        let what = format!("`{}`::`{}`", import.module, import.name);
        let item = resolve(&import.module, &import.name)
            .ok_or_else(|| Error::Link(format!("unknown import: {what} has not been defined")))?;
        let incompatible = || Error::Link(format!("incompatible import type for {what}"));
        match (&import.kind, item) {
            (ImportKind::Func(ty), Extern::Func(f)) => {
                if store.funcs[f.0 as usize].sig() != inst.sigs[*ty as usize] {
                    return Err(incompatible());
                }
                inst.funcs.push(f.0);
            }
            (ImportKind::Table(ty), Extern::Table(t)) => {
                let actual = &store.tables[t.0 as usize];
                let size = actual.elems.len() as u64;
                if actual.ty.elem != ty.elem || !limits_match(size, actual.ty.max, ty.min, ty.max) {
                    return Err(incompatible());
                }
                inst.tables.push(t.0);
            }
            (ImportKind::Memory(ty), Extern::Memory(m)) => {
                let actual = &store.memories[m.0 as usize];
                if actual.is_64() != ty.memory64
                    || !limits_match(actual.pages(), actual.declared_max(), ty.min, ty.max)
                {
                    return Err(incompatible());
                }
                inst.memories.push(m.0);
            }
            (ImportKind::Global(ty), Extern::Global(g)) => {
                if store.globals[g.0 as usize].ty != *ty {
                    return Err(incompatible());
                }
                inst.globals.push(g.0);
            }
            _ => return Err(incompatible()),
        }
    }
    inst.num_imported_funcs = inst.funcs.len() as u32;

    for (def, f) in meta.funcs.iter().enumerate() {
        let sig = inst.sigs[f.ty as usize];
        store.func_refs.push(crate::store::FuncRef::plain(sig));
        store.funcs.push(FuncEntity::Wasm {
            instance: id,
            def: def as u32,
            sig,
        });
        inst.funcs.push(store.funcs.len() as u32 - 1);
    }
    for mem in &meta.memories {
        let m = LinearMemory::of_type(mem).map_err(Error::Resource)?;
        store.memories.push(m);
        inst.memories.push(store.memories.len() as u32 - 1);
    }
    for global in &meta.globals {
        let value = eval(store, &inst, &global.init);
        store.globals.push(Box::new(GlobalEntity {
            ty: global.ty,
            // Low half first; a scalar's high half is 0.
            value: [value as u64, (value >> 64) as u64],
        }));
        inst.globals.push(store.globals.len() as u32 - 1);
    }
    for table in &meta.tables {
        let init = table
            .init
            .as_ref()
            .map_or(0, |e| eval(store, &inst, e) as u64);
        let t = store.push_table(table.ty, init)?;
        inst.tables.push(t.0);
    }
    inst.elems = meta
        .elems
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| eval(store, &inst, e) as u64)
                .collect()
        })
        .collect();

    // Code without bounds checks needs memory 0 inside a guarded reservation;
    // on a memory without one (the host refused the reservation), the instance
    // runs on the interpreter, if the artifact kept every function's IR.
    let guarded = match inst.memories.first() {
        Some(&m) => store.memories[m as usize].has_guard(),
        None => true,
    };
    let native = module.native_enabled() && (guarded || !module.needs_guard_pages());
    if !native && !module.has_full_ir() {
        return Err(if module.native_enabled() {
            Error::Resource(
                "memory 0 has no guard pages (the host refused its address-space reservation), \
                 which this module's native code needs, and the artifact has no IR to run \
                 without them (compile it with `--keep-ir` or `CompileOptions::keep_ir`)"
                    .into(),
            )
        } else {
            Error::Usage(
                "this artifact keeps only part of its native functions' IR, so it cannot run \
                 on the interpreter alone (compile it with `--engine interp` or `--keep-ir`, \
                 or `CompileOptions::keep_ir`)"
                    .into(),
            )
        });
    }
    if native {
        // Native code reads a global at the address of its low half.
        let globals: Vec<*mut u64> = inst
            .globals
            .iter()
            .map(|&g| store.globals[g as usize].value.as_mut_ptr())
            .collect();
        let mut vm = crate::native::VmCtx::new(id, &globals, &inst.sigs);
        let vm_ptr = vm.ptr() as usize;
        let imported = inst.num_imported_funcs as usize;
        for (def, code) in module.func_codes().iter().enumerate() {
            if code.native != 0 {
                let r = &mut store.func_refs[inst.funcs[imported + def] as usize];
                r.code = code.native;
                r.vmctx = vm_ptr;
            }
        }
        inst.vm = Some(vm);
    }
    store.instances.push(inst);
    let instance = Instance(id);

    // Active element segments, then active data segments, in order.
    for (i, seg) in meta.elems.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let inst = &store.instances[id as usize];
                let offset = eval(store, inst, offset) as u32 as u64;
                let table = inst.tables[*index as usize] as usize;
                let items = std::mem::take(&mut store.instances[id as usize].elems[i]);
                let elems = &mut store.tables[table].elems;
                let end = offset + items.len() as u64;
                if end > elems.len() as u64 {
                    return Err(Trap::new(TrapCode::TableOutOfBounds).into());
                }
                elems[offset as usize..end as usize].copy_from_slice(&items);
            }
            SegmentMode::Declared => store.instances[id as usize].elems[i].clear(),
            SegmentMode::Passive => {}
        }
    }
    for (i, seg) in module.tables().datas.iter().enumerate() {
        if let ArchivedSegmentMode::Active { index, offset } = &seg.mode {
            let inst = &store.instances[id as usize];
            let offset = eval_ops(store, inst, offset.0.iter().map(|op| op.get())) as u64;
            let mem = inst.memories[index.to_native() as usize] as usize;
            store.instances[id as usize].dropped_datas[i] = true;
            let memory = &mut store.memories[mem];
            // The offset is an i64 for a 64-bit memory, else an i32.
            let offset = if memory.is_64() {
                offset
            } else {
                offset as u32 as u64
            };
            let data = memory.data_mut();
            let bytes = module.data_segment(i);
            let end = offset.checked_add(bytes.len() as u64);
            let Some(end) = end.filter(|&e| e <= data.len() as u64) else {
                return Err(Trap::new(TrapCode::MemoryOutOfBounds).into());
            };
            data[offset as usize..end as usize].copy_from_slice(bytes);
        }
    }
    if let Some(start) = meta.start {
        let func = store.instances[id as usize].funcs[start as usize];
        crate::interp::call(store, func, &[])?;
    }
    Ok(instance)
}

/// Whether an import of limits `min..max` accepts an extern of size `size`
/// whose own maximum is `actual_max`.
fn limits_match(size: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    size >= min
        && match max {
            None => true,
            Some(max) => actual_max.is_some_and(|a| a <= max),
        }
}

/// Evaluates a constant expression to its value's 128 bits: a v128 whole,
/// any other value in the low 64 bits as its slot holds it.
pub(crate) fn eval(store: &Store, inst: &InstanceEntity, expr: &ConstExpr) -> u128 {
    eval_ops(store, inst, expr.0.iter().copied())
}

/// Evaluates a constant expression given as its ops. The operand stack lives
/// on the machine stack up to 16 values (a module may have tens of thousands
/// of segments, each with an offset to evaluate). Values are 128 bits wide so
/// that a v128 fits; the integer ops use the low bits.
fn eval_ops(store: &Store, inst: &InstanceEntity, ops: impl Iterator<Item = ConstOp>) -> u128 {
    let mut stack = Stack {
        inline: [0; 16],
        len: 0,
        more: Vec::new(),
    };
    for op in ops {
        let v = match op {
            ConstOp::I32(x) => x as u32 as u128,
            ConstOp::I64(x) => x as u64 as u128,
            ConstOp::F32(x) => x as u128,
            ConstOp::F64(x) => x as u128,
            ConstOp::V128(x) => x,
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(i) => inst.funcs[i as usize] as u128 + 1,
            ConstOp::GlobalGet(i) => {
                let [lo, hi] = store.globals[inst.globals[i as usize] as usize].value;
                lo as u128 | (hi as u128) << 64
            }
            bin => {
                let b = stack.pop().unwrap_or(0) as u64;
                let a = stack.pop().unwrap_or(0) as u64;
                (match bin {
                    ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u64,
                    ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u64,
                    ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u64,
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
        };
        stack.push(v);
    }
    stack.pop().unwrap_or(0)
}

/// A value stack that spills to the heap past 16 values.
struct Stack {
    inline: [u128; 16],
    len: usize,
    more: Vec<u128>,
}

impl Stack {
    #[inline]
    fn push(&mut self, v: u128) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.more.push(v),
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<u128> {
        self.len = self.len.checked_sub(1)?;
        Some(match self.inline.get(self.len) {
            Some(&v) => v,
            None => self.more.pop().unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Stack;

    #[test]
    fn the_const_stack_spills_past_16_values_in_order() {
        let mut s = Stack {
            inline: [0; 16],
            len: 0,
            more: Vec::new(),
        };
        for v in 0..40 {
            s.push(v);
        }
        let popped: Vec<u128> = std::iter::from_fn(|| s.pop()).collect();
        assert_eq!(popped, (0..40).rev().collect::<Vec<u128>>());
        assert_eq!(s.pop(), None);
    }
}
