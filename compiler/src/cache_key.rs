//! The compile cache's key: one blake3 hash over everything that decides the
//! bytes of an artifact, so two inputs share a cache entry exactly when the
//! compiler would give them the same `.zwo`.

use crate::CompileOptions;
use zwasm_abi::artifact::FORMAT_VERSION;

/// Separates this hash from any other blake3 use of the same bytes.
const CONTEXT: &str = "zwasm compile cache key v2";

/// The cache key of `wasm` (a binary module: wat text is converted first, so a
/// `.wat` and the `.wasm` it assembles to share an entry) compiled with
/// `opts`. It covers the wasm bytes, the artifact format and compiler
/// versions, the target ISA, the CPU features native code may use, every
/// field of `opts`, and `build`: whatever identifies the compiler's build
/// beyond its version number (the CLI passes the identity of its own
/// executable, so a rebuilt zwasm whose version did not change never picks
/// up its predecessor's artifacts). Each field is length-prefixed, so no two
/// different inputs hash the same bytes.
pub fn cache_key(wasm: &[u8], opts: &CompileOptions, build: &[u8]) -> [u8; 32] {
    cache_key_of(blake3::hash(wasm).as_bytes(), opts, build)
}

/// [`cache_key`] from the wasm's blake3 hash (an artifact's source hash), for
/// a caller that has it: the wasm is then hashed once, not twice.
pub fn cache_key_of(source_hash: &[u8; 32], opts: &CompileOptions, build: &[u8]) -> [u8; 32] {
    // Destructured so that a new option cannot be left out of the key.
    let CompileOptions {
        engine,
        force_ir,
        fuel,
        interruptible,
        keep_ir,
        cpu: _,
        target,
    } = opts;
    // The CPU features native code may use, so a cache shared by two machines
    // (a home directory on NFS) never hands one the other's code.
    let cpu = opts.cpu_features();
    let forced: Vec<u8> = force_ir.iter().flat_map(|f| f.to_le_bytes()).collect();
    let mut h = blake3::Hasher::new_derive_key(CONTEXT);
    for field in [
        &source_hash[..],
        &FORMAT_VERSION.to_le_bytes(),
        zwasm_abi::COMPILER_VERSION.as_bytes(),
        target.name().as_bytes(),
        &cpu.to_le_bytes(),
        engine.name().as_bytes(),
        &forced,
        &[
            u8::from(*fuel),
            u8::from(*interruptible),
            u8::from(*keep_ir),
        ],
        build,
    ] {
        h.update(&(field.len() as u64).to_le_bytes());
        h.update(field);
    }
    *h.finalize().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    const WASM: &[u8] = b"\0asm\x01\0\0\0";

    fn key(wasm: &[u8], engine: Engine, build: &[u8]) -> [u8; 32] {
        let opts = CompileOptions {
            engine,
            ..CompileOptions::default()
        };
        cache_key(wasm, &opts, build)
    }

    #[test]
    fn every_input_changes_the_key() {
        let base = key(WASM, Engine::Native, b"b1");
        assert_eq!(base, key(WASM, Engine::Native, b"b1"));
        assert_ne!(base, key(WASM, Engine::Interp, b"b1"));
        assert_ne!(base, key(WASM, Engine::Native, b"b2"));
        assert_ne!(base, key(b"\0asm\x01\0\0\0\0", Engine::Native, b"b1"));
        // The CPU target, unless the host has nothing beyond the baseline.
        let baseline = CompileOptions {
            cpu: crate::Cpu::Baseline,
            ..CompileOptions::default()
        };
        let extras = zwasm_abi::native::cpu::host() & !zwasm_abi::native::cpu::BASELINE;
        assert_eq!(base == cache_key(WASM, &baseline, b"b1"), extras == 0);
        // Length prefixes: moving a byte from one field to the next is a new key.
        assert_ne!(
            key(b"\0asm\x01\0\0\0b", Engine::Native, b"1"),
            key(WASM, Engine::Native, b"b1")
        );
    }
}
