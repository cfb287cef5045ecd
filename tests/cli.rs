//! CLI end-to-end tests.
