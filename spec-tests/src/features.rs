//! Which wasm feature a directive needs, when zwasm does not support it yet:
//! found from the directive's source text (SIMD types and lane ops) or from the
//! compiler's error message (a proposal that validation reports as disabled).
//! Skips always name the feature, so the totals say what is missing.

/// Whether the harness runs SIMD. While `false`, every directive whose text
/// uses v128 types or lane shapes is skipped as `simd`, and the SIMD
/// proposal's scripts stay out of the v2 and v3 suites (see
/// `args::Suite::files`). Flip it once the IR and both engines run SIMD:
/// arguments, results and per-lane NaN patterns are already handled.
pub(crate) const SIMD_ENABLED: bool = true;

/// Tokens that only occur in modules or values using the SIMD proposal.
const SIMD_TOKENS: &[&str] = &["v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"];

/// Phrases of wasmparser (and zwasm) errors that mean "this feature is
/// disabled", as opposed to "this module is invalid".
const DISABLED_PHRASES: &[&str] = &[
    "support is not enabled",
    "proposal not enabled",
    "proposal not supported",
    "proposal must be enabled",
    "proposal to be enabled",
    "proposal is disabled",
    "require the",
    "requires the",
    "feature is not enabled",
    "unsupported:",
];

/// Keywords of an error message, most specific first, and the feature they name.
const FEATURE_KEYWORDS: &[(&str, &str)] = &[
    ("relaxed simd", "relaxed-simd"),
    ("simd", "simd"),
    ("v128", "simd"),
    ("tail call", "tail-call"),
    ("function references", "function-references"),
    ("function-references", "function-references"),
    ("typed function", "function-references"),
    ("shared-everything", "threads"),
    ("threads", "threads"),
    ("atomic", "threads"),
    ("shared memor", "threads"),
    ("exception", "exceptions"),
    ("exnref", "exceptions"),
    ("64-bit table", "table64"),
    ("table64", "table64"),
    ("memory64", "memory64"),
    ("64-bit memor", "memory64"),
    ("multi-memory", "multi-memory"),
    ("multiple memories", "multi-memory"),
    ("extended const", "extended-const"),
    ("extended-const", "extended-const"),
    ("custom page sizes", "custom-page-sizes"),
    ("page size", "custom-page-sizes"),
    ("wide arithmetic", "wide-arithmetic"),
    ("stack switching", "stack-switching"),
    ("custom descriptors", "custom-descriptors"),
    ("component", "component-model"),
    ("non-constant operator: i32.", "extended-const"),
    ("non-constant operator: i64.", "extended-const"),
    ("global.get of locally defined global", "gc"),
    ("rec group", "gc"),
    ("subtype", "gc"),
    ("gc", "gc"),
];

/// The source text of the directive whose keyword starts at `offset`: from
/// there to the parenthesis that closes the directive. Strings are included
/// (quoted modules live in them); comments are skipped over.
pub(crate) fn directive_text(text: &str, offset: usize) -> &str {
    let bytes = text.as_bytes();
    let mut depth = 1usize;
    let mut i = offset.min(bytes.len());
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b';' if bytes.get(i + 1) == Some(&b';') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' if bytes.get(i + 1) == Some(&b';') => {
                let mut nest = 1usize;
                i += 2;
                while i < bytes.len() && nest > 0 {
                    if bytes[i..].starts_with(b"(;") {
                        nest += 1;
                        i += 1;
                    } else if bytes[i..].starts_with(b";)") {
                        nest -= 1;
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[offset..i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    &text[offset.min(text.len())..]
}

/// `Some("simd")` if the directive's text uses SIMD types or instructions
/// and the harness does not run SIMD yet ([`SIMD_ENABLED`]).
pub(crate) fn from_text(directive: &str) -> Option<&'static str> {
    (!SIMD_ENABLED && uses_simd(directive)).then_some("simd")
}

/// Whether a directive's text uses SIMD types or instructions.
pub(crate) fn uses_simd(directive: &str) -> bool {
    SIMD_TOKENS.iter().any(|t| directive.contains(t))
}

/// Whether a script (by its label or path) belongs to SIMD, whose totals the
/// closing report also gives apart: a `simd_*.wast` file, or any file under
/// a `relaxed-simd` folder.
pub(crate) fn is_simd_script(label: &str) -> bool {
    let mut parts = label.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or("");
    name.starts_with("simd_") || parts.any(|dir| dir == "relaxed-simd")
}

/// The feature a compile error complains about, if the error says that a
/// feature is disabled. With `expect_valid` (the module should compile), any
/// error naming a feature counts: a valid module rejected for using a proposal
/// is a missing feature, not an engine bug.
pub(crate) fn from_error(message: &str, expect_valid: bool) -> Option<String> {
    let lower = message.to_lowercase();
    let disabled = DISABLED_PHRASES.iter().any(|p| lower.contains(p));
    if !disabled && !expect_valid {
        return None;
    }
    if let Some((_, feature)) = FEATURE_KEYWORDS
        .iter()
        .find(|(k, _)| contains_word(&lower, k))
    {
        return Some((*feature).to_string());
    }
    disabled.then(|| format!("unsupported: {}", first_line(message)))
}

/// `needle` occurs in `haystack` at the start of a word; short needles
/// (`gc`, `simd`) must also end one, longer ones may be a prefix (`exception`).
fn contains_word(haystack: &str, needle: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    haystack.match_indices(needle).any(|(at, _)| {
        let starts = !haystack[..at].chars().next_back().is_some_and(is_word);
        let ends = needle.len() > 4
            || !haystack[at + needle.len()..]
                .chars()
                .next()
                .is_some_and(is_word);
        starts && ends
    })
}

/// The first line of a message, for one-line reports.
pub(crate) fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or("")
}

/// Whether skipping for `reason` is honest in a suite of spec release
/// `suite_spec` (`"1.0"`, `"2.0"`, `"3.0"`; `None` for scripts given by path):
/// the feature must be one zwasm does not support yet and part of that
/// release. Otherwise the skip hides an engine bug (a valid module of the
/// suite rejected for a feature it does not use) and counts as a failure.
pub(crate) fn skip_allowed(reason: &str, suite_spec: Option<&str>) -> bool {
    let Some(suite_spec) = suite_spec else {
        return true;
    };
    let release = |spec: &str| spec.parse::<f32>().unwrap_or(f32::INFINITY);
    match zwasm_compiler::features().iter().find(|f| f.name == reason) {
        Some(f) => {
            f.status != zwasm_compiler::FeatureStatus::Supported
                && release(f.spec) <= release(suite_spec)
        }
        // Text-format extras of the 3.0 testsuite that zwasm's parser lacks.
        None => release(suite_spec) >= 3.0 && reason == "annotations",
    }
}

/// How a skip reason is shown: a known feature with its spec release
/// (`feature: gc, wasm 3.0`), anything else as it is.
pub(crate) fn describe(reason: &str) -> String {
    if reason.starts_with("unsupported:") {
        return reason.to_string();
    }
    let spec = zwasm_compiler::features()
        .iter()
        .find(|f| f.name == reason)
        .map(|f| f.spec);
    match spec {
        Some("proposal") => format!("feature: {reason}, proposal"),
        Some(spec) => format!("feature: {reason}, wasm {spec}"),
        None => format!("feature: {reason}"),
    }
}

#[cfg(test)]
#[allow(
    unused_imports,
    dead_code,
    reason = "the `spec` target has cfg(test) but no test harness"
)]
mod tests {
    use super::*;

    #[test]
    fn directive_text_stops_at_the_closing_paren() {
        let text = r#"(assert_return (invoke "f" (i32.const 1)) (i32.const 2)) ;; )
(module)"#;
        let offset = text.find("assert_return").unwrap();
        assert_eq!(
            directive_text(text, offset),
            r#"assert_return (invoke "f" (i32.const 1)) (i32.const 2)"#
        );
        let text = r#"(module quote "(func (result v128) ;; ) \" )" (;(;;);) (x))"#;
        let offset = text.find("quote").unwrap();
        assert!(directive_text(text, offset).ends_with("(x)"));
    }

    #[test]
    fn errors_name_their_feature() {
        assert_eq!(
            from_error("SIMD support is not enabled (at offset 0x1)", false),
            Some("simd".into())
        );
        assert_eq!(
            from_error("tail calls support is not enabled", false),
            Some("tail-call".into())
        );
        assert_eq!(
            from_error("gc proposal must be enabled to use subtypes", false),
            Some("gc".into())
        );
        assert_eq!(from_error("multiple memories", false), None);
        assert_eq!(
            from_error("multiple memories", true),
            Some("multi-memory".into())
        );
        assert_eq!(from_error("type mismatch", true), None);
        let e = "constant expression required: non-constant operator: i32.add (at offset 0x15)";
        assert_eq!(from_error(e, true), Some("extended-const".into()));
        assert_eq!(from_error(e, false), None);
    }

    #[test]
    fn skips_must_belong_to_the_suite() {
        // A skip for a feature of the suite's release is honest only while
        // zwasm does not support it.
        let supported = |name: &str| {
            zwasm_compiler::features()
                .iter()
                .any(|f| f.name == name && f.status == zwasm_compiler::FeatureStatus::Supported)
        };
        assert_eq!(skip_allowed("simd", Some("2.0")), !supported("simd"));
        assert_eq!(skip_allowed("simd", Some("3.0")), !supported("simd"));
        assert!(!skip_allowed("simd", Some("1.0")));
        assert!(!skip_allowed("gc", Some("2.0")));
        assert!(skip_allowed("gc", Some("3.0")));
        assert!(skip_allowed("gc", None));
        assert!(!skip_allowed("threads", Some("3.0")));
        assert!(!skip_allowed("unsupported: x", Some("3.0")));
    }

    #[test]
    fn simd_is_found_in_text() {
        assert!(uses_simd("module (func (param v128))"));
        assert!(uses_simd(
            "assert_return (invoke \"f\") (v128.const f64x2 0 1)"
        ));
        assert!(!uses_simd("module (func (param i32))"));
        let skip = (!SIMD_ENABLED).then_some("simd");
        assert_eq!(from_text("module (func (param v128))"), skip);
        assert_eq!(from_text("module (func (param i32))"), None);
    }

    #[test]
    fn simd_scripts_by_name_or_folder() {
        assert!(is_simd_script("v2/simd_address.wast"));
        assert!(is_simd_script("simd_lane.wast"));
        assert!(is_simd_script(
            "proposals/relaxed-simd/relaxed_madd_nmadd.wast"
        ));
        assert!(is_simd_script("/x/relaxed-simd/i8x16_relaxed_swizzle.wast"));
        assert!(!is_simd_script("v2/address.wast"));
        assert!(!is_simd_script("v2/my_simd_test.wast"));
        assert!(!is_simd_script("proposals/relaxed-simd-notes/x.wast"));
        assert!(!is_simd_script("simd_dir/address.wast"));
    }
}
