#!/usr/bin/env python3
"""The sightglass programs (../shared/sightglass), zwasm against wasmtime 49.

Each program is precompiled by each engine (zwasm: `zwasm compile --cpu
native`; wasmtime: `Module.serialize` of its Python API, Cranelift with the
host's features), then run in a fresh process per measurement, the two
engines alternating. The time is the span between the program's calls of
`bench.start` and `bench.end`, read in-process by host functions (zwasm:
`benches/sightglass.rs` through the Rust API; wasmtime: the `wasmtime`
package's Python API), so neither start-up nor loading is in it. stdout is
compared with `expected/` on every run.

    python3 benches/sightglass.py                       # every program, 5 runs each
    python3 benches/sightglass.py --filter shootout --reps 3 --out /tmp/s.md
    python3 benches/sightglass.py --engine interp       # zwasm's interpreter instead

Report: the median span of each program on each engine, their ratio, the
geomean over programs of at least --min-ms (50) on wasmtime, and the worst.
Needs PyPI (the `wasmtime` package goes into a virtual environment in
cargo's target directory).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT.parent / "shared" / "sightglass"
WASMTIME_PACKAGE = "wasmtime==49.0.0"

# One run on wasmtime, in a fresh interpreter: argv = cwasm dir expected.
WASMTIME_RUN = r"""
import sys, time
from wasmtime import Engine, FuncType, Linker, Module, Store, WasiConfig
cwasm, folder, expected, out = sys.argv[1:5]
engine = Engine()
module = Module.deserialize_file(engine, cwasm)
linker = Linker(engine)
linker.define_wasi()
marks = {}
linker.define_func("bench", "start", FuncType([], []), lambda: marks.__setitem__("s", time.perf_counter_ns()))
linker.define_func("bench", "end", FuncType([], []), lambda: marks.__setitem__("e", time.perf_counter_ns()))
store = Store(engine)
wasi = WasiConfig()
wasi.argv = ["benchmark.wasm"]
wasi.preopen_dir(folder, ".")
wasi.stdout_file = out
wasi.stderr_file = "/dev/null"
store.set_wasi(wasi)
instance = linker.instantiate(store, module)
try:
    instance.exports(store)["_start"](store)
except Exception as e:
    if getattr(e, "code", None) != 0:
        raise
import re
def timeless(b):  # a line reporting a time (hashset's) is compared by its words
    return re.sub(rb"(?m)^That took [0-9.e+-]+ seconds\.$", b"That took N seconds.", b)
same = timeless(open(out, "rb").read()) == timeless(open(expected, "rb").read())
print(marks["e"] - marks["s"], "ok" if same else "mismatch")
"""

WASMTIME_COMPILE = r"""
import sys
from wasmtime import Engine, Module
engine = Engine()
module = Module.from_file(engine, sys.argv[1])
open(sys.argv[2], "wb").write(module.serialize())
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def target_dir() -> Path:
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"])


def wasmtime_python(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import wasmtime"], capture_output=True)
    if check.returncode != 0:
        log(f"installing {WASMTIME_PACKAGE} into {venv} ...")
        subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", WASMTIME_PACKAGE],
            check=True,
        )
    return python


def one(cmd: list[str], cwd: Path | None = None) -> tuple[int, bool]:
    """Runs one measurement; returns (span in ns, stdout as expected)."""
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}")
    span, verdict = p.stdout.split()
    return int(span), verdict == "ok"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5, help="timed runs per program and engine (median)")
    ap.add_argument("--filter", default="", help="only programs whose name matches this regex")
    ap.add_argument("--min-ms", type=float, default=50.0, help="geomean over programs at least this long on wasmtime")
    ap.add_argument("--engine", choices=["native", "interp"], default="native", help="what zwasm runs")
    ap.add_argument("--simd", action="store_true", help="include the programs that need SIMD")
    ap.add_argument("--out", type=Path, help="write the report here (default: stdout)")
    args = ap.parse_args()

    target = target_dir()
    log("building zwasm and the sightglass runner ...")
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "zwasm", "-p", "zwasm-benches", "--bin", "zwasm", "--bin", "sightglass"],
        cwd=ROOT, check=True,
    )
    zwasm = target / "release" / "zwasm"
    runner = target / "release" / "sightglass"
    python = wasmtime_python(target / "bench-venv-sightglass")
    work = target / "sightglass"
    work.mkdir(exist_ok=True)

    manifest = tomllib.loads((SUITE / "manifest.toml").read_text())
    programs = [
        p for p in manifest["program"]
        if re.search(args.filter, p["name"]) and (args.simd or "simd" not in p.get("needs", []))
    ]
    rows = []
    for p in programs:
        name, folder = p["name"], SUITE / p["dir"]
        wasm, expected = folder / p["wasm"], SUITE / p["expect_stdout_file"]
        zwo, cwasm = work / f"{name}.zwo", work / f"{name}.cwasm"
        compile_zwasm = [str(zwasm), "compile", str(wasm), "-o", str(zwo)]
        compile_zwasm += ["--engine", "interp"] if args.engine == "interp" else ["--cpu", "native"]
        row = {"name": name, "zwasm": [], "wasmtime": [], "problem": None}
        try:
            subprocess.run(compile_zwasm, check=True, capture_output=True, text=True)
            subprocess.run([str(python), "-c", WASMTIME_COMPILE, str(wasm), str(cwasm)], check=True, capture_output=True, text=True)
            for _ in range(args.reps):
                # Alternating, so that a change in the machine's load hits both.
                span, ok = one([str(runner), str(zwo), str(folder), str(expected)])
                if not ok:
                    row["problem"] = "zwasm: stdout differs from expected"
                row["zwasm"].append(span)
                out = work / f"{name}.wasmtime.stdout"
                span, ok = one([str(python), "-c", WASMTIME_RUN, str(cwasm), str(folder), str(expected), str(out)])
                if not ok:
                    row["problem"] = "wasmtime: stdout differs from expected"
                row["wasmtime"].append(span)
        except (subprocess.CalledProcessError, RuntimeError, subprocess.TimeoutExpired) as e:
            detail = getattr(e, "stderr", None) or str(e)
            row["problem"] = str(detail).strip().splitlines()[-1] if str(detail).strip() else type(e).__name__
        z = statistics.median(row["zwasm"]) / 1e6 if row["zwasm"] else None
        w = statistics.median(row["wasmtime"]) / 1e6 if row["wasmtime"] else None
        row["z"], row["w"] = z, w
        log(f"  {name}: zwasm {z} ms, wasmtime {w} ms {row['problem'] or ''}")
        rows.append(row)

    long = [r for r in rows if r["z"] and r["w"] and r["w"] >= args.min_ms and not r["problem"]]
    ratios = [r["z"] / r["w"] for r in long]
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else None
    worst = max(long, key=lambda r: r["z"] / r["w"]) if long else None

    lines = [
        "# sightglass: zwasm vs wasmtime 49 (generated by benches/sightglass.py)",
        "",
        f"`python3 benches/sightglass.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        f"— {datetime.date.today()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at the end. zwasm {args.engine} (`zwasm compile"
        f"{' --engine interp' if args.engine == 'interp' else ' --cpu native'}`) against wasmtime "
        f"{WASMTIME_PACKAGE.split('==')[1]} (Python API, `Module.serialize`, Cranelift with the host's features), "
        f"both precompiled; the span between `bench.start` and `bench.end`, median of {args.reps} runs each, "
        "alternating, one fresh process per run; stdout checked against `expected/` on every run.",
        "",
    ]
    if geo is not None:
        lines.append(
            f"Geomean zwasm/wasmtime over the {len(long)} programs of at least {args.min_ms:g} ms on wasmtime: "
            f"**{geo:.2f}**; worst {worst['name']} {worst['z'] / worst['w']:.2f}."
        )
        lines.append("")
    lines += ["| program | zwasm ms | wasmtime ms | ratio |", "|---|---:|---:|---:|"]
    for r in rows:
        if r["problem"]:
            lines.append(f"| {r['name']} | | | {r['problem']} |")
            continue
        mark = "" if r["w"] >= args.min_ms else " (short)"
        lines.append(f"| {r['name']} | {r['z']:.1f} | {r['w']:.1f} | {r['z'] / r['w']:.2f}{mark} |")
    lines += ["", "(short): under --min-ms on wasmtime, left out of the geomean."]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
        log(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0 if all(not r["problem"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
