//! The zwasm compiler: reads `.wasm` or `.wat`, validates it with wasmparser,
//! lowers every function to register IR and writes a `.zwo` artifact that the
//! loader runs.

mod artifact;
mod backend;
mod cache_key;
mod error;
mod features;
mod fold;
mod fuse;
mod lower;
mod module;

pub use artifact::Artifact;
pub use cache_key::{cache_key, cache_key_of};
pub use error::CompileError;
pub use features::{features, Feature, FeatureStatus};
pub use zwasm_abi::artifact::Isa;

/// Which engine the compiled functions are meant for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Native code for the host ISA; functions the backend does not cover
    /// stay IR and run on the interpreter.
    #[default]
    Native,
    /// IR only: every function runs on the interpreter.
    Interp,
}

impl Engine {
    /// The engine's name as the CLI spells it (`--engine native|interp`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Interp => "interp",
        }
    }
}

/// The CPU an artifact's native code is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Cpu {
    /// This machine's CPU: every feature it has that the backend can use.
    #[default]
    Native,
    /// Any x86_64 CPU with SSE4.1, zwasm's baseline: the artifact runs on
    /// every machine zwasm supports, doing without POPCNT, LZCNT and BMI1
    /// (a few instructions more for `popcnt`, `clz` and `ctz`).
    Baseline,
}

impl Cpu {
    /// The target's name as the CLI spells it (`--cpu native|baseline`).
    pub fn name(self) -> &'static str {
        match self {
            Cpu::Native => "native",
            Cpu::Baseline => "baseline",
        }
    }

    /// The CPU features (`zwasm_abi::native::cpu` bits) native code may use.
    pub fn features(self) -> u64 {
        use zwasm_abi::native::cpu;
        match self {
            Cpu::Native => cpu::host(),
            Cpu::Baseline => baseline_features(Isa::host()),
        }
    }
}

/// Options that change what the compiler produces. Every field takes part in
/// the compile cache's key.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    pub engine: Engine,
    /// Function indices kept as IR even when the backend covers them (to
    /// test the per-function fallback).
    pub force_ir: Vec<u32>,
    /// Function entries and loop iterations consume the store's fuel.
    pub fuel: bool,
    /// Function entries and loop iterations check the store's interrupt flag.
    pub interruptible: bool,
    /// Keep the whole IR of functions that have native code, so the artifact
    /// can also run on the interpreter alone (`Module::interp_only`, or an
    /// instance whose memory 0 cannot have guard pages). Off, such functions
    /// keep only the few instructions their code hands to the runtime, which
    /// about halves the artifact.
    pub keep_ir: bool,
    /// The CPU the native code is for.
    pub cpu: Cpu,
    /// The instruction set the artifact is for (by default this machine's).
    /// An artifact for another ISA is compiled the same way on any host.
    pub target: Isa,
}

impl CompileOptions {
    /// The CPU features (`zwasm_abi::native::cpu` bits) native code may use:
    /// the `cpu`'s, which for another ISA than this machine's are that ISA's
    /// baseline (`Cpu::Native` describes this machine only).
    pub fn cpu_features(&self) -> u64 {
        if self.target == Isa::host() {
            self.cpu.features()
        } else {
            baseline_features(self.target)
        }
    }
}

/// The features every CPU of `isa` has, as far as the backend uses them.
fn baseline_features(isa: Isa) -> u64 {
    match isa {
        Isa::X86_64 => zwasm_abi::native::cpu::BASELINE,
        Isa::Aarch64 => 0,
    }
}

/// Compiles a wasm binary or wat text into `.zwo` artifact bytes.
pub fn compile(input: &[u8], opts: &CompileOptions) -> Result<Vec<u8>, CompileError> {
    compile_artifact(input, opts).map(|a| a.to_bytes())
}

/// Whether the compiler produces native code for `isa`: both have a
/// backend, though AArch64's covers integer code only so far (the rest of
/// its functions are left to the interpreter).
pub fn has_backend(isa: Isa) -> bool {
    matches!(isa, Isa::X86_64 | Isa::Aarch64)
}

/// Whether `isa`'s backend covers every op of Wasm 1.0 and 2.0 (SIMD
/// included), so that such a module is native code throughout.
pub fn has_complete_backend(isa: Isa) -> bool {
    matches!(isa, Isa::X86_64 | Isa::Aarch64)
}

/// Whether `Engine::Native` gives native code for this machine.
pub fn has_native_backend() -> bool {
    has_backend(Isa::host())
}

/// Compiles a wasm binary or wat text into an [`Artifact`], to write out
/// ([`Artifact::write_to`]) without first joining its pieces in memory.
pub fn compile_artifact(input: &[u8], opts: &CompileOptions) -> Result<Artifact, CompileError> {
    let wasm = wat_to_wasm(input)?;
    let mut compiled = module::translate(&wasm, opts)?;
    let native = match opts.engine {
        Engine::Native if has_backend(opts.target) => Some(native_code(&mut compiled, opts)?),
        _ => None,
    };
    // Superinstructions in the bodies the interpreter may run, once native
    // code no longer needs the IR as the backends know it.
    let partial = native
        .as_ref()
        .is_some_and(|n| n.flags & zwasm_abi::native::flags::PARTIAL_IR != 0);
    for f in &compiled.meta.funcs {
        if !(partial && f.native_len != 0) {
            fuse::fuse(&mut compiled.code[f.code_start as usize..][..f.code_len as usize]);
        }
    }
    Ok(artifact::build(
        &wasm,
        compiled,
        native,
        opts.hooks(),
        opts.target,
    ))
}

impl CompileOptions {
    /// The artifact flags of the fuel and interrupt hooks this asks for.
    fn hooks(&self) -> u64 {
        use zwasm_abi::native::flags;
        (if self.fuel { flags::FUEL } else { 0 })
            | (if self.interruptible {
                flags::INTERRUPT
            } else {
                0
            })
    }
}

/// Compiles the functions the backend covers and records where each one's
/// code is.
fn native_code(
    compiled: &mut module::Compiled,
    opts: &CompileOptions,
) -> Result<backend::NativeCode, CompileError> {
    use backend::Backend;
    let backend: Box<dyn Backend> = match opts.target {
        Isa::X86_64 => Box::new(backend::isa::x64::X64::new(opts.cpu_features())),
        Isa::Aarch64 => Box::new(backend::isa::aarch64::Aarch64::new()),
    };
    let mut info = backend::ModuleInfo::new(&compiled.meta, &compiled.code);
    info.hooks = opts.hooks();
    let selected = backend::select(backend.as_ref(), &info, &opts.force_ir);
    let out = backend
        .compile(&info, &selected)
        .map_err(CompileError::Backend)?;
    let mut out = out;
    for (f, &(start, len)) in compiled.meta.funcs.iter_mut().zip(&out.funcs) {
        f.native_start = start;
        f.native_len = len;
    }
    compiled.tables.inlined = std::mem::take(&mut out.inlined);
    if lay_out_ir(compiled, &mut out, opts.keep_ir) {
        out.flags |= zwasm_abi::native::flags::PARTIAL_IR;
    }
    Ok(out)
}

/// Lays out the artifact's IR. A function left to the interpreter keeps its
/// whole body; one with native code keeps (unless `keep_ir`) only the
/// instructions its code hands to libcalls by index, in pc order. Fills in
/// those indices in the code. Returns whether any body was left out.
fn lay_out_ir(
    compiled: &mut module::Compiled,
    native: &mut backend::NativeCode,
    keep_ir: bool,
) -> bool {
    let mut refs = std::mem::take(&mut native.ir_refs);
    refs.sort_unstable_by_key(|&(at, def, pc)| (def, pc, at));
    let mut refs = refs.as_slice();
    let mut ir = Vec::with_capacity(if keep_ir { compiled.code.len() } else { 0 });
    let mut partial = false;
    for (def, f) in compiled.meta.funcs.iter_mut().enumerate() {
        let body = &compiled.code[f.code_start as usize..][..f.code_len as usize];
        let here = refs.iter().take_while(|r| r.1 == def as u32).count();
        let (mine, rest) = refs.split_at(here);
        refs = rest;
        let start = ir.len() as u32;
        if f.native_len != 0 && !keep_ir {
            partial = true;
            let mut last = None;
            for &(at, _, pc) in mine {
                if last != Some(pc) {
                    ir.push(body[pc as usize]);
                    last = Some(pc);
                }
                native.set_ir_index(at, ir.len() as u32 - 1);
            }
            f.code_len = ir.len() as u32 - start;
        } else {
            ir.extend_from_slice(body);
            for &(at, _, pc) in mine {
                native.set_ir_index(at, start + pc);
            }
        }
        f.code_start = start;
    }
    compiled.code = ir;
    partial
}

/// How many threads compilation may use: the CPUs this process may run on
/// (at most 8), looked up once.
pub(crate) fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// Applies `work` to every item, each on a thread of its own, and returns
/// the results in order. (Leaving the first item to the calling thread
/// measured 0.4 to 0.6 ms slower on the corpus's mid-size modules.)
pub(crate) fn parallel_map<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if items.len() == 1 {
        return items.into_iter().map(work).collect();
    }
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| scope.spawn(move || work(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Checks that `input` (wasm binary or wat text) is a valid module.
pub fn validate(input: &[u8]) -> Result<(), CompileError> {
    let wasm = wat_to_wasm(input)?;
    module::validate(&wasm).map(|_| ())
}

/// Returns the wasm binary for `input`: itself if it is already a binary,
/// otherwise the result of parsing it as wat text.
pub fn wat_to_wasm(input: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, CompileError> {
    if input.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Borrowed(input));
    }
    wat::parse_bytes(input).map_err(|e| CompileError::Wat(e.to_string()))
}
