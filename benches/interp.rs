//! Interpreter benchmark against wasmi.

fn main() {}
