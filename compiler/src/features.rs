//! The wasm proposals zwasm knows, with their status, for `zwasm features`.

/// How far a proposal is supported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureStatus {
    /// Enabled and passing its spec tests.
    Supported,
    /// Partly implemented: the named subset works, the rest is rejected.
    Partial(&'static str),
    /// Not implemented yet; modules using it are rejected.
    Planned,
}

impl FeatureStatus {
    pub fn name(self) -> &'static str {
        match self {
            FeatureStatus::Supported => "supported",
            FeatureStatus::Partial(_) => "partial",
            FeatureStatus::Planned => "planned",
        }
    }

    /// What a partial implementation covers.
    pub fn note(self) -> Option<&'static str> {
        match self {
            FeatureStatus::Partial(what) => Some(what),
            _ => None,
        }
    }
}

/// A wasm proposal.
#[derive(Clone, Copy, Debug)]
pub struct Feature {
    pub name: &'static str,
    /// The wasm spec release that includes it.
    pub spec: &'static str,
    pub status: FeatureStatus,
}

const fn f(name: &'static str, spec: &'static str, status: FeatureStatus) -> Feature {
    Feature { name, spec, status }
}

use FeatureStatus::{Partial, Planned, Supported};

static FEATURES: &[Feature] = &[
    f("mvp", "1.0", Supported),
    f("mutable-global", "2.0", Supported),
    f("nontrapping-float-to-int-conversions", "2.0", Supported),
    f("sign-extension-ops", "2.0", Supported),
    f("multi-value", "2.0", Supported),
    f("bulk-memory", "2.0", Supported),
    f("reference-types", "2.0", Supported),
    f("simd", "2.0", Supported),
    f("extended-const", "3.0", Planned),
    f("tail-call", "3.0", Supported),
    f("function-references", "3.0", Planned),
    f(
        "gc",
        "3.0",
        Partial("structs and casts; no arrays, i31 or collector"),
    ),
    f("exceptions", "3.0", Planned),
    f("multi-memory", "3.0", Planned),
    f("memory64", "3.0", Supported),
    f("table64", "3.0", Planned),
    f("relaxed-simd", "3.0", Supported),
    f("threads", "proposal", Planned),
    f("wide-arithmetic", "proposal", Planned),
    f("custom-page-sizes", "proposal", Planned),
];

/// Every proposal zwasm knows of, with its status.
pub fn features() -> &'static [Feature] {
    FEATURES
}

/// The wasmparser feature set matching what is `Supported`.
pub(crate) fn wasm_features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    F::MUTABLE_GLOBAL
        | F::SATURATING_FLOAT_TO_INT
        | F::SIGN_EXTENSION
        | F::MULTI_VALUE
        | F::BULK_MEMORY
        | F::REFERENCE_TYPES
        | F::TAIL_CALL
        | F::SIMD
        | F::RELAXED_SIMD
        | F::MEMORY64
        | F::FLOATS
        | F::GC_TYPES
}
