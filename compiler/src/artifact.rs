//! Writing a `.zwo`: the header, then the rkyv-archived metadata, then the IR
//! section, each at a 16-byte aligned offset. Output is a pure function of the
//! input, so the same wasm always gives the same bytes.

use crate::backend::NativeCode;
use crate::module::Compiled;
use zwasm_abi::artifact::{
    align_up, hashed_parts, Header, Isa, Section, FORMAT_VERSION, HEADER_LEN, SECTION_ALIGN,
};
use zwasm_abi::ir::Instr;

/// Appends the IR as bytes, little-endian, in `Instr`'s in-memory layout.
fn put_ir(out: &mut Vec<u8>, code: &[Instr]) {
    if cfg!(target_endian = "little") {
        // SAFETY: `Instr` is `repr(C)` with no padding (its 16-byte size is
        // asserted in zwasm-abi's tests), so all its bytes are initialized.
        let bytes = unsafe {
            std::slice::from_raw_parts(code.as_ptr().cast::<u8>(), std::mem::size_of_val(code))
        };
        out.extend_from_slice(bytes);
        return;
    }
    out.reserve(code.len() * 16);
    for i in code {
        out.extend_from_slice(&(i.op as u16).to_le_bytes());
        out.extend_from_slice(&i.a.to_le_bytes());
        out.extend_from_slice(&i.b.to_le_bytes());
        out.extend_from_slice(&i.c.to_le_bytes());
        out.extend_from_slice(&i.imm.to_le_bytes());
    }
}

/// The code section's alignment: a page, so the loader can map it from the file.
const CODE_ALIGN: usize = 4096;

/// `hooks`: the fuel and interrupt flags, which bind the interpreter too.
pub(crate) fn write(
    wasm: &[u8],
    compiled: &Compiled,
    native: Option<&NativeCode>,
    hooks: u64,
) -> Vec<u8> {
    let meta = rkyv::to_bytes::<rkyv::rancor::Error>(&compiled.meta)
        .expect("module metadata always serializes");
    let code_len = native.map_or(0, |n| n.code.len());
    let mut file = Vec::with_capacity(
        HEADER_LEN
            + meta.len()
            + compiled.code.len() * 16
            + code_len
            + compiled.data.len()
            + 2 * CODE_ALIGN
            + 64,
    );
    file.resize(HEADER_LEN, 0);
    let place = |file: &mut Vec<u8>, bytes: &[u8]| {
        file.resize(align_up(file.len(), SECTION_ALIGN), 0);
        let s = Section {
            offset: file.len() as u64,
            len: bytes.len() as u64,
        };
        file.extend_from_slice(bytes);
        s
    };
    let meta_s = place(&mut file, &meta);
    file.resize(align_up(file.len(), SECTION_ALIGN), 0);
    let ir_start = file.len();
    put_ir(&mut file, &compiled.code);
    let ir_s = Section {
        offset: ir_start as u64,
        len: (file.len() - ir_start) as u64,
    };
    let data_s = place(&mut file, &compiled.data);
    let code_s = match native {
        Some(n) if !n.code.is_empty() => {
            file.resize(align_up(file.len(), CODE_ALIGN), 0);
            let s = place(&mut file, &n.code);
            file.resize(align_up(file.len(), CODE_ALIGN), 0);
            s
        }
        _ => place(&mut file, &[]),
    };

    let header = Header {
        format_version: FORMAT_VERSION,
        compiler_version: zwasm_abi::COMPILER_VERSION.to_string(),
        isa: Isa::host() as u8,
        cpu_features: native.map_or(0, |n| n.cpu_features),
        flags: native.map_or(0, |n| n.flags) | hooks,
        source_hash: *blake3::hash(wasm).as_bytes(),
        body_hash: [0; 32],
        meta: meta_s,
        ir: ir_s,
        code: code_s,
        data: data_s,
    };
    file[..HEADER_LEN].copy_from_slice(&header.encode());
    let mut h = blake3::Hasher::new();
    for part in hashed_parts(&file) {
        h.update(part);
    }
    file[96..128].copy_from_slice(h.finalize().as_bytes());
    file
}
