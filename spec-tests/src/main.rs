//! The spec testsuite harness.

fn main() {}
