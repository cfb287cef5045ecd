//! Wasm GC ops on structs: allocation, field access and casts. Objects live in
//! the store's heap (`Store::heap`) until the store is dropped; there is no
//! collector yet. A reference slot holds the object's index + 1, 0 for null.

use crate::store::{GcObject, Store};
use zwasm_abi::ir::{abstract_heap, Instr, Op, ABSTRACT_HEAP};
use zwasm_abi::TrapCode;

/// The store-wide type id of type index `ty` of `instance`.
fn type_id(store: &Store, instance: u32, ty: u64) -> u32 {
    store.instances[instance as usize].gc_types[ty as u32 as usize]
}

/// `struct.new` (fields from `args`) and `struct.new_default` (`args` empty).
pub(super) fn new(store: &mut Store, instance: u32, i: &Instr, args: &[u64]) -> u64 {
    let ty = type_id(store, instance, i.imm);
    let n = store.gc_types[ty as usize].num_fields;
    let fields: Box<[u64]> = if i.op == Op::StructNew {
        args[..n].into()
    } else {
        vec![0; n].into()
    };
    store.heap.push(GcObject { ty, fields });
    store.heap.len() as u64
}

/// The object a non-null reference names. A reference that names no object
/// can only come from a damaged artifact's code; it traps like a null one.
fn object(store: &mut Store, r: u64) -> Result<&mut GcObject, TrapCode> {
    let index = r.checked_sub(1).ok_or(TrapCode::NullStructure)?;
    store
        .heap
        .get_mut(index as usize)
        .ok_or(TrapCode::NullStructure)
}

/// `struct.get`, `struct.get_s`, `struct.get_u` on the reference `r`.
pub(super) fn get(store: &mut Store, i: &Instr, r: u64) -> Result<u64, TrapCode> {
    let obj = object(store, r)?;
    let v = *obj
        .fields
        .get((i.imm >> 32) as usize)
        .ok_or(TrapCode::NullStructure)?;
    let shift = 32 - (i.c as u32).clamp(1, 32);
    Ok(match i.op {
        Op::StructGetS => ((((v as u32) << shift) as i32) >> shift) as u32 as u64,
        Op::StructGetU => (((v as u32) << shift) >> shift) as u64,
        _ => v,
    })
}

/// `struct.set` of field `imm >> 32` of `r` to `v`.
pub(super) fn set(store: &mut Store, i: &Instr, r: u64, v: u64) -> Result<(), TrapCode> {
    let obj = object(store, r)?;
    let field = obj
        .fields
        .get_mut((i.imm >> 32) as usize)
        .ok_or(TrapCode::NullStructure)?;
    *field = v;
    Ok(())
}

/// Whether the non-null reference `r` matches the cast target `imm` (a type
/// index of `instance`, or `ABSTRACT_HEAP | abstract_heap::*`).
fn matches(store: &Store, instance: u32, r: u64, imm: u64) -> bool {
    let Some(obj) = store.heap.get(r as usize - 1) else {
        return false;
    };
    if imm >= ABSTRACT_HEAP {
        // Every object is a struct: no arrays or i31 references exist yet.
        return matches!(
            imm & 0xffff_ffff,
            abstract_heap::ANY | abstract_heap::EQ | abstract_heap::STRUCT
        );
    }
    let target = type_id(store, instance, imm);
    let depth = store.gc_types[target as usize].supers.len() - 1;
    store.gc_types[obj.ty as usize].supers.get(depth) == Some(&target)
}

/// `ref.cast`, `ref.test` and their nullable forms: the value to write.
pub(super) fn cast(store: &Store, instance: u32, i: &Instr, r: u64) -> Result<u64, TrapCode> {
    let nullable = matches!(i.op, Op::RefCastNull | Op::RefTestNull);
    let ok = if r == 0 {
        nullable
    } else {
        matches(store, instance, r, i.imm)
    };
    match i.op {
        Op::RefTest | Op::RefTestNull => Ok(ok as u64),
        _ if ok => Ok(r),
        _ => Err(TrapCode::CastFailure),
    }
}
