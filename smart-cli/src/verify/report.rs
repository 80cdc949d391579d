//! The verdict lines: one per check as soon as it is decided (a long run shows progress),
//! and the closing count.

use std::io::Write;

/// Collects check outcomes and prints each as it comes.
#[derive(Debug)]
pub(crate) struct Report<W: Write> {
    out: W,
    passed: usize,
    failed: usize,
}

impl<W: Write> Report<W> {
    pub(crate) fn new(out: W) -> Self {
        Self {
            out,
            passed: 0,
            failed: 0,
        }
    }

    /// `PASS name: detail`.
    pub(crate) fn pass(&mut self, name: &str, detail: impl AsRef<str>) {
        self.passed += 1;
        self.line("PASS", name, detail.as_ref());
    }

    /// `FAIL name: reason`.
    pub(crate) fn fail(&mut self, name: &str, reason: impl AsRef<str>) {
        self.failed += 1;
        self.line("FAIL", name, reason.as_ref());
    }

    /// `SKIP name: why` — a check that could not be made against this container or data
    /// (no items to page through, a call the app may not make). Counted neither way.
    pub(crate) fn skip(&mut self, name: &str, why: impl AsRef<str>) {
        self.line("SKIP", name, why.as_ref());
    }

    /// `NOTE name: text` — information that is no verdict (which of two accepted
    /// statuses a container chose, a base URL that differs from the manifest's).
    pub(crate) fn note(&mut self, name: &str, text: impl AsRef<str>) {
        self.line("NOTE", name, text.as_ref());
    }

    /// Pass or fail on a result whose error is the reason.
    pub(crate) fn check(&mut self, name: &str, result: Result<String, String>) -> bool {
        match result {
            Ok(detail) => {
                self.pass(name, detail);
                true
            }
            Err(reason) => {
                self.fail(name, reason);
                false
            }
        }
    }

    /// The closing line, `N passed, N failed` (skips are listed above it).
    pub(crate) fn finish(mut self) -> std::io::Result<usize> {
        writeln!(self.out, "{} passed, {} failed", self.passed, self.failed)?;
        self.out.flush()?;
        Ok(self.failed)
    }

    fn line(&mut self, verdict: &str, name: &str, text: &str) {
        // One line per check: a reason that spans lines (a validation report) is joined.
        let text = text.trim().replace('\n', "; ");
        // A closed stdout is noticed at `finish`; a verdict line is not worth a panic.
        let _ = writeln!(self.out, "{verdict} {name}: {text}");
    }
}
