//! The x86_64 backend (dynasm). Every slot has its home in the frame at
//! `[rbx + 8 * slot]`; an op reads its operands from there into scratch
//! registers (`rax`, `rcx`, `rdx`, `xmm0`, `xmm1`), and constants go straight
//! into instructions and addressing modes. Compares feeding a branch are
//! already fused in the IR and become `cmp` + `jcc`. Calls between native
//! functions are direct `call rel32`; everything else goes through a libcall.
//! Traps jump to one stub per trap code at the end of the function.

use super::{Backend, ModuleInfo, NativeCode};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::native::{cpu, libcall, vmctx, TRAP_BASE, TRAP_PENDING};
use zwasm_abi::TrapCode;

type Asm = VecAssembler<X64Relocation>;

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// The x86_64 backend, for a set of CPU features.
pub(crate) struct X64 {
    features: u64,
}

impl X64 {
    /// A backend using what this machine's CPU has.
    pub fn host() -> X64 {
        #[allow(unused_mut)]
        let mut features = 0;
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("popcnt") {
                features |= cpu::POPCNT;
            }
            if std::arch::is_x86_feature_detected!("lzcnt") {
                features |= cpu::LZCNT;
            }
            if std::arch::is_x86_feature_detected!("bmi1") {
                features |= cpu::BMI1;
            }
            if std::arch::is_x86_feature_detected!("sse4.1") {
                features |= cpu::SSE41;
            }
        }
        X64 { features }
    }

    fn has(&self, f: u64) -> bool {
        self.features & f != 0
    }
}

/// Condition codes, in the IR's compare order where they line up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cc {
    E,
    Ne,
    L,
    B,
    G,
    A,
    Le,
    Be,
    Ge,
    Ae,
}

/// The condition of the `k`-th integer compare (eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u).
const INT_CC: [Cc; 10] = [
    Cc::E,
    Cc::Ne,
    Cc::L,
    Cc::B,
    Cc::G,
    Cc::A,
    Cc::Le,
    Cc::Be,
    Cc::Ge,
    Cc::Ae,
];

/// Ops that run through the `exec` libcall (the interpreter's implementation
/// of one instruction): rare or large ops, where a call costs little.
fn is_exec(op: Op, features: u64) -> bool {
    use Op::*;
    match op {
        MemoryGrow | MemoryFill | MemoryCopy | MemoryInit | DataDrop | TableGet | TableSet
        | TableSize | TableGrow | TableFill | TableCopy | TableInit | ElemDrop | RefFunc
        | StructNew | StructNewDefault | StructGet | StructGetS | StructGetU | StructSet
        | RefCast | RefCastNull | RefTest | RefTestNull => true,
        I32TruncF32S | I32TruncF32U | I32TruncF64S | I32TruncF64U | I64TruncF32S | I64TruncF32U
        | I64TruncF64S | I64TruncF64U | I32TruncSatF32S | I32TruncSatF32U | I32TruncSatF64S
        | I32TruncSatF64U | I64TruncSatF32S | I64TruncSatF32U | I64TruncSatF64S
        | I64TruncSatF64U => true,
        F32Ceil | F32Floor | F32Trunc | F32Nearest | F64Ceil | F64Floor | F64Trunc | F64Nearest => {
            features & cpu::SSE41 == 0
        }
        _ => false,
    }
}

impl Backend for X64 {
    fn covers(&self, op: Op) -> bool {
        match op {
            // Tail calls through an import or a table need a frame the
            // interpreter can replace; they stay IR.
            Op::ReturnCallImport | Op::ReturnCallIndirect => false,
            Op::I32Popcnt | Op::I64Popcnt => self.has(cpu::POPCNT),
            _ => true,
        }
    }

    fn compile(&self, m: &ModuleInfo, native: &[bool]) -> Result<NativeCode, String> {
        let mut asm = Asm::new(0);
        let labels: Vec<DynamicLabel> =
            (0..native.len()).map(|_| asm.new_dynamic_label()).collect();
        let mut funcs = vec![(0u32, 0u32); native.len()];
        let mut used = 0u64;
        for def in 0..native.len() {
            if !native[def] {
                continue;
            }
            asm.align(16, 0xcc);
            let start = asm.offset().0;
            let mut g = FnGen {
                asm: &mut asm,
                m,
                def,
                code: m.func_code(def),
                base: m.meta.funcs[def].code_start,
                labels: Vec::new(),
                traps: Vec::new(),
                funcs: &labels,
                native,
                features: self.features,
                used: 0,
            };
            g.function();
            used |= g.used;
            let end = asm.offset().0;
            funcs[def] = (start as u32, (end - start) as u32);
        }
        let code = asm
            .finalize()
            .map_err(|e| format!("x86_64 assembly failed: {e:?}"))?;
        if code.len() > u32::MAX as usize {
            return Err("native code larger than 4 GiB".into());
        }
        Ok(NativeCode {
            code,
            funcs,
            cpu_features: used,
        })
    }
}

/// Generates one function.
struct FnGen<'a> {
    asm: &'a mut Asm,
    m: &'a ModuleInfo<'a>,
    def: usize,
    code: &'a [Instr],
    /// Index of `code[0]` in the module's IR.
    base: u32,
    /// A label per IR instruction that is a branch target.
    labels: Vec<Option<DynamicLabel>>,
    /// Trap stubs used so far: (code as returned to the host, label).
    traps: Vec<(u32, DynamicLabel)>,
    funcs: &'a [DynamicLabel],
    native: &'a [bool],
    features: u64,
    used: u64,
}

/// The frame offset of slot `s`.
fn s(slot: u16) -> i32 {
    slot as i32 * 8
}

/// The slot number in a `Select`'s `imm` (its condition).
fn cond_slot(i: &Instr) -> u16 {
    i.imm as u16
}

impl FnGen<'_> {
    fn function(&mut self) {
        self.labels = vec![None; self.code.len() + 1];
        for (pc, i) in self.code.iter().enumerate() {
            if i.op.fmt().is_branch() {
                let t = (pc as i64 + 1 + i.offset() as i64) as usize;
                if self.labels[t].is_none() {
                    self.labels[t] = Some(self.asm.new_dynamic_label());
                }
            }
        }
        let f = &self.m.meta.funcs[self.def];
        let label = self.funcs[self.def];
        let overflow = self.trap(TrapCode::StackOverflow as u32 + TRAP_BASE);
        asm!(self.asm
            ; =>label
            ; push rbp
            ; mov rbp, rsp
            ; cmp rsp, [r15 + vmctx::STACK_LIMIT]
            ; jb =>overflow
            ; lea rax, [rbx + f.num_slots as i32 * 8]
            ; cmp rax, [r15 + vmctx::SLOTS_END]
            ; ja =>overflow
        );
        let (p, l) = (f.num_params as i32, f.num_locals as i32);
        if l - p <= 8 {
            for k in p..l {
                asm!(self.asm; mov QWORD [rbx + k * 8], 0);
            }
        } else {
            asm!(self.asm
                ; xor eax, eax
                ; lea rdi, [rbx + p * 8]
                ; mov ecx, l - p
                ; rep stosq
            );
        }
        let mut pc = 0;
        while pc < self.code.len() {
            if let Some(l) = self.labels[pc] {
                asm!(self.asm; =>l);
            }
            pc = self.op(pc);
        }
        self.stubs();
    }

    /// The label of a trap stub returning `code` to the host.
    fn trap(&mut self, code: u32) -> DynamicLabel {
        if let Some(&(_, l)) = self.traps.iter().find(|(c, _)| *c == code) {
            return l;
        }
        let l = self.asm.new_dynamic_label();
        self.traps.push((code, l));
        l
    }

    fn trap_code(&mut self, code: TrapCode) -> DynamicLabel {
        self.trap(code as u32 + TRAP_BASE)
    }

    /// Emits the trap stubs: each loads its code and jumps to the landing with
    /// a PC inside this function and the frame pointer.
    fn stubs(&mut self) {
        if self.traps.is_empty() {
            return;
        }
        let common = self.asm.new_dynamic_label();
        for (code, l) in std::mem::take(&mut self.traps) {
            asm!(self.asm
                ; =>l
                ; mov esi, code as i32
                ; jmp =>common
            );
        }
        asm!(self.asm
            ; =>common
            ; lea rdi, [=>common]
            ; mov rdx, rbp
            ; jmp QWORD [r15 + vmctx::TRAP_LANDING]
        );
    }

    /// The label of the branch target of the branch at `pc`.
    fn target(&self, pc: usize) -> DynamicLabel {
        let t = (pc as i64 + 1 + self.code[pc].offset() as i64) as usize;
        self.labels[t].expect("branch targets have labels")
    }

    fn jcc(&mut self, cc: Cc, l: DynamicLabel) {
        match cc {
            Cc::E => asm!(self.asm; je =>l),
            Cc::Ne => asm!(self.asm; jne =>l),
            Cc::L => asm!(self.asm; jl =>l),
            Cc::B => asm!(self.asm; jb =>l),
            Cc::G => asm!(self.asm; jg =>l),
            Cc::A => asm!(self.asm; ja =>l),
            Cc::Le => asm!(self.asm; jle =>l),
            Cc::Be => asm!(self.asm; jbe =>l),
            Cc::Ge => asm!(self.asm; jge =>l),
            Cc::Ae => asm!(self.asm; jae =>l),
        }
    }

    /// `cl` = condition (0 or 1).
    fn setcc_cl(&mut self, cc: Cc) {
        match cc {
            Cc::E => asm!(self.asm; sete cl),
            Cc::Ne => asm!(self.asm; setne cl),
            Cc::L => asm!(self.asm; setl cl),
            Cc::B => asm!(self.asm; setb cl),
            Cc::G => asm!(self.asm; setg cl),
            Cc::A => asm!(self.asm; seta cl),
            Cc::Le => asm!(self.asm; setle cl),
            Cc::Be => asm!(self.asm; setbe cl),
            Cc::Ge => asm!(self.asm; setge cl),
            Cc::Ae => asm!(self.asm; setae cl),
        }
    }

    /// Stores the flag `cc` as 0/1 into slot `a` (flags set by the caller
    /// after `xor ecx, ecx`).
    fn store_flag(&mut self, cc: Cc, a: u16) {
        self.setcc_cl(cc);
        asm!(self.asm; mov [rbx + s(a)], rcx);
    }

    /// Calls libcall `n` with `rdi` = vmctx and the other arguments already in
    /// `rsi` and `edx`; a nonzero result is a pending trap.
    fn libcall(&mut self, n: usize) {
        let pending = self.trap(TRAP_PENDING);
        asm!(self.asm
            ; mov rdi, r15
            ; call QWORD [r15 + vmctx::LIBCALLS + 8 * n as i32]
            ; test eax, eax
            ; jnz =>pending
            ; mov r14, [r15 + vmctx::MEM0_BASE]
        );
    }

    fn exec(&mut self, pc: usize) {
        let index = self.base + pc as u32;
        asm!(self.asm
            ; mov rsi, rbx
            ; mov edx, index as i32
        );
        self.libcall(libcall::EXEC);
    }

    /// Loads a 64-bit constant into `rcx`.
    fn const_rcx(&mut self, v: u64) {
        if v <= u32::MAX as u64 {
            asm!(self.asm; mov ecx, v as u32 as i32);
        } else {
            asm!(self.asm; mov rcx, QWORD v as i64);
        }
    }

    /// Emits instruction `pc`; returns the next pc to emit.
    fn op(&mut self, pc: usize) -> usize {
        use Op::*;
        let i = self.code[pc];
        let (a, b, c) = (s(i.a), s(i.b), s(i.c));
        if is_exec(i.op, self.features) {
            self.exec(pc);
            return pc + 1;
        }
        match i.op {
            Nop => {}
            Trap => {
                let code = TrapCode::from_u8(i.imm as u8).unwrap_or(TrapCode::Unreachable);
                let l = self.trap_code(code);
                asm!(self.asm; jmp =>l);
            }
            Br => {
                let l = self.target(pc);
                asm!(self.asm; jmp =>l);
            }
            BrIfNez | BrIfEqz => {
                let l = self.target(pc);
                asm!(self.asm; cmp DWORD [rbx + b], 0);
                self.jcc(if i.op == BrIfNez { Cc::Ne } else { Cc::E }, l);
            }
            BrTable => return self.br_table(pc),
            Return => asm!(self.asm; pop rbp; ret),
            ReturnSlot => {
                asm!(self.asm
                    ; mov rax, [rbx + b]
                    ; mov [rbx], rax
                    ; pop rbp
                    ; ret
                );
            }
            Call | CallImport => {
                let index = i.imm as u32;
                let def = index.checked_sub(self.m.num_imported_funcs);
                match def {
                    Some(d) if self.native[d as usize] => {
                        let l = self.funcs[d as usize];
                        asm!(self.asm
                            ; lea rbx, [rbx + a]
                            ; call =>l
                            ; lea rbx, [rbx - a]
                            ; mov r14, [r15 + vmctx::MEM0_BASE]
                        );
                    }
                    _ => {
                        asm!(self.asm
                            ; lea rsi, [rbx + a]
                            ; mov edx, index as i32
                        );
                        self.libcall(libcall::CALL);
                    }
                }
            }
            CallIndirect => {
                let index = self.base + pc as u32;
                asm!(self.asm
                    ; mov rsi, rbx
                    ; mov edx, index as i32
                );
                self.libcall(libcall::CALL_INDIRECT);
            }
            ReturnCall => {
                let d = i.imm as u32 - self.m.num_imported_funcs;
                let callee = &self.m.meta.funcs[d as usize];
                for k in 0..callee.num_params as i32 {
                    asm!(self.asm
                        ; mov rax, [rbx + a + k * 8]
                        ; mov [rbx + k * 8], rax
                    );
                }
                let l = self.funcs[d as usize];
                asm!(self.asm
                    ; pop rbp
                    ; jmp =>l
                );
            }
            Copy => asm!(self.asm; mov rax, [rbx + b]; mov [rbx + a], rax),
            Const => {
                if i.imm <= i32::MAX as u64 {
                    asm!(self.asm; mov QWORD [rbx + a], i.imm as i32);
                } else {
                    self.const_rcx(i.imm);
                    asm!(self.asm; mov [rbx + a], rcx);
                }
            }
            Select => {
                let k = s(cond_slot(&i));
                asm!(self.asm
                    ; mov rax, [rbx + b]
                    ; cmp DWORD [rbx + k], 0
                    ; cmove rax, [rbx + c]
                    ; mov [rbx + a], rax
                );
            }
            GlobalGet => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                asm!(self.asm
                    ; mov rax, [r15 + g]
                    ; mov rax, [rax]
                    ; mov [rbx + a], rax
                );
            }
            GlobalSet => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                asm!(self.asm
                    ; mov rax, [r15 + g]
                    ; mov rcx, [rbx + b]
                    ; mov [rax], rcx
                );
            }
            MemorySize => {
                asm!(self.asm
                    ; mov rax, [r15 + vmctx::MEM0_LEN]
                    ; shr rax, 16
                    ; mov [rbx + a], rax
                );
            }
            RefIsNull => {
                asm!(self.asm
                    ; xor ecx, ecx
                    ; cmp QWORD [rbx + b], 0
                );
                self.store_flag(Cc::E, i.a);
            }
            RefAsNonNull => {
                let l = self.trap_code(TrapCode::NullReference);
                asm!(self.asm
                    ; mov rax, [rbx + b]
                    ; test rax, rax
                    ; jz =>l
                    ; mov [rbx + a], rax
                );
            }
            _ => self.op2(pc, &i),
        }
        pc + 1
    }

    fn br_table(&mut self, pc: usize) -> usize {
        let i = self.code[pc];
        let n = i.imm as usize;
        let table = self.asm.new_dynamic_label();
        let default = self.target(pc + 1 + n);
        asm!(self.asm
            ; mov eax, [rbx + s(i.b)]
            ; cmp rax, n as i32
            ; jae =>default
            ; lea rcx, [=>table]
            ; lea rax, [rax + rax * 4]
            ; add rcx, rax
            ; jmp rcx
            ; =>table
        );
        for k in 0..n {
            let l = self.target(pc + 1 + k);
            let before = self.asm.offset().0;
            asm!(self.asm; jmp =>l);
            debug_assert_eq!(self.asm.offset().0 - before, 5);
        }
        // The default entry is reached by the `jae` above.
        pc + 2 + n
    }

    fn op2(&mut self, pc: usize, i: &Instr) {
        use Op::*;
        let op = i.op;
        let o = op as u16;
        let (a, b, c) = (s(i.a), s(i.b), s(i.c));
        let within = |first: Op, n: u16| (first as u16..first as u16 + n).contains(&o);
        if within(BrIfI32Eq, 10) || within(BrIfI64Eq, 10) {
            let k = if within(BrIfI32Eq, 10) {
                o - BrIfI32Eq as u16
            } else {
                o - BrIfI64Eq as u16
            };
            let l = self.target(pc);
            if within(BrIfI32Eq, 10) {
                asm!(self.asm; mov eax, [rbx + b]; cmp eax, [rbx + c]);
            } else {
                asm!(self.asm; mov rax, [rbx + b]; cmp rax, [rbx + c]);
            }
            self.jcc(INT_CC[k as usize], l);
            return;
        }
        if within(BrIfI32EqImm, 10) {
            let l = self.target(pc);
            asm!(self.asm; cmp DWORD [rbx + b], i.branch_imm());
            self.jcc(INT_CC[(o - BrIfI32EqImm as u16) as usize], l);
            return;
        }
        if within(I32Eq, 10) || within(I64Eq, 10) {
            let wide = within(I64Eq, 10);
            let k = o - if wide { I64Eq as u16 } else { I32Eq as u16 };
            asm!(self.asm; xor ecx, ecx);
            if wide {
                asm!(self.asm; mov rax, [rbx + b]; cmp rax, [rbx + c]);
            } else {
                asm!(self.asm; mov eax, [rbx + b]; cmp eax, [rbx + c]);
            }
            self.store_flag(INT_CC[k as usize], i.a);
            return;
        }
        if within(I32EqImm, 10) || within(I64EqImm, 10) {
            let wide = within(I64EqImm, 10);
            let k = o - if wide {
                I64EqImm as u16
            } else {
                I32EqImm as u16
            };
            asm!(self.asm; xor ecx, ecx);
            if wide {
                if i32::try_from(i.imm as i64).is_ok() {
                    asm!(self.asm; cmp QWORD [rbx + b], i.imm as i64 as i32);
                } else {
                    asm!(self.asm; mov rax, QWORD i.imm as i64; cmp [rbx + b], rax);
                }
            } else {
                asm!(self.asm; cmp DWORD [rbx + b], i.imm as u32 as i32);
            }
            self.store_flag(INT_CC[k as usize], i.a);
            return;
        }
        match op {
            I32Load | F32Load | I32Load8S | I32Load8U | I32Load16S | I32Load16U | I64Load
            | F64Load | I64Load8S | I64Load8U | I64Load16S | I64Load16U | I64Load32S
            | I64Load32U => self.load(i),
            I32Store | F32Store | I32Store8 | I32Store16 | I64Store | F64Store | I64Store8
            | I64Store16 | I64Store32 => self.store(i),

            I32Add | I32Sub | I32Mul | I32And | I32Or | I32Xor => {
                asm!(self.asm; mov eax, [rbx + b]);
                match op {
                    I32Add => asm!(self.asm; add eax, [rbx + c]),
                    I32Sub => asm!(self.asm; sub eax, [rbx + c]),
                    I32Mul => asm!(self.asm; imul eax, [rbx + c]),
                    I32And => asm!(self.asm; and eax, [rbx + c]),
                    I32Or => asm!(self.asm; or eax, [rbx + c]),
                    _ => asm!(self.asm; xor eax, [rbx + c]),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64Add | I64Sub | I64Mul | I64And | I64Or | I64Xor => {
                asm!(self.asm; mov rax, [rbx + b]);
                match op {
                    I64Add => asm!(self.asm; add rax, [rbx + c]),
                    I64Sub => asm!(self.asm; sub rax, [rbx + c]),
                    I64Mul => asm!(self.asm; imul rax, [rbx + c]),
                    I64And => asm!(self.asm; and rax, [rbx + c]),
                    I64Or => asm!(self.asm; or rax, [rbx + c]),
                    _ => asm!(self.asm; xor rax, [rbx + c]),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32AddImm | I32SubImm | I32MulImm | I32AndImm | I32OrImm | I32XorImm => {
                let k = i.imm as u32 as i32;
                asm!(self.asm; mov eax, [rbx + b]);
                match op {
                    I32AddImm => asm!(self.asm; add eax, k),
                    I32SubImm => asm!(self.asm; sub eax, k),
                    I32MulImm => asm!(self.asm; imul eax, eax, k),
                    I32AndImm => asm!(self.asm; and eax, k),
                    I32OrImm => asm!(self.asm; or eax, k),
                    _ => asm!(self.asm; xor eax, k),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64AddImm | I64SubImm | I64MulImm | I64AndImm | I64OrImm | I64XorImm => {
                asm!(self.asm; mov rax, [rbx + b]);
                let v = i.imm as i64;
                if let Ok(k) = i32::try_from(v) {
                    match op {
                        I64AddImm => asm!(self.asm; add rax, k),
                        I64SubImm => asm!(self.asm; sub rax, k),
                        I64MulImm => asm!(self.asm; imul rax, rax, k),
                        I64AndImm => asm!(self.asm; and rax, k),
                        I64OrImm => asm!(self.asm; or rax, k),
                        _ => asm!(self.asm; xor rax, k),
                    }
                } else {
                    asm!(self.asm; mov rcx, QWORD v);
                    match op {
                        I64AddImm => asm!(self.asm; add rax, rcx),
                        I64SubImm => asm!(self.asm; sub rax, rcx),
                        I64MulImm => asm!(self.asm; imul rax, rcx),
                        I64AndImm => asm!(self.asm; and rax, rcx),
                        I64OrImm => asm!(self.asm; or rax, rcx),
                        _ => asm!(self.asm; xor rax, rcx),
                    }
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => {
                asm!(self.asm; mov eax, [rbx + b]; mov ecx, [rbx + c]);
                match op {
                    I32Shl => asm!(self.asm; shl eax, cl),
                    I32ShrS => asm!(self.asm; sar eax, cl),
                    I32ShrU => asm!(self.asm; shr eax, cl),
                    I32Rotl => asm!(self.asm; rol eax, cl),
                    _ => asm!(self.asm; ror eax, cl),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => {
                asm!(self.asm; mov rax, [rbx + b]; mov ecx, [rbx + c]);
                match op {
                    I64Shl => asm!(self.asm; shl rax, cl),
                    I64ShrS => asm!(self.asm; sar rax, cl),
                    I64ShrU => asm!(self.asm; shr rax, cl),
                    I64Rotl => asm!(self.asm; rol rax, cl),
                    _ => asm!(self.asm; ror rax, cl),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32ShlImm | I32ShrSImm | I32ShrUImm | I32RotlImm | I32RotrImm => {
                let k = (i.imm & 31) as i8;
                asm!(self.asm; mov eax, [rbx + b]);
                match op {
                    I32ShlImm => asm!(self.asm; shl eax, k),
                    I32ShrSImm => asm!(self.asm; sar eax, k),
                    I32ShrUImm => asm!(self.asm; shr eax, k),
                    I32RotlImm => asm!(self.asm; rol eax, k),
                    _ => asm!(self.asm; ror eax, k),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64ShlImm | I64ShrSImm | I64ShrUImm | I64RotlImm | I64RotrImm => {
                let k = (i.imm & 63) as i8;
                asm!(self.asm; mov rax, [rbx + b]);
                match op {
                    I64ShlImm => asm!(self.asm; shl rax, k),
                    I64ShrSImm => asm!(self.asm; sar rax, k),
                    I64ShrUImm => asm!(self.asm; shr rax, k),
                    I64RotlImm => asm!(self.asm; rol rax, k),
                    _ => asm!(self.asm; ror rax, k),
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32DivS | I32DivU | I32RemS | I32RemU => {
                asm!(self.asm; mov ecx, [rbx + c]);
                self.div32(op, i.a, i.b);
            }
            I32DivSImm | I32DivUImm | I32RemSImm | I32RemUImm => {
                asm!(self.asm; mov ecx, i.imm as u32 as i32);
                let base = match op {
                    I32DivSImm => I32DivS,
                    I32DivUImm => I32DivU,
                    I32RemSImm => I32RemS,
                    _ => I32RemU,
                };
                self.div32(base, i.a, i.b);
            }
            I64DivS | I64DivU | I64RemS | I64RemU => {
                asm!(self.asm; mov rcx, [rbx + c]);
                self.div64(op, i.a, i.b);
            }
            I64DivSImm | I64DivUImm | I64RemSImm | I64RemUImm => {
                asm!(self.asm; mov rcx, QWORD i.imm as i64);
                let base = match op {
                    I64DivSImm => I64DivS,
                    I64DivUImm => I64DivU,
                    I64RemSImm => I64RemS,
                    _ => I64RemU,
                };
                self.div64(base, i.a, i.b);
            }
            I32Eqz => {
                asm!(self.asm; xor ecx, ecx; cmp DWORD [rbx + b], 0);
                self.store_flag(Cc::E, i.a);
            }
            I64Eqz => {
                asm!(self.asm; xor ecx, ecx; cmp QWORD [rbx + b], 0);
                self.store_flag(Cc::E, i.a);
            }
            I32Clz => {
                if self.features & cpu::LZCNT != 0 {
                    self.used |= cpu::LZCNT;
                    asm!(self.asm; lzcnt eax, [rbx + b]);
                } else {
                    asm!(self.asm
                        ; mov ecx, 63
                        ; bsr eax, [rbx + b]
                        ; cmovz eax, ecx
                        ; xor eax, 31
                    );
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64Clz => {
                if self.features & cpu::LZCNT != 0 {
                    self.used |= cpu::LZCNT;
                    asm!(self.asm; lzcnt rax, [rbx + b]);
                } else {
                    asm!(self.asm
                        ; mov ecx, 127
                        ; bsr rax, [rbx + b]
                        ; cmovz rax, rcx
                        ; xor rax, 63
                    );
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32Ctz => {
                if self.features & cpu::BMI1 != 0 {
                    self.used |= cpu::BMI1;
                    asm!(self.asm; tzcnt eax, [rbx + b]);
                } else {
                    asm!(self.asm
                        ; mov ecx, 32
                        ; bsf eax, [rbx + b]
                        ; cmovz eax, ecx
                    );
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I64Ctz => {
                if self.features & cpu::BMI1 != 0 {
                    self.used |= cpu::BMI1;
                    asm!(self.asm; tzcnt rax, [rbx + b]);
                } else {
                    asm!(self.asm
                        ; mov ecx, 64
                        ; bsf rax, [rbx + b]
                        ; cmovz rax, rcx
                    );
                }
                asm!(self.asm; mov [rbx + a], rax);
            }
            I32Popcnt => {
                self.used |= cpu::POPCNT;
                asm!(self.asm; popcnt eax, [rbx + b]; mov [rbx + a], rax);
            }
            I64Popcnt => {
                self.used |= cpu::POPCNT;
                asm!(self.asm; popcnt rax, [rbx + b]; mov [rbx + a], rax);
            }
            I32Extend8S => asm!(self.asm; movsx eax, BYTE [rbx + b]; mov [rbx + a], rax),
            I32Extend16S => asm!(self.asm; movsx eax, WORD [rbx + b]; mov [rbx + a], rax),
            I64Extend8S => asm!(self.asm; movsx rax, BYTE [rbx + b]; mov [rbx + a], rax),
            I64Extend16S => asm!(self.asm; movsx rax, WORD [rbx + b]; mov [rbx + a], rax),
            I64Extend32S | I64ExtendI32S => {
                asm!(self.asm; movsxd rax, DWORD [rbx + b]; mov [rbx + a], rax)
            }
            I32WrapI64 | I64ExtendI32U => {
                asm!(self.asm; mov eax, [rbx + b]; mov [rbx + a], rax)
            }

            F32Abs => asm!(self.asm; mov eax, [rbx + b]; and eax, 0x7fff_ffff; mov [rbx + a], rax),
            F32Neg => {
                asm!(self.asm; mov eax, [rbx + b]; xor eax, 0x8000_0000u32 as i32; mov [rbx + a], rax)
            }
            F64Abs => asm!(self.asm; mov rax, [rbx + b]; btr rax, 63; mov [rbx + a], rax),
            F64Neg => asm!(self.asm; mov rax, [rbx + b]; btc rax, 63; mov [rbx + a], rax),
            F32Copysign => {
                asm!(self.asm
                    ; mov eax, [rbx + b]
                    ; and eax, 0x7fff_ffff
                    ; mov ecx, [rbx + c]
                    ; and ecx, 0x8000_0000u32 as i32
                    ; or eax, ecx
                    ; mov [rbx + a], rax
                );
            }
            F64Copysign => {
                asm!(self.asm
                    ; mov rax, [rbx + b]
                    ; btr rax, 63
                    ; mov rcx, [rbx + c]
                    ; shr rcx, 63
                    ; shl rcx, 63
                    ; or rax, rcx
                    ; mov [rbx + a], rax
                );
            }
            F32Sqrt => {
                asm!(self.asm; xorps xmm0, xmm0; sqrtss xmm0, DWORD [rbx + b]);
                self.store_f32(i.a);
            }
            F64Sqrt => {
                asm!(self.asm; xorps xmm0, xmm0; sqrtsd xmm0, QWORD [rbx + b]; movsd QWORD [rbx + a], xmm0)
            }
            F32Ceil | F32Floor | F32Trunc | F32Nearest => {
                self.used |= cpu::SSE41;
                let mode = round_mode(op);
                asm!(self.asm; xorps xmm0, xmm0; roundss xmm0, QWORD [rbx + b], mode);
                self.store_f32(i.a);
            }
            F64Ceil | F64Floor | F64Trunc | F64Nearest => {
                self.used |= cpu::SSE41;
                let mode = round_mode(op);
                asm!(self.asm
                    ; xorps xmm0, xmm0
                    ; roundsd xmm0, QWORD [rbx + b], mode
                    ; movsd QWORD [rbx + a], xmm0
                );
            }
            F32Add | F32Sub | F32Mul | F32Div => {
                asm!(self.asm; movss xmm0, DWORD [rbx + b]);
                match op {
                    F32Add => asm!(self.asm; addss xmm0, DWORD [rbx + c]),
                    F32Sub => asm!(self.asm; subss xmm0, DWORD [rbx + c]),
                    F32Mul => asm!(self.asm; mulss xmm0, DWORD [rbx + c]),
                    _ => asm!(self.asm; divss xmm0, DWORD [rbx + c]),
                }
                self.store_f32(i.a);
            }
            F64Add | F64Sub | F64Mul | F64Div => {
                asm!(self.asm; movsd xmm0, QWORD [rbx + b]);
                match op {
                    F64Add => asm!(self.asm; addsd xmm0, QWORD [rbx + c]),
                    F64Sub => asm!(self.asm; subsd xmm0, QWORD [rbx + c]),
                    F64Mul => asm!(self.asm; mulsd xmm0, QWORD [rbx + c]),
                    _ => asm!(self.asm; divsd xmm0, QWORD [rbx + c]),
                }
                asm!(self.asm; movsd QWORD [rbx + a], xmm0);
            }
            F32Min | F32Max | F64Min | F64Max => self.min_max(i),
            F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt
            | F64Le | F64Ge => self.fcmp(i),
            F32ConvertI32S => {
                asm!(self.asm; xorps xmm0, xmm0; cvtsi2ss xmm0, DWORD [rbx + b]);
                self.store_f32(i.a);
            }
            F32ConvertI32U | F32ConvertI64S => {
                if op == F32ConvertI32U {
                    asm!(self.asm; mov eax, [rbx + b]);
                } else {
                    asm!(self.asm; mov rax, [rbx + b]);
                }
                asm!(self.asm; xorps xmm0, xmm0; cvtsi2ss xmm0, rax);
                self.store_f32(i.a);
            }
            F64ConvertI32S => {
                asm!(self.asm
                    ; xorps xmm0, xmm0
                    ; cvtsi2sd xmm0, DWORD [rbx + b]
                    ; movsd QWORD [rbx + a], xmm0
                );
            }
            F64ConvertI32U | F64ConvertI64S => {
                if op == F64ConvertI32U {
                    asm!(self.asm; mov eax, [rbx + b]);
                } else {
                    asm!(self.asm; mov rax, [rbx + b]);
                }
                asm!(self.asm
                    ; xorps xmm0, xmm0
                    ; cvtsi2sd xmm0, rax
                    ; movsd QWORD [rbx + a], xmm0
                );
            }
            F32ConvertI64U | F64ConvertI64U => {
                // Halve (keeping the low bit, so rounding is right), convert, double.
                let big = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                let f32 = op == F32ConvertI64U;
                asm!(self.asm
                    ; mov rax, [rbx + b]
                    ; xorps xmm0, xmm0
                    ; test rax, rax
                    ; js =>big
                );
                if f32 {
                    asm!(self.asm; cvtsi2ss xmm0, rax; jmp =>done);
                } else {
                    asm!(self.asm; cvtsi2sd xmm0, rax; jmp =>done);
                }
                asm!(self.asm
                    ; =>big
                    ; mov rcx, rax
                    ; shr rcx, 1
                    ; and eax, 1
                    ; or rcx, rax
                );
                if f32 {
                    asm!(self.asm; cvtsi2ss xmm0, rcx; addss xmm0, xmm0; =>done);
                    self.store_f32(i.a);
                } else {
                    asm!(self.asm
                        ; cvtsi2sd xmm0, rcx
                        ; addsd xmm0, xmm0
                        ; =>done
                        ; movsd QWORD [rbx + a], xmm0
                    );
                }
            }
            F32DemoteF64 => {
                asm!(self.asm; xorps xmm0, xmm0; cvtsd2ss xmm0, QWORD [rbx + b]);
                self.store_f32(i.a);
            }
            F64PromoteF32 => {
                asm!(self.asm
                    ; xorps xmm0, xmm0
                    ; cvtss2sd xmm0, DWORD [rbx + b]
                    ; movsd QWORD [rbx + a], xmm0
                );
            }
            _ => unreachable!("op {op:?} has no x86_64 lowering but was covered"),
        }
    }

    /// Stores the f32 in `xmm0` into slot `a`, zero-extended.
    fn store_f32(&mut self, a: u16) {
        asm!(self.asm; movd eax, xmm0; mov [rbx + s(a)], rax);
    }

    /// `a = b op ecx` for a 32-bit division or remainder, with its traps.
    fn div32(&mut self, op: Op, a: u16, b: u16) {
        let zero = self.trap_code(TrapCode::IntegerDivisionByZero);
        asm!(self.asm
            ; test ecx, ecx
            ; jz =>zero
            ; mov eax, [rbx + s(b)]
        );
        match op {
            Op::I32DivS => {
                let ovf = self.trap_code(TrapCode::IntegerOverflow);
                let ok = self.asm.new_dynamic_label();
                asm!(self.asm
                    ; cmp ecx, -1
                    ; jne =>ok
                    ; cmp eax, i32::MIN
                    ; je =>ovf
                    ; =>ok
                    ; cdq
                    ; idiv ecx
                    ; mov [rbx + s(a)], rax
                );
            }
            Op::I32RemS => {
                let minus_one = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                asm!(self.asm
                    ; cmp ecx, -1
                    ; je =>minus_one
                    ; cdq
                    ; idiv ecx
                    ; mov [rbx + s(a)], rdx
                    ; jmp =>done
                    ; =>minus_one
                    ; mov QWORD [rbx + s(a)], 0
                    ; =>done
                );
            }
            Op::I32DivU => asm!(self.asm; xor edx, edx; div ecx; mov [rbx + s(a)], rax),
            _ => asm!(self.asm; xor edx, edx; div ecx; mov [rbx + s(a)], rdx),
        }
    }

    /// `a = b op rcx` for a 64-bit division or remainder, with its traps.
    fn div64(&mut self, op: Op, a: u16, b: u16) {
        let zero = self.trap_code(TrapCode::IntegerDivisionByZero);
        asm!(self.asm
            ; test rcx, rcx
            ; jz =>zero
            ; mov rax, [rbx + s(b)]
        );
        match op {
            Op::I64DivS => {
                let ovf = self.trap_code(TrapCode::IntegerOverflow);
                let ok = self.asm.new_dynamic_label();
                asm!(self.asm
                    ; cmp rcx, -1
                    ; jne =>ok
                    ; mov rdx, QWORD i64::MIN
                    ; cmp rax, rdx
                    ; je =>ovf
                    ; =>ok
                    ; cqo
                    ; idiv rcx
                    ; mov [rbx + s(a)], rax
                );
            }
            Op::I64RemS => {
                let minus_one = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                asm!(self.asm
                    ; cmp rcx, -1
                    ; je =>minus_one
                    ; cqo
                    ; idiv rcx
                    ; mov [rbx + s(a)], rdx
                    ; jmp =>done
                    ; =>minus_one
                    ; mov QWORD [rbx + s(a)], 0
                    ; =>done
                );
            }
            Op::I64DivU => asm!(self.asm; xor edx, edx; div rcx; mov [rbx + s(a)], rax),
            _ => asm!(self.asm; xor edx, edx; div rcx; mov [rbx + s(a)], rdx),
        }
    }

    /// Wasm `min`/`max`: NaN if either operand is NaN, and -0 < +0.
    fn min_max(&mut self, i: &Instr) {
        let f32 = matches!(i.op, Op::F32Min | Op::F32Max);
        let min = matches!(i.op, Op::F32Min | Op::F64Min);
        let (b, c) = (s(i.b), s(i.c));
        let nan = self.asm.new_dynamic_label();
        let equal = self.asm.new_dynamic_label();
        let done = self.asm.new_dynamic_label();
        if f32 {
            asm!(self.asm
                ; movss xmm0, DWORD [rbx + b]
                ; movss xmm1, DWORD [rbx + c]
                ; ucomiss xmm0, xmm1
            );
        } else {
            asm!(self.asm
                ; movsd xmm0, QWORD [rbx + b]
                ; movsd xmm1, QWORD [rbx + c]
                ; ucomisd xmm0, xmm1
            );
        }
        asm!(self.asm; jp =>nan; je =>equal);
        match (f32, min) {
            (true, true) => asm!(self.asm; minss xmm0, xmm1),
            (true, false) => asm!(self.asm; maxss xmm0, xmm1),
            (false, true) => asm!(self.asm; minsd xmm0, xmm1),
            (false, false) => asm!(self.asm; maxsd xmm0, xmm1),
        }
        asm!(self.asm; jmp =>done; =>equal);
        // Equal operands differ at most in the sign of a zero.
        if min {
            asm!(self.asm; orps xmm0, xmm1);
        } else {
            asm!(self.asm; andps xmm0, xmm1);
        }
        asm!(self.asm; jmp =>done; =>nan);
        if f32 {
            asm!(self.asm; addss xmm0, xmm1; =>done);
            self.store_f32(i.a);
        } else {
            asm!(self.asm; addsd xmm0, xmm1; =>done; movsd QWORD [rbx + s(i.a)], xmm0);
        }
    }

    /// Float compares: `ucomis*` sets CF/ZF/PF; unordered sets all three.
    fn fcmp(&mut self, i: &Instr) {
        use Op::*;
        let f32 = (F32Eq as u16..=F32Ge as u16).contains(&(i.op as u16));
        let op = if f32 {
            i.op
        } else {
            Op::ALL[(i.op as u16 - F64Eq as u16 + F32Eq as u16) as usize]
        };
        // lt and le compare the operands swapped, so "above" means the right thing.
        let (x, y) = match op {
            F32Lt | F32Le => (s(i.c), s(i.b)),
            _ => (s(i.b), s(i.c)),
        };
        if f32 {
            asm!(self.asm; movss xmm0, DWORD [rbx + x]; ucomiss xmm0, DWORD [rbx + y]);
        } else {
            asm!(self.asm; movsd xmm0, QWORD [rbx + x]; ucomisd xmm0, QWORD [rbx + y]);
        }
        let a = s(i.a);
        match op {
            F32Eq => {
                asm!(self.asm; sete al; setnp cl; and al, cl; movzx eax, al; mov [rbx + a], rax)
            }
            F32Ne => {
                asm!(self.asm; setne al; setp cl; or al, cl; movzx eax, al; mov [rbx + a], rax)
            }
            F32Gt | F32Lt => asm!(self.asm; seta al; movzx eax, al; mov [rbx + a], rax),
            _ => asm!(self.asm; setae al; movzx eax, al; mov [rbx + a], rax),
        }
    }

    /// Leaves the effective address's index part in `rax` after the bounds
    /// check, and returns the displacement to add.
    fn address(&mut self, i: &Instr, size: u64) -> i32 {
        let oob = self.trap_code(TrapCode::MemoryOutOfBounds);
        if self.m.memory64 {
            asm!(self.asm; mov rax, [rbx + s(i.b)]);
        } else {
            asm!(self.asm; mov eax, [rbx + s(i.b)]);
        }
        // index + offset + size <= length, computed without overflow: for a
        // 32-bit memory both parts are below 2^32; for a 64-bit one a carry traps.
        match i.imm.checked_add(size) {
            Some(end) => self.const_rcx(end),
            None => {
                asm!(self.asm; jmp =>oob);
                return 0;
            }
        }
        asm!(self.asm; add rcx, rax);
        if self.m.memory64 {
            asm!(self.asm; jc =>oob);
        }
        asm!(self.asm
            ; cmp rcx, [r15 + vmctx::MEM0_LEN]
            ; ja =>oob
        );
        if i.imm <= i32::MAX as u64 {
            i.imm as i32
        } else {
            self.const_rcx(i.imm);
            asm!(self.asm; add rax, rcx);
            0
        }
    }

    fn load(&mut self, i: &Instr) {
        use Op::*;
        let size = match i.op {
            I32Load8S | I32Load8U | I64Load8S | I64Load8U => 1,
            I32Load16S | I32Load16U | I64Load16S | I64Load16U => 2,
            I32Load | F32Load | I64Load32S | I64Load32U => 4,
            _ => 8,
        };
        let d = self.address(i, size);
        match i.op {
            I32Load8S => asm!(self.asm; movsx ecx, BYTE [r14 + rax + d]),
            I64Load8S => asm!(self.asm; movsx rcx, BYTE [r14 + rax + d]),
            I32Load8U | I64Load8U => asm!(self.asm; movzx ecx, BYTE [r14 + rax + d]),
            I32Load16S => asm!(self.asm; movsx ecx, WORD [r14 + rax + d]),
            I64Load16S => asm!(self.asm; movsx rcx, WORD [r14 + rax + d]),
            I32Load16U | I64Load16U => asm!(self.asm; movzx ecx, WORD [r14 + rax + d]),
            I64Load32S => asm!(self.asm; movsxd rcx, DWORD [r14 + rax + d]),
            I32Load | F32Load | I64Load32U => asm!(self.asm; mov ecx, [r14 + rax + d]),
            _ => asm!(self.asm; mov rcx, [r14 + rax + d]),
        }
        asm!(self.asm; mov [rbx + s(i.a)], rcx);
    }

    fn store(&mut self, i: &Instr) {
        use Op::*;
        let size = match i.op {
            I32Store8 | I64Store8 => 1,
            I32Store16 | I64Store16 => 2,
            I32Store | F32Store | I64Store32 => 4,
            _ => 8,
        };
        let d = self.address(i, size);
        asm!(self.asm; mov rcx, [rbx + s(i.c)]);
        match size {
            1 => asm!(self.asm; mov [r14 + rax + d], cl),
            2 => asm!(self.asm; mov [r14 + rax + d], cx),
            4 => asm!(self.asm; mov [r14 + rax + d], ecx),
            _ => asm!(self.asm; mov [r14 + rax + d], rcx),
        }
    }
}

/// The `roundss` immediate of a rounding op (with the precision exception suppressed).
fn round_mode(op: Op) -> i8 {
    8 | match op {
        Op::F32Nearest | Op::F64Nearest => 0,
        Op::F32Floor | Op::F64Floor => 1,
        Op::F32Ceil | Op::F64Ceil => 2,
        _ => 3,
    }
}
