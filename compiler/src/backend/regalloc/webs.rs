//! Values that live inside one block get numbers of their own.
//!
//! The lowering reuses a slot for unrelated values (an operand-stack cell
//! holds an address, then a float, then a flag; a local is assigned anew),
//! and the allocator gives each number one range, one register class and
//! one location. Here every definition whose value is used only inside its
//! block — it is redefined there, or dead at the block's end — gets a
//! number of its own, from the frame's slot count on; the values that cross
//! a block boundary keep their slot's number, as before.
//!
//! A renumbered value's home in memory stays its slot's frame cell: values of
//! one slot are never live at once (the original code keeps them all in that
//! cell), so spilling and reloading any of them there is what the code did
//! before. Values the runtime or a callee sees by number keep it: those read
//! or written by calls, returns, `select`'s condition, `struct.new` and any
//! instruction that goes through memory. Liveness across blocks is unchanged,
//! so the allocator keeps the slots' live-in and live-out sets.

use super::{Effects, OpTable, Rows};
use zwasm_abi::ir::Instr;

/// What the renumbering needs of the allocator's analysis (over slots).
pub(super) struct Facts<'a> {
    pub code: &'a [Instr],
    pub num_slots: usize,
    pub effects: &'a Effects<'a>,
    pub ops: &'a OpTable,
    /// The first instruction of each block.
    pub starts: &'a [usize],
    pub live_out: &'a Rows,
}

/// The code with its block-local values renumbered, and the home slot of
/// every number; `None` when there is none.
pub(super) fn split(f: &Facts) -> Option<(Vec<Instr>, Vec<u16>)> {
    let (code, nb) = (f.code, f.starts.len());
    let n = code.len();
    // Walking each block backwards: per slot, whether a later instruction of
    // the block defines it (the value defined here does not reach the end)
    // and whether one that keeps numbers reads the value defined here.
    const LATER_DEF: u8 = 1;
    const PINNED: u8 = 2;
    let mut state = vec![0u8; f.num_slots];
    let mut stamp = vec![u32::MAX; f.num_slots];
    // Whether the definition at each position starts a block-local value.
    let mut local = vec![false; n];
    let mut any = false;
    for b in 0..nb {
        let (start, end) = (f.starts[b], if b + 1 < nb { f.starts[b + 1] } else { n });
        let b32 = b as u32;
        let at = |s: u16, stamp: &mut [u32], state: &mut [u8]| -> usize {
            if stamp[s as usize] != b32 {
                stamp[s as usize] = b32;
                state[s as usize] = 0;
            }
            s as usize
        };
        for p in (start..end).rev() {
            let i = &code[p];
            if f.ops.keeps_numbers(i.op) {
                f.effects.writes(i, |s| {
                    let k = at(s, &mut stamp, &mut state);
                    state[k] = LATER_DEF;
                });
                f.effects.reads(i, |s| {
                    let k = at(s, &mut stamp, &mut state);
                    state[k] |= PINNED;
                });
                continue;
            }
            let (reads, writes) = f.ops.fields(i.op);
            // A field read and written is one value going on: no new one.
            if writes && reads & 1 == 0 {
                let k = at(i.a, &mut stamp, &mut state);
                let reaches_end = state[k] & LATER_DEF == 0;
                local[p] = state[k] & PINNED == 0 && !(reaches_end && f.live_out.get(b, i.a));
                any |= local[p];
                state[k] = LATER_DEF;
            }
        }
    }
    if !any {
        return None;
    }
    // Walking forwards: the number each slot's reads take in this block.
    let mut homes: Vec<u16> = (0..f.num_slots as u16).collect();
    let mut cur: Vec<u16> = homes.clone();
    stamp.fill(u32::MAX);
    let mut out = code.to_vec();
    for b in 0..nb {
        let (start, end) = (f.starts[b], if b + 1 < nb { f.starts[b + 1] } else { n });
        let b32 = b as u32;
        let number = |s: u16, stamp: &[u32], cur: &[u16]| {
            if stamp[s as usize] == b32 {
                cur[s as usize]
            } else {
                s
            }
        };
        for (p, i) in out.iter_mut().enumerate().take(end).skip(start) {
            if f.ops.keeps_numbers(i.op) {
                // (Everything such an op touches has its slot's number.)
                f.effects.writes(i, |s| {
                    stamp[s as usize] = b32;
                    cur[s as usize] = s;
                });
                continue;
            }
            let (reads, writes) = f.ops.fields(i.op);
            let (a, b_, c) = (
                number(i.a, &stamp, &cur),
                number(i.b, &stamp, &cur),
                number(i.c, &stamp, &cur),
            );
            if reads & 2 != 0 {
                i.b = b_;
            }
            if reads & 4 != 0 {
                i.c = c;
            }
            if reads & 1 != 0 {
                // (Also the number it writes, when it writes `a`.)
                i.a = a;
            } else if writes {
                let s = i.a;
                let v = if local[p] {
                    if homes.len() >= u16::MAX as usize {
                        return None;
                    }
                    homes.push(s);
                    homes.len() as u16 - 1
                } else {
                    s
                };
                stamp[s as usize] = b32;
                cur[s as usize] = v;
                i.a = v;
            }
        }
    }
    Some((out, homes))
}
