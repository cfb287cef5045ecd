//! The ISA-neutral half of native code generation: what every instruction
//! set does the same way. It splits a module's functions into chunks
//! compiled on their own threads and lays them out, copies small leaves into
//! their callers, allocates registers, and walks each function's IR —
//! branch targets and loop heads, copies of inlined functions, loops whose
//! values get registers of their own (`regalloc::Promotion`: loads on entry,
//! stores on the way out), trap stubs — asking the ISA ([`Isa`], [`Emit`])
//! only to emit.

use super::inline::{self, Expanded};
use super::regalloc::{self, Allocation, Effects, Loc, OpTable, Pools};
use super::{ModuleInfo, NativeCode};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::native::{flags, LEAF_SLOTS};

/// An instruction set, as the code generator drives it.
pub(crate) trait Isa: Sync {
    /// The assembler a chunk of functions is emitted into.
    type Asm;
    /// A code label of that assembler.
    type Label: Copy + PartialEq;
    /// Where functions start (and loops, which a function's offsets keep
    /// wherever its chunk is laid out).
    const CODE_ALIGN: usize;
    /// The farthest a direct call reaches, in bytes: a module's native code
    /// must fit in it.
    const CALL_REACH: usize;

    /// What the allocator asks of each op.
    fn ops(&self) -> &OpTable;
    /// The registers the allocator hands out.
    fn pools(&self) -> Pools;
    /// Whether `op` runs in the runtime (a libcall), which a function copied
    /// into its caller may not do.
    fn goes_to_runtime(&self, op: Op) -> bool;
    /// An assembler with room for about `bytes` of code.
    fn new_asm(&self, bytes: usize) -> Self::Asm;
    /// The current offset in `asm`.
    fn offset(asm: &Self::Asm) -> usize;
    /// Pads `asm` to [`Isa::CODE_ALIGN`].
    fn align(asm: &mut Self::Asm);
    /// Emits one function; returns the CPU features its code uses.
    fn function(&self, asm: &mut Self::Asm, cx: FnCtx<'_, Self::Label>) -> u64;
    /// Resolves the labels of the function just emitted.
    fn commit(asm: &mut Self::Asm) -> Result<(), AsmError>;
    /// The chunk's code.
    fn finalize(asm: Self::Asm) -> Result<Vec<u8>, String>;
    /// Points the direct call or jump whose immediate ends at `at` in
    /// `code` at offset `target`.
    fn patch_call(code: &mut [u8], at: usize, target: usize);
}

/// Below this much IR in all, a module is compiled on one thread: a second
/// thread costs 0.1 to 0.2 ms (its stack, its malloc arena, cold caches), and
/// one large function can leave it little to do.
const PARALLEL_MIN_IR: usize = 16_000;

/// Compiles the functions marked in `native` for `isa`.
pub(crate) fn compile<I: Isa>(
    isa: &I,
    m: &ModuleInfo,
    native: &[bool],
) -> Result<NativeCode, String> {
    // Functions are compiled in chunks of about equal IR size, one
    // thread per chunk; direct calls between them are patched once the
    // chunks are laid out one after the other.
    let chosen: Vec<usize> = (0..native.len()).filter(|&d| native[d]).collect();
    let total: usize = chosen.iter().map(|&d| m.func_code(d).len()).sum();
    let threads = if total < PARALLEL_MIN_IR {
        1
    } else {
        crate::threads()
    };
    let mut chunks: Vec<Vec<usize>> = vec![Vec::new()];
    let mut size = 0;
    for &d in &chosen {
        if size >= total.div_ceil(threads) && chunks.len() < threads {
            chunks.push(Vec::new());
            size = 0;
        }
        size += m.func_code(d).len();
        chunks.last_mut().unwrap().push(d);
    }
    let inlinable = inline::inlinable(m, native, |op| isa.goes_to_runtime(op));
    let results = crate::parallel_map(chunks, |c| compile_chunk(isa, m, native, &inlinable, &c));
    let mut code = Vec::new();
    let mut funcs = vec![(0u32, 0u32); native.len()];
    let mut used = 0;
    let mut relocs = Vec::new();
    let mut ir_refs = Vec::new();
    let mut inlined = Vec::new();
    for chunk in results {
        let chunk = chunk?;
        code.resize(code.len().next_multiple_of(I::CODE_ALIGN), 0xcc);
        let base = code.len();
        for (def, start, len) in chunk.funcs {
            funcs[def] = ((base + start) as u32, len as u32);
        }
        relocs.extend(chunk.relocs.into_iter().map(|(at, def)| (base + at, def)));
        inlined.extend(
            chunk
                .inlined
                .into_iter()
                .map(|(start, len, callee)| ((base + start) as u32, len as u32, callee)),
        );
        ir_refs.extend(
            chunk
                .ir_refs
                .into_iter()
                .map(|(at, def, pc)| (base + at, def, pc)),
        );
        used |= chunk.used;
        if code.is_empty() {
            code = chunk.code;
        } else {
            code.extend_from_slice(&chunk.code);
        }
    }
    if code.len() > I::CALL_REACH {
        return Err(format!(
            "{} MiB of native code, beyond a direct call's reach on this ISA ({} MiB)",
            code.len() >> 20,
            I::CALL_REACH >> 20
        ));
    }
    for (at, def) in relocs {
        I::patch_call(&mut code, at, funcs[def].0 as usize);
    }
    Ok(NativeCode {
        code,
        funcs,
        ir_refs,
        inlined,
        cpu_features: used,
        flags: m.hooks | if m.memory64 { 0 } else { flags::GUARD_PAGES },
    })
}

/// The code of some functions, assembled on their own.
struct Chunk {
    code: Vec<u8>,
    /// (defined function, offset, length).
    funcs: Vec<(usize, usize, usize)>,
    /// (offset just past a call's immediate, defined function it calls or
    /// jumps to).
    relocs: Vec<(usize, usize)>,
    /// (offset just past an IR index immediate, defined function, pc).
    ir_refs: Vec<(usize, u32, u32)>,
    /// Copies of inlined functions: (offset, length, defined function).
    inlined: Vec<(usize, usize, u32)>,
    used: u64,
}

/// Why a function's labels could not be resolved.
pub(crate) enum AsmError {
    /// A branch or PC-relative load does not reach its label: the function
    /// is emitted again with `FnCtx::far`.
    OutOfReach,
    Other(String),
}

/// Compiles the functions `defs` into one piece of code. A function whose
/// short branches turn out not to reach across it is compiled again, with
/// the whole chunk, as far (`FnCtx::far`).
fn compile_chunk<I: Isa>(
    isa: &I,
    m: &ModuleInfo,
    native: &[bool],
    inlinable: &[bool],
    defs: &[usize],
) -> Result<Chunk, String> {
    let mut far = Vec::new();
    loop {
        match emit_chunk(isa, m, native, inlinable, defs, &far) {
            Ok(chunk) => return Ok(chunk),
            Err((def, AsmError::OutOfReach)) if !far.contains(&def) => far.push(def),
            Err((def, AsmError::OutOfReach)) => {
                return Err(format!(
                    "defined function {def}: a branch does not reach its label"
                ))
            }
            Err((_, AsmError::Other(e))) => return Err(e),
        }
    }
}

/// Emits the functions `defs`, those in `far` as far ones; on failure, the
/// function whose labels could not be resolved and why.
fn emit_chunk<I: Isa>(
    isa: &I,
    m: &ModuleInfo,
    native: &[bool],
    inlinable: &[bool],
    defs: &[usize],
    far: &[usize],
) -> Result<Chunk, (usize, AsmError)> {
    // About 12 bytes of code per IR instruction: room for all at once
    // saves copying a growing buffer into fresh pages.
    let ir: usize = defs.iter().map(|&d| m.func_code(d).len()).sum();
    let mut asm = isa.new_asm(ir * 14);
    let mut funcs = Vec::with_capacity(defs.len());
    let mut relocs = Vec::new();
    let mut ir_refs = Vec::new();
    let mut inlined = Vec::new();
    let mut used = 0u64;
    for &def in defs {
        I::align(&mut asm);
        let start = I::offset(&asm);
        let expanded = inline::expand(m, def, inlinable);
        let code: &[Instr] = &expanded.code;
        let f = &m.meta.funcs[def];
        let vectors = code.iter().any(|i| super::is_vector(i.op));
        let effects = Effects::new(m, def, expanded.num_slots, vectors);
        let mut alloc = regalloc::allocate(
            code,
            expanded.num_slots,
            f.num_params as usize,
            &effects,
            isa.ops(),
            isa.pools(),
        );
        // The code with its webs renumbered, when the allocator did so.
        let renamed = alloc.code.take();
        let code: &[Instr] = renamed.as_deref().unwrap_or(code);
        let cx = FnCtx {
            m,
            def,
            code,
            expanded: &expanded,
            inlined: &mut inlined,
            ir_refs: &mut ir_refs,
            labels: Vec::new(),
            loop_heads: Vec::new(),
            traps: Vec::new(),
            relocs: &mut relocs,
            native,
            alloc,
            vector_base: vectors.then_some(expanded.num_slots as u16),
            loop_in: None,
            exit_stubs: Vec::new(),
            far: far.contains(&def),
        };
        used |= isa.function(&mut asm, cx);
        funcs.push((def, start, I::offset(&asm) - start));
        // A function's jumps are all to its own labels: resolve them now,
        // so that the lists of labels and of jumps to patch stay the size
        // of one function rather than growing over the whole chunk.
        I::commit(&mut asm).map_err(|e| (def, e))?;
    }
    Ok(Chunk {
        code: I::finalize(asm).map_err(|e| (usize::MAX, AsmError::Other(e)))?,
        funcs,
        relocs,
        ir_refs,
        inlined,
        used,
    })
}

/// What the code generator knows of the function being emitted, for any
/// ISA (`L`: its labels).
pub(crate) struct FnCtx<'a, L> {
    pub m: &'a ModuleInfo<'a>,
    pub def: usize,
    pub code: &'a [Instr],
    /// What `code` is made of: the function's own IR, with the bodies of
    /// small leaf functions copied in.
    pub expanded: &'a Expanded<'a>,
    /// Where the copies' code went: (offset, length, defined function).
    pub inlined: &'a mut Vec<(usize, usize, u32)>,
    /// Instructions the code hands to a libcall by their IR index: (offset
    /// just past the 32-bit immediate to patch, defined function, pc).
    pub ir_refs: &'a mut Vec<(usize, u32, u32)>,
    /// A label per IR instruction that is a branch target.
    pub labels: Vec<Option<L>>,
    /// Whether the function is to be emitted with branches and constant
    /// loads that reach across any length of code (its first emission's
    /// did not).
    pub far: bool,
    /// Which IR instructions a backward branch targets.
    pub loop_heads: Vec<bool>,
    /// Trap stubs used so far: (code as returned to the host, label).
    pub traps: Vec<(u32, L)>,
    /// Direct calls and jumps to patch: (offset past the immediate, callee).
    pub relocs: &'a mut Vec<(usize, usize)>,
    /// Which defined functions have native code.
    pub native: &'a [bool],
    pub alloc: Allocation,
    /// The number of the first vector value (see `regalloc::Effects`), when
    /// the function has vectors.
    pub vector_base: Option<u16>,
    /// The loop being emitted whose values have registers of their own
    /// (`regalloc::Promotion`): its index, and the label its back edges take
    /// (past the loads on entry).
    pub loop_in: Option<(usize, L)>,
    /// Stores on the edges that leave such a loop.
    pub exit_stubs: Vec<ExitStub<L>>,
}

/// The stores on an edge leaving a loop whose values have registers.
pub(crate) struct ExitStub<L> {
    pub label: L,
    /// Where the edge goes.
    pub to: L,
    /// The values to store, and their registers in the loop.
    pub values: Vec<(u16, Loc)>,
}

/// What an ISA's function emitter does for the code generator's walk.
pub(crate) trait Emit<'a> {
    type Label: Copy + PartialEq;
    fn cx(&self) -> &FnCtx<'a, Self::Label>;
    fn cx_mut(&mut self) -> &mut FnCtx<'a, Self::Label>;
    /// The current code offset.
    fn offset(&self) -> usize;
    fn new_label(&mut self) -> Self::Label;
    fn bind(&mut self, l: Self::Label);
    fn jump(&mut self, l: Self::Label);
    /// Pads so that a loop's first instruction starts an aligned block.
    fn align_loop_head(&mut self);
    /// The frame: everything before the function's first instruction.
    fn prologue(&mut self);
    /// The fuel and interrupt checks (at entry and at each loop head).
    fn hooks(&mut self);
    /// Stores an allocated value's register to its frame cell(s).
    fn spill(&mut self, value: u16);
    /// Loads an allocated value's register from its frame cell(s).
    fn reload(&mut self, value: u16);
    /// Another path arrives here: forget what registers are known to hold.
    fn forget(&mut self);
    /// Emits instruction `pc`; returns the next pc to emit.
    fn op(&mut self, pc: usize) -> usize;
    /// What follows the function's code: trap stubs, constants.
    fn tail(&mut self);
    /// On entry into the loop of the promotions from `head` to `end`
    /// (inclusive), before its first instruction and once: its back edges
    /// come after. An ISA may set up values the loop only reads.
    fn loop_entry(&mut self, _head: usize, _end: usize) {}
}

/// Whether the function never calls and its frame is small enough that its
/// callers' stack checks cover it.
pub(crate) fn is_leaf(code: &[Instr], num_slots: usize) -> bool {
    num_slots <= LEAF_SLOTS as usize
        && !code.iter().any(|i| {
            matches!(
                i.op,
                Op::Call
                    | Op::CallImport
                    | Op::CallIndirect
                    | Op::ReturnCall
                    | Op::ReturnCallImport
                    | Op::ReturnCallIndirect
            )
        })
}

/// Emits a function: labels for the branch targets, the prologue, each
/// instruction in order (with the loads and stores of the loops whose
/// values get registers), then the stubs.
pub(crate) fn function<'a, E: Emit<'a>>(e: &mut E) {
    let n = e.cx().code.len();
    let mut labels = vec![None; n + 1];
    let mut loop_heads = vec![false; n + 1];
    for pc in 0..n {
        let i = e.cx().code[pc];
        if i.op.fmt().is_branch() {
            let t = (pc as i64 + 1 + i.offset() as i64) as usize;
            if labels[t].is_none() {
                labels[t] = Some(e.new_label());
            }
            if t <= pc {
                loop_heads[t] = true;
            }
        }
    }
    e.cx_mut().labels = labels;
    e.cx_mut().loop_heads = loop_heads;
    e.prologue();
    let mut pc = 0;
    // The copies not begun yet, and the one being emitted: (code offset
    // of its start, callee, end pc).
    let mut site = 0;
    let mut open: Option<(usize, u32, usize)> = None;
    let mut next_promotion = 0;
    loop {
        if let Some((start, callee, end)) = open {
            if pc >= end {
                let len = e.offset() - start;
                e.cx_mut().inlined.push((start, len, callee));
                open = None;
            }
        }
        if pc >= n {
            break;
        }
        if let Some(&(first, end, callee)) =
            e.cx().expanded.sites.get(site).filter(|_| open.is_none())
        {
            if pc >= first {
                site += 1;
                if end > pc {
                    open = Some((e.offset(), callee, end));
                }
            }
        }
        let cx = e.cx();
        if cx
            .loop_in
            .is_some_and(|(k, _)| pc > cx.alloc.promotions[k].end)
        {
            leave_loop(e, pc);
        }
        let cx = e.cx();
        let promoted = cx
            .alloc
            .promotions
            .get(next_promotion)
            .is_some_and(|p| p.head == pc);
        if let Some(l) = cx.labels[pc] {
            let head = cx.loop_heads[pc];
            e.forget();
            if head && !promoted {
                e.align_loop_head();
            }
            e.bind(l);
        }
        if promoted {
            enter_loop(e, next_promotion);
            next_promotion += 1;
        }
        if e.cx().loop_heads[pc] {
            e.hooks();
        }
        pc = e.op(pc);
    }
    exit_stubs(e);
    e.tail();
}

/// Enters loop `k` of the promotions: its values move to their registers
/// (those live at the head are loaded), and its back edges take a label
/// placed after the loads.
fn enter_loop<'a, E: Emit<'a>>(e: &mut E, k: usize) {
    let cx = e.cx_mut();
    for j in 0..cx.alloc.promotions[k].regs.len() {
        let (v, l) = cx.alloc.promotions[k].regs[j];
        cx.alloc.loc[v as usize] = l;
    }
    for j in 0..e.cx().alloc.promotions[k].load.len() {
        let v = e.cx().alloc.promotions[k].load[j];
        e.reload(v);
    }
    let (head, end) = (
        e.cx().alloc.promotions[k].head,
        e.cx().alloc.promotions[k].end,
    );
    e.loop_entry(head, end);
    e.align_loop_head();
    let top = e.new_label();
    e.bind(top);
    e.cx_mut().loop_in = Some((k, top));
    e.forget();
}

/// Leaves the current loop of the promotions before emitting `pc`: the
/// stores for falling out of its end, then its values go back to their
/// frame cells.
fn leave_loop<'a, E: Emit<'a>>(e: &mut E, pc: usize) {
    let Some((k, _)) = e.cx_mut().loop_in.take() else {
        return;
    };
    let exit = e.cx().alloc.promotions[k]
        .exits
        .iter()
        .position(|x| x.0 == pc);
    if let Some(x) = exit {
        for j in 0..e.cx().alloc.promotions[k].exits[x].1.len() {
            let v = e.cx().alloc.promotions[k].exits[x].1[j];
            e.spill(v);
        }
    }
    let cx = e.cx_mut();
    for j in 0..cx.alloc.promotions[k].regs.len() {
        let v = cx.alloc.promotions[k].regs[j].0;
        cx.alloc.loc[v as usize] = Loc::Mem;
    }
    e.forget();
}

/// Emits the stores of the edges leaving loops of the promotions, each
/// followed by a jump to where its edge goes.
fn exit_stubs<'a, E: Emit<'a>>(e: &mut E) {
    for ExitStub { label, to, values } in std::mem::take(&mut e.cx_mut().exit_stubs) {
        e.bind(label);
        for (v, at) in values {
            e.cx_mut().alloc.loc[v as usize] = at;
            e.spill(v);
            e.cx_mut().alloc.loc[v as usize] = Loc::Mem;
        }
        e.jump(to);
    }
}

/// The label of the branch target of the branch at `pc`. Inside a loop of
/// the promotions, a back edge goes past the loads on entry, and an edge
/// leaving the loop through its stub of stores, if it has one.
pub(crate) fn target<'a, E: Emit<'a>>(e: &mut E, pc: usize) -> E::Label {
    let cx = e.cx();
    let t = (pc as i64 + 1 + cx.code[pc].offset() as i64) as usize;
    let label = cx.labels[t].expect("branch targets have labels");
    let Some((k, top)) = cx.loop_in else {
        return label;
    };
    let p = &cx.alloc.promotions[k];
    if t == p.head {
        return top;
    }
    let Some(x) = p
        .exits
        .iter()
        .find(|x| x.0 == pc && !(p.head..=p.end).contains(&t))
    else {
        return label;
    };
    let values = x.1.iter().map(|&v| (v, cx.alloc.loc[v as usize])).collect();
    let stub = e.new_label();
    e.cx_mut().exit_stubs.push(ExitStub {
        label: stub,
        to: label,
        values,
    });
    stub
}

/// Before the barrier at `pc` (a call, a libcall, a return): stores the
/// allocated values it reads from memory or that must outlive it.
pub(crate) fn barrier_before<'a, E: Emit<'a>>(e: &mut E, pc: usize) {
    if let Some(b) = e.cx().alloc.barrier(pc) {
        for j in b.store {
            let v = e.cx().alloc.barrier_slots[j];
            e.spill(v);
        }
    }
}

/// After the barrier at `pc`: reloads the allocated values live after it.
pub(crate) fn barrier_after<'a, E: Emit<'a>>(e: &mut E, pc: usize) {
    if let Some(b) = e.cx().alloc.barrier(pc) {
        for j in b.reload {
            let v = e.cx().alloc.barrier_slots[j];
            e.reload(v);
        }
    }
}

impl<L: Copy> FnCtx<'_, L> {
    /// Whether the compare at `pc` feeds only the conditional branch after
    /// it (which no other path reaches), so that the two can be one
    /// compare-and-branch.
    pub fn fuses_with_branch(&self, pc: usize) -> bool {
        let Some(next) = self.code.get(pc + 1) else {
            return false;
        };
        matches!(next.op, Op::BrIfEqz | Op::BrIfNez)
            && next.b == self.code[pc].a
            && self.labels[pc + 1].is_none()
            && self.alloc.cond_dies(pc + 1)
    }
}

/// The label of the trap stub returning `code` to the host.
pub(crate) fn trap<'a, E: Emit<'a>>(e: &mut E, code: u32) -> E::Label {
    if let Some(&(_, l)) = e.cx().traps.iter().find(|(c, _)| *c == code) {
        return l;
    }
    let l = e.new_label();
    e.cx_mut().traps.push((code, l));
    l
}
