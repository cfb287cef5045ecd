//! Results: the verdict of one directive, the tally of one file, the lines
//! printed for it, and the table of files expected to fail (checked both ways:
//! a listed file that passes is an error too, so the table never goes stale).

use crate::features;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// Files expected to fail, with the reason: `(label, reason)`. A label is
/// `v1/name.wast`, `v2/name.wast`, `v3/name.wast` or a path as given.
/// Keep it empty unless a failure cannot be fixed soon; the goal is none.
pub(crate) const SHOULD_FAIL: &[(&str, &str)] = &[];

/// How many failure details are printed per file.
const MAX_DETAILS: usize = 10;

/// Why a directive did not pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The engine did something other than what the spec expects.
    Fail(String),
    /// The directive needs a feature zwasm does not support yet: the
    /// feature's name, and what showed it (empty if obvious).
    Skip(String, String),
}

impl Verdict {
    pub(crate) fn fail(message: impl Into<String>) -> Verdict {
        Verdict::Fail(message.into())
    }

    pub(crate) fn skip(feature: impl Into<String>) -> Verdict {
        Verdict::Skip(feature.into(), String::new())
    }

    pub(crate) fn skip_because(feature: impl Into<String>, detail: impl Into<String>) -> Verdict {
        Verdict::Skip(feature.into(), detail.into())
    }
}

/// The tally of one `.wast` file.
#[derive(Debug, Default)]
pub(crate) struct FileReport {
    pub(crate) label: String,
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    pub(crate) skipped: u64,
    /// `label:line: directive: what went wrong`, in file order.
    pub(crate) failures: Vec<String>,
    /// Skip reason (a feature name) and how many assertions it skipped.
    pub(crate) skip_reasons: BTreeMap<String, u64>,
    /// The first skipped directive of each reason, for `--verbose`.
    pub(crate) skip_examples: BTreeMap<String, String>,
    pub(crate) elapsed: Duration,
}

/// What the whole run makes of one file's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Fail,
    Skip,
    /// Failed, and listed in `SHOULD_FAIL`.
    ExpectedFail,
    /// Passed, but listed in `SHOULD_FAIL`: the table must be updated.
    UnexpectedPass,
}

impl Status {
    /// Whether this status makes the run fail.
    pub(crate) fn is_error(self) -> bool {
        matches!(self, Status::Fail | Status::UnexpectedPass)
    }
}

impl FileReport {
    pub(crate) fn new(label: &str) -> FileReport {
        FileReport {
            label: label.to_string(),
            ..FileReport::default()
        }
    }

    /// Records the outcome of one directive. Assertions always count; other
    /// directives (module, register, invoke) count only when they fail.
    pub(crate) fn record(
        &mut self,
        line: usize,
        what: &str,
        assertion: bool,
        result: Result<(), Verdict>,
    ) {
        match result {
            Ok(()) if assertion => self.passed += 1,
            Ok(()) => {}
            Err(Verdict::Fail(message)) => self.fail(line, what, &message),
            Err(Verdict::Skip(reason, detail)) => {
                let n = u64::from(assertion);
                self.skipped += n;
                let example = format!("{}:{line}: {what}: {detail}", self.label);
                self.skip_examples.entry(reason.clone()).or_insert(example);
                *self.skip_reasons.entry(reason).or_default() += n;
            }
        }
    }

    /// Records a failure that is not tied to one directive's verdict.
    pub(crate) fn fail(&mut self, line: usize, what: &str, message: &str) {
        self.failed += 1;
        let message = message.replace('\n', " | ");
        self.failures
            .push(format!("{}:{line}: {what}: {message}", self.label));
    }

    /// Records `n` assertions skipped for `reason` (such as those of a thread block).
    pub(crate) fn skip_many(&mut self, reason: &str, n: u64) {
        self.skipped += n;
        *self.skip_reasons.entry(reason.to_string()).or_default() += n;
    }

    /// The file's status, given its entry in `SHOULD_FAIL`, if any.
    pub(crate) fn status(&self, should_fail: Option<&str>) -> Status {
        match (self.failed > 0, should_fail.is_some()) {
            (true, true) => Status::ExpectedFail,
            (true, false) => Status::Fail,
            (false, true) => Status::UnexpectedPass,
            (false, false) if self.passed == 0 && !self.skip_reasons.is_empty() => Status::Skip,
            (false, false) => Status::Pass,
        }
    }

    /// The lines printed for this file.
    pub(crate) fn render(&self, should_fail: Option<&str>, verbose: bool) -> String {
        let mut out = String::new();
        let label = &self.label;
        let (p, f) = (self.passed, self.failed);
        let skips = self.skip_summary();
        let status = self.status(should_fail);
        let _ = match status {
            Status::Pass => writeln!(out, "PASS {label}  ({p} passed{skips})"),
            Status::Skip => writeln!(out, "SKIP {label} ({})", self.skip_features()),
            Status::Fail => writeln!(out, "FAIL {label} ({p} passed, {f} failed{skips})"),
            Status::ExpectedFail => writeln!(
                out,
                "XFAIL {label} ({p} passed, {f} failed{skips}; expected: {})",
                should_fail.unwrap_or_default()
            ),
            Status::UnexpectedPass => writeln!(
                out,
                "XPASS {label} ({p} passed{skips}): listed in SHOULD_FAIL ({}) but passes; remove it",
                should_fail.unwrap_or_default()
            ),
        };
        if matches!(status, Status::Fail | Status::ExpectedFail) {
            for detail in self.failures.iter().take(MAX_DETAILS) {
                let _ = writeln!(out, "    {}", shorten(detail, 400));
            }
            if self.failures.len() > MAX_DETAILS {
                let _ = writeln!(
                    out,
                    "    ... and {} more",
                    self.failures.len() - MAX_DETAILS
                );
            }
        }
        if verbose {
            for (reason, example) in &self.skip_examples {
                let _ = writeln!(
                    out,
                    "    skipped ({reason}), first at {}",
                    shorten(example, 400)
                );
            }
        }
        out
    }

    /// `, 12 skipped: simd, gc` or nothing.
    fn skip_summary(&self) -> String {
        if self.skipped == 0 {
            return String::new();
        }
        let reasons: Vec<&str> = self.skip_reasons.keys().map(String::as_str).collect();
        format!(", {} skipped: {}", self.skipped, reasons.join(", "))
    }

    /// `feature: gc, wasm 3.0; feature: simd, wasm 2.0`.
    fn skip_features(&self) -> String {
        let reasons: Vec<String> = self
            .skip_reasons
            .keys()
            .map(|r| features::describe(r))
            .collect();
        reasons.join("; ")
    }
}

/// The `SHOULD_FAIL` entry for a file label.
pub(crate) fn should_fail(label: &str) -> Option<&'static str> {
    SHOULD_FAIL
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, reason)| *reason)
}

/// Cuts a message to at most `max` bytes (on a char boundary).
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
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
    fn statuses() {
        let mut r = FileReport::new("v2/x.wast");
        r.record(1, "module", false, Ok(()));
        assert_eq!(r.status(None), Status::Pass);
        assert_eq!(r.status(Some("why")), Status::UnexpectedPass);
        r.record(2, "assert_return", true, Err(Verdict::skip("gc")));
        assert_eq!(r.status(None), Status::Skip);
        assert_eq!(
            r.render(None, false),
            "SKIP v2/x.wast (feature: gc, wasm 3.0)\n"
        );
        r.record(3, "assert_return", true, Ok(()));
        assert_eq!(
            r.render(None, false),
            "PASS v2/x.wast  (1 passed, 1 skipped: gc)\n"
        );
        r.record(4, "assert_trap", true, Err(Verdict::fail("expected trap")));
        assert_eq!(r.status(None), Status::Fail);
        assert!(r
            .render(None, false)
            .contains("v2/x.wast:4: assert_trap: expected trap"));
    }

    #[test]
    fn shorten_respects_char_boundaries() {
        assert_eq!(shorten("héllo", 2), "h...");
        assert_eq!(shorten("abc", 5), "abc");
    }
}
