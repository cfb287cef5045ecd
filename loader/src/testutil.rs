//! Test helpers for what must happen in a child process: faults that kill it
//! and process-wide limits. The test re-runs its own binary on just itself with
//! `CHILD_ENV` set; the test function sees the variable and plays the child.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Set in a child to the role it plays.
pub(crate) const CHILD_ENV: &str = "ZWASM_LOADER_TEST_CHILD";

/// A child still running after this long is killed (a swallowed fault spins).
const CHILD_TIMEOUT: Duration = Duration::from_secs(60);

/// The role this process plays, if it is a child.
pub(crate) fn child_role() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

/// Runs the test named `test` (its full path, e.g. `memory::tests::x`) alone in
/// a child process playing `role`, and returns what it did. A child that
/// outlives `CHILD_TIMEOUT` is killed (and so reports SIGKILL).
pub(crate) fn run_child(test: &str, role: &str) -> Output {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, role)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test binary runs");
    let deadline = Instant::now() + CHILD_TIMEOUT;
    while child.try_wait().expect("waiting for the child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("the child's output")
}
