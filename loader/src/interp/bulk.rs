//! Bulk memory, table and segment ops: rarer and longer than the rest, so they
//! live out of the interpreter loop. Each takes the values of the op's three
//! slots and returns the value to write to slot `a`, if the op has a result.

use crate::store::Store;
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::TrapCode;

/// The most elements a table may grow to.
const MAX_TABLE_ELEMS: u64 = 10_000_000;

/// Checks that `[start, start + len)` lies within `size`.
fn range(
    start: u64,
    len: u64,
    size: usize,
    trap: TrapCode,
) -> Result<std::ops::Range<usize>, TrapCode> {
    let end = start
        .checked_add(len)
        .filter(|&e| e <= size as u64)
        .ok_or(trap)?;
    Ok(start as usize..end as usize)
}

pub(super) fn exec(
    store: &mut Store,
    instance: u32,
    i: &Instr,
    a: u64,
    b: u64,
    c: u64,
) -> Result<Option<u64>, TrapCode> {
    let inst = &store.instances[instance as usize];
    let lo = (i.imm & 0xffff_ffff) as usize;
    let hi = (i.imm >> 32) as usize;
    let (a32, b32, c32) = (a as u32 as u64, b as u32 as u64, c as u32 as u64);
    const MEM: TrapCode = TrapCode::MemoryOutOfBounds;
    const TAB: TrapCode = TrapCode::TableOutOfBounds;
    match i.op {
        // Addresses and lengths of memory ops are read whole: i32 operands are
        // zero-extended in their slots, i64 ones (memory64) use all 64 bits.
        Op::MemoryFill => {
            let mem = store.memories[inst.memories[lo] as usize].data_mut();
            let r = range(a, c, mem.len(), MEM)?;
            mem[r].fill(b as u8);
        }
        Op::MemoryCopy => {
            let (dst, src) = (inst.memories[lo] as usize, inst.memories[hi] as usize);
            let src_len = store.memories[src].data().len();
            let s = range(b, c, src_len, MEM)?;
            let dst_len = store.memories[dst].data().len();
            let d = range(a, c, dst_len, MEM)?;
            if dst == src {
                store.memories[dst].data_mut().copy_within(s, d.start);
            } else {
                let bytes = store.memories[src].data()[s].to_vec();
                store.memories[dst].data_mut()[d].copy_from_slice(&bytes);
            }
        }
        Op::MemoryInit => {
            // The module is shared (`Arc`), so the segment is borrowed from it
            // rather than from the store being written.
            let module = inst.module.clone();
            let seg: &[u8] = if inst.dropped_datas[lo] {
                &[]
            } else {
                module.data_segment(lo)
            };
            let s = range(b32, c32, seg.len(), MEM)?;
            let mem = inst.memories[hi] as usize;
            let d = range(a, c32, store.memories[mem].data().len(), MEM)?;
            store.memories[mem].data_mut()[d].copy_from_slice(&seg[s]);
        }
        Op::DataDrop => store.instances[instance as usize].dropped_datas[lo] = true,
        Op::TableGet => {
            let t = &store.tables[inst.tables[lo] as usize];
            return t.elems.get(b32 as usize).map(|v| Some(*v)).ok_or(TAB);
        }
        Op::TableSet => {
            let t = &mut store.tables[inst.tables[lo] as usize];
            *t.elems.get_mut(b32 as usize).ok_or(TAB)? = c;
        }
        Op::TableSize => {
            return Ok(Some(
                store.tables[inst.tables[lo] as usize].elems.len() as u64
            ))
        }
        Op::TableGrow => {
            let t = &mut store.tables[inst.tables[lo] as usize];
            let old = t.elems.len() as u64;
            let max = t.ty.max.unwrap_or(u32::MAX as u64).min(MAX_TABLE_ELEMS);
            return Ok(Some(match old.checked_add(c32).filter(|&n| n <= max) {
                Some(new) => {
                    t.elems.resize(new as usize, b);
                    old
                }
                None => u32::MAX as u64,
            }));
        }
        Op::TableFill => {
            let t = &mut store.tables[inst.tables[lo] as usize];
            let r = range(a32, c32, t.elems.len(), TAB)?;
            t.elems[r].fill(b);
        }
        Op::TableCopy => {
            let (dst, src) = (inst.tables[lo] as usize, inst.tables[hi] as usize);
            let s = range(b32, c32, store.tables[src].elems.len(), TAB)?;
            let d = range(a32, c32, store.tables[dst].elems.len(), TAB)?;
            if dst == src {
                store.tables[dst].elems.copy_within(s, d.start);
            } else {
                let items = store.tables[src].elems[s].to_vec();
                store.tables[dst].elems[d].copy_from_slice(&items);
            }
        }
        Op::TableInit => {
            let items = &inst.elems[lo];
            let s = range(b32, c32, items.len(), TAB)?;
            let table = inst.tables[hi] as usize;
            let d = range(a32, c32, store.tables[table].elems.len(), TAB)?;
            let items = items[s].to_vec();
            store.tables[table].elems[d].copy_from_slice(&items);
        }
        Op::ElemDrop => store.instances[instance as usize].elems[lo].clear(),
        Op::RefFunc => return Ok(Some(inst.funcs[lo] as u64 + 1)),
        other => unreachable!("{other:?} is not a bulk op"),
    }
    Ok(None)
}
