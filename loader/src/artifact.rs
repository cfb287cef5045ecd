//! Loading a `.zwo`: the header is checked first (magic, versions, ISA, section
//! bounds), then the file hash, then the archived metadata (rkyv, validated),
//! then every IR instruction (opcode, slots and branch targets in range), so the
//! interpreter can run the code without further checks.

use std::path::Path;
use std::sync::Arc;
use zwasm_abi::artifact::{Header, HeaderError, Isa};
use zwasm_abi::ir::{abstract_heap, Fmt, Instr, Op, ABSTRACT_HEAP};
use zwasm_abi::module::{ArchivedArtifactMeta, ArchivedTables, ModuleMeta};

/// Why an artifact was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{0}")]
    Header(#[from] HeaderError),
    #[error("artifact is damaged: hash does not match")]
    BodyHash,
    #[error("artifact is damaged: {0}")]
    Damaged(String),
    #[error("artifact needs CPU features this machine lacks: {0}")]
    CpuFeatures(String),
    #[error("cannot load native code: {0}")]
    Code(String),
}

/// Checks the native code's fit (CPU features, function ranges) and maps it
/// read+execute.
fn native_code(
    header: &Header,
    meta: &ModuleMeta,
    code: &[u8],
    file: Option<&std::fs::File>,
) -> Result<Option<crate::native::CodeMemory>, LoadError> {
    let missing = header.cpu_features & !zwasm_abi::native::cpu::host();
    if missing != 0 {
        let names: Vec<&str> = zwasm_abi::native::cpu::NAMES
            .iter()
            .filter(|(bit, _)| missing & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        return Err(LoadError::CpuFeatures(if names.is_empty() {
            format!("unknown feature bits {missing:#x}")
        } else {
            names.join(", ")
        }));
    }
    let unknown = header.flags & !zwasm_abi::native::flags::ALL;
    if unknown != 0 {
        return Err(LoadError::Damaged(format!(
            "unknown configuration flags {unknown:#x}"
        )));
    }
    for (def, f) in meta.funcs.iter().enumerate() {
        let end = f.native_start as u64 + f.native_len as u64;
        if f.native_len != 0 && end > code.len() as u64 {
            return Err(LoadError::Damaged(format!(
                "native code of function {def} lies outside the code section"
            )));
        }
    }
    if code.is_empty()
        || !cfg!(all(
            any(target_arch = "x86_64", target_arch = "aarch64"),
            unix
        ))
    {
        return Ok(None);
    }
    let memory = match file {
        Some(f) if header.code.offset.is_multiple_of(page_size()) => {
            crate::native::CodeMemory::map_file(f, header.code.offset, code.len())
        }
        _ => crate::native::CodeMemory::new(code),
    };
    memory.map(Some).map_err(LoadError::Code)
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(n).unwrap_or(4096)
}

/// The bytes of an artifact: a copy aligned for in-place reads, a read-only
/// mapping of its file (page-aligned), or the embedder's own bytes (16-byte
/// aligned, checked).
enum Buffer {
    Owned(Vec<u128>, usize),
    Mapped(MappedFile),
    /// The bytes `owner.as_ref()` gave once, at load: whatever a later call
    /// would return, these stay valid and unchanged while `owner` lives and
    /// is only shared, which it is until this value drops.
    Embedder {
        _owner: Box<dyn AsRef<[u8]> + Send + Sync>,
        ptr: *const u8,
        len: usize,
    },
}

// SAFETY: the embedder's bytes are `Send + Sync` and only read through it.
unsafe impl Send for Buffer {}
// SAFETY: as above; only shared reads happen through it.
unsafe impl Sync for Buffer {}

/// The first `len` bytes of a file, mapped private and read-only (page
/// aligned), unmapped on drop. A file truncated under the mapping makes
/// reads past its new end fault (SIGBUS).
pub struct MappedFile {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by this value.
unsafe impl Send for MappedFile {}
// SAFETY: as above; only shared reads happen through it.
unsafe impl Sync for MappedFile {}

impl MappedFile {
    /// Maps the first `len` bytes of `file` (`len` > 0).
    pub fn new(file: &std::fs::File, len: usize) -> std::io::Result<MappedFile> {
        use std::os::fd::AsRawFd;
        // SAFETY: a private read-only mapping of an open file; the result is checked.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(MappedFile {
            ptr: ptr.cast(),
            len,
        })
    }
}

impl std::ops::Deref for MappedFile {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the mapping is `len` readable bytes for this value's life.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping this value owns; nothing borrows it any more.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

impl Buffer {
    /// A copy of `bytes` in memory of its own, 16-byte aligned (so the IR
    /// can be read in place).
    fn copied(bytes: &[u8]) -> Buffer {
        let mut buf = vec![0u128; bytes.len().div_ceil(16)];
        // SAFETY: `buf` owns at least `bytes.len()` bytes, and u128 has no invalid bit patterns.
        let raw =
            unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), bytes.len()) };
        raw.copy_from_slice(bytes);
        Buffer::Owned(buf, bytes.len())
    }

    fn bytes(&self) -> &[u8] {
        match self {
            // SAFETY: the vector owns at least `len` initialized bytes.
            Buffer::Owned(v, len) => unsafe {
                std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), *len)
            },
            Buffer::Mapped(m) => m,
            // SAFETY: see `Buffer::Embedder`: `owner` keeps these bytes alive
            // and unchanged for this value's life.
            Buffer::Embedder { ptr, len, .. } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

/// A loaded, checked module, cheap to clone and share between stores.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
    /// Whether functions with native code run it (`false`: everything on the
    /// interpreter, as `--engine interp` asks).
    native: bool,
}

/// What the interpreter needs to enter a defined function.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuncCode {
    /// First instruction, as an index into the IR section.
    pub start: u32,
    pub num_params: u32,
    pub num_locals: u32,
    pub num_slots: u32,
    /// Address of the function's native code, 0 if it runs as IR.
    pub native: usize,
}

struct ModuleInner {
    meta: ModuleMeta,
    funcs: Vec<FuncCode>,
    /// The whole artifact, 16-byte aligned so the IR section can be read in place.
    buf: Buffer,
    ir_offset: usize,
    ir_len: usize,
    header: Header,
    /// The native code section, mapped read+execute.
    code: Option<crate::native::CodeMemory>,
    /// (native start, defined function index) sorted by start, for backtraces.
    native_index: Vec<(usize, u32)>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.meta.name)
            .finish_non_exhaustive()
    }
}

impl Module {
    /// Loads an artifact from memory (copied, so the IR can be read in place
    /// at its alignment).
    pub fn from_bytes(bytes: &[u8]) -> Result<Module, LoadError> {
        Module::load(Buffer::copied(bytes), None)
    }

    /// Loads an artifact to describe it (`zwasm inspect`), whatever ISA it
    /// was compiled for. An artifact for another ISA has its native code
    /// left unmapped: its functions can be listed, and run only if it kept
    /// every function's IR (on the interpreter).
    pub fn for_inspection(bytes: &[u8]) -> Result<Module, LoadError> {
        Module::load_as(Buffer::copied(bytes), None, true)
    }

    /// The instruction set the artifact was compiled for.
    pub fn isa(&self) -> Isa {
        Isa::from_u8(self.inner.header.isa).unwrap_or(Isa::host())
    }

    /// Loads an artifact from bytes the embedder hands over (a `Vec<u8>`, an
    /// `Arc<[u8]>`, a `&'static [u8]` from `include_bytes!`, a mapping...),
    /// using them in place: the IR and metadata are read where they lie and
    /// data segments copied from there. Only the native code is copied, into
    /// executable memory. In place needs the bytes 16-byte aligned (as
    /// `Vec<u8>`s from the system allocator are); others are copied first, as
    /// by [`Module::from_bytes`].
    pub fn from_owned(
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    ) -> Result<Module, LoadError> {
        let owner: Box<dyn AsRef<[u8]> + Send + Sync> = Box::new(bytes);
        let slice = (*owner).as_ref();
        if !(slice.as_ptr() as usize).is_multiple_of(16) {
            return Module::from_bytes(slice);
        }
        let (ptr, len) = (slice.as_ptr(), slice.len());
        Module::load(
            Buffer::Embedder {
                _owner: owner,
                ptr,
                len,
            },
            None,
        )
    }

    /// Loads an artifact from a file. The file is mapped, not read: the IR is
    /// used in place and the native code section is mapped read+execute
    /// straight from it.
    pub fn from_file(path: &Path) -> Result<Module, LoadError> {
        let io = |err| LoadError::Io {
            path: path.display().to_string(),
            err,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len < zwasm_abi::artifact::HEADER_LEN as u64 || usize::try_from(len).is_err() {
            // Too short to map usefully: the header check says what is wrong.
            return Module::from_bytes(&std::fs::read(path).map_err(io)?);
        }
        let buffer = Buffer::Mapped(MappedFile::new(&file, len as usize).map_err(io)?);
        Module::load(buffer, Some(&file))
    }

    /// Checks and loads an artifact held in `buf`; `file` is where it was
    /// mapped from, if it was.
    fn load(buf: Buffer, file: Option<&std::fs::File>) -> Result<Module, LoadError> {
        Module::load_as(buf, file, false)
    }

    /// [`Module::load`]; with `any_isa`, an artifact for another ISA loads
    /// too, with no native code.
    fn load_as(
        buf: Buffer,
        file: Option<&std::fs::File>,
        any_isa: bool,
    ) -> Result<Module, LoadError> {
        let raw = buf.bytes();
        let header = if any_isa {
            Header::decode_any_isa(raw)?
        } else {
            Header::decode(raw)?
        };
        let foreign = header.isa != Isa::host() as u8;
        let mut h = blake3::Hasher::new();
        for part in zwasm_abi::artifact::hashed_parts(raw) {
            h.update(part);
        }
        if h.finalize().as_bytes() != &header.body_hash {
            return Err(LoadError::BodyHash);
        }
        let meta_bytes = &raw[header.meta.offset as usize..][..header.meta.len as usize];
        // Checked whole here, once; `ModuleMeta` is deserialized, while the
        // tables are read in place from then on (`Module::tables`).
        let archived = rkyv::access::<ArchivedArtifactMeta, rkyv::rancor::Error>(meta_bytes)
            .map_err(|e| LoadError::Damaged(format!("metadata: {e}")))?;
        let meta = rkyv::deserialize::<ModuleMeta, rkyv::rancor::Error>(&archived.meta)
            .map_err(|e| LoadError::Damaged(format!("metadata: {e}")))?;
        if header.ir.len % 16 != 0 {
            return Err(LoadError::Damaged(
                "IR section is not whole instructions".into(),
            ));
        }
        let code_bytes = &raw[header.code.offset as usize..][..header.code.len as usize];
        let code = if foreign {
            None
        } else {
            native_code(&header, &meta, code_bytes, file)?
        };
        let code_base = code.as_ref().map_or(0, |c| c.base());
        let mut native_index: Vec<(usize, u32)> = meta
            .funcs
            .iter()
            .enumerate()
            .filter(|(_, f)| f.native_len != 0 && !foreign)
            .map(|(def, f)| (code_base + f.native_start as usize, def as u32))
            .collect();
        native_index.sort_unstable();
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
                        native: if f.native_len != 0 && !foreign {
                            code_base + f.native_start as usize
                        } else {
                            0
                        },
                    })
                    .collect(),
                code,
                native_index,
                meta,
                buf,
                ir_offset: header.ir.offset as usize,
                ir_len: header.ir.len as usize / 16,
                header,
            }),
            native: !foreign,
        };
        module.check_code()?;
        module.check_data()?;
        Ok(module)
    }

    /// This module with native code switched off: every function runs on the
    /// interpreter. Instantiating it fails unless the artifact kept every
    /// function's IR ([`Module::has_full_ir`]).
    pub fn interp_only(&self) -> Module {
        Module {
            inner: self.inner.clone(),
            native: false,
        }
    }

    /// Whether functions with native code run it.
    pub fn native_enabled(&self) -> bool {
        self.native && self.inner.code.is_some()
    }

    /// Whether every function has its whole IR, so the module can also run
    /// on the interpreter alone. An artifact compiled for native code without
    /// `keep_ir` has not: its native functions keep only the instructions
    /// their code hands to the runtime.
    pub fn has_full_ir(&self) -> bool {
        self.inner.header.flags & zwasm_abi::native::flags::PARTIAL_IR == 0
    }

    /// Whether the native code leaves out bounds checks on memory 0, relying
    /// on its guard pages.
    pub(crate) fn needs_guard_pages(&self) -> bool {
        self.inner.header.flags & zwasm_abi::native::flags::GUARD_PAGES != 0
    }

    /// Whether functions take fuel or check the interrupt flag (at entry and
    /// at each loop iteration), as `zwasm_abi::native::flags` bits.
    pub(crate) fn hooks(&self) -> u64 {
        use zwasm_abi::native::flags;
        self.inner.header.flags & (flags::FUEL | flags::INTERRUPT)
    }

    /// The data segments and function names, read in place.
    pub(crate) fn tables(&self) -> &ArchivedTables {
        let meta = self.inner.header.meta;
        let bytes = &self.inner.buf.bytes()[meta.offset as usize..][..meta.len as usize];
        // SAFETY: `load` checked these bytes with `rkyv::access`, and the
        // buffer is neither changed nor freed while the module lives.
        unsafe { &rkyv::access_unchecked::<ArchivedArtifactMeta>(bytes).tables }
    }

    /// The name-section name of function `index`, if it has one.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.tables().func_name(index)
    }

    /// Every name-section function name, as (function index, name), by index.
    pub fn func_names(&self) -> impl Iterator<Item = (u32, &str)> {
        self.tables()
            .func_names
            .iter()
            .map(|n| (n.0.to_native(), n.1.as_str()))
    }

    /// How many data segments the module has.
    pub(crate) fn num_data_segments(&self) -> usize {
        self.tables().datas.len()
    }

    /// The bytes of data segment `index`, read in place from the artifact.
    pub(crate) fn data_segment(&self, index: usize) -> &[u8] {
        let seg = &self.tables().datas[index];
        let data = self.inner.header.data;
        let (start, len) = (seg.start.to_native() as usize, seg.len.to_native() as usize);
        // In range: checked at load (`check_data`).
        &self.inner.buf.bytes()[data.offset as usize..][start..][..len]
    }

    /// Where the native code section starts in the artifact file.
    pub fn code_offset(&self) -> u64 {
        self.inner.header.code.offset
    }

    /// How many defined functions have native code.
    pub fn native_funcs(&self) -> usize {
        self.inner.native_index.len()
    }

    /// Appends a line per native function to `/tmp/perf-PID.map`, the file
    /// `perf` reads to name code it cannot otherwise attribute.
    pub fn write_perf_map(&self) -> std::io::Result<()> {
        use std::io::Write;
        let meta = self.meta();
        let imported = meta.num_imported(zwasm_abi::module::ExportKind::Func);
        let mut out = String::new();
        for &(start, def) in &self.inner.native_index {
            let index = imported + def;
            let len = meta.funcs[def as usize].native_len;
            let name = self.func_name(index).unwrap_or("");
            out.push_str(&format!("{start:x} {len:x} wasm[{index}] {name}\n"));
        }
        let path = format!("/tmp/perf-{}.map", std::process::id());
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?
            .write_all(out.as_bytes())
    }

    /// The defined function whose native code contains `pc`.
    pub(crate) fn native_func_at(&self, pc: usize) -> Option<u32> {
        let code = self.inner.code.as_ref()?;
        if !code.contains(pc) {
            return None;
        }
        let i = self
            .inner
            .native_index
            .partition_point(|&(start, _)| start <= pc);
        let (start, def) = *self.inner.native_index.get(i.checked_sub(1)?)?;
        let len = self.inner.meta.funcs[def as usize].native_len as usize;
        (pc < start + len).then_some(def)
    }

    /// How many copies of small functions native code holds inlined into
    /// their callers.
    pub fn inlined_copies(&self) -> usize {
        self.tables().inlined.len()
    }

    /// The defined function whose inlined copy (inside another function's
    /// native code) holds `pc`, if any.
    pub(crate) fn inlined_at(&self, pc: usize) -> Option<u32> {
        let code = self.inner.code.as_ref()?;
        if !code.contains(pc) {
            return None;
        }
        let def = self.tables().inlined_at((pc - code.base()) as u32)?;
        ((def as usize) < self.inner.meta.funcs.len()).then_some(def)
    }

    /// The module's metadata: types, imports, exports, functions, segments.
    pub fn meta(&self) -> &ModuleMeta {
        &self.inner.meta
    }

    /// The CPU features (`zwasm_abi::native::cpu` bits) the native code uses:
    /// a machine must have them all to run it.
    pub fn cpu_features(&self) -> u64 {
        self.inner.header.cpu_features
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
        unsafe { self.inner.buf.bytes().as_ptr().add(self.inner.ir_offset) }
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

    /// Instruction `index` of the module's IR.
    pub(crate) fn instr(&self, index: u32) -> Instr {
        self.ir()[index as usize]
    }

    /// Verifies that every data segment lies inside the data section.
    fn check_data(&self) -> Result<(), LoadError> {
        let len = self.inner.header.data.len;
        for (i, seg) in self.tables().datas.iter().enumerate() {
            let (start, seg_len) = (seg.start.to_native(), seg.len.to_native());
            if start.checked_add(seg_len).is_none_or(|end| end > len) {
                return Err(LoadError::Damaged(format!(
                    "data segment {i} lies outside the data section"
                )));
            }
        }
        Ok(())
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
        let num_imported_funcs = meta.num_imported(zwasm_abi::module::ExportKind::Func) as u64;
        let num_funcs = num_imported_funcs + meta.funcs.len() as u64;
        // Type index of every function, imported ones first.
        let func_types: Vec<u32> = meta
            .imports
            .iter()
            .filter_map(|i| match i.kind {
                zwasm_abi::module::ImportKind::Func(ty) => Some(ty),
                _ => None,
            })
            .chain(meta.funcs.iter().map(|f| f.ty))
            .collect();
        if func_types.iter().any(|&t| !meta.is_func_type(t)) {
            return Err(LoadError::Damaged("function type out of range".into()));
        }
        let num_globals = meta.num_imported(zwasm_abi::module::ExportKind::Global) as u64
            + meta.globals.len() as u64;
        for (def, f) in meta.funcs.iter().enumerate() {
            let bad = |pc: usize, what: &str| {
                LoadError::Damaged(format!("function {def}: {what} at instruction {pc}"))
            };
            // With partial IR, a native function's IR is a list of single
            // instructions its code hands to the runtime, not a body.
            let partial = !self.has_full_ir() && f.native_len != 0;
            let end = f.code_start as usize + f.code_len as usize;
            if end > self.inner.ir_len || (f.code_len == 0 && !partial) {
                return Err(bad(0, "code range out of bounds"));
            }
            if !meta.is_func_type(f.ty) || f.num_slots > u16::MAX as u32 + 1 {
                return Err(bad(0, "bad type or frame size"));
            }
            let ty = &meta.types[f.ty as usize];
            // Counts are in slots: a v128 parameter or result takes two.
            if f.num_params != ty.param_slots()
                || f.num_locals < f.num_params
                || f.num_slots < f.num_locals
                || f.num_slots < ty.result_slots()
            {
                return Err(bad(0, "bad frame layout"));
            }
            let code = self.func_code(def as u32);
            let slots = f.num_slots;
            // A tail call moves its arguments from its window to slot 0, inside
            // this frame, and returns the callee's results as this function's.
            let tail_call_ok = |ins: &Instr, callee: &zwasm_abi::module::FuncType| {
                !matches!(
                    ins.op,
                    Op::ReturnCall | Op::ReturnCallImport | Op::ReturnCallIndirect
                ) || (ins.a as usize + callee.param_slots() as usize <= slots as usize
                    && callee.results == ty.results)
            };
            // Where the data words of ops with a 128-bit immediate are, in order.
            let mut data_words = Vec::new();
            let mut pc = 0;
            while pc < code.len() {
                let ins = &code[pc];
                let fmt = ins.op.fmt();
                if !slots_in_frame(ins, slots) {
                    return Err(bad(pc, "slot out of range"));
                }
                // The executors read the data word after such an op: it must
                // be there, inside the function, as the `nop` that carries it.
                if fmt.has_trailing_word() {
                    if code.get(pc + 1).is_none_or(|w| w.op != Op::Nop) {
                        return Err(bad(pc, "missing data word"));
                    }
                    data_words.push(pc + 1);
                }
                if partial && (fmt.is_branch() || fmt == Fmt::BrTable) {
                    return Err(bad(pc, "branch in a native function's IR"));
                }
                // A superinstruction runs the next instruction too, which
                // must be its second op reading its result as `b`.
                if let Some((_, then)) = ins.op.pair() {
                    let next = code.get(pc + 1);
                    if partial || next.is_none_or(|n| n.op != then || n.b != ins.a) {
                        return Err(bad(pc, "bad superinstruction"));
                    }
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
                    // It returns one slot: the whole result only when that
                    // is one value of one slot (not a v128).
                    Fmt::ReturnSlot if ty.result_slots() != 1 => {
                        return Err(bad(pc, "return_slot for results that are not one slot"));
                    }
                    Fmt::Call => {
                        // `call` and `return_call` name defined functions,
                        // `call_import` and `return_call_import` imported ones.
                        let imported = matches!(ins.op, Op::CallImport | Op::ReturnCallImport);
                        let range = if imported {
                            0..num_imported_funcs
                        } else {
                            num_imported_funcs..num_funcs
                        };
                        if !range.contains(&ins.imm) || ins.a as u32 >= slots {
                            return Err(bad(pc, "bad call"));
                        }
                        let callee = func_types[ins.imm as usize];
                        if !tail_call_ok(ins, &meta.types[callee as usize]) {
                            return Err(bad(pc, "bad tail call"));
                        }
                    }
                    Fmt::CallIndirect => {
                        if ins.imm > u32::MAX as u64
                            || !meta.is_func_type(ins.imm as u32)
                            || ins.a as u32 >= slots
                        {
                            return Err(bad(pc, "bad call_indirect"));
                        }
                        if !tail_call_ok(ins, &meta.types[ins.imm as usize]) {
                            return Err(bad(pc, "bad tail call"));
                        }
                    }
                    Fmt::StructNew => {
                        let st = (ins.imm <= u32::MAX as u64)
                            .then(|| meta.struct_type(ins.imm as u32))
                            .flatten();
                        let Some(st) = st else {
                            return Err(bad(pc, "bad struct type"));
                        };
                        if ins.op == Op::StructNew
                            && ins.b as usize + st.fields.len() > slots as usize
                        {
                            return Err(bad(pc, "struct fields out of range"));
                        }
                    }
                    Fmt::StructGet | Fmt::StructSet => {
                        let field = meta
                            .struct_type(ins.imm as u32)
                            .and_then(|st| st.fields.get((ins.imm >> 32) as usize));
                        let Some(field) = field else {
                            return Err(bad(pc, "bad struct field"));
                        };
                        let bits = field.storage.packed_bits();
                        let ok = match ins.op {
                            Op::StructGet => bits.is_none(),
                            Op::StructGetS | Op::StructGetU => bits == Some(ins.c as u32),
                            _ => field.mutable,
                        };
                        if !ok {
                            return Err(bad(pc, "bad struct field access"));
                        }
                    }
                    Fmt::RefCast => {
                        let ok = if ins.imm >= ABSTRACT_HEAP {
                            ins.imm - ABSTRACT_HEAP <= abstract_heap::I31
                        } else {
                            ins.imm <= u32::MAX as u64 && meta.struct_type(ins.imm as u32).is_some()
                        };
                        if !ok {
                            return Err(bad(pc, "bad cast target"));
                        }
                    }
                    Fmt::GlobalGet | Fmt::GlobalSet if ins.imm >= num_globals => {
                        return Err(bad(pc, "global index out of range"));
                    }
                    _ => {}
                }
                pc += if fmt.has_trailing_word() { 2 } else { 1 };
            }
            // A data word is no instruction: no branch may land on one.
            if !data_words.is_empty() {
                for (k, ins) in code.iter().enumerate() {
                    if ins.op.fmt().is_branch() {
                        let target = (k as i64 + 1 + ins.offset() as i64) as usize;
                        if data_words.binary_search(&target).is_ok() {
                            return Err(bad(k, "branch into a data word"));
                        }
                    }
                }
            }
            if partial {
                continue;
            }
            // Execution must never run off the end of a function.
            let last = code[code.len() - 1].op;
            if !matches!(
                last,
                Op::Return
                    | Op::ReturnSlot
                    | Op::Br
                    | Op::Trap
                    | Op::BrTable
                    | Op::ReturnCall
                    | Op::ReturnCallImport
                    | Op::ReturnCallIndirect
            ) {
                return Err(bad(code.len() - 1, "code does not end in a return"));
            }
        }
        Ok(())
    }
}

/// Whether every slot operand of `ins` lies in a frame of `slots` slots: each
/// field the op reads (bits 0-2 of the format's read mask for `a`, `b`, `c`)
/// or writes (`a`), over as many slots as the op table says the operand
/// takes (two for a v128).
fn slots_in_frame(ins: &Instr, slots: u32) -> bool {
    let fmt = ins.op.fmt();
    let fields = [ins.a, ins.b, ins.c];
    let width = |k: usize| if ins.op.is_wide(k) { 2 } else { 1 };
    let fits = |field: u16, k: usize| field as u32 + width(k) <= slots;
    (0..3).all(|k| fmt.read_mask() & (1 << k) == 0 || fits(fields[k], k))
        && (!fmt.writes_a() || fits(ins.a, 3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zwasm_abi::artifact::{align_up, Isa, Section, FORMAT_VERSION, HEADER_LEN, SECTION_ALIGN};
    use zwasm_abi::module::{ArtifactMeta, FuncDef, FuncType, Import, ImportKind, Tables, ValType};

    /// An artifact with `meta` and the IR `code`, as the compiler would write it.
    fn artifact(meta: &ModuleMeta, code: &[Instr]) -> Vec<u8> {
        artifact_with(meta, &Tables::default(), code)
    }

    /// An artifact with `meta`, `tables` and the IR `code`.
    fn artifact_with(meta: &ModuleMeta, tables: &Tables, code: &[Instr]) -> Vec<u8> {
        let meta = ArtifactMeta {
            meta: meta.clone(),
            tables: tables.clone(),
        };
        let meta = rkyv::to_bytes::<rkyv::rancor::Error>(&meta).unwrap();
        let mut ir = Vec::new();
        for i in code {
            for half in [i.op as u16, i.a, i.b, i.c] {
                ir.extend_from_slice(&half.to_le_bytes());
            }
            ir.extend_from_slice(&i.imm.to_le_bytes());
        }
        let mut file = vec![0u8; HEADER_LEN];
        let mut place = |bytes: &[u8]| {
            file.resize(align_up(file.len(), SECTION_ALIGN), 0);
            let s = Section {
                offset: file.len() as u64,
                len: bytes.len() as u64,
            };
            file.extend_from_slice(bytes);
            s
        };
        let (meta, ir, code, data) = (place(&meta), place(&ir), place(&[]), place(&[]));
        let header = Header {
            format_version: FORMAT_VERSION,
            compiler_version: zwasm_abi::COMPILER_VERSION.into(),
            isa: Isa::host() as u8,
            cpu_features: 0,
            flags: 0,
            source_hash: [0; 32],
            body_hash: [0; 32],
            meta,
            ir,
            code,
            data,
        };
        file[..HEADER_LEN].copy_from_slice(&header.encode());
        let mut h = blake3::Hasher::new();
        for part in zwasm_abi::artifact::hashed_parts(&file) {
            h.update(part);
        }
        file[96..128].copy_from_slice(h.finalize().as_bytes());
        file
    }

    /// One import (function 0, type 1) and one defined function (function 1,
    /// type 0: `(param i32 i32) (result i32)`, 4 slots) whose body is `code`.
    fn load(code: &[Instr]) -> Result<Module, LoadError> {
        let i32s = |n| vec![ValType::I32; n];
        let meta = ModuleMeta {
            types: vec![
                FuncType {
                    params: i32s(2),
                    results: i32s(1),
                },
                FuncType {
                    params: i32s(1),
                    results: i32s(2),
                },
            ],
            imports: vec![Import {
                module: "m".into(),
                name: "f".into(),
                kind: ImportKind::Func(1),
            }],
            funcs: vec![FuncDef {
                ty: 0,
                num_params: 2,
                num_locals: 2,
                num_slots: 4,
                code_start: 0,
                code_len: code.len() as u32,
                wasm_size: 0,
                native_start: 0,
                native_len: 0,
            }],
            ..ModuleMeta::default()
        };
        Module::from_bytes(&artifact(&meta, code))
    }

    fn damage(r: Result<Module, LoadError>) -> String {
        match r {
            Err(LoadError::Damaged(m)) => m,
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn embedder_bytes_are_used_in_place_when_aligned() {
        let wat = r#"(module (func (export "f") (result i32) (i32.const 7)))"#;
        let zwo = zwasm_compiler::compile(wat.as_bytes(), &Default::default()).unwrap();
        let run = |m: &Module| {
            let mut store = crate::Store::new();
            let instance = crate::Linker::new().instantiate(&mut store, m).unwrap();
            let f = store.get_func(instance, "f").unwrap();
            store.call(f, &[]).unwrap()
        };
        // A vector from the system allocator is 16-byte aligned: no copy.
        let v = zwo.clone();
        let at = v.as_ptr();
        assert!((at as usize).is_multiple_of(16));
        let m = Module::from_owned(v).unwrap();
        assert_eq!(m.inner.buf.bytes().as_ptr(), at);
        assert_eq!(run(&m), vec![crate::Val::I32(7)]);
        // Misaligned bytes are copied first.
        struct Shifted(Vec<u8>);
        impl AsRef<[u8]> for Shifted {
            fn as_ref(&self) -> &[u8] {
                &self.0[1..]
            }
        }
        let mut shifted = vec![0u8; zwo.len() + 1];
        shifted[1..].copy_from_slice(&zwo);
        let at = shifted[1..].as_ptr();
        let m = Module::from_owned(Shifted(shifted)).unwrap();
        assert_ne!(m.inner.buf.bytes().as_ptr(), at);
        assert_eq!(run(&m), vec![crate::Val::I32(7)]);
        // Damage is refused as from a file.
        let mut bad = zwo.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(Module::from_owned(bad).is_err());
    }

    #[test]
    fn data_segments_must_lie_in_the_data_section() {
        let mut tables = Tables::default();
        tables.datas.push(zwasm_abi::module::DataSegment {
            mode: zwasm_abi::module::SegmentMode::Passive,
            start: 0,
            len: 4,
        });
        // The test artifact's data section is empty.
        let m = damage(Module::from_bytes(&artifact_with(
            &ModuleMeta::default(),
            &tables,
            &[],
        )));
        assert!(m.contains("data segment 0 lies outside"), "{m}");
    }

    #[test]
    fn tail_calls_are_checked() {
        let i = |op, a, imm| Instr::new(op, a, 0, 0, imm);
        // A tail call ends a function; its window 2..4 lies in the 4-slot frame.
        assert!(load(&[i(Op::ReturnCall, 2, 1)]).is_ok());
        assert!(load(&[i(Op::Nop, 0, 0), i(Op::ReturnCall, 0, 1)]).is_ok());
        assert!(load(&[
            Instr::new(Op::ReturnCallIndirect, 2, 0, 0, 0),
            i(Op::Return, 0, 0)
        ])
        .is_ok());
        // The window would read past the frame.
        let m = damage(load(&[i(Op::ReturnCall, 3, 1)]));
        assert!(m.contains("bad tail call"), "{m}");
        let m = damage(load(&[Instr::new(Op::ReturnCallIndirect, 3, 0, 0, 0)]));
        assert!(m.contains("bad tail call"), "{m}");
        // The callee's results are not the caller's.
        let m = damage(load(&[i(Op::ReturnCallImport, 0, 0)]));
        assert!(m.contains("bad tail call"), "{m}");
        let m = damage(load(&[Instr::new(Op::ReturnCallIndirect, 0, 0, 0, 1)]));
        assert!(m.contains("bad tail call"), "{m}");
        // `return_call` names a defined function, `return_call_import` an imported one.
        let m = damage(load(&[i(Op::ReturnCall, 0, 0)]));
        assert!(m.contains("bad call"), "{m}");
        let m = damage(load(&[i(Op::ReturnCallImport, 0, 1)]));
        assert!(m.contains("bad call"), "{m}");
        let m = damage(load(&[i(Op::Call, 0, 0), i(Op::Return, 0, 0)]));
        assert!(m.contains("bad call"), "{m}");
        // Without a tail call or return at the end, execution could run off the code.
        let m = damage(load(&[i(Op::Call, 2, 1)]));
        assert!(m.contains("does not end in a return"), "{m}");
    }

    /// One defined function of type `(param v128 i32) (result v128)` (three
    /// parameter slots, two result slots) with the given frame counts, and an
    /// imported function of type `(param v128 v128) (result v128)`.
    fn load_v128(
        num_params: u32,
        num_locals: u32,
        num_slots: u32,
        code: &[Instr],
    ) -> Result<Module, LoadError> {
        let meta = ModuleMeta {
            types: vec![
                FuncType {
                    params: vec![ValType::V128, ValType::I32],
                    results: vec![ValType::V128],
                },
                FuncType {
                    params: vec![ValType::V128, ValType::V128],
                    results: vec![ValType::V128],
                },
            ],
            imports: vec![Import {
                module: "m".into(),
                name: "f".into(),
                kind: ImportKind::Func(1),
            }],
            funcs: vec![FuncDef {
                ty: 0,
                num_params,
                num_locals,
                num_slots,
                code_start: 0,
                code_len: code.len() as u32,
                wasm_size: 0,
                native_start: 0,
                native_len: 0,
            }],
            ..ModuleMeta::default()
        };
        Module::from_bytes(&artifact(&meta, code))
    }

    #[test]
    fn frames_are_counted_in_slots() {
        let ret = [Instr::new(Op::Return, 0, 0, 0, 0)];
        assert!(load_v128(3, 3, 3, &ret).is_ok());
        assert!(load_v128(3, 5, 8, &ret).is_ok());
        // Parameters counted as values, not slots.
        let m = damage(load_v128(2, 3, 3, &ret));
        assert!(m.contains("bad frame layout"), "{m}");
        // Fewer locals than parameters, or a frame too small for the locals.
        let m = damage(load_v128(3, 2, 3, &ret));
        assert!(m.contains("bad frame layout"), "{m}");
        let m = damage(load_v128(3, 4, 3, &ret));
        assert!(m.contains("bad frame layout"), "{m}");
        // A v128 result needs two slots in the frame.
        let meta_results_only = |slots| {
            let mut meta = ModuleMeta {
                types: vec![FuncType {
                    params: vec![],
                    results: vec![ValType::V128],
                }],
                ..ModuleMeta::default()
            };
            meta.funcs.push(FuncDef {
                ty: 0,
                num_params: 0,
                num_locals: 0,
                num_slots: slots,
                code_start: 0,
                code_len: 1,
                wasm_size: 0,
                native_start: 0,
                native_len: 0,
            });
            Module::from_bytes(&artifact(&meta, &ret))
        };
        assert!(meta_results_only(2).is_ok());
        let m = damage(meta_results_only(1));
        assert!(m.contains("bad frame layout"), "{m}");
        // `return_slot` returns one slot: not a whole v128.
        let m = damage(load_v128(
            3,
            3,
            3,
            &[Instr::new(Op::ReturnSlot, 0, 0, 0, 0)],
        ));
        assert!(m.contains("return_slot"), "{m}");
    }

    #[test]
    fn tail_call_windows_are_counted_in_slots() {
        // The callee takes two v128s: four slots from the window's start.
        let call = |a| [Instr::new(Op::ReturnCallImport, a, 0, 0, 0)];
        assert!(load_v128(3, 3, 6, &call(2)).is_ok());
        let m = damage(load_v128(3, 3, 6, &call(3)));
        assert!(m.contains("bad tail call"), "{m}");
    }

    #[test]
    fn v128_operands_need_both_slots_in_the_frame() {
        // Every op the table says reads or writes a v128 in some field: the
        // field may not name the frame's last slot, whose pair lies outside.
        for &op in Op::ALL {
            let fmt = op.fmt();
            let sig = op.sig();
            let fields = (0..3)
                .filter(|&k| fmt.read_mask() & (1 << k) != 0 && sig.width(k) == 2)
                .chain((fmt.writes_a() && sig.width(3) == 2).then_some(0));
            for k in fields {
                let at = |slot: u16| {
                    let mut f = [0u16; 3];
                    f[k] = slot;
                    [
                        Instr::new(op, f[0], f[1], f[2], 0),
                        Instr::new(Op::Return, 0, 0, 0, 0),
                    ]
                };
                // Frame of 8 slots: 7 is the last one.
                let m = damage(load_v128(3, 3, 8, &at(7)));
                assert!(m.contains("slot out of range"), "{op:?} field {k}: {m}");
                if let Err(LoadError::Damaged(m)) = load_v128(3, 3, 8, &at(6)) {
                    assert!(!m.contains("slot out of range"), "{op:?} field {k}: {m}");
                }
            }
        }
    }

    #[test]
    fn v128_globals_hold_both_halves() {
        use zwasm_abi::module::{ConstExpr, ConstOp, Export, ExportKind, GlobalDef, GlobalType};
        let v128 = |mutable| GlobalType {
            ty: ValType::V128,
            mutable,
        };
        let x = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
        let meta = ModuleMeta {
            imports: vec![Import {
                module: "m".into(),
                name: "g".into(),
                kind: ImportKind::Global(v128(false)),
            }],
            globals: vec![
                GlobalDef {
                    ty: v128(true),
                    init: ConstExpr(vec![ConstOp::V128(x)]),
                },
                GlobalDef {
                    ty: v128(false),
                    init: ConstExpr(vec![ConstOp::GlobalGet(0)]),
                },
                GlobalDef {
                    ty: GlobalType {
                        ty: ValType::I64,
                        mutable: true,
                    },
                    init: ConstExpr(vec![ConstOp::I64(-1), ConstOp::I64(3), ConstOp::I64Add]),
                },
            ],
            exports: (1..4)
                .map(|index| Export {
                    name: format!("g{index}"),
                    kind: ExportKind::Global,
                    index,
                })
                .collect(),
            ..ModuleMeta::default()
        };
        let m = Module::from_bytes(&artifact(&meta, &[])).unwrap();
        let mut store = crate::Store::new();
        let imported = u128::MAX ^ 1 << 64;
        let g = store
            .new_global(v128(false), crate::Val::V128(imported))
            .unwrap();
        let mut linker = crate::Linker::new();
        linker.define("m", "g", crate::Extern::Global(g));
        let inst = linker.instantiate(&mut store, &m).unwrap();
        let global = |store: &crate::Store, name: &str| match store.get_export(inst, name) {
            Some(crate::Extern::Global(g)) => g,
            _ => panic!("no global {name}"),
        };
        let (g1, g2, g3) = (
            global(&store, "g1"),
            global(&store, "g2"),
            global(&store, "g3"),
        );
        assert_eq!(store.global_get(g1), crate::Val::V128(x));
        assert_eq!(
            store.globals[g1.0 as usize].value,
            [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]
        );
        assert_eq!(store.global_get(g2), crate::Val::V128(imported));
        assert_eq!(store.global_get(g3), crate::Val::I64(2));
        // A scalar global keeps its value in the low half; the high half is 0.
        assert_eq!(store.globals[g3.0 as usize].value, [2, 0]);
        store.global_set(g1, crate::Val::V128(u128::MAX)).unwrap();
        assert_eq!(store.global_get(g1), crate::Val::V128(u128::MAX));
        assert!(store.global_set(g1, crate::Val::I64(0)).is_err());
        assert!(store.global_set(g2, crate::Val::V128(0)).is_err());
        // A table never holds v128s.
        let ty = zwasm_abi::module::TableType {
            elem: ValType::V128,
            min: 1,
            max: None,
        };
        assert!(store.new_table(ty, crate::Val::V128(0)).is_err());
    }

    #[test]
    fn data_words_follow_their_ops() {
        let k = Instr::new(Op::V128Const, 0, 0, 0, 1);
        let word = Instr::new(Op::Nop, 0, 0, 0, 2);
        let ret = Instr::new(Op::Return, 0, 0, 0, 0);
        let br = |offset: i32| Instr::new(Op::Br, 0, 0, 0, Instr::pack_branch(offset, 0));
        assert!(load_v128(3, 3, 8, &[k, word, ret]).is_ok());
        assert!(load_v128(3, 3, 8, &[br(2), k, word, ret]).is_ok());
        let m = damage(load_v128(3, 3, 8, &[k, ret]));
        assert!(m.contains("missing data word at instruction 0"), "{m}");
        let m = damage(load_v128(3, 3, 8, &[ret, k]));
        assert!(m.contains("missing data word at instruction 1"), "{m}");
        let m = damage(load_v128(3, 3, 8, &[br(1), k, word, ret]));
        assert!(m.contains("branch into a data word"), "{m}");
    }

    #[test]
    fn superinstructions_are_followed_by_their_second_op() {
        let add = Instr::new(Op::I32AddThenI32Load, 4, 2, 2, 0);
        let load = |b: u16| Instr::new(Op::I32Load, 5, b, 0, 0);
        let ret = Instr::new(Op::Return, 0, 0, 0, 0);
        assert!(load_v128(3, 3, 8, &[add, load(4), ret]).is_ok());
        // The load reads another slot than the add writes.
        let m = damage(load_v128(3, 3, 8, &[add, load(3), ret]));
        assert!(m.contains("bad superinstruction at instruction 0"), "{m}");
        // Another op follows, or none.
        let m = damage(load_v128(3, 3, 8, &[add, ret, load(4)]));
        assert!(m.contains("bad superinstruction at instruction 0"), "{m}");
        let m = damage(load_v128(3, 3, 8, &[ret, add]));
        assert!(m.contains("bad superinstruction at instruction 1"), "{m}");
    }
}
