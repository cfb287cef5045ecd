//! Counts the guest instructions a program runs under qemu-user, from the
//! log of `qemu-aarch64 -d in_asm,exec,nochain`: each translation block's
//! instructions are listed once (`in_asm`), and with chaining off every
//! execution of a block is logged (`exec`). Reads the log on stdin (a pipe
//! or FIFO: a long program's log runs to gigabytes) and prints the total.
//! Used by `aarch64_icount.py`; Debian's qemu-user has no plugins, whose
//! instruction counter would do this inside the emulator.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};

fn hex(s: &[u8]) -> Option<u64> {
    let s = s.strip_prefix(b"0x").unwrap_or(s);
    let mut v = 0u64;
    let mut any = false;
    for &c in s {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => break,
        };
        v = v << 4 | d as u64;
        any = true;
    }
    any.then_some(v)
}

fn main() {
    let mut input = BufReader::with_capacity(1 << 20, std::io::stdin().lock());
    let mut line = Vec::with_capacity(256);
    // Guest PC of a block → its number of instructions.
    let mut blocks: HashMap<u64, u64> = HashMap::new();
    // The block being listed: its first PC and instructions so far.
    let mut listing: Option<(u64, u64)> = None;
    let (mut total, mut executions, mut unknown) = (0u64, 0u64, 0u64);
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("icount: reading the log: {e}");
                std::process::exit(1);
            }
        }
        if let Some(rest) = line.strip_prefix(b"Trace ") {
            // `Trace N: 0xHOST [flags/GUEST_PC/...]`
            let pc = rest.iter().position(|&c| c == b'[').and_then(|at| {
                let fields = &rest[at + 1..];
                let slash = fields.iter().position(|&c| c == b'/')?;
                hex(&fields[slash + 1..])
            });
            match pc.and_then(|pc| blocks.get(&pc)) {
                Some(&n) => total += n,
                None => unknown += 1,
            }
            executions += 1;
            continue;
        }
        if line.starts_with(b"IN:") {
            if let Some((pc, n)) = listing.take() {
                blocks.insert(pc, n);
            }
            listing = Some((0, 0));
            continue;
        }
        if let Some((pc, n)) = listing.as_mut() {
            if line.starts_with(b"0x") {
                if *n == 0 {
                    *pc = hex(&line).unwrap_or(0);
                }
                *n += 1;
            } else if line.iter().all(|c| c.is_ascii_whitespace()) {
                let (pc, n) = listing.take().expect("a listing");
                blocks.insert(pc, n);
            }
        }
    }
    println!("instructions {total}");
    println!("block executions {executions}");
    println!("unlisted block executions {unknown}");
}
