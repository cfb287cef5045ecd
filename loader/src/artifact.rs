//! Loading a `.zwo`: the header is checked first (magic, versions, ISA, section
//! bounds), then the body hash, then the archived metadata (rkyv, validated),
//! then every IR instruction (opcode, slots and branch targets in range), so the
//! interpreter can run the code without further checks.

use std::path::Path;
use std::sync::Arc;
use zwasm_abi::artifact::{Header, HeaderError, HEADER_LEN};
use zwasm_abi::ir::{Fmt, Instr, Op};
use zwasm_abi::module::ModuleMeta;

/// Why an artifact was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{0}")]
    Header(#[from] HeaderError),
    #[error("artifact is damaged: body hash does not match")]
    BodyHash,
    #[error("artifact is damaged: {0}")]
    Damaged(String),
}

/// A loaded, checked module, cheap to clone and share between stores.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

/// What the interpreter needs to enter a defined function.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuncCode {
    /// First instruction, as an index into the IR section.
    pub start: u32,
    pub num_params: u32,
    pub num_locals: u32,
    pub num_slots: u32,
}

struct ModuleInner {
    meta: ModuleMeta,
    funcs: Vec<FuncCode>,
    /// The whole artifact, 16-byte aligned so the IR section can be read in place.
    buf: Vec<u128>,
    ir_offset: usize,
    ir_len: usize,
    header: Header,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.meta.name)
            .finish_non_exhaustive()
    }
}

impl Module {
    /// Loads an artifact from memory.
    pub fn from_bytes(bytes: &[u8]) -> Result<Module, LoadError> {
        let header = Header::decode(bytes)?;
        let body_hash = blake3::hash(&bytes[HEADER_LEN..]);
        if body_hash.as_bytes() != &header.body_hash {
            return Err(LoadError::BodyHash);
        }
        let mut buf = vec![0u128; bytes.len().div_ceil(16)];
        // SAFETY: `buf` owns at least `bytes.len()` bytes, and u128 has no invalid bit patterns.
        let raw =
            unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), bytes.len()) };
        raw.copy_from_slice(bytes);
        let meta_bytes = &raw[header.meta.offset as usize..][..header.meta.len as usize];
        let meta = rkyv::from_bytes::<ModuleMeta, rkyv::rancor::Error>(meta_bytes)
            .map_err(|e| LoadError::Damaged(format!("metadata: {e}")))?;
        if header.ir.len % 16 != 0 {
            return Err(LoadError::Damaged(
                "IR section is not whole instructions".into(),
            ));
        }
        let module = Module {
            inner: Arc::new(ModuleInner {
                funcs: meta
                    .funcs
                    .iter()
                    .map(|f| FuncCode {
                        start: f.code_start,
                        num_params: f.num_params,
                        num_locals: f.num_locals,
                        num_slots: f.num_slots,
                    })
                    .collect(),
                meta,
                buf,
                ir_offset: header.ir.offset as usize,
                ir_len: header.ir.len as usize / 16,
                header,
            }),
        };
        module.check_code()?;
        Ok(module)
    }

    /// Loads an artifact from a file.
    pub fn from_file(path: &Path) -> Result<Module, LoadError> {
        let bytes = std::fs::read(path).map_err(|err| LoadError::Io {
            path: path.display().to_string(),
            err,
        })?;
        Module::from_bytes(&bytes)
    }

    /// The module's metadata: types, imports, exports, functions, segments.
    pub fn meta(&self) -> &ModuleMeta {
        &self.inner.meta
    }

    /// The blake3 hash of the wasm this artifact was compiled from.
    pub fn source_hash(&self) -> [u8; 32] {
        self.inner.header.source_hash
    }

    /// The IR of defined function `def` (index among defined functions).
    pub fn func_code(&self, def: u32) -> &[Instr] {
        let f = &self.inner.meta.funcs[def as usize];
        &self.ir()[f.code_start as usize..][..f.code_len as usize]
    }

    /// Entry information of every defined function.
    pub(crate) fn func_codes(&self) -> &[FuncCode] {
        &self.inner.funcs
    }

    /// Start of the IR section inside the aligned buffer.
    fn ir_base(&self) -> *const u8 {
        // SAFETY: `ir_offset` lies inside `buf` (checked by `Header::decode`).
        unsafe {
            self.inner
                .buf
                .as_ptr()
                .cast::<u8>()
                .add(self.inner.ir_offset)
        }
    }

    fn ir_bytes(&self) -> &[u16] {
        // SAFETY: the IR section lies inside `buf` and is 16-byte aligned; reading it
        // as u16 words is valid for any bit pattern.
        unsafe { std::slice::from_raw_parts(self.ir_base().cast::<u16>(), self.inner.ir_len * 8) }
    }

    pub(crate) fn ir(&self) -> &[Instr] {
        // SAFETY: `check_code` ran before any `Module` escaped and verified every opcode
        // is a valid `Op`; `Instr` is repr(C) without padding and 8-aligned, and the
        // section is 16-aligned inside `buf`.
        unsafe { std::slice::from_raw_parts(self.ir_base().cast::<Instr>(), self.inner.ir_len) }
    }

    /// Verifies every instruction so the interpreter may trust the code.
    fn check_code(&self) -> Result<(), LoadError> {
        let words = self.ir_bytes();
        for i in 0..self.inner.ir_len {
            if words[i * 8] >= Op::COUNT {
                return Err(LoadError::Damaged(format!(
                    "invalid opcode at instruction {i}"
                )));
            }
        }
        let meta = &self.inner.meta;
        let num_funcs =
            meta.num_imported(zwasm_abi::module::ExportKind::Func) as u64 + meta.funcs.len() as u64;
        let num_globals = meta.num_imported(zwasm_abi::module::ExportKind::Global) as u64
            + meta.globals.len() as u64;
        for (def, f) in meta.funcs.iter().enumerate() {
            let bad = |pc: usize, what: &str| {
                LoadError::Damaged(format!("function {def}: {what} at instruction {pc}"))
            };
            let end = f.code_start as usize + f.code_len as usize;
            if end > self.inner.ir_len || f.code_len == 0 {
                return Err(bad(0, "code range out of bounds"));
            }
            if f.ty as usize >= meta.types.len() || f.num_slots > u16::MAX as u32 + 1 {
                return Err(bad(0, "bad type or frame size"));
            }
            let ty = &meta.types[f.ty as usize];
            if f.num_params as usize != ty.params.len()
                || f.num_slots < f.num_locals
                || (f.num_slots as usize) < ty.results.len()
            {
                return Err(bad(0, "bad frame layout"));
            }
            let code = self.func_code(def as u32);
            let slots = f.num_slots;
            let mut pc = 0;
            while pc < code.len() {
                let ins = &code[pc];
                let fmt = ins.op.fmt();
                for field in fmt.reads() {
                    let s = match field {
                        'a' => ins.a,
                        'b' => ins.b,
                        _ => ins.c,
                    };
                    if s as u32 >= slots {
                        return Err(bad(pc, "slot out of range"));
                    }
                }
                if fmt.writes_a() && ins.a as u32 >= slots {
                    return Err(bad(pc, "slot out of range"));
                }
                let target_ok = |at: usize, off: i32| {
                    let t = at as i64 + 1 + off as i64;
                    t >= 0 && (t as usize) < code.len()
                };
                match fmt {
                    _ if fmt.is_branch() && !target_ok(pc, ins.offset()) => {
                        return Err(bad(pc, "branch target out of range"));
                    }
                    Fmt::BrTable => {
                        let n = ins.imm as usize;
                        if pc + 1 + n >= code.len() {
                            return Err(bad(pc, "branch table out of range"));
                        }
                        for (k, entry) in code.iter().enumerate().skip(pc + 1).take(n + 1) {
                            if entry.op != Op::Br || !target_ok(k, entry.offset()) {
                                return Err(bad(k, "bad branch table entry"));
                            }
                        }
                        pc += n + 1;
                    }
                    Fmt::Select if ins.imm >= slots as u64 => {
                        return Err(bad(pc, "slot out of range"));
                    }
                    Fmt::Call if ins.imm >= num_funcs || ins.a as u32 >= slots => {
                        return Err(bad(pc, "bad call"));
                    }
                    Fmt::CallIndirect
                        if ins.imm >= meta.types.len() as u64 || ins.a as u32 >= slots =>
                    {
                        return Err(bad(pc, "bad call_indirect"));
                    }
                    Fmt::GlobalGet | Fmt::GlobalSet if ins.imm >= num_globals => {
                        return Err(bad(pc, "global index out of range"));
                    }
                    _ => {}
                }
                pc += 1;
            }
            // Execution must never run off the end of a function.
            let last = code[code.len() - 1].op;
            if !matches!(
                last,
                Op::Return | Op::ReturnSlot | Op::Br | Op::Trap | Op::BrTable
            ) {
                return Err(bad(code.len() - 1, "code does not end in a return"));
            }
        }
        Ok(())
    }
}
