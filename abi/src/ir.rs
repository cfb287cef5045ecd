//! The register IR: every op of zwasm is defined once, in `for_each_op!`, with its
//! text name and its operand format. The format says which fields of an `Instr`
//! are slots read, slots written, branch offsets or immediates; the printer, the
//! artifact checker and the executors are all driven from it.
//!
//! An instruction is 16 bytes: an opcode, three 16-bit fields and a 64-bit
//! immediate. Naming scheme: `a` is the destination slot, `b` and `c` are source
//! slots, `imm` carries constants, memory offsets, indices or branch offsets. A
//! name ending in `Imm` takes its right operand from `imm` instead of `c`.
//! Branch offsets are relative to the instruction after the branch, in
//! instructions.

/// One IR instruction. `#[repr(C)]` with no padding, so code can be stored as
/// bytes in an artifact and read back in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Instr {
    pub op: Op,
    pub a: u16,
    pub b: u16,
    pub c: u16,
    pub imm: u64,
}

impl Instr {
    /// An instruction with every field given.
    #[inline]
    pub const fn new(op: Op, a: u16, b: u16, c: u16, imm: u64) -> Instr {
        Instr { op, a, b, c, imm }
    }

    /// The branch offset of a branch instruction (low 32 bits of `imm`).
    #[inline]
    pub fn offset(&self) -> i32 {
        self.imm as u32 as i32
    }

    /// The constant of a compare-with-immediate branch (high 32 bits of `imm`).
    #[inline]
    pub fn branch_imm(&self) -> i32 {
        (self.imm >> 32) as u32 as i32
    }

    /// The lane of a lane load or store (high 8 bits of `imm`).
    #[inline]
    pub fn lane(&self) -> u8 {
        (self.imm >> 56) as u8
    }

    /// The memory offset of a lane load or store (low 56 bits of `imm`).
    #[inline]
    pub fn lane_offset(&self) -> u64 {
        self.imm & LANE_OFFSET_MAX
    }

    /// Packs a lane and a memory offset (at most [`LANE_OFFSET_MAX`]) into an `imm`.
    #[inline]
    pub fn pack_lane(offset: u64, lane: u8) -> u64 {
        debug_assert!(offset <= LANE_OFFSET_MAX);
        offset | (lane as u64) << 56
    }

    /// Packs a branch offset and a 32-bit constant into an `imm`.
    #[inline]
    pub fn pack_branch(offset: i32, k: i32) -> u64 {
        (offset as u32 as u64) | ((k as u32 as u64) << 32)
    }
}

/// The largest memory offset a lane load or store carries; the lowering
/// turns a larger one (only a 64-bit memory has them, and no memory is that
/// large) into an out-of-bounds trap.
pub const LANE_OFFSET_MAX: u64 = (1 << 56) - 1;

/// Which fields of an `Instr` an op uses, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// No operands.
    None,
    /// `imm`: branch offset.
    Br,
    /// `b`: condition slot; `imm`: branch offset.
    BrIf,
    /// `b`, `c`: compared slots; `imm`: branch offset.
    BrCmp,
    /// `b`: compared slot; `imm`: offset (low 32) and constant (high 32).
    BrCmpImm,
    /// `b`: index slot; `imm`: number of targets N. Followed by N+1 `Br`
    /// instructions, the last being the default.
    BrTable,
    /// `a` = op(`b`).
    Unary,
    /// `a` = op(`b`, `c`).
    Binary,
    /// `a` = op(`b`, `imm`).
    BinaryImm,
    /// `a` = `imm`.
    Const,
    /// `a` = `imm` ? ... : select(`b`, `c`) by the condition slot in `imm`.
    Select,
    /// `a` = load(`b` + `imm`).
    Load,
    /// store(`b` + `imm`, `c`).
    Store,
    /// Call function `imm`; its frame starts at slot `a` of the caller. For a
    /// tail call (`return_call*`), the arguments at `a` move to slot 0 and the
    /// callee replaces the caller's frame.
    Call,
    /// Call through table `c` at the index in slot `b`, expecting type `imm`;
    /// the callee frame starts at slot `a` (tail calls: as for `Call`).
    CallIndirect,
    /// Return; results are already in slots 0...
    Return,
    /// Return the one value in slot `b`.
    ReturnSlot,
    /// `a` = global `imm`.
    GlobalGet,
    /// global `imm` = `b`.
    GlobalSet,
    /// Trap with the code in `imm`.
    Trap,
    /// `a` = size of memory/table `imm`.
    Size,
    /// `a` = grow memory `imm` by `b` pages.
    MemGrow,
    /// op(`a`, `b`, `c`) with index `imm` (fill, copy, init).
    Bulk,
    /// `a` = table `imm`[`b`].
    TableGet,
    /// table `imm`[`b`] = `c`.
    TableSet,
    /// `a` = grow table `imm` by `c` entries of `b`.
    TableGrow,
    /// Drop segment `imm`.
    Drop,
    /// `a` = reference to function `imm`.
    RefFunc,
    /// `a` = a new struct of type `imm` (low 32 bits) whose fields are the
    /// slots from `b` on, one per field (`struct.new_default`: no slots read).
    StructNew,
    /// `a` = field `imm >> 32` of the struct of type `imm & 0xffff_ffff` in
    /// slot `b`; `c` is the width of a packed field (8 or 16) for `get_s`/`get_u`.
    StructGet,
    /// Field `imm >> 32` of the struct of type `imm & 0xffff_ffff` in slot `b`
    /// = `c`.
    StructSet,
    /// `a` = `b` checked against heap type `imm` (a type index below 2^32, else
    /// an abstract heap type, `ABSTRACT_HEAP | abstract_heap::*`).
    RefCast,
    /// `a` = op(`a`, `b`, `c`): the first operand is also the destination.
    Ternary,
    /// `a` = `b` with lane `imm` replaced by `c`.
    BinaryLane,
    /// `a` = `c` with lane [`Instr::lane`] loaded from `b` + [`Instr::lane_offset`].
    LoadLane,
    /// Store lane [`Instr::lane`] of `c` to `b` + [`Instr::lane_offset`].
    StoreLane,
    /// `a` = the 128-bit constant whose low half is `imm` and high half the
    /// `imm` of the next instruction, a `nop` that only carries it.
    V128Const,
    /// `a` = the bytes of `b` and `c` picked by the 16 lane indices in `imm`
    /// (lanes 0-7) and the next instruction's `imm` (lanes 8-15), a `nop`.
    Shuffle,
}

/// The `imm` of a `RefCast`-format op naming an abstract heap type.
pub const ABSTRACT_HEAP: u64 = 1 << 32;
/// Abstract heap types in a cast immediate (`ABSTRACT_HEAP | code`).
pub mod abstract_heap {
    pub const ANY: u64 = 0;
    pub const EQ: u64 = 1;
    pub const STRUCT: u64 = 2;
    pub const NONE: u64 = 3;
    pub const ARRAY: u64 = 4;
    pub const I31: u64 = 5;
}

impl Fmt {
    /// Slots this format reads, as field names ('a', 'b', 'c').
    pub fn reads(self) -> &'static [char] {
        const FIELDS: [&[char]; 8] = [
            &[],
            &['a'],
            &['b'],
            &['a', 'b'],
            &['c'],
            &['a', 'c'],
            &['b', 'c'],
            &['a', 'b', 'c'],
        ];
        FIELDS[self.read_mask() as usize]
    }

    /// The fields this format reads as slots: bit 0 `a`, bit 1 `b`, bit 2 `c`.
    #[inline]
    pub const fn read_mask(self) -> u8 {
        const B: u8 = 0b010;
        const BC: u8 = 0b110;
        match self {
            Fmt::BrIf | Fmt::BrCmpImm | Fmt::BrTable | Fmt::Unary | Fmt::BinaryImm => B,
            Fmt::BrCmp | Fmt::Binary | Fmt::Store | Fmt::TableSet | Fmt::TableGrow => BC,
            Fmt::Select => BC,
            Fmt::Load | Fmt::ReturnSlot | Fmt::GlobalSet | Fmt::MemGrow | Fmt::TableGet => B,
            Fmt::StructGet | Fmt::RefCast => B,
            Fmt::StructSet => BC,
            Fmt::CallIndirect => B,
            Fmt::BinaryLane | Fmt::LoadLane | Fmt::StoreLane | Fmt::Shuffle => BC,
            Fmt::Bulk | Fmt::Ternary => 0b111,
            _ => 0,
        }
    }

    /// Whether field `a` is a slot this format writes.
    pub const fn writes_a(self) -> bool {
        matches!(
            self,
            Fmt::Unary
                | Fmt::Binary
                | Fmt::BinaryImm
                | Fmt::Const
                | Fmt::Select
                | Fmt::Load
                | Fmt::GlobalGet
                | Fmt::Size
                | Fmt::MemGrow
                | Fmt::TableGet
                | Fmt::TableGrow
                | Fmt::RefFunc
                | Fmt::StructNew
                | Fmt::StructGet
                | Fmt::RefCast
                | Fmt::Ternary
                | Fmt::BinaryLane
                | Fmt::LoadLane
                | Fmt::V128Const
                | Fmt::Shuffle
        )
    }

    /// Whether the instruction is followed by a `nop` carrying 64 more bits
    /// of its immediate (never executed, never a branch target).
    pub const fn has_trailing_word(self) -> bool {
        matches!(self, Fmt::V128Const | Fmt::Shuffle)
    }

    /// Whether `imm` holds a branch offset.
    pub fn is_branch(self) -> bool {
        matches!(self, Fmt::Br | Fmt::BrIf | Fmt::BrCmp | Fmt::BrCmpImm)
    }
}

/// What a slot operand of an op holds, as the op table's signature column
/// spells it (one letter each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `i`: an i32.
    I32,
    /// `l`: an i64.
    I64,
    /// `f`: an f32.
    F32,
    /// `d`: an f64.
    F64,
    /// `v`: a v128.
    V128,
    /// `r`: a reference.
    Ref,
    /// `x`: an integer of either width (an address, an index, a global's bits).
    Int,
    /// `*`: any value (copies, constants, `select`).
    Any,
}

/// The register file an operand wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegClass {
    Int,
    Float,
    Vec,
}

impl Ty {
    /// The register class that holds this operand; `None` for any.
    pub const fn class(self) -> Option<RegClass> {
        match self {
            Ty::I32 | Ty::I64 | Ty::Ref | Ty::Int => Some(RegClass::Int),
            Ty::F32 | Ty::F64 => Some(RegClass::Float),
            Ty::V128 => Some(RegClass::Vec),
            Ty::Any => None,
        }
    }

    const fn from_letter(c: u8) -> Ty {
        match c {
            b'i' => Ty::I32,
            b'l' => Ty::I64,
            b'f' => Ty::F32,
            b'd' => Ty::F64,
            b'v' => Ty::V128,
            b'r' => Ty::Ref,
            b'x' => Ty::Int,
            b'*' => Ty::Any,
            _ => panic!("unknown operand letter in the op table"),
        }
    }
}

/// The slot operands of an op: what each field it reads holds (`a`, `b`,
/// `c`), and what it writes to `a`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sig {
    pub reads: [Option<Ty>; 3],
    pub write: Option<Ty>,
}

impl Sig {
    /// Reads the signature column: one letter per field the format reads,
    /// in field order, then `>` and the letter of what it writes to `a`.
    /// A column that disagrees with the format stops the build.
    const fn parse(s: &str, fmt: Fmt) -> Sig {
        let s = s.as_bytes();
        let mask = fmt.read_mask();
        let mut sig = Sig {
            reads: [None; 3],
            write: None,
        };
        let mut k = 0;
        let mut field = 0;
        while field < 3 {
            if mask & (1 << field) != 0 {
                assert!(k < s.len() && s[k] != b'>', "signature names too few reads");
                sig.reads[field] = Some(Ty::from_letter(s[k]));
                k += 1;
            }
            field += 1;
        }
        if fmt.writes_a() {
            assert!(
                k + 2 == s.len() && s[k] == b'>',
                "signature must end in `>` and the write"
            );
            sig.write = Some(Ty::from_letter(s[k + 1]));
        } else {
            assert!(k == s.len(), "signature names more than the format uses");
        }
        sig
    }

    /// How many slots field 0 (`a`), 1 (`b`) or 2 (`c`) read, or 3 (`a`
    /// written), spans: two for a v128, else one.
    pub const fn width(&self, field: usize) -> u32 {
        let ty = if field == 3 {
            self.write
        } else {
            self.reads[field]
        };
        match ty {
            Some(Ty::V128) => 2,
            _ => 1,
        }
    }

    /// The class wanted for field 0 (`a`), 1 (`b`) or 2 (`c`) read, or 3
    /// (`a` written). A field the signature does not name is an integer:
    /// the operands of calls and returns, whose types are the callee's.
    pub const fn class(&self, field: usize) -> Option<RegClass> {
        let ty = if field == 3 {
            self.write
        } else {
            self.reads[field]
        };
        match ty {
            Some(t) => t.class(),
            None => Some(RegClass::Int),
        }
    }
}

/// The condition of an integer compare, in the op table's order within each
/// family of ten (eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntCmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl IntCmp {
    /// The condition that holds exactly when this one does not.
    pub const fn negate(self) -> IntCmp {
        match self {
            IntCmp::Eq => IntCmp::Ne,
            IntCmp::Ne => IntCmp::Eq,
            IntCmp::LtS => IntCmp::GeS,
            IntCmp::LtU => IntCmp::GeU,
            IntCmp::GtS => IntCmp::LeS,
            IntCmp::GtU => IntCmp::LeU,
            IntCmp::LeS => IntCmp::GtS,
            IntCmp::LeU => IntCmp::GtU,
            IntCmp::GeS => IntCmp::LtS,
            IntCmp::GeU => IntCmp::LtU,
        }
    }
}

/// The op table: `$m!` is called once with every op as a row
///
/// `Name "text" Fmt "sig" facts...,`
///
/// - `Name` is the `Op` variant; `"text"` what `zwasm inspect --ir` prints;
///   `Fmt` which fields are slots, targets or immediates.
/// - `"sig"` what the slots hold ([`Sig`]): one letter per field read, in
///   field order, then `>` and the letter written (`"ii>i"`: two i32s to an
///   i32; `"xf"`: an address and an f32, nothing written). Letters: `i` i32,
///   `l` i64, `f` f32, `d` f64, `v` v128, `r` reference, `x` an integer of
///   either width, `*` anything. Register classes come from it.
/// - facts, in any order: `exec` (native code runs it through the `exec`
///   libcall, the interpreter's implementation of one instruction), `trap`
///   (it may trap), `wasm` (it is the wasm operator of the same name, with
///   the stack effect of its format: lowering maps it one to one),
///   `imm(Op)` (its form with the right operand in `imm`), `br(Op)` (its
///   fused compare-and-branch form), `neg(Op)` (the compare with the
///   negated result), `cmp(IntCmp)` (the condition of an integer
///   compare), and `first(Op) then(Op)` (a superinstruction: the two ops it
///   runs, the second being the next instruction).
///
/// Within a family the order is fixed by nothing: every link between ops is
/// named in its row, never computed from opcode numbers.
#[macro_export]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            Nop "nop" None "",
            Trap "trap" Trap "" trap,
            Br "br" Br "",
            BrIfNez "br_if_nez" BrIf "i",
            BrIfEqz "br_if_eqz" BrIf "i",
            BrTable "br_table" BrTable "i",
            Return "return" Return "",
            ReturnSlot "return_slot" ReturnSlot "x",
            Call "call" Call "",
            CallImport "call_import" Call "",
            CallIndirect "call_indirect" CallIndirect "x" trap,
            Copy "copy" Unary "*>*",
            Const "const" Const ">*",
            Select "select" Select "**>*",
            GlobalGet "global.get" GlobalGet ">x",
            GlobalSet "global.set" GlobalSet "x",

            BrIfI32Eq "br_if.i32.eq" BrCmp "ii" cmp(Eq) neg(BrIfI32Ne),
            BrIfI32Ne "br_if.i32.ne" BrCmp "ii" cmp(Ne) neg(BrIfI32Eq),
            BrIfI32LtS "br_if.i32.lt_s" BrCmp "ii" cmp(LtS) neg(BrIfI32GeS),
            BrIfI32LtU "br_if.i32.lt_u" BrCmp "ii" cmp(LtU) neg(BrIfI32GeU),
            BrIfI32GtS "br_if.i32.gt_s" BrCmp "ii" cmp(GtS) neg(BrIfI32LeS),
            BrIfI32GtU "br_if.i32.gt_u" BrCmp "ii" cmp(GtU) neg(BrIfI32LeU),
            BrIfI32LeS "br_if.i32.le_s" BrCmp "ii" cmp(LeS) neg(BrIfI32GtS),
            BrIfI32LeU "br_if.i32.le_u" BrCmp "ii" cmp(LeU) neg(BrIfI32GtU),
            BrIfI32GeS "br_if.i32.ge_s" BrCmp "ii" cmp(GeS) neg(BrIfI32LtS),
            BrIfI32GeU "br_if.i32.ge_u" BrCmp "ii" cmp(GeU) neg(BrIfI32LtU),
            BrIfI32EqImm "br_if.i32.eq_imm" BrCmpImm "i" cmp(Eq) neg(BrIfI32NeImm),
            BrIfI32NeImm "br_if.i32.ne_imm" BrCmpImm "i" cmp(Ne) neg(BrIfI32EqImm),
            BrIfI32LtSImm "br_if.i32.lt_s_imm" BrCmpImm "i" cmp(LtS) neg(BrIfI32GeSImm),
            BrIfI32LtUImm "br_if.i32.lt_u_imm" BrCmpImm "i" cmp(LtU) neg(BrIfI32GeUImm),
            BrIfI32GtSImm "br_if.i32.gt_s_imm" BrCmpImm "i" cmp(GtS) neg(BrIfI32LeSImm),
            BrIfI32GtUImm "br_if.i32.gt_u_imm" BrCmpImm "i" cmp(GtU) neg(BrIfI32LeUImm),
            BrIfI32LeSImm "br_if.i32.le_s_imm" BrCmpImm "i" cmp(LeS) neg(BrIfI32GtSImm),
            BrIfI32LeUImm "br_if.i32.le_u_imm" BrCmpImm "i" cmp(LeU) neg(BrIfI32GtUImm),
            BrIfI32GeSImm "br_if.i32.ge_s_imm" BrCmpImm "i" cmp(GeS) neg(BrIfI32LtSImm),
            BrIfI32GeUImm "br_if.i32.ge_u_imm" BrCmpImm "i" cmp(GeU) neg(BrIfI32LtUImm),
            BrIfI64Eq "br_if.i64.eq" BrCmp "ll" cmp(Eq) neg(BrIfI64Ne),
            BrIfI64Ne "br_if.i64.ne" BrCmp "ll" cmp(Ne) neg(BrIfI64Eq),
            BrIfI64LtS "br_if.i64.lt_s" BrCmp "ll" cmp(LtS) neg(BrIfI64GeS),
            BrIfI64LtU "br_if.i64.lt_u" BrCmp "ll" cmp(LtU) neg(BrIfI64GeU),
            BrIfI64GtS "br_if.i64.gt_s" BrCmp "ll" cmp(GtS) neg(BrIfI64LeS),
            BrIfI64GtU "br_if.i64.gt_u" BrCmp "ll" cmp(GtU) neg(BrIfI64LeU),
            BrIfI64LeS "br_if.i64.le_s" BrCmp "ll" cmp(LeS) neg(BrIfI64GtS),
            BrIfI64LeU "br_if.i64.le_u" BrCmp "ll" cmp(LeU) neg(BrIfI64GtU),
            BrIfI64GeS "br_if.i64.ge_s" BrCmp "ll" cmp(GeS) neg(BrIfI64LtS),
            BrIfI64GeU "br_if.i64.ge_u" BrCmp "ll" cmp(GeU) neg(BrIfI64LtU),

            I32Load "i32.load" Load "x>i" trap,
            I64Load "i64.load" Load "x>l" trap,
            F32Load "f32.load" Load "x>f" trap,
            F64Load "f64.load" Load "x>d" trap,
            I32Load8S "i32.load8_s" Load "x>i" trap,
            I32Load8U "i32.load8_u" Load "x>i" trap,
            I32Load16S "i32.load16_s" Load "x>i" trap,
            I32Load16U "i32.load16_u" Load "x>i" trap,
            I64Load8S "i64.load8_s" Load "x>l" trap,
            I64Load8U "i64.load8_u" Load "x>l" trap,
            I64Load16S "i64.load16_s" Load "x>l" trap,
            I64Load16U "i64.load16_u" Load "x>l" trap,
            I64Load32S "i64.load32_s" Load "x>l" trap,
            I64Load32U "i64.load32_u" Load "x>l" trap,
            I32Store "i32.store" Store "xi" trap,
            I64Store "i64.store" Store "xl" trap,
            F32Store "f32.store" Store "xf" trap,
            F64Store "f64.store" Store "xd" trap,
            I32Store8 "i32.store8" Store "xi" trap,
            I32Store16 "i32.store16" Store "xi" trap,
            I64Store8 "i64.store8" Store "xl" trap,
            I64Store16 "i64.store16" Store "xl" trap,
            I64Store32 "i64.store32" Store "xl" trap,
            MemorySize "memory.size" Size ">x",
            MemoryGrow "memory.grow" MemGrow "x>x" exec,
            MemoryFill "memory.fill" Bulk "xxx" exec trap,
            MemoryCopy "memory.copy" Bulk "xxx" exec trap,
            MemoryInit "memory.init" Bulk "xxx" exec trap,
            DataDrop "data.drop" Drop "" exec,

            TableGet "table.get" TableGet "x>r" exec trap,
            TableSet "table.set" TableSet "xr" exec trap,
            TableSize "table.size" Size ">x" exec,
            TableGrow "table.grow" TableGrow "rx>x" exec,
            TableFill "table.fill" Bulk "xrx" exec trap,
            TableCopy "table.copy" Bulk "xxx" exec trap,
            TableInit "table.init" Bulk "xxx" exec trap,
            ElemDrop "elem.drop" Drop "" exec,
            RefFunc "ref.func" RefFunc ">r" exec,
            RefIsNull "ref.is_null" Unary "r>i",

            I32Eqz "i32.eqz" Unary "i>i" wasm,
            I32Clz "i32.clz" Unary "i>i" wasm,
            I32Ctz "i32.ctz" Unary "i>i" wasm,
            I32Popcnt "i32.popcnt" Unary "i>i" wasm,
            I32Extend8S "i32.extend8_s" Unary "i>i" wasm,
            I32Extend16S "i32.extend16_s" Unary "i>i" wasm,
            I64Eqz "i64.eqz" Unary "l>i" wasm,
            I64Clz "i64.clz" Unary "l>l" wasm,
            I64Ctz "i64.ctz" Unary "l>l" wasm,
            I64Popcnt "i64.popcnt" Unary "l>l" wasm,
            I64Extend8S "i64.extend8_s" Unary "l>l" wasm,
            I64Extend16S "i64.extend16_s" Unary "l>l" wasm,
            I64Extend32S "i64.extend32_s" Unary "l>l" wasm,
            F32Abs "f32.abs" Unary "f>f" wasm,
            F32Neg "f32.neg" Unary "f>f" wasm,
            F32Ceil "f32.ceil" Unary "f>f" wasm,
            F32Floor "f32.floor" Unary "f>f" wasm,
            F32Trunc "f32.trunc" Unary "f>f" wasm,
            F32Nearest "f32.nearest" Unary "f>f" wasm,
            F32Sqrt "f32.sqrt" Unary "f>f" wasm,
            F64Abs "f64.abs" Unary "d>d" wasm,
            F64Neg "f64.neg" Unary "d>d" wasm,
            F64Ceil "f64.ceil" Unary "d>d" wasm,
            F64Floor "f64.floor" Unary "d>d" wasm,
            F64Trunc "f64.trunc" Unary "d>d" wasm,
            F64Nearest "f64.nearest" Unary "d>d" wasm,
            F64Sqrt "f64.sqrt" Unary "d>d" wasm,
            I32WrapI64 "i32.wrap_i64" Unary "l>i" wasm,
            I32TruncF32S "i32.trunc_f32_s" Unary "f>i" exec trap wasm,
            I32TruncF32U "i32.trunc_f32_u" Unary "f>i" exec trap wasm,
            I32TruncF64S "i32.trunc_f64_s" Unary "d>i" exec trap wasm,
            I32TruncF64U "i32.trunc_f64_u" Unary "d>i" exec trap wasm,
            I64ExtendI32S "i64.extend_i32_s" Unary "i>l" wasm,
            I64ExtendI32U "i64.extend_i32_u" Unary "i>l" wasm,
            I64TruncF32S "i64.trunc_f32_s" Unary "f>l" exec trap wasm,
            I64TruncF32U "i64.trunc_f32_u" Unary "f>l" exec trap wasm,
            I64TruncF64S "i64.trunc_f64_s" Unary "d>l" exec trap wasm,
            I64TruncF64U "i64.trunc_f64_u" Unary "d>l" exec trap wasm,
            F32ConvertI32S "f32.convert_i32_s" Unary "i>f" wasm,
            F32ConvertI32U "f32.convert_i32_u" Unary "i>f" wasm,
            F32ConvertI64S "f32.convert_i64_s" Unary "l>f" wasm,
            F32ConvertI64U "f32.convert_i64_u" Unary "l>f" wasm,
            F32DemoteF64 "f32.demote_f64" Unary "d>f" wasm,
            F64ConvertI32S "f64.convert_i32_s" Unary "i>d" wasm,
            F64ConvertI32U "f64.convert_i32_u" Unary "i>d" wasm,
            F64ConvertI64S "f64.convert_i64_s" Unary "l>d" wasm,
            F64ConvertI64U "f64.convert_i64_u" Unary "l>d" wasm,
            F64PromoteF32 "f64.promote_f32" Unary "f>d" wasm,
            I32TruncSatF32S "i32.trunc_sat_f32_s" Unary "f>i" exec wasm,
            I32TruncSatF32U "i32.trunc_sat_f32_u" Unary "f>i" exec wasm,
            I32TruncSatF64S "i32.trunc_sat_f64_s" Unary "d>i" exec wasm,
            I32TruncSatF64U "i32.trunc_sat_f64_u" Unary "d>i" exec wasm,
            I64TruncSatF32S "i64.trunc_sat_f32_s" Unary "f>l" exec wasm,
            I64TruncSatF32U "i64.trunc_sat_f32_u" Unary "f>l" exec wasm,
            I64TruncSatF64S "i64.trunc_sat_f64_s" Unary "d>l" exec wasm,
            I64TruncSatF64U "i64.trunc_sat_f64_u" Unary "d>l" exec wasm,

            I32Add "i32.add" Binary "ii>i" imm(I32AddImm) wasm,
            I32Sub "i32.sub" Binary "ii>i" imm(I32SubImm) wasm,
            I32Mul "i32.mul" Binary "ii>i" imm(I32MulImm) wasm,
            I32DivS "i32.div_s" Binary "ii>i" trap imm(I32DivSImm) wasm,
            I32DivU "i32.div_u" Binary "ii>i" trap imm(I32DivUImm) wasm,
            I32RemS "i32.rem_s" Binary "ii>i" trap imm(I32RemSImm) wasm,
            I32RemU "i32.rem_u" Binary "ii>i" trap imm(I32RemUImm) wasm,
            I32And "i32.and" Binary "ii>i" imm(I32AndImm) wasm,
            I32Or "i32.or" Binary "ii>i" imm(I32OrImm) wasm,
            I32Xor "i32.xor" Binary "ii>i" imm(I32XorImm) wasm,
            I32Shl "i32.shl" Binary "ii>i" imm(I32ShlImm) wasm,
            I32ShrS "i32.shr_s" Binary "ii>i" imm(I32ShrSImm) wasm,
            I32ShrU "i32.shr_u" Binary "ii>i" imm(I32ShrUImm) wasm,
            I32Rotl "i32.rotl" Binary "ii>i" imm(I32RotlImm) wasm,
            I32Rotr "i32.rotr" Binary "ii>i" imm(I32RotrImm) wasm,
            I32Eq "i32.eq" Binary "ii>i" imm(I32EqImm) br(BrIfI32Eq) neg(I32Ne) cmp(Eq) wasm,
            I32Ne "i32.ne" Binary "ii>i" imm(I32NeImm) br(BrIfI32Ne) neg(I32Eq) cmp(Ne) wasm,
            I32LtS "i32.lt_s" Binary "ii>i" imm(I32LtSImm) br(BrIfI32LtS) neg(I32GeS) cmp(LtS) wasm,
            I32LtU "i32.lt_u" Binary "ii>i" imm(I32LtUImm) br(BrIfI32LtU) neg(I32GeU) cmp(LtU) wasm,
            I32GtS "i32.gt_s" Binary "ii>i" imm(I32GtSImm) br(BrIfI32GtS) neg(I32LeS) cmp(GtS) wasm,
            I32GtU "i32.gt_u" Binary "ii>i" imm(I32GtUImm) br(BrIfI32GtU) neg(I32LeU) cmp(GtU) wasm,
            I32LeS "i32.le_s" Binary "ii>i" imm(I32LeSImm) br(BrIfI32LeS) neg(I32GtS) cmp(LeS) wasm,
            I32LeU "i32.le_u" Binary "ii>i" imm(I32LeUImm) br(BrIfI32LeU) neg(I32GtU) cmp(LeU) wasm,
            I32GeS "i32.ge_s" Binary "ii>i" imm(I32GeSImm) br(BrIfI32GeS) neg(I32LtS) cmp(GeS) wasm,
            I32GeU "i32.ge_u" Binary "ii>i" imm(I32GeUImm) br(BrIfI32GeU) neg(I32LtU) cmp(GeU) wasm,
            I64Add "i64.add" Binary "ll>l" imm(I64AddImm) wasm,
            I64Sub "i64.sub" Binary "ll>l" imm(I64SubImm) wasm,
            I64Mul "i64.mul" Binary "ll>l" imm(I64MulImm) wasm,
            I64DivS "i64.div_s" Binary "ll>l" trap imm(I64DivSImm) wasm,
            I64DivU "i64.div_u" Binary "ll>l" trap imm(I64DivUImm) wasm,
            I64RemS "i64.rem_s" Binary "ll>l" trap imm(I64RemSImm) wasm,
            I64RemU "i64.rem_u" Binary "ll>l" trap imm(I64RemUImm) wasm,
            I64And "i64.and" Binary "ll>l" imm(I64AndImm) wasm,
            I64Or "i64.or" Binary "ll>l" imm(I64OrImm) wasm,
            I64Xor "i64.xor" Binary "ll>l" imm(I64XorImm) wasm,
            I64Shl "i64.shl" Binary "ll>l" imm(I64ShlImm) wasm,
            I64ShrS "i64.shr_s" Binary "ll>l" imm(I64ShrSImm) wasm,
            I64ShrU "i64.shr_u" Binary "ll>l" imm(I64ShrUImm) wasm,
            I64Rotl "i64.rotl" Binary "ll>l" imm(I64RotlImm) wasm,
            I64Rotr "i64.rotr" Binary "ll>l" imm(I64RotrImm) wasm,
            I64Eq "i64.eq" Binary "ll>i" imm(I64EqImm) br(BrIfI64Eq) neg(I64Ne) cmp(Eq) wasm,
            I64Ne "i64.ne" Binary "ll>i" imm(I64NeImm) br(BrIfI64Ne) neg(I64Eq) cmp(Ne) wasm,
            I64LtS "i64.lt_s" Binary "ll>i" imm(I64LtSImm) br(BrIfI64LtS) neg(I64GeS) cmp(LtS) wasm,
            I64LtU "i64.lt_u" Binary "ll>i" imm(I64LtUImm) br(BrIfI64LtU) neg(I64GeU) cmp(LtU) wasm,
            I64GtS "i64.gt_s" Binary "ll>i" imm(I64GtSImm) br(BrIfI64GtS) neg(I64LeS) cmp(GtS) wasm,
            I64GtU "i64.gt_u" Binary "ll>i" imm(I64GtUImm) br(BrIfI64GtU) neg(I64LeU) cmp(GtU) wasm,
            I64LeS "i64.le_s" Binary "ll>i" imm(I64LeSImm) br(BrIfI64LeS) neg(I64GtS) cmp(LeS) wasm,
            I64LeU "i64.le_u" Binary "ll>i" imm(I64LeUImm) br(BrIfI64LeU) neg(I64GtU) cmp(LeU) wasm,
            I64GeS "i64.ge_s" Binary "ll>i" imm(I64GeSImm) br(BrIfI64GeS) neg(I64LtS) cmp(GeS) wasm,
            I64GeU "i64.ge_u" Binary "ll>i" imm(I64GeUImm) br(BrIfI64GeU) neg(I64LtU) cmp(GeU) wasm,

            I32AddImm "i32.add_imm" BinaryImm "i>i",
            I32SubImm "i32.sub_imm" BinaryImm "i>i",
            I32MulImm "i32.mul_imm" BinaryImm "i>i",
            I32DivSImm "i32.div_s_imm" BinaryImm "i>i" trap,
            I32DivUImm "i32.div_u_imm" BinaryImm "i>i" trap,
            I32RemSImm "i32.rem_s_imm" BinaryImm "i>i" trap,
            I32RemUImm "i32.rem_u_imm" BinaryImm "i>i" trap,
            I32AndImm "i32.and_imm" BinaryImm "i>i",
            I32OrImm "i32.or_imm" BinaryImm "i>i",
            I32XorImm "i32.xor_imm" BinaryImm "i>i",
            I32ShlImm "i32.shl_imm" BinaryImm "i>i",
            I32ShrSImm "i32.shr_s_imm" BinaryImm "i>i",
            I32ShrUImm "i32.shr_u_imm" BinaryImm "i>i",
            I32RotlImm "i32.rotl_imm" BinaryImm "i>i",
            I32RotrImm "i32.rotr_imm" BinaryImm "i>i",
            I32EqImm "i32.eq_imm" BinaryImm "i>i" br(BrIfI32EqImm) neg(I32NeImm) cmp(Eq),
            I32NeImm "i32.ne_imm" BinaryImm "i>i" br(BrIfI32NeImm) neg(I32EqImm) cmp(Ne),
            I32LtSImm "i32.lt_s_imm" BinaryImm "i>i" br(BrIfI32LtSImm) neg(I32GeSImm) cmp(LtS),
            I32LtUImm "i32.lt_u_imm" BinaryImm "i>i" br(BrIfI32LtUImm) neg(I32GeUImm) cmp(LtU),
            I32GtSImm "i32.gt_s_imm" BinaryImm "i>i" br(BrIfI32GtSImm) neg(I32LeSImm) cmp(GtS),
            I32GtUImm "i32.gt_u_imm" BinaryImm "i>i" br(BrIfI32GtUImm) neg(I32LeUImm) cmp(GtU),
            I32LeSImm "i32.le_s_imm" BinaryImm "i>i" br(BrIfI32LeSImm) neg(I32GtSImm) cmp(LeS),
            I32LeUImm "i32.le_u_imm" BinaryImm "i>i" br(BrIfI32LeUImm) neg(I32GtUImm) cmp(LeU),
            I32GeSImm "i32.ge_s_imm" BinaryImm "i>i" br(BrIfI32GeSImm) neg(I32LtSImm) cmp(GeS),
            I32GeUImm "i32.ge_u_imm" BinaryImm "i>i" br(BrIfI32GeUImm) neg(I32LtUImm) cmp(GeU),
            I64AddImm "i64.add_imm" BinaryImm "l>l",
            I64SubImm "i64.sub_imm" BinaryImm "l>l",
            I64MulImm "i64.mul_imm" BinaryImm "l>l",
            I64DivSImm "i64.div_s_imm" BinaryImm "l>l" trap,
            I64DivUImm "i64.div_u_imm" BinaryImm "l>l" trap,
            I64RemSImm "i64.rem_s_imm" BinaryImm "l>l" trap,
            I64RemUImm "i64.rem_u_imm" BinaryImm "l>l" trap,
            I64AndImm "i64.and_imm" BinaryImm "l>l",
            I64OrImm "i64.or_imm" BinaryImm "l>l",
            I64XorImm "i64.xor_imm" BinaryImm "l>l",
            I64ShlImm "i64.shl_imm" BinaryImm "l>l",
            I64ShrSImm "i64.shr_s_imm" BinaryImm "l>l",
            I64ShrUImm "i64.shr_u_imm" BinaryImm "l>l",
            I64RotlImm "i64.rotl_imm" BinaryImm "l>l",
            I64RotrImm "i64.rotr_imm" BinaryImm "l>l",
            I64EqImm "i64.eq_imm" BinaryImm "l>i" neg(I64NeImm) cmp(Eq),
            I64NeImm "i64.ne_imm" BinaryImm "l>i" neg(I64EqImm) cmp(Ne),
            I64LtSImm "i64.lt_s_imm" BinaryImm "l>i" neg(I64GeSImm) cmp(LtS),
            I64LtUImm "i64.lt_u_imm" BinaryImm "l>i" neg(I64GeUImm) cmp(LtU),
            I64GtSImm "i64.gt_s_imm" BinaryImm "l>i" neg(I64LeSImm) cmp(GtS),
            I64GtUImm "i64.gt_u_imm" BinaryImm "l>i" neg(I64LeUImm) cmp(GtU),
            I64LeSImm "i64.le_s_imm" BinaryImm "l>i" neg(I64GtSImm) cmp(LeS),
            I64LeUImm "i64.le_u_imm" BinaryImm "l>i" neg(I64GtUImm) cmp(LeU),
            I64GeSImm "i64.ge_s_imm" BinaryImm "l>i" neg(I64LtSImm) cmp(GeS),
            I64GeUImm "i64.ge_u_imm" BinaryImm "l>i" neg(I64LtUImm) cmp(GeU),

            F32Add "f32.add" Binary "ff>f" wasm,
            F32Sub "f32.sub" Binary "ff>f" wasm,
            F32Mul "f32.mul" Binary "ff>f" wasm,
            F32Div "f32.div" Binary "ff>f" wasm,
            F32Min "f32.min" Binary "ff>f" wasm,
            F32Max "f32.max" Binary "ff>f" wasm,
            F32Copysign "f32.copysign" Binary "ff>f" wasm,
            F32Eq "f32.eq" Binary "ff>i" wasm,
            F32Ne "f32.ne" Binary "ff>i" wasm,
            F32Lt "f32.lt" Binary "ff>i" wasm,
            F32Gt "f32.gt" Binary "ff>i" wasm,
            F32Le "f32.le" Binary "ff>i" wasm,
            F32Ge "f32.ge" Binary "ff>i" wasm,
            F64Add "f64.add" Binary "dd>d" wasm,
            F64Sub "f64.sub" Binary "dd>d" wasm,
            F64Mul "f64.mul" Binary "dd>d" wasm,
            F64Div "f64.div" Binary "dd>d" wasm,
            F64Min "f64.min" Binary "dd>d" wasm,
            F64Max "f64.max" Binary "dd>d" wasm,
            F64Copysign "f64.copysign" Binary "dd>d" wasm,
            F64Eq "f64.eq" Binary "dd>i" wasm,
            F64Ne "f64.ne" Binary "dd>i" wasm,
            F64Lt "f64.lt" Binary "dd>i" wasm,
            F64Gt "f64.gt" Binary "dd>i" wasm,
            F64Le "f64.le" Binary "dd>i" wasm,
            F64Ge "f64.ge" Binary "dd>i" wasm,

            // Wasm 3.0 ops are appended, so the opcodes of older artifacts keep
            // their meaning.
            ReturnCall "return_call" Call "",
            ReturnCallImport "return_call_import" Call "",
            ReturnCallIndirect "return_call_indirect" CallIndirect "x" trap,

            // Wasm GC (structs).
            StructNew "struct.new" StructNew ">r" exec,
            StructNewDefault "struct.new_default" StructNew ">r" exec,
            StructGet "struct.get" StructGet "r>x" exec trap,
            StructGetS "struct.get_s" StructGet "r>x" exec trap,
            StructGetU "struct.get_u" StructGet "r>x" exec trap,
            StructSet "struct.set" StructSet "rx" exec trap,
            RefCast "ref.cast" RefCast "r>r" exec trap,
            RefCastNull "ref.cast_null" RefCast "r>r" exec trap,
            RefTest "ref.test" RefCast "r>i" exec,
            RefTestNull "ref.test_null" RefCast "r>i" exec,
            RefAsNonNull "ref.as_non_null" Unary "r>r" trap,

            // 128-bit SIMD and relaxed SIMD. A v128 takes two slots (low half
            // first); moves of whole vectors have their own forms.
            CopyV128 "copy.v128" Unary "v>v",
            SelectV128 "select.v128" Select "vv>v",
            GlobalGetV128 "global.get.v128" GlobalGet ">v",
            GlobalSetV128 "global.set.v128" GlobalSet "v",
            V128Load "v128.load" Load "x>v" trap,
            V128Load8x8S "v128.load8x8_s" Load "x>v" trap,
            V128Load8x8U "v128.load8x8_u" Load "x>v" trap,
            V128Load16x4S "v128.load16x4_s" Load "x>v" trap,
            V128Load16x4U "v128.load16x4_u" Load "x>v" trap,
            V128Load32x2S "v128.load32x2_s" Load "x>v" trap,
            V128Load32x2U "v128.load32x2_u" Load "x>v" trap,
            V128Load8Splat "v128.load8_splat" Load "x>v" trap,
            V128Load16Splat "v128.load16_splat" Load "x>v" trap,
            V128Load32Splat "v128.load32_splat" Load "x>v" trap,
            V128Load64Splat "v128.load64_splat" Load "x>v" trap,
            V128Load32Zero "v128.load32_zero" Load "x>v" trap,
            V128Load64Zero "v128.load64_zero" Load "x>v" trap,
            V128Store "v128.store" Store "xv" trap,
            V128Load8Lane "v128.load8_lane" LoadLane "xv>v" trap,
            V128Load16Lane "v128.load16_lane" LoadLane "xv>v" trap,
            V128Load32Lane "v128.load32_lane" LoadLane "xv>v" trap,
            V128Load64Lane "v128.load64_lane" LoadLane "xv>v" trap,
            V128Store8Lane "v128.store8_lane" StoreLane "xv" trap,
            V128Store16Lane "v128.store16_lane" StoreLane "xv" trap,
            V128Store32Lane "v128.store32_lane" StoreLane "xv" trap,
            V128Store64Lane "v128.store64_lane" StoreLane "xv" trap,
            V128Const "v128.const" V128Const ">v",
            I8x16Shuffle "i8x16.shuffle" Shuffle "vv>v",
            I8x16ExtractLaneS "i8x16.extract_lane_s" BinaryImm "v>i",
            I8x16ExtractLaneU "i8x16.extract_lane_u" BinaryImm "v>i",
            I8x16ReplaceLane "i8x16.replace_lane" BinaryLane "vi>v",
            I16x8ExtractLaneS "i16x8.extract_lane_s" BinaryImm "v>i",
            I16x8ExtractLaneU "i16x8.extract_lane_u" BinaryImm "v>i",
            I16x8ReplaceLane "i16x8.replace_lane" BinaryLane "vi>v",
            I32x4ExtractLane "i32x4.extract_lane" BinaryImm "v>i",
            I32x4ReplaceLane "i32x4.replace_lane" BinaryLane "vi>v",
            I64x2ExtractLane "i64x2.extract_lane" BinaryImm "v>l",
            I64x2ReplaceLane "i64x2.replace_lane" BinaryLane "vl>v",
            F32x4ExtractLane "f32x4.extract_lane" BinaryImm "v>f",
            F32x4ReplaceLane "f32x4.replace_lane" BinaryLane "vf>v",
            F64x2ExtractLane "f64x2.extract_lane" BinaryImm "v>d",
            F64x2ReplaceLane "f64x2.replace_lane" BinaryLane "vd>v",
            I8x16Swizzle "i8x16.swizzle" Binary "vv>v" wasm,
            I8x16Splat "i8x16.splat" Unary "i>v" wasm,
            I16x8Splat "i16x8.splat" Unary "i>v" wasm,
            I32x4Splat "i32x4.splat" Unary "i>v" wasm,
            I64x2Splat "i64x2.splat" Unary "l>v" wasm,
            F32x4Splat "f32x4.splat" Unary "f>v" wasm,
            F64x2Splat "f64x2.splat" Unary "d>v" wasm,
            I8x16Eq "i8x16.eq" Binary "vv>v" wasm,
            I8x16Ne "i8x16.ne" Binary "vv>v" wasm,
            I8x16LtS "i8x16.lt_s" Binary "vv>v" wasm,
            I8x16LtU "i8x16.lt_u" Binary "vv>v" wasm,
            I8x16GtS "i8x16.gt_s" Binary "vv>v" wasm,
            I8x16GtU "i8x16.gt_u" Binary "vv>v" wasm,
            I8x16LeS "i8x16.le_s" Binary "vv>v" wasm,
            I8x16LeU "i8x16.le_u" Binary "vv>v" wasm,
            I8x16GeS "i8x16.ge_s" Binary "vv>v" wasm,
            I8x16GeU "i8x16.ge_u" Binary "vv>v" wasm,
            I16x8Eq "i16x8.eq" Binary "vv>v" wasm,
            I16x8Ne "i16x8.ne" Binary "vv>v" wasm,
            I16x8LtS "i16x8.lt_s" Binary "vv>v" wasm,
            I16x8LtU "i16x8.lt_u" Binary "vv>v" wasm,
            I16x8GtS "i16x8.gt_s" Binary "vv>v" wasm,
            I16x8GtU "i16x8.gt_u" Binary "vv>v" wasm,
            I16x8LeS "i16x8.le_s" Binary "vv>v" wasm,
            I16x8LeU "i16x8.le_u" Binary "vv>v" wasm,
            I16x8GeS "i16x8.ge_s" Binary "vv>v" wasm,
            I16x8GeU "i16x8.ge_u" Binary "vv>v" wasm,
            I32x4Eq "i32x4.eq" Binary "vv>v" wasm,
            I32x4Ne "i32x4.ne" Binary "vv>v" wasm,
            I32x4LtS "i32x4.lt_s" Binary "vv>v" wasm,
            I32x4LtU "i32x4.lt_u" Binary "vv>v" wasm,
            I32x4GtS "i32x4.gt_s" Binary "vv>v" wasm,
            I32x4GtU "i32x4.gt_u" Binary "vv>v" wasm,
            I32x4LeS "i32x4.le_s" Binary "vv>v" wasm,
            I32x4LeU "i32x4.le_u" Binary "vv>v" wasm,
            I32x4GeS "i32x4.ge_s" Binary "vv>v" wasm,
            I32x4GeU "i32x4.ge_u" Binary "vv>v" wasm,
            I64x2Eq "i64x2.eq" Binary "vv>v" wasm,
            I64x2Ne "i64x2.ne" Binary "vv>v" wasm,
            I64x2LtS "i64x2.lt_s" Binary "vv>v" wasm,
            I64x2GtS "i64x2.gt_s" Binary "vv>v" wasm,
            I64x2LeS "i64x2.le_s" Binary "vv>v" wasm,
            I64x2GeS "i64x2.ge_s" Binary "vv>v" wasm,
            F32x4Eq "f32x4.eq" Binary "vv>v" wasm,
            F32x4Ne "f32x4.ne" Binary "vv>v" wasm,
            F32x4Lt "f32x4.lt" Binary "vv>v" wasm,
            F32x4Gt "f32x4.gt" Binary "vv>v" wasm,
            F32x4Le "f32x4.le" Binary "vv>v" wasm,
            F32x4Ge "f32x4.ge" Binary "vv>v" wasm,
            F64x2Eq "f64x2.eq" Binary "vv>v" wasm,
            F64x2Ne "f64x2.ne" Binary "vv>v" wasm,
            F64x2Lt "f64x2.lt" Binary "vv>v" wasm,
            F64x2Gt "f64x2.gt" Binary "vv>v" wasm,
            F64x2Le "f64x2.le" Binary "vv>v" wasm,
            F64x2Ge "f64x2.ge" Binary "vv>v" wasm,
            V128Not "v128.not" Unary "v>v" wasm,
            V128And "v128.and" Binary "vv>v" wasm,
            V128AndNot "v128.andnot" Binary "vv>v" wasm,
            V128Or "v128.or" Binary "vv>v" wasm,
            V128Xor "v128.xor" Binary "vv>v" wasm,
            V128Bitselect "v128.bitselect" Ternary "vvv>v" wasm,
            V128AnyTrue "v128.any_true" Unary "v>i" wasm,
            I8x16Abs "i8x16.abs" Unary "v>v" wasm,
            I8x16Neg "i8x16.neg" Unary "v>v" wasm,
            I8x16Popcnt "i8x16.popcnt" Unary "v>v" wasm,
            I8x16AllTrue "i8x16.all_true" Unary "v>i" wasm,
            I8x16Bitmask "i8x16.bitmask" Unary "v>i" wasm,
            I8x16NarrowI16x8S "i8x16.narrow_i16x8_s" Binary "vv>v" wasm,
            I8x16NarrowI16x8U "i8x16.narrow_i16x8_u" Binary "vv>v" wasm,
            I8x16Shl "i8x16.shl" Binary "vi>v" imm(I8x16ShlImm) wasm,
            I8x16ShrS "i8x16.shr_s" Binary "vi>v" imm(I8x16ShrSImm) wasm,
            I8x16ShrU "i8x16.shr_u" Binary "vi>v" imm(I8x16ShrUImm) wasm,
            I8x16ShlImm "i8x16.shl_imm" BinaryImm "v>v",
            I8x16ShrSImm "i8x16.shr_s_imm" BinaryImm "v>v",
            I8x16ShrUImm "i8x16.shr_u_imm" BinaryImm "v>v",
            I8x16Add "i8x16.add" Binary "vv>v" wasm,
            I8x16AddSatS "i8x16.add_sat_s" Binary "vv>v" wasm,
            I8x16AddSatU "i8x16.add_sat_u" Binary "vv>v" wasm,
            I8x16Sub "i8x16.sub" Binary "vv>v" wasm,
            I8x16SubSatS "i8x16.sub_sat_s" Binary "vv>v" wasm,
            I8x16SubSatU "i8x16.sub_sat_u" Binary "vv>v" wasm,
            I8x16MinS "i8x16.min_s" Binary "vv>v" wasm,
            I8x16MinU "i8x16.min_u" Binary "vv>v" wasm,
            I8x16MaxS "i8x16.max_s" Binary "vv>v" wasm,
            I8x16MaxU "i8x16.max_u" Binary "vv>v" wasm,
            I8x16AvgrU "i8x16.avgr_u" Binary "vv>v" wasm,
            I16x8ExtAddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s" Unary "v>v" wasm,
            I16x8ExtAddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u" Unary "v>v" wasm,
            I16x8Abs "i16x8.abs" Unary "v>v" wasm,
            I16x8Neg "i16x8.neg" Unary "v>v" wasm,
            I16x8Q15MulrSatS "i16x8.q15mulr_sat_s" Binary "vv>v" wasm,
            I16x8AllTrue "i16x8.all_true" Unary "v>i" wasm,
            I16x8Bitmask "i16x8.bitmask" Unary "v>i" wasm,
            I16x8NarrowI32x4S "i16x8.narrow_i32x4_s" Binary "vv>v" wasm,
            I16x8NarrowI32x4U "i16x8.narrow_i32x4_u" Binary "vv>v" wasm,
            I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s" Unary "v>v" wasm,
            I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s" Unary "v>v" wasm,
            I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u" Unary "v>v" wasm,
            I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u" Unary "v>v" wasm,
            I16x8Shl "i16x8.shl" Binary "vi>v" imm(I16x8ShlImm) wasm,
            I16x8ShrS "i16x8.shr_s" Binary "vi>v" imm(I16x8ShrSImm) wasm,
            I16x8ShrU "i16x8.shr_u" Binary "vi>v" imm(I16x8ShrUImm) wasm,
            I16x8ShlImm "i16x8.shl_imm" BinaryImm "v>v",
            I16x8ShrSImm "i16x8.shr_s_imm" BinaryImm "v>v",
            I16x8ShrUImm "i16x8.shr_u_imm" BinaryImm "v>v",
            I16x8Add "i16x8.add" Binary "vv>v" wasm,
            I16x8AddSatS "i16x8.add_sat_s" Binary "vv>v" wasm,
            I16x8AddSatU "i16x8.add_sat_u" Binary "vv>v" wasm,
            I16x8Sub "i16x8.sub" Binary "vv>v" wasm,
            I16x8SubSatS "i16x8.sub_sat_s" Binary "vv>v" wasm,
            I16x8SubSatU "i16x8.sub_sat_u" Binary "vv>v" wasm,
            I16x8Mul "i16x8.mul" Binary "vv>v" wasm,
            I16x8MinS "i16x8.min_s" Binary "vv>v" wasm,
            I16x8MinU "i16x8.min_u" Binary "vv>v" wasm,
            I16x8MaxS "i16x8.max_s" Binary "vv>v" wasm,
            I16x8MaxU "i16x8.max_u" Binary "vv>v" wasm,
            I16x8AvgrU "i16x8.avgr_u" Binary "vv>v" wasm,
            I16x8ExtMulLowI8x16S "i16x8.extmul_low_i8x16_s" Binary "vv>v" wasm,
            I16x8ExtMulHighI8x16S "i16x8.extmul_high_i8x16_s" Binary "vv>v" wasm,
            I16x8ExtMulLowI8x16U "i16x8.extmul_low_i8x16_u" Binary "vv>v" wasm,
            I16x8ExtMulHighI8x16U "i16x8.extmul_high_i8x16_u" Binary "vv>v" wasm,
            I32x4ExtAddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s" Unary "v>v" wasm,
            I32x4ExtAddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u" Unary "v>v" wasm,
            I32x4Abs "i32x4.abs" Unary "v>v" wasm,
            I32x4Neg "i32x4.neg" Unary "v>v" wasm,
            I32x4AllTrue "i32x4.all_true" Unary "v>i" wasm,
            I32x4Bitmask "i32x4.bitmask" Unary "v>i" wasm,
            I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s" Unary "v>v" wasm,
            I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s" Unary "v>v" wasm,
            I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u" Unary "v>v" wasm,
            I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u" Unary "v>v" wasm,
            I32x4Shl "i32x4.shl" Binary "vi>v" imm(I32x4ShlImm) wasm,
            I32x4ShrS "i32x4.shr_s" Binary "vi>v" imm(I32x4ShrSImm) wasm,
            I32x4ShrU "i32x4.shr_u" Binary "vi>v" imm(I32x4ShrUImm) wasm,
            I32x4ShlImm "i32x4.shl_imm" BinaryImm "v>v",
            I32x4ShrSImm "i32x4.shr_s_imm" BinaryImm "v>v",
            I32x4ShrUImm "i32x4.shr_u_imm" BinaryImm "v>v",
            I32x4Add "i32x4.add" Binary "vv>v" wasm,
            I32x4Sub "i32x4.sub" Binary "vv>v" wasm,
            I32x4Mul "i32x4.mul" Binary "vv>v" wasm,
            I32x4MinS "i32x4.min_s" Binary "vv>v" wasm,
            I32x4MinU "i32x4.min_u" Binary "vv>v" wasm,
            I32x4MaxS "i32x4.max_s" Binary "vv>v" wasm,
            I32x4MaxU "i32x4.max_u" Binary "vv>v" wasm,
            I32x4DotI16x8S "i32x4.dot_i16x8_s" Binary "vv>v" wasm,
            I32x4ExtMulLowI16x8S "i32x4.extmul_low_i16x8_s" Binary "vv>v" wasm,
            I32x4ExtMulHighI16x8S "i32x4.extmul_high_i16x8_s" Binary "vv>v" wasm,
            I32x4ExtMulLowI16x8U "i32x4.extmul_low_i16x8_u" Binary "vv>v" wasm,
            I32x4ExtMulHighI16x8U "i32x4.extmul_high_i16x8_u" Binary "vv>v" wasm,
            I64x2Abs "i64x2.abs" Unary "v>v" wasm,
            I64x2Neg "i64x2.neg" Unary "v>v" wasm,
            I64x2AllTrue "i64x2.all_true" Unary "v>i" wasm,
            I64x2Bitmask "i64x2.bitmask" Unary "v>i" wasm,
            I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s" Unary "v>v" wasm,
            I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s" Unary "v>v" wasm,
            I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u" Unary "v>v" wasm,
            I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u" Unary "v>v" wasm,
            I64x2Shl "i64x2.shl" Binary "vi>v" imm(I64x2ShlImm) wasm,
            I64x2ShrS "i64x2.shr_s" Binary "vi>v" imm(I64x2ShrSImm) wasm,
            I64x2ShrU "i64x2.shr_u" Binary "vi>v" imm(I64x2ShrUImm) wasm,
            I64x2ShlImm "i64x2.shl_imm" BinaryImm "v>v",
            I64x2ShrSImm "i64x2.shr_s_imm" BinaryImm "v>v",
            I64x2ShrUImm "i64x2.shr_u_imm" BinaryImm "v>v",
            I64x2Add "i64x2.add" Binary "vv>v" wasm,
            I64x2Sub "i64x2.sub" Binary "vv>v" wasm,
            I64x2Mul "i64x2.mul" Binary "vv>v" wasm,
            I64x2ExtMulLowI32x4S "i64x2.extmul_low_i32x4_s" Binary "vv>v" wasm,
            I64x2ExtMulHighI32x4S "i64x2.extmul_high_i32x4_s" Binary "vv>v" wasm,
            I64x2ExtMulLowI32x4U "i64x2.extmul_low_i32x4_u" Binary "vv>v" wasm,
            I64x2ExtMulHighI32x4U "i64x2.extmul_high_i32x4_u" Binary "vv>v" wasm,
            F32x4Ceil "f32x4.ceil" Unary "v>v" wasm,
            F32x4Floor "f32x4.floor" Unary "v>v" wasm,
            F32x4Trunc "f32x4.trunc" Unary "v>v" wasm,
            F32x4Nearest "f32x4.nearest" Unary "v>v" wasm,
            F32x4Abs "f32x4.abs" Unary "v>v" wasm,
            F32x4Neg "f32x4.neg" Unary "v>v" wasm,
            F32x4Sqrt "f32x4.sqrt" Unary "v>v" wasm,
            F32x4Add "f32x4.add" Binary "vv>v" wasm,
            F32x4Sub "f32x4.sub" Binary "vv>v" wasm,
            F32x4Mul "f32x4.mul" Binary "vv>v" wasm,
            F32x4Div "f32x4.div" Binary "vv>v" wasm,
            F32x4Min "f32x4.min" Binary "vv>v" wasm,
            F32x4Max "f32x4.max" Binary "vv>v" wasm,
            F32x4PMin "f32x4.pmin" Binary "vv>v" wasm,
            F32x4PMax "f32x4.pmax" Binary "vv>v" wasm,
            F64x2Ceil "f64x2.ceil" Unary "v>v" wasm,
            F64x2Floor "f64x2.floor" Unary "v>v" wasm,
            F64x2Trunc "f64x2.trunc" Unary "v>v" wasm,
            F64x2Nearest "f64x2.nearest" Unary "v>v" wasm,
            F64x2Abs "f64x2.abs" Unary "v>v" wasm,
            F64x2Neg "f64x2.neg" Unary "v>v" wasm,
            F64x2Sqrt "f64x2.sqrt" Unary "v>v" wasm,
            F64x2Add "f64x2.add" Binary "vv>v" wasm,
            F64x2Sub "f64x2.sub" Binary "vv>v" wasm,
            F64x2Mul "f64x2.mul" Binary "vv>v" wasm,
            F64x2Div "f64x2.div" Binary "vv>v" wasm,
            F64x2Min "f64x2.min" Binary "vv>v" wasm,
            F64x2Max "f64x2.max" Binary "vv>v" wasm,
            F64x2PMin "f64x2.pmin" Binary "vv>v" wasm,
            F64x2PMax "f64x2.pmax" Binary "vv>v" wasm,
            I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s" Unary "v>v" wasm,
            I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u" Unary "v>v" wasm,
            F32x4ConvertI32x4S "f32x4.convert_i32x4_s" Unary "v>v" wasm,
            F32x4ConvertI32x4U "f32x4.convert_i32x4_u" Unary "v>v" wasm,
            I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero" Unary "v>v" wasm,
            I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero" Unary "v>v" wasm,
            F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s" Unary "v>v" wasm,
            F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u" Unary "v>v" wasm,
            F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero" Unary "v>v" wasm,
            F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4" Unary "v>v" wasm,
            I8x16RelaxedSwizzle "i8x16.relaxed_swizzle" Binary "vv>v" wasm,
            I32x4RelaxedTruncF32x4S "i32x4.relaxed_trunc_f32x4_s" Unary "v>v" wasm,
            I32x4RelaxedTruncF32x4U "i32x4.relaxed_trunc_f32x4_u" Unary "v>v" wasm,
            I32x4RelaxedTruncF64x2SZero "i32x4.relaxed_trunc_f64x2_s_zero" Unary "v>v" wasm,
            I32x4RelaxedTruncF64x2UZero "i32x4.relaxed_trunc_f64x2_u_zero" Unary "v>v" wasm,
            F32x4RelaxedMadd "f32x4.relaxed_madd" Ternary "vvv>v" wasm,
            F32x4RelaxedNmadd "f32x4.relaxed_nmadd" Ternary "vvv>v" wasm,
            F64x2RelaxedMadd "f64x2.relaxed_madd" Ternary "vvv>v" wasm,
            F64x2RelaxedNmadd "f64x2.relaxed_nmadd" Ternary "vvv>v" wasm,
            I8x16RelaxedLaneselect "i8x16.relaxed_laneselect" Ternary "vvv>v" wasm,
            I16x8RelaxedLaneselect "i16x8.relaxed_laneselect" Ternary "vvv>v" wasm,
            I32x4RelaxedLaneselect "i32x4.relaxed_laneselect" Ternary "vvv>v" wasm,
            I64x2RelaxedLaneselect "i64x2.relaxed_laneselect" Ternary "vvv>v" wasm,
            F32x4RelaxedMin "f32x4.relaxed_min" Binary "vv>v" wasm,
            F32x4RelaxedMax "f32x4.relaxed_max" Binary "vv>v" wasm,
            F64x2RelaxedMin "f64x2.relaxed_min" Binary "vv>v" wasm,
            F64x2RelaxedMax "f64x2.relaxed_max" Binary "vv>v" wasm,
            I16x8RelaxedQ15mulrS "i16x8.relaxed_q15mulr_s" Binary "vv>v" wasm,
            I16x8RelaxedDotI8x16I7x16S "i16x8.relaxed_dot_i8x16_i7x16_s" Binary "vv>v" wasm,
            I32x4RelaxedDotI8x16I7x16AddS "i32x4.relaxed_dot_i8x16_i7x16_add_s" Ternary "vvv>v" wasm,

            // Superinstructions: `X` whose result `Y`, the next instruction,
            // reads as its `b` (`interp/threaded.rs`, `compiler/src/fuse.rs`).
            I32XorThenI32RotlImm "i32.xor+i32.rotl_imm" Binary "ii>i" first(I32Xor) then(I32RotlImm),
            I32AddThenI32Xor "i32.add+i32.xor" Binary "ii>i" first(I32Add) then(I32Xor),
            I32RotlImmThenI32Add "i32.rotl_imm+i32.add" BinaryImm "i>i" first(I32RotlImm) then(I32Add),
            I32AndImmThenBrIfEqz "i32.and_imm+br_if_eqz" BinaryImm "i>i" first(I32AndImm) then(BrIfEqz),
            I32AddImmThenI32Load8U "i32.add_imm+i32.load8_u" BinaryImm "i>i" trap first(I32AddImm) then(I32Load8U),
            I32SubImmThenGlobalSet "i32.sub_imm+global.set" BinaryImm "i>i" first(I32SubImm) then(GlobalSet),
            I32AddImmThenGlobalSet "i32.add_imm+global.set" BinaryImm "i>i" first(I32AddImm) then(GlobalSet),
            I32AddThenI32Load "i32.add+i32.load" Binary "ii>i" trap first(I32Add) then(I32Load),
            I32AddImmThenI32Load "i32.add_imm+i32.load" BinaryImm "i>i" trap first(I32AddImm) then(I32Load),
            I32AddImmThenBrIfI32NeImm "i32.add_imm+br_if.i32.ne_imm" BinaryImm "i>i" first(I32AddImm) then(BrIfI32NeImm),
            I32LoadThenI32Add "i32.load+i32.add" Load "x>i" trap first(I32Load) then(I32Add),
            I32AddThenI32Load8U "i32.add+i32.load8_u" Binary "ii>i" trap first(I32Add) then(I32Load8U),
            I32ShlImmThenI32Add "i32.shl_imm+i32.add" BinaryImm "i>i" first(I32ShlImm) then(I32Add),
            I32AddImmThenBrIfNez "i32.add_imm+br_if_nez" BinaryImm "i>i" first(I32AddImm) then(BrIfNez),
            I32SubImmThenBrIfI32LeSImm "i32.sub_imm+br_if.i32.le_s_imm" BinaryImm "i>i" first(I32SubImm) then(BrIfI32LeSImm),
            I32AddThenI32AddImm "i32.add+i32.add_imm" Binary "ii>i" first(I32Add) then(I32AddImm),
            I32LoadThenBrIfNez "i32.load+br_if_nez" Load "x>i" trap first(I32Load) then(BrIfNez),
            I32AddImmThenBrIfI32GtUImm "i32.add_imm+br_if.i32.gt_u_imm" BinaryImm "i>i" first(I32AddImm) then(BrIfI32GtUImm),
            I32AddImmThenI32Add "i32.add_imm+i32.add" BinaryImm "i>i" first(I32AddImm) then(I32Add),
            I32AndImmThenBrIfNez "i32.and_imm+br_if_nez" BinaryImm "i>i" first(I32AndImm) then(BrIfNez),
            I32AddImmThenI32AndImm "i32.add_imm+i32.and_imm" BinaryImm "i>i" first(I32AddImm) then(I32AndImm),
            I32Load8UThenBrIfNez "i32.load8_u+br_if_nez" Load "x>i" trap first(I32Load8U) then(BrIfNez),
            I32Load8UThenBrIfEqz "i32.load8_u+br_if_eqz" Load "x>i" trap first(I32Load8U) then(BrIfEqz),
            I64XorThenI64RotlImm "i64.xor+i64.rotl_imm" Binary "ll>l" first(I64Xor) then(I64RotlImm),
            I32AddImmThenBrIfI32LtU "i32.add_imm+br_if.i32.lt_u" BinaryImm "i>i" first(I32AddImm) then(BrIfI32LtU),
            I32AddImmThenF64Load "i32.add_imm+f64.load" BinaryImm "i>i" trap first(I32AddImm) then(F64Load),
            I32MulImmThenI32AddImm "i32.mul_imm+i32.add_imm" BinaryImm "i>i" first(I32MulImm) then(I32AddImm),
            I64AddThenI64Xor "i64.add+i64.xor" Binary "ll>l" first(I64Add) then(I64Xor),
            I32AddThenBrIfI32LtUImm "i32.add+br_if.i32.lt_u_imm" Binary "ii>i" first(I32Add) then(BrIfI32LtUImm),
            I32AddImmThenI32Mul "i32.add_imm+i32.mul" BinaryImm "i>i" first(I32AddImm) then(I32Mul),
            I32AddImmThenI32AddImm "i32.add_imm+i32.add_imm" BinaryImm "i>i" first(I32AddImm) then(I32AddImm),
            I32AddImmThenBrIfI32GeSImm "i32.add_imm+br_if.i32.ge_s_imm" BinaryImm "i>i" first(I32AddImm) then(BrIfI32GeSImm),
            I32LoadThenI32Mul "i32.load+i32.mul" Load "x>i" trap first(I32Load) then(I32Mul),
            I32MulImmThenI32Add "i32.mul_imm+i32.add" BinaryImm "i>i" first(I32MulImm) then(I32Add),
            I32AddImmThenI32Store "i32.add_imm+i32.store" BinaryImm "i>i" trap first(I32AddImm) then(I32Store),
            I32LoadThenI32AndImm "i32.load+i32.and_imm" Load "x>i" trap first(I32Load) then(I32AndImm),
            I64RotlImmThenI64Add "i64.rotl_imm+i64.add" BinaryImm "l>l" first(I64RotlImm) then(I64Add),
            I32MulThenI32Add "i32.mul+i32.add" Binary "ii>i" first(I32Mul) then(I32Add),
            I32LoadThenI32Sub "i32.load+i32.sub" Load "x>i" trap first(I32Load) then(I32Sub),
            I32ShlImmThenI32Xor "i32.shl_imm+i32.xor" BinaryImm "i>i" first(I32ShlImm) then(I32Xor),
            I32Load8UThenBrIfI32EqImm "i32.load8_u+br_if.i32.eq_imm" Load "x>i" trap first(I32Load8U) then(BrIfI32EqImm),
            I32Load8UThenBrIfI32NeImm "i32.load8_u+br_if.i32.ne_imm" Load "x>i" trap first(I32Load8U) then(BrIfI32NeImm),
            I32AndImmThenBrIfI32EqImm "i32.and_imm+br_if.i32.eq_imm" BinaryImm "i>i" first(I32AndImm) then(BrIfI32EqImm),
            I32Load8UThenI32Xor "i32.load8_u+i32.xor" Load "x>i" trap first(I32Load8U) then(I32Xor),

        }
    };
}

/// One fact of a row of the op table: `op_fact!(link KEY; facts...)` is
/// `Some(Op::X)` for a row with `KEY(X)`, else `None`; `op_fact!(flag KEY;
/// facts...)` whether the row has the flag `KEY`. A fact this does not know
/// stops the build, so a misspelt one cannot be silently ignored.
macro_rules! op_fact {
    (link imm; imm($v:ident) $($rest:tt)*) => { Some(Op::$v) };
    (link br; br($v:ident) $($rest:tt)*) => { Some(Op::$v) };
    (link neg; neg($v:ident) $($rest:tt)*) => { Some(Op::$v) };
    (link cmp; cmp($v:ident) $($rest:tt)*) => { Some(IntCmp::$v) };
    (link first; first($v:ident) $($rest:tt)*) => { Some(Op::$v) };
    (link then; then($v:ident) $($rest:tt)*) => { Some(Op::$v) };
    (flag exec; exec $($rest:tt)*) => { true };
    (flag trap; trap $($rest:tt)*) => { true };
    (flag wasm; wasm $($rest:tt)*) => { true };
    (link $key:ident;) => { None };
    (flag $key:ident;) => { false };
    ($kind:ident $key:ident; imm($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; br($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; neg($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; cmp($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; first($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; then($v:ident) $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; exec $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; trap $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
    ($kind:ident $key:ident; wasm $($rest:tt)*) => { op_fact!($kind $key; $($rest)*) };
}

macro_rules! define_ops {
    ($($name:ident $text:literal $fmt:ident $sig:literal $($fact:ident $(($arg:ident))?)*,)*) => {
        /// An IR opcode. See the module docs for the operand scheme.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Op {
            $($name,)*
        }

        impl Op {
            /// Every op, in opcode order.
            pub const ALL: &'static [Op] = &[$(Op::$name,)*];

            /// Every op's text name, in opcode order.
            pub const NAMES: &'static [&'static str] = &[$($text,)*];

            /// The op's text name, as `zwasm inspect --ir` prints it.
            pub fn name(self) -> &'static str {
                // Every name in one string, cut at offsets computed at
                // compile time: a table of `&str` would cost the loader a
                // relocation (24 bytes, applied at every start-up) and 16
                // bytes per op.
                const TEXT: &str = concat!($($text,)*);
                const ENDS: [u16; Op::ALL.len()] = {
                    let mut ends = [0u16; Op::ALL.len()];
                    let mut end = 0;
                    let mut k = 0;
                    while k < Op::ALL.len() {
                        end += Op::NAMES[k].len();
                        ends[k] = end as u16;
                        k += 1;
                    }
                    ends
                };
                let k = self as usize;
                let start = if k == 0 { 0 } else { ENDS[k - 1] as usize };
                &TEXT[start..ENDS[k] as usize]
            }

            /// The op's operand format.
            #[inline]
            pub const fn fmt(self) -> Fmt {
                const FMTS: &[Fmt] = &[$(Fmt::$fmt,)*];
                FMTS[self as usize]
            }

            /// What the op's slot operands hold.
            #[inline]
            pub const fn sig(self) -> Sig {
                const SIGS: &[Sig] = &[$(Sig::parse($sig, Fmt::$fmt),)*];
                SIGS[self as usize]
            }

            /// Which fields are v128 (two slots): bit `k` for the read of
            /// field `k` (`a`, `b`, `c`), bit 3 for the write of `a`. One
            /// byte per op, for the loader, which needs no more of `sig`.
            const WIDE: &'static [u8] = &[$({
                let sig = Sig::parse($sig, Fmt::$fmt);
                let mut bits = 0u8;
                let mut k = 0;
                while k < 4 {
                    if sig.width(k) == 2 {
                        bits |= 1 << k;
                    }
                    k += 1;
                }
                bits
            },)*];

            const FACTS: &'static [u8] = &[$(
                (op_fact!(flag exec; $($fact $(($arg))?)*) as u8) * Self::EXEC
                    | (op_fact!(flag trap; $($fact $(($arg))?)*) as u8) * Self::TRAP
                    | (op_fact!(flag wasm; $($fact $(($arg))?)*) as u8) * Self::WASM,
            )*];

            const IMM: &'static [Option<Op>] = &[$(op_fact!(link imm; $($fact $(($arg))?)*),)*];
            const BRANCH: &'static [Option<Op>] = &[$(op_fact!(link br; $($fact $(($arg))?)*),)*];
            const NEGATED: &'static [Option<Op>] = &[$(op_fact!(link neg; $($fact $(($arg))?)*),)*];
            const CMP: &'static [Option<IntCmp>] = &[$(op_fact!(link cmp; $($fact $(($arg))?)*),)*];
            const FIRST: &'static [Option<Op>] = &[$(op_fact!(link first; $($fact $(($arg))?)*),)*];
            const THEN: &'static [Option<Op>] = &[$(op_fact!(link then; $($fact $(($arg))?)*),)*];
        }
    };
}

for_each_op!(define_ops);

impl Op {
    /// Number of opcodes; any stored value at or above it is invalid.
    pub const COUNT: u16 = Op::ALL.len() as u16;

    const EXEC: u8 = 1;
    const TRAP: u8 = 2;
    const WASM: u8 = 4;

    /// Decodes a stored opcode.
    #[inline]
    pub fn from_u16(n: u16) -> Option<Op> {
        Op::ALL.get(n as usize).copied()
    }

    /// Whether native code runs this op through the `exec` libcall (the
    /// interpreter's implementation of one instruction).
    #[inline]
    pub const fn runs_through_exec(self) -> bool {
        Self::FACTS[self as usize] & Self::EXEC != 0
    }

    /// Whether field 0 (`a`), 1 (`b`) or 2 (`c`) read, or 3 (`a` written),
    /// is a v128 (two slots): `sig().width(field) == 2`, from a table of one
    /// byte per op.
    #[inline]
    pub const fn is_wide(self, field: usize) -> bool {
        Self::WIDE[self as usize] >> field & 1 != 0
    }

    /// Whether the op may trap.
    #[inline]
    pub const fn may_trap(self) -> bool {
        Self::FACTS[self as usize] & Self::TRAP != 0
    }

    /// Whether the op is the wasm operator of the same name, lowered one to
    /// one with the stack effect of its format.
    #[inline]
    pub const fn is_wasm(self) -> bool {
        Self::FACTS[self as usize] & Self::WASM != 0
    }

    /// The two ops a superinstruction runs, `X` and then `Y`: it has `X`'s
    /// fields and is followed by `Y`, which reads `X`'s result as its `b`.
    #[inline]
    pub const fn pair(self) -> Option<(Op, Op)> {
        match (Self::FIRST[self as usize], Self::THEN[self as usize]) {
            (Some(x), Some(y)) => Some((x, y)),
            _ => None,
        }
    }

    /// The `...Imm` form of a binary integer op, if it has one.
    #[inline]
    pub const fn with_imm(self) -> Option<Op> {
        Self::IMM[self as usize]
    }

    /// The op whose `...Imm` form this is (`I32AddImm` → `I32Add`).
    pub const fn without_imm(self) -> Option<Op> {
        const PLAIN: [Option<Op>; Op::COUNT as usize] = {
            let mut t = [None; Op::COUNT as usize];
            let mut k = 0;
            while k < Op::ALL.len() {
                if let Some(imm) = Op::IMM[k] {
                    t[imm as usize] = Some(Op::ALL[k]);
                }
                k += 1;
            }
            t
        };
        PLAIN[self as usize]
    }

    /// The fused compare-and-branch form of an integer compare, if any. Given
    /// `I32LtS` returns `BrIfI32LtS`; given `I32LtSImm` returns `BrIfI32LtSImm`.
    #[inline]
    pub const fn as_branch(self) -> Option<Op> {
        Self::BRANCH[self as usize]
    }

    /// The compare whose result is the negation of this one (`lt_s` → `ge_s`),
    /// for integer compares and their branch forms.
    #[inline]
    pub const fn negate_compare(self) -> Option<Op> {
        Self::NEGATED[self as usize]
    }

    /// The condition of an integer compare or compare-and-branch.
    #[inline]
    pub const fn int_cmp(self) -> Option<IntCmp> {
        Self::CMP[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_sixteen_bytes_without_padding() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
        assert_eq!(std::mem::align_of::<Instr>(), 8);
        assert_eq!(std::mem::offset_of!(Instr, imm), 8);
    }

    #[test]
    fn op_families_line_up() {
        assert_eq!(Op::I32Add.with_imm(), Some(Op::I32AddImm));
        assert_eq!(Op::I64GeU.with_imm(), Some(Op::I64GeUImm));
        assert_eq!(Op::F32Add.with_imm(), None);
        assert_eq!(Op::I64ShrSImm.without_imm(), Some(Op::I64ShrS));
        assert_eq!(Op::I32LtU.as_branch(), Some(Op::BrIfI32LtU));
        assert_eq!(Op::I32GeSImm.as_branch(), Some(Op::BrIfI32GeSImm));
        assert_eq!(Op::I64Ne.as_branch(), Some(Op::BrIfI64Ne));
        assert_eq!(Op::I32Add.as_branch(), None);
        assert_eq!(Op::BrIfI32LtS.negate_compare(), Some(Op::BrIfI32GeS));
        assert_eq!(Op::I64GtU.negate_compare(), Some(Op::I64LeU));
        assert_eq!(Op::I32Eq.negate_compare(), Some(Op::I32Ne));
        for op in Op::ALL {
            if let Some(n) = op.negate_compare() {
                assert_eq!(n.negate_compare(), Some(*op), "{op:?}");
                assert_eq!(n.fmt(), op.fmt());
                assert_eq!(n.sig(), op.sig());
                let cmp = op.int_cmp().expect("a negated compare has a condition");
                assert_eq!(n.int_cmp(), Some(cmp.negate()), "{op:?}");
            }
            if let Some(imm) = op.with_imm() {
                assert_eq!(imm.name(), format!("{}_imm", op.name()));
                assert_eq!(imm.fmt(), Fmt::BinaryImm);
                assert_eq!(imm.without_imm(), Some(*op));
                assert_eq!(imm.int_cmp(), op.int_cmp(), "{op:?}");
                assert_eq!(imm.may_trap(), op.may_trap(), "{op:?}");
            }
            if let Some(br) = op.as_branch() {
                assert_eq!(br.name(), format!("br_if.{}", op.name()));
                assert!(br.fmt().is_branch());
                assert_eq!(br.int_cmp(), op.int_cmp(), "{op:?}");
                assert_eq!(br.sig().reads[1], op.sig().reads[1], "{op:?}");
            }
            if op.int_cmp().is_some() && op.fmt() == Fmt::Binary {
                assert!(
                    op.as_branch().is_some() && op.with_imm().is_some(),
                    "{op:?}"
                );
            }
        }
    }

    #[test]
    fn signatures_give_register_classes() {
        let class = |op: Op, field| op.sig().class(field);
        assert_eq!(class(Op::F64Lt, 1), Some(RegClass::Float));
        assert_eq!(class(Op::F64Lt, 3), Some(RegClass::Int));
        assert_eq!(class(Op::F32ConvertI64U, 1), Some(RegClass::Int));
        assert_eq!(class(Op::F32ConvertI64U, 3), Some(RegClass::Float));
        assert_eq!(class(Op::F64Store, 1), Some(RegClass::Int));
        assert_eq!(class(Op::F64Store, 2), Some(RegClass::Float));
        assert_eq!(class(Op::Copy, 1), None);
        // Calls name no operand: their values vote for integer registers.
        assert_eq!(class(Op::Call, 1), Some(RegClass::Int));
        assert_eq!(Op::I32Add.sig().reads, [None, Some(Ty::I32), Some(Ty::I32)]);
        assert_eq!(Op::I64Load8U.sig().write, Some(Ty::I64));
        // Every op the lowering maps one to one is unary or binary.
        for op in Op::ALL {
            if op.is_wasm() {
                assert!(
                    matches!(op.fmt(), Fmt::Unary | Fmt::Binary | Fmt::Ternary),
                    "{op:?}"
                );
            }
        }
    }

    #[test]
    fn wide_fields_follow_the_signatures() {
        for op in Op::ALL {
            for field in 0..4 {
                assert_eq!(
                    op.is_wide(field),
                    op.sig().width(field) == 2,
                    "{op:?} {field}"
                );
            }
        }
        assert!(Op::I8x16Shl.is_wide(1) && !Op::I8x16Shl.is_wide(2) && Op::I8x16Shl.is_wide(3));
    }

    #[test]
    fn facts_of_rare_ops() {
        assert!(Op::StructGetS.runs_through_exec() && Op::StructGetS.may_trap());
        assert!(Op::I64TruncSatF64U.runs_through_exec() && !Op::I64TruncSatF64U.may_trap());
        assert!(Op::I32RemUImm.may_trap() && !Op::I32RemUImm.runs_through_exec());
        assert!(!Op::I32Add.may_trap() && Op::I32Add.is_wasm());
        assert!(!Op::I32AddImm.is_wasm());
    }

    #[test]
    fn opcodes_decode() {
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(Op::from_u16(i as u16), Some(*op));
            assert_eq!(op.name(), Op::NAMES[i]);
        }
        assert_eq!(Op::from_u16(Op::COUNT), None);
    }
}
