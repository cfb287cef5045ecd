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

    /// Packs a branch offset and a 32-bit constant into an `imm`.
    #[inline]
    pub fn pack_branch(offset: i32, k: i32) -> u64 {
        (offset as u32 as u64) | ((k as u32 as u64) << 32)
    }
}

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
    pub fn read_mask(self) -> u8 {
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
            Fmt::Bulk => 0b111,
            _ => 0,
        }
    }

    /// Whether field `a` is a slot this format writes.
    pub fn writes_a(self) -> bool {
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
        )
    }

    /// Whether `imm` holds a branch offset.
    pub fn is_branch(self) -> bool {
        matches!(self, Fmt::Br | Fmt::BrIf | Fmt::BrCmp | Fmt::BrCmpImm)
    }
}

/// The op table: `$m!` is called once with every op as `Name "text" Fmt,`.
#[macro_export]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            Nop "nop" None,
            Trap "trap" Trap,
            Br "br" Br,
            BrIfNez "br_if_nez" BrIf,
            BrIfEqz "br_if_eqz" BrIf,
            BrTable "br_table" BrTable,
            Return "return" Return,
            ReturnSlot "return_slot" ReturnSlot,
            Call "call" Call,
            CallImport "call_import" Call,
            CallIndirect "call_indirect" CallIndirect,
            Copy "copy" Unary,
            Const "const" Const,
            Select "select" Select,
            GlobalGet "global.get" GlobalGet,
            GlobalSet "global.set" GlobalSet,

            BrIfI32Eq "br_if.i32.eq" BrCmp,
            BrIfI32Ne "br_if.i32.ne" BrCmp,
            BrIfI32LtS "br_if.i32.lt_s" BrCmp,
            BrIfI32LtU "br_if.i32.lt_u" BrCmp,
            BrIfI32GtS "br_if.i32.gt_s" BrCmp,
            BrIfI32GtU "br_if.i32.gt_u" BrCmp,
            BrIfI32LeS "br_if.i32.le_s" BrCmp,
            BrIfI32LeU "br_if.i32.le_u" BrCmp,
            BrIfI32GeS "br_if.i32.ge_s" BrCmp,
            BrIfI32GeU "br_if.i32.ge_u" BrCmp,
            BrIfI32EqImm "br_if.i32.eq_imm" BrCmpImm,
            BrIfI32NeImm "br_if.i32.ne_imm" BrCmpImm,
            BrIfI32LtSImm "br_if.i32.lt_s_imm" BrCmpImm,
            BrIfI32LtUImm "br_if.i32.lt_u_imm" BrCmpImm,
            BrIfI32GtSImm "br_if.i32.gt_s_imm" BrCmpImm,
            BrIfI32GtUImm "br_if.i32.gt_u_imm" BrCmpImm,
            BrIfI32LeSImm "br_if.i32.le_s_imm" BrCmpImm,
            BrIfI32LeUImm "br_if.i32.le_u_imm" BrCmpImm,
            BrIfI32GeSImm "br_if.i32.ge_s_imm" BrCmpImm,
            BrIfI32GeUImm "br_if.i32.ge_u_imm" BrCmpImm,
            BrIfI64Eq "br_if.i64.eq" BrCmp,
            BrIfI64Ne "br_if.i64.ne" BrCmp,
            BrIfI64LtS "br_if.i64.lt_s" BrCmp,
            BrIfI64LtU "br_if.i64.lt_u" BrCmp,
            BrIfI64GtS "br_if.i64.gt_s" BrCmp,
            BrIfI64GtU "br_if.i64.gt_u" BrCmp,
            BrIfI64LeS "br_if.i64.le_s" BrCmp,
            BrIfI64LeU "br_if.i64.le_u" BrCmp,
            BrIfI64GeS "br_if.i64.ge_s" BrCmp,
            BrIfI64GeU "br_if.i64.ge_u" BrCmp,

            I32Load "i32.load" Load,
            I64Load "i64.load" Load,
            F32Load "f32.load" Load,
            F64Load "f64.load" Load,
            I32Load8S "i32.load8_s" Load,
            I32Load8U "i32.load8_u" Load,
            I32Load16S "i32.load16_s" Load,
            I32Load16U "i32.load16_u" Load,
            I64Load8S "i64.load8_s" Load,
            I64Load8U "i64.load8_u" Load,
            I64Load16S "i64.load16_s" Load,
            I64Load16U "i64.load16_u" Load,
            I64Load32S "i64.load32_s" Load,
            I64Load32U "i64.load32_u" Load,
            I32Store "i32.store" Store,
            I64Store "i64.store" Store,
            F32Store "f32.store" Store,
            F64Store "f64.store" Store,
            I32Store8 "i32.store8" Store,
            I32Store16 "i32.store16" Store,
            I64Store8 "i64.store8" Store,
            I64Store16 "i64.store16" Store,
            I64Store32 "i64.store32" Store,
            MemorySize "memory.size" Size,
            MemoryGrow "memory.grow" MemGrow,
            MemoryFill "memory.fill" Bulk,
            MemoryCopy "memory.copy" Bulk,
            MemoryInit "memory.init" Bulk,
            DataDrop "data.drop" Drop,

            TableGet "table.get" TableGet,
            TableSet "table.set" TableSet,
            TableSize "table.size" Size,
            TableGrow "table.grow" TableGrow,
            TableFill "table.fill" Bulk,
            TableCopy "table.copy" Bulk,
            TableInit "table.init" Bulk,
            ElemDrop "elem.drop" Drop,
            RefFunc "ref.func" RefFunc,
            RefIsNull "ref.is_null" Unary,

            I32Eqz "i32.eqz" Unary,
            I32Clz "i32.clz" Unary,
            I32Ctz "i32.ctz" Unary,
            I32Popcnt "i32.popcnt" Unary,
            I32Extend8S "i32.extend8_s" Unary,
            I32Extend16S "i32.extend16_s" Unary,
            I64Eqz "i64.eqz" Unary,
            I64Clz "i64.clz" Unary,
            I64Ctz "i64.ctz" Unary,
            I64Popcnt "i64.popcnt" Unary,
            I64Extend8S "i64.extend8_s" Unary,
            I64Extend16S "i64.extend16_s" Unary,
            I64Extend32S "i64.extend32_s" Unary,
            F32Abs "f32.abs" Unary,
            F32Neg "f32.neg" Unary,
            F32Ceil "f32.ceil" Unary,
            F32Floor "f32.floor" Unary,
            F32Trunc "f32.trunc" Unary,
            F32Nearest "f32.nearest" Unary,
            F32Sqrt "f32.sqrt" Unary,
            F64Abs "f64.abs" Unary,
            F64Neg "f64.neg" Unary,
            F64Ceil "f64.ceil" Unary,
            F64Floor "f64.floor" Unary,
            F64Trunc "f64.trunc" Unary,
            F64Nearest "f64.nearest" Unary,
            F64Sqrt "f64.sqrt" Unary,
            I32WrapI64 "i32.wrap_i64" Unary,
            I32TruncF32S "i32.trunc_f32_s" Unary,
            I32TruncF32U "i32.trunc_f32_u" Unary,
            I32TruncF64S "i32.trunc_f64_s" Unary,
            I32TruncF64U "i32.trunc_f64_u" Unary,
            I64ExtendI32S "i64.extend_i32_s" Unary,
            I64ExtendI32U "i64.extend_i32_u" Unary,
            I64TruncF32S "i64.trunc_f32_s" Unary,
            I64TruncF32U "i64.trunc_f32_u" Unary,
            I64TruncF64S "i64.trunc_f64_s" Unary,
            I64TruncF64U "i64.trunc_f64_u" Unary,
            F32ConvertI32S "f32.convert_i32_s" Unary,
            F32ConvertI32U "f32.convert_i32_u" Unary,
            F32ConvertI64S "f32.convert_i64_s" Unary,
            F32ConvertI64U "f32.convert_i64_u" Unary,
            F32DemoteF64 "f32.demote_f64" Unary,
            F64ConvertI32S "f64.convert_i32_s" Unary,
            F64ConvertI32U "f64.convert_i32_u" Unary,
            F64ConvertI64S "f64.convert_i64_s" Unary,
            F64ConvertI64U "f64.convert_i64_u" Unary,
            F64PromoteF32 "f64.promote_f32" Unary,
            I32TruncSatF32S "i32.trunc_sat_f32_s" Unary,
            I32TruncSatF32U "i32.trunc_sat_f32_u" Unary,
            I32TruncSatF64S "i32.trunc_sat_f64_s" Unary,
            I32TruncSatF64U "i32.trunc_sat_f64_u" Unary,
            I64TruncSatF32S "i64.trunc_sat_f32_s" Unary,
            I64TruncSatF32U "i64.trunc_sat_f32_u" Unary,
            I64TruncSatF64S "i64.trunc_sat_f64_s" Unary,
            I64TruncSatF64U "i64.trunc_sat_f64_u" Unary,

            I32Add "i32.add" Binary,
            I32Sub "i32.sub" Binary,
            I32Mul "i32.mul" Binary,
            I32DivS "i32.div_s" Binary,
            I32DivU "i32.div_u" Binary,
            I32RemS "i32.rem_s" Binary,
            I32RemU "i32.rem_u" Binary,
            I32And "i32.and" Binary,
            I32Or "i32.or" Binary,
            I32Xor "i32.xor" Binary,
            I32Shl "i32.shl" Binary,
            I32ShrS "i32.shr_s" Binary,
            I32ShrU "i32.shr_u" Binary,
            I32Rotl "i32.rotl" Binary,
            I32Rotr "i32.rotr" Binary,
            I32Eq "i32.eq" Binary,
            I32Ne "i32.ne" Binary,
            I32LtS "i32.lt_s" Binary,
            I32LtU "i32.lt_u" Binary,
            I32GtS "i32.gt_s" Binary,
            I32GtU "i32.gt_u" Binary,
            I32LeS "i32.le_s" Binary,
            I32LeU "i32.le_u" Binary,
            I32GeS "i32.ge_s" Binary,
            I32GeU "i32.ge_u" Binary,
            I64Add "i64.add" Binary,
            I64Sub "i64.sub" Binary,
            I64Mul "i64.mul" Binary,
            I64DivS "i64.div_s" Binary,
            I64DivU "i64.div_u" Binary,
            I64RemS "i64.rem_s" Binary,
            I64RemU "i64.rem_u" Binary,
            I64And "i64.and" Binary,
            I64Or "i64.or" Binary,
            I64Xor "i64.xor" Binary,
            I64Shl "i64.shl" Binary,
            I64ShrS "i64.shr_s" Binary,
            I64ShrU "i64.shr_u" Binary,
            I64Rotl "i64.rotl" Binary,
            I64Rotr "i64.rotr" Binary,
            I64Eq "i64.eq" Binary,
            I64Ne "i64.ne" Binary,
            I64LtS "i64.lt_s" Binary,
            I64LtU "i64.lt_u" Binary,
            I64GtS "i64.gt_s" Binary,
            I64GtU "i64.gt_u" Binary,
            I64LeS "i64.le_s" Binary,
            I64LeU "i64.le_u" Binary,
            I64GeS "i64.ge_s" Binary,
            I64GeU "i64.ge_u" Binary,

            I32AddImm "i32.add_imm" BinaryImm,
            I32SubImm "i32.sub_imm" BinaryImm,
            I32MulImm "i32.mul_imm" BinaryImm,
            I32DivSImm "i32.div_s_imm" BinaryImm,
            I32DivUImm "i32.div_u_imm" BinaryImm,
            I32RemSImm "i32.rem_s_imm" BinaryImm,
            I32RemUImm "i32.rem_u_imm" BinaryImm,
            I32AndImm "i32.and_imm" BinaryImm,
            I32OrImm "i32.or_imm" BinaryImm,
            I32XorImm "i32.xor_imm" BinaryImm,
            I32ShlImm "i32.shl_imm" BinaryImm,
            I32ShrSImm "i32.shr_s_imm" BinaryImm,
            I32ShrUImm "i32.shr_u_imm" BinaryImm,
            I32RotlImm "i32.rotl_imm" BinaryImm,
            I32RotrImm "i32.rotr_imm" BinaryImm,
            I32EqImm "i32.eq_imm" BinaryImm,
            I32NeImm "i32.ne_imm" BinaryImm,
            I32LtSImm "i32.lt_s_imm" BinaryImm,
            I32LtUImm "i32.lt_u_imm" BinaryImm,
            I32GtSImm "i32.gt_s_imm" BinaryImm,
            I32GtUImm "i32.gt_u_imm" BinaryImm,
            I32LeSImm "i32.le_s_imm" BinaryImm,
            I32LeUImm "i32.le_u_imm" BinaryImm,
            I32GeSImm "i32.ge_s_imm" BinaryImm,
            I32GeUImm "i32.ge_u_imm" BinaryImm,
            I64AddImm "i64.add_imm" BinaryImm,
            I64SubImm "i64.sub_imm" BinaryImm,
            I64MulImm "i64.mul_imm" BinaryImm,
            I64DivSImm "i64.div_s_imm" BinaryImm,
            I64DivUImm "i64.div_u_imm" BinaryImm,
            I64RemSImm "i64.rem_s_imm" BinaryImm,
            I64RemUImm "i64.rem_u_imm" BinaryImm,
            I64AndImm "i64.and_imm" BinaryImm,
            I64OrImm "i64.or_imm" BinaryImm,
            I64XorImm "i64.xor_imm" BinaryImm,
            I64ShlImm "i64.shl_imm" BinaryImm,
            I64ShrSImm "i64.shr_s_imm" BinaryImm,
            I64ShrUImm "i64.shr_u_imm" BinaryImm,
            I64RotlImm "i64.rotl_imm" BinaryImm,
            I64RotrImm "i64.rotr_imm" BinaryImm,
            I64EqImm "i64.eq_imm" BinaryImm,
            I64NeImm "i64.ne_imm" BinaryImm,
            I64LtSImm "i64.lt_s_imm" BinaryImm,
            I64LtUImm "i64.lt_u_imm" BinaryImm,
            I64GtSImm "i64.gt_s_imm" BinaryImm,
            I64GtUImm "i64.gt_u_imm" BinaryImm,
            I64LeSImm "i64.le_s_imm" BinaryImm,
            I64LeUImm "i64.le_u_imm" BinaryImm,
            I64GeSImm "i64.ge_s_imm" BinaryImm,
            I64GeUImm "i64.ge_u_imm" BinaryImm,

            F32Add "f32.add" Binary,
            F32Sub "f32.sub" Binary,
            F32Mul "f32.mul" Binary,
            F32Div "f32.div" Binary,
            F32Min "f32.min" Binary,
            F32Max "f32.max" Binary,
            F32Copysign "f32.copysign" Binary,
            F32Eq "f32.eq" Binary,
            F32Ne "f32.ne" Binary,
            F32Lt "f32.lt" Binary,
            F32Gt "f32.gt" Binary,
            F32Le "f32.le" Binary,
            F32Ge "f32.ge" Binary,
            F64Add "f64.add" Binary,
            F64Sub "f64.sub" Binary,
            F64Mul "f64.mul" Binary,
            F64Div "f64.div" Binary,
            F64Min "f64.min" Binary,
            F64Max "f64.max" Binary,
            F64Copysign "f64.copysign" Binary,
            F64Eq "f64.eq" Binary,
            F64Ne "f64.ne" Binary,
            F64Lt "f64.lt" Binary,
            F64Gt "f64.gt" Binary,
            F64Le "f64.le" Binary,
            F64Ge "f64.ge" Binary,

            // Wasm 3.0 ops are appended, so the opcodes of older artifacts keep
            // their meaning.
            ReturnCall "return_call" Call,
            ReturnCallImport "return_call_import" Call,
            ReturnCallIndirect "return_call_indirect" CallIndirect,

            // Wasm GC (structs).
            StructNew "struct.new" StructNew,
            StructNewDefault "struct.new_default" StructNew,
            StructGet "struct.get" StructGet,
            StructGetS "struct.get_s" StructGet,
            StructGetU "struct.get_u" StructGet,
            StructSet "struct.set" StructSet,
            RefCast "ref.cast" RefCast,
            RefCastNull "ref.cast_null" RefCast,
            RefTest "ref.test" RefCast,
            RefTestNull "ref.test_null" RefCast,
            RefAsNonNull "ref.as_non_null" Unary,
        }
    };
}

macro_rules! define_ops {
    ($($name:ident $text:literal $fmt:ident,)*) => {
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
                match self { $(Op::$name => $text,)* }
            }

            /// The op's operand format.
            #[inline]
            pub fn fmt(self) -> Fmt {
                const FMTS: &[Fmt] = &[$(Fmt::$fmt,)*];
                FMTS[self as usize]
            }
        }
    };
}

for_each_op!(define_ops);

impl Op {
    /// Number of opcodes; any stored value at or above it is invalid.
    pub const COUNT: u16 = Op::ALL.len() as u16;

    /// Decodes a stored opcode.
    #[inline]
    pub fn from_u16(n: u16) -> Option<Op> {
        Op::ALL.get(n as usize).copied()
    }

    /// The `...Imm` form of a binary integer op, if it has one.
    pub fn with_imm(self) -> Option<Op> {
        let i = self as u16;
        let (a, b) = (Op::I32Add as u16, Op::I64GeU as u16);
        (a..=b)
            .contains(&i)
            .then(|| Op::ALL[(i - a + Op::I32AddImm as u16) as usize])
    }

    /// The fused compare-and-branch form of an integer compare, if any. Given
    /// `I32LtS` returns `BrIfI32LtS`; given `I32LtSImm` returns `BrIfI32LtSImm`.
    pub fn as_branch(self) -> Option<Op> {
        let i = self as u16;
        let map = |first: Op, count: u16, to: Op| {
            let f = first as u16;
            (f..f + count)
                .contains(&i)
                .then(|| Op::ALL[(i - f + to as u16) as usize])
        };
        map(Op::I32Eq, 10, Op::BrIfI32Eq)
            .or_else(|| map(Op::I32EqImm, 10, Op::BrIfI32EqImm))
            .or_else(|| map(Op::I64Eq, 10, Op::BrIfI64Eq))
    }

    /// The compare whose result is the negation of this one (`lt_s` → `ge_s`),
    /// for integer compares and their branch forms.
    pub fn negate_compare(self) -> Option<Op> {
        // Within each group of ten the order is eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u.
        const NEG: [u16; 10] = [1, 0, 8, 9, 6, 7, 4, 5, 2, 3];
        let firsts = [
            Op::I32Eq,
            Op::I64Eq,
            Op::I32EqImm,
            Op::I64EqImm,
            Op::BrIfI32Eq,
            Op::BrIfI32EqImm,
            Op::BrIfI64Eq,
        ];
        let i = self as u16;
        firsts.iter().find_map(|f| {
            let f = *f as u16;
            (f..f + 10)
                .contains(&i)
                .then(|| Op::ALL[(f + NEG[(i - f) as usize]) as usize])
        })
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
            }
            if let Some(imm) = op.with_imm() {
                assert_eq!(imm.name(), format!("{}_imm", op.name()));
            }
        }
    }

    #[test]
    fn opcodes_decode() {
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(Op::from_u16(i as u16), Some(*op));
        }
        assert_eq!(Op::from_u16(Op::COUNT), None);
    }
}
