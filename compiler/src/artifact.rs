//! Writing a `.zwo`: the header, then the rkyv-archived metadata, the IR, the
//! data segments and the native code. Output is a pure function of the input,
//! so the same wasm always gives the same bytes.

use crate::backend::NativeCode;
use crate::module::Compiled;
use zwasm_abi::artifact::{
    align_up, hashed_parts, Header, Isa, Section, FORMAT_VERSION, HEADER_LEN, SECTION_ALIGN,
};
use zwasm_abi::ir::Instr;

/// The IR as bytes in `Instr`'s in-memory layout, on a little-endian host.
fn ir_bytes(code: &[Instr]) -> &[u8] {
    // SAFETY: `Instr` is `repr(C)` with no padding (its 16-byte size is
    // asserted in zwasm-abi's tests), so all its bytes are initialized.
    unsafe { std::slice::from_raw_parts(code.as_ptr().cast::<u8>(), std::mem::size_of_val(code)) }
}

/// The IR as little-endian bytes, built field by field (for big-endian hosts).
fn ir_le_bytes(code: &[Instr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(code.len() * 16);
    for i in code {
        out.extend_from_slice(&(i.op as u16).to_le_bytes());
        out.extend_from_slice(&i.a.to_le_bytes());
        out.extend_from_slice(&i.b.to_le_bytes());
        out.extend_from_slice(&i.c.to_le_bytes());
        out.extend_from_slice(&i.imm.to_le_bytes());
    }
    out
}

/// The code section's alignment: a page, so the loader can map it from the file.
const CODE_ALIGN: usize = 4096;

/// Zeros to pad with: no gap is longer than the code section's alignment.
static ZEROS: [u8; CODE_ALIGN] = [0; CODE_ALIGN];

/// A compiled module as the pieces of its `.zwo` file, hashed but not yet
/// joined: writing the pieces out one after the other gives the file, with
/// no copy of the whole artifact in memory.
pub struct Artifact {
    header: [u8; HEADER_LEN],
    meta: rkyv::util::AlignedVec,
    ir: Vec<Instr>,
    /// The IR converted to little-endian, on a big-endian host.
    ir_le: Option<Vec<u8>>,
    data: Vec<u8>,
    code: Vec<u8>,
    /// Zero bytes before the meta, IR, data and code sections, and after code.
    gaps: [usize; 5],
    /// Per defined function: where its native code lies in `code` (length
    /// 0: none).
    native: Vec<(u32, u32)>,
}

impl Artifact {
    /// The native code of each defined function (empty for one left to the
    /// interpreter), in the order of the module's defined functions: to
    /// examine the code of an artifact for any ISA.
    pub fn native_code(&self) -> impl Iterator<Item = &[u8]> {
        self.native
            .iter()
            .map(|&(start, len)| &self.code[start as usize..][..len as usize])
    }

    /// The file's pieces in order.
    fn parts(&self) -> [&[u8]; 10] {
        let ir = match &self.ir_le {
            Some(bytes) => bytes,
            None => ir_bytes(&self.ir),
        };
        let gap = |k: usize| &ZEROS[..self.gaps[k]];
        [
            &self.header,
            gap(0),
            &self.meta,
            gap(1),
            ir,
            gap(2),
            &self.data,
            gap(3),
            &self.code,
            gap(4),
        ]
    }

    /// The artifact's size in bytes.
    pub fn len(&self) -> usize {
        HEADER_LEN
            + self.meta.len()
            + self.ir.len() * 16
            + self.data.len()
            + self.code.len()
            + self.gaps.iter().sum::<usize>()
    }

    /// Whether the artifact is empty (never: it has a header at least).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the `.zwo` file's bytes to `out`, all pieces in one vectored
    /// write where `out` takes them so (a file does).
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        use std::io::{ErrorKind, IoSlice};
        let parts = self.parts();
        let mut slices: Vec<IoSlice> = parts
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| IoSlice::new(p))
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match out.write_vectored(rest) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The `.zwo` file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut file = Vec::with_capacity(self.len());
        for p in self.parts() {
            file.extend_from_slice(p);
        }
        file
    }
}

/// Lays out the artifact of a translated module: the header, then the
/// rkyv-archived metadata, the IR, the data segments (each at a 16-byte
/// aligned offset) and the native code (page-aligned), and hashes it all.
/// `hooks`: the fuel and interrupt flags, which bind the interpreter too.
pub(crate) fn build(
    wasm: &[u8],
    compiled: Compiled,
    native: Option<NativeCode>,
    hooks: u64,
    isa: Isa,
) -> Artifact {
    let native_ranges = compiled
        .meta
        .funcs
        .iter()
        .map(|f| (f.native_start, f.native_len))
        .collect();
    let meta = zwasm_abi::module::ArtifactMeta {
        meta: compiled.meta,
        tables: compiled.tables,
    };
    let meta =
        rkyv::to_bytes::<rkyv::rancor::Error>(&meta).expect("module metadata always serializes");
    let (cpu_features, native_flags, code) =
        native.map_or((0, 0, Vec::new()), |n| (n.cpu_features, n.flags, n.code));
    let mut gaps = [0usize; 5];
    let mut at = HEADER_LEN;
    // Places `len` bytes at the next multiple of `align`, after gap `k`.
    let mut place = |k: usize, align: usize, len: usize| {
        gaps[k] = align_up(at, align) - at;
        let s = Section {
            offset: (at + gaps[k]) as u64,
            len: len as u64,
        };
        at += gaps[k] + len;
        s
    };
    let meta_s = place(0, SECTION_ALIGN, meta.len());
    let ir_s = place(1, SECTION_ALIGN, compiled.code.len() * 16);
    let data_s = place(2, SECTION_ALIGN, compiled.data.len());
    let code_s = if code.is_empty() {
        place(3, SECTION_ALIGN, 0)
    } else {
        let s = place(3, CODE_ALIGN, code.len());
        gaps[4] = align_up(at, CODE_ALIGN) - at;
        s
    };
    let header = Header {
        format_version: FORMAT_VERSION,
        compiler_version: zwasm_abi::COMPILER_VERSION.to_string(),
        isa: isa as u8,
        cpu_features,
        flags: native_flags | hooks,
        source_hash: *blake3::hash(wasm).as_bytes(),
        body_hash: [0; 32],
        meta: meta_s,
        ir: ir_s,
        code: code_s,
        data: data_s,
    };
    let mut artifact = Artifact {
        header: header.encode(),
        meta,
        ir_le: cfg!(target_endian = "big").then(|| ir_le_bytes(&compiled.code)),
        ir: compiled.code,
        data: compiled.data,
        code,
        gaps,
        native: native_ranges,
    };
    let mut h = blake3::Hasher::new();
    let parts = artifact.parts();
    for part in hashed_parts(parts[0]) {
        h.update(part);
    }
    for part in &parts[1..] {
        h.update(part);
    }
    let hash = *h.finalize().as_bytes();
    artifact.header[96..128].copy_from_slice(&hash);
    artifact
}
