//! Counts the guest instructions a program runs under qemu-user, from the
//! log of `qemu-aarch64 -d in_asm,exec,nochain`: each translation block's
//! instructions are listed once (`in_asm`), and with chaining off every
//! execution of a block is logged (`exec`). Reads the log on stdin (a pipe
//! or FIFO: a long program's log runs to gigabytes) and prints the total.
//! Used by `aarch64_icount.py`; Debian's qemu-user has no plugins, whose
//! instruction counter would do this inside the emulator.
//!
//! `icount --top N` also prints the N blocks that ran the most instructions,
//! with their listing: a profile of where the guest's instructions went.

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
    let top: usize = match std::env::args().nth(1).as_deref() {
        Some("--top") => std::env::args()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(20),
        _ => 0,
    };
    let mut input = BufReader::with_capacity(1 << 20, std::io::stdin().lock());
    // With --top: per block PC, its listing and executions.
    let mut listings: HashMap<u64, String> = HashMap::new();
    let mut runs: HashMap<u64, u64> = HashMap::new();
    let mut text = String::new();
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
            match pc.and_then(|pc| blocks.get(&pc).map(|&n| (pc, n))) {
                Some((pc, n)) => {
                    total += n;
                    if top > 0 {
                        *runs.entry(pc).or_default() += 1;
                    }
                }
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
            text.clear();
            continue;
        }
        if let Some((pc, n)) = listing.as_mut() {
            if line.starts_with(b"0x") {
                if *n == 0 {
                    *pc = hex(&line).unwrap_or(0);
                }
                *n += 1;
                if top > 0 {
                    text.push_str(&String::from_utf8_lossy(&line));
                }
            } else if line.iter().all(|c| c.is_ascii_whitespace()) {
                let (pc, n) = listing.take().expect("a listing");
                blocks.insert(pc, n);
                if top > 0 {
                    listings.insert(pc, std::mem::take(&mut text));
                }
            }
        }
    }
    println!("instructions {total}");
    if top > 0 {
        let mut hot: Vec<(u64, u64)> = runs
            .iter()
            .map(|(&pc, &k)| (k * blocks.get(&pc).copied().unwrap_or(0), pc))
            .collect();
        hot.sort_unstable_by(|a, b| b.cmp(a));
        for &(count, pc) in hot.iter().take(top) {
            let share = 100.0 * count as f64 / total.max(1) as f64;
            println!(
                "\n{share:5.1}%  {count} instructions in {} runs of block {pc:#x}",
                runs[&pc]
            );
            print!("{}", listings.get(&pc).map_or("", String::as_str));
        }
        println!();
    }
    println!("block executions {executions}");
    println!("unlisted block executions {unknown}");
}
