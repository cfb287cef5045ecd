//! The `.zwo` artifact layout. A fixed header (magic, versions, target, hashes,
//! section table) is followed by the sections: rkyv-archived `ModuleMeta`, the IR
//! code (an array of `Instr`), the data segments' bytes (which the loader
//! copies into linear memory straight from the mapped file), and a
//! page-aligned native code section (empty when every function is IR). Every
//! section offset is 16-byte aligned.
//!
//! The file hash covers every byte of the file but its own 32 (the header's
//! section table and CPU features included); the source hash is the
//! blake3 of the wasm the artifact was compiled from (its cache key).

/// The first bytes of every `.zwo`.
pub const MAGIC: [u8; 8] = *b"\0zwasm\x1a\n";
/// Bumped whenever the layout of anything in an artifact changes.
pub const FORMAT_VERSION: u32 = 7;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 208;
/// Alignment of each section's offset.
pub const SECTION_ALIGN: usize = 16;

/// The target an artifact's code was produced for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Isa {
    X86_64 = 1,
    Aarch64 = 2,
}

impl Isa {
    /// The ISA of the machine this code was built for.
    pub fn host() -> Isa {
        if cfg!(target_arch = "aarch64") {
            Isa::Aarch64
        } else {
            Isa::X86_64
        }
    }

    pub fn from_u8(n: u8) -> Option<Isa> {
        match n {
            1 => Some(Isa::X86_64),
            2 => Some(Isa::Aarch64),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Isa::X86_64 => "x86_64",
            Isa::Aarch64 => "aarch64",
        }
    }
}

impl Default for Isa {
    /// The host's.
    fn default() -> Isa {
        Isa::host()
    }
}

/// A section's place in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub offset: u64,
    pub len: u64,
}

/// The decoded fixed header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub format_version: u32,
    pub compiler_version: String,
    pub isa: u8,
    /// CPU features the native code uses (bit set; none yet).
    pub cpu_features: u64,
    /// Code-changing configuration (bit set; none yet).
    pub flags: u64,
    pub source_hash: [u8; 32],
    /// blake3 of the whole file with this field zeroed ([`hashed_parts`]).
    pub body_hash: [u8; 32],
    pub meta: Section,
    pub ir: Section,
    pub code: Section,
    pub data: Section,
}

/// Where the data section's entry sits in the header (after the ABI
/// fingerprint, which keeps its place).
const DATA_AT: usize = 192;

/// Where the ABI fingerprint (`crate::native::ABI_FINGERPRINT`) sits in the header.
const ABI_AT: usize = 176;

/// Why a header was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderError {
    TooShort(usize),
    BadMagic,
    FormatVersion(u32),
    CompilerVersion(String),
    Abi(u64),
    Isa(u8),
    SectionOutOfRange(&'static str),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::TooShort(n) => {
                write!(
                    f,
                    "file is {n} bytes, shorter than a .zwo header ({HEADER_LEN})"
                )
            }
            HeaderError::BadMagic => f.write_str("not a .zwo artifact (bad magic)"),
            HeaderError::FormatVersion(v) => {
                write!(
                    f,
                    "artifact format version {v}, this zwasm reads version {FORMAT_VERSION}"
                )
            }
            HeaderError::CompilerVersion(v) => write!(
                f,
                "artifact was compiled by zwasm {v}, this is zwasm {}; recompile it",
                crate::COMPILER_VERSION
            ),
            HeaderError::Abi(fp) => write!(
                f,
                "artifact was built against another runtime ABI ({fp:#018x}, this zwasm has {:#018x}); recompile it",
                crate::native::ABI_FINGERPRINT
            ),
            HeaderError::Isa(n) => match Isa::from_u8(*n) {
                Some(isa) => write!(
                    f,
                    "artifact targets {}, this machine is {}",
                    isa.name(),
                    Isa::host().name()
                ),
                None => write!(f, "artifact targets an unknown ISA ({n})"),
            },
            HeaderError::SectionOutOfRange(s) => {
                write!(
                    f,
                    "artifact is truncated or damaged: {s} section out of range"
                )
            }
        }
    }
}

impl std::error::Error for HeaderError {}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

impl Header {
    /// Encodes the header into its fixed-size form.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0..8].copy_from_slice(&MAGIC);
        h[8..12].copy_from_slice(&self.format_version.to_le_bytes());
        let v = self.compiler_version.as_bytes();
        let n = v.len().min(32);
        h[12..12 + n].copy_from_slice(&v[..n]);
        h[44] = self.isa;
        h[48..56].copy_from_slice(&self.cpu_features.to_le_bytes());
        h[56..64].copy_from_slice(&self.flags.to_le_bytes());
        h[64..96].copy_from_slice(&self.source_hash);
        h[96..128].copy_from_slice(&self.body_hash);
        for (i, s) in [self.meta, self.ir, self.code].iter().enumerate() {
            let at = 128 + i * 16;
            h[at..at + 8].copy_from_slice(&s.offset.to_le_bytes());
            h[at + 8..at + 16].copy_from_slice(&s.len.to_le_bytes());
        }
        h[ABI_AT..ABI_AT + 8].copy_from_slice(&crate::native::ABI_FINGERPRINT.to_le_bytes());
        h[DATA_AT..DATA_AT + 8].copy_from_slice(&self.data.offset.to_le_bytes());
        h[DATA_AT + 8..DATA_AT + 16].copy_from_slice(&self.data.len.to_le_bytes());
        h
    }

    /// Decodes and checks a header against this loader: magic, format version,
    /// compiler version, ISA and that every section lies inside `file_len`.
    pub fn decode(bytes: &[u8]) -> Result<Header, HeaderError> {
        let header = Header::decode_any_isa(bytes)?;
        if header.isa != Isa::host() as u8 {
            return Err(HeaderError::Isa(header.isa));
        }
        Ok(header)
    }

    /// Decodes and checks a header as [`Header::decode`] does, but for an
    /// artifact of any known ISA (to describe it, not to run its code).
    pub fn decode_any_isa(bytes: &[u8]) -> Result<Header, HeaderError> {
        if bytes.len() < HEADER_LEN {
            if bytes.len() >= 8 && bytes[..8] != MAGIC {
                return Err(HeaderError::BadMagic);
            }
            return Err(HeaderError::TooShort(bytes.len()));
        }
        if bytes[..8] != MAGIC {
            return Err(HeaderError::BadMagic);
        }
        let format_version = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
        if format_version != FORMAT_VERSION {
            return Err(HeaderError::FormatVersion(format_version));
        }
        let raw = &bytes[12..44];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        let compiler_version = String::from_utf8_lossy(&raw[..end]).into_owned();
        if compiler_version != crate::COMPILER_VERSION {
            return Err(HeaderError::CompilerVersion(compiler_version));
        }
        let abi = u64_at(bytes, ABI_AT);
        if abi != crate::native::ABI_FINGERPRINT {
            return Err(HeaderError::Abi(abi));
        }
        let isa = bytes[44];
        if Isa::from_u8(isa).is_none() {
            return Err(HeaderError::Isa(isa));
        }
        let section = |i: usize| Section {
            offset: u64_at(bytes, 128 + i * 16),
            len: u64_at(bytes, 136 + i * 16),
        };
        let header = Header {
            format_version,
            compiler_version,
            isa,
            cpu_features: u64_at(bytes, 48),
            flags: u64_at(bytes, 56),
            source_hash: bytes[64..96].try_into().unwrap(),
            body_hash: bytes[96..128].try_into().unwrap(),
            meta: section(0),
            ir: section(1),
            code: section(2),
            data: Section {
                offset: u64_at(bytes, DATA_AT),
                len: u64_at(bytes, DATA_AT + 8),
            },
        };
        for (name, s) in [
            ("metadata", header.meta),
            ("IR", header.ir),
            ("code", header.code),
            ("data", header.data),
        ] {
            let in_range = (s.offset as usize).is_multiple_of(SECTION_ALIGN)
                && s.offset >= HEADER_LEN as u64
                && s.offset
                    .checked_add(s.len)
                    .is_some_and(|end| end <= bytes.len() as u64);
            if !in_range {
                return Err(HeaderError::SectionOutOfRange(name));
            }
        }
        Ok(header)
    }
}

/// What the hash an artifact's header records covers, in order: the whole
/// file with the hash field itself (bytes 96..128) taken as zero, so one
/// flipped bit anywhere, header included, is caught. Hash the parts with
/// blake3, one after the other. `file` is at least a header long.
pub fn hashed_parts(file: &[u8]) -> [&[u8]; 3] {
    const ZERO: [u8; 32] = [0; 32];
    [&file[..96], &ZERO, &file[128..]]
}

/// Rounds `n` up to the section alignment.
pub fn align_up(n: usize, align: usize) -> usize {
    n.div_ceil(align) * align
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: u64) -> Header {
        Header {
            format_version: FORMAT_VERSION,
            compiler_version: crate::COMPILER_VERSION.into(),
            isa: Isa::host() as u8,
            cpu_features: 0,
            flags: 0,
            source_hash: [7; 32],
            body_hash: [9; 32],
            meta: Section {
                offset: HEADER_LEN as u64,
                len,
            },
            ir: Section {
                offset: HEADER_LEN as u64 + 16,
                len: 0,
            },
            code: Section {
                offset: HEADER_LEN as u64 + 16,
                len: 0,
            },
            data: Section {
                offset: HEADER_LEN as u64 + 16,
                len: 0,
            },
        }
    }

    #[test]
    fn header_round_trips_and_rejects_mismatches() {
        let h = sample(16);
        let mut file = h.encode().to_vec();
        file.extend_from_slice(&[0; 16]);
        assert_eq!(Header::decode(&file).unwrap(), h);

        let mut bad = file.clone();
        bad[0] = b'X';
        assert_eq!(Header::decode(&bad), Err(HeaderError::BadMagic));
        let mut bad = file.clone();
        bad[8] = 99;
        assert_eq!(Header::decode(&bad), Err(HeaderError::FormatVersion(99)));
        let mut bad = file.clone();
        bad[44] = 77;
        assert_eq!(Header::decode(&bad), Err(HeaderError::Isa(77)));
        let mut bad = file.clone();
        bad[ABI_AT] ^= 1;
        assert!(matches!(Header::decode(&bad), Err(HeaderError::Abi(_))));
        let mut bad = file.clone();
        bad[12] = b'9';
        assert!(matches!(
            Header::decode(&bad),
            Err(HeaderError::CompilerVersion(_))
        ));
        assert_eq!(Header::decode(&file[..20]), Err(HeaderError::TooShort(20)));
        assert_eq!(
            Header::decode(&file[..HEADER_LEN + 8]),
            Err(HeaderError::SectionOutOfRange("metadata"))
        );
    }
}
