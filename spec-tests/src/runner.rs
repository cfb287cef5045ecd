//! Runs one `.wast` script: parses it with the `wast` crate and carries out
//! each directive on a fresh store (compile with zwasm's compiler, load the
//! artifact, link, instantiate, call), recording a verdict per directive.
//! A panic in the engine fails that directive and the script goes on.

use crate::args::Engine;
use crate::features;
use crate::report::{FileReport, Verdict};
use crate::values;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};
use zwasm_compiler::CompileOptions;
use zwasm_loader::{Error, Extern, Instance, Linker, Module, Store, Val};

/// What a module name (or the current module) stands for.
#[derive(Clone)]
enum Slot {
    Ready(Instance),
    /// The module of this line was skipped or failed; uses of it are
    /// skipped or fail too.
    Gone(Verdict, usize),
}

/// The state of one script run.
struct Runner<'t> {
    text: &'t str,
    /// The line of the directive being run.
    line: usize,
    store: Store,
    linker: Linker,
    current: Option<Slot>,
    instances: HashMap<String, Slot>,
    /// `module definition`s by name (`None` for an unnamed one).
    definitions: HashMap<Option<String>, Result<Module, Verdict>>,
    /// Names given to `register` for modules that were skipped, with the reason.
    skipped_registrations: HashMap<String, Verdict>,
    engine: Engine,
    /// Every function must get native code (native engine, Wasm 1.0 and 2.0).
    all_native: bool,
}

/// Runs the script `text`, labelled `label` in reports. `spec` is the spec
/// release of the script's suite, if known: a skip for a feature outside it is
/// a failure. `line` is kept up to date with the directive being run, for the
/// watchdog.
pub(crate) fn run_file(
    label: &str,
    text: &str,
    spec: Option<&str>,
    line: &AtomicUsize,
    engine: Engine,
) -> FileReport {
    let mut report = FileReport::new(label);
    let text = &legacy_to_current(text);
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => {
            report.fail(0, "parse", &e.to_string());
            return report;
        }
    };
    let wast = match parser::parse::<Wast<'_>>(&buf) {
        Ok(wast) => wast,
        Err(mut e) => {
            e.set_text(text);
            report.fail(0, "parse", &e.to_string());
            return report;
        }
    };
    let mut runner = match Runner::new(text, engine, spec) {
        Ok(r) => r,
        Err(e) => {
            report.fail(0, "spectest", &e.to_string());
            return report;
        }
    };
    for directive in wast.directives {
        let at = directive.span().linecol_in(text).0 + 1;
        line.store(at, Ordering::Relaxed);
        runner.line = at;
        let (what, assertion) = kind(&directive);
        // Threads are skipped as a whole, with the assertions they hold.
        match &directive {
            WastDirective::Thread(thread) => {
                report.skip_many("threads", count_assertions(&thread.directives));
                continue;
            }
            WastDirective::Wait { .. } => continue,
            _ => {}
        }
        let result = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|payload| Err(Verdict::fail(crate::panic_message(payload))));
        let result = result.map_err(|v| match v {
            Verdict::Skip(feature, detail) if !features::skip_allowed(&feature, spec) => {
                let needs = features::describe(&feature);
                Verdict::fail(format!(
                    "{detail} (taken for {needs}, which is not part of this suite)"
                ))
            }
            v => v,
        });
        report.record(at, what, assertion, result);
    }
    report
}

/// Rewrites `assert_uninstantiable`, which the `wast` crate no longer parses,
/// to the `assert_trap` (module) form it became; padded, so lines and columns
/// stay those of the file.
fn legacy_to_current(text: &str) -> std::borrow::Cow<'_, str> {
    const OLD: &str = "(assert_uninstantiable";
    if !text.contains(OLD) {
        return std::borrow::Cow::Borrowed(text);
    }
    let new = format!("{:<width$}", "(assert_trap", width = OLD.len());
    std::borrow::Cow::Owned(text.replace(OLD, &new))
}

/// A directive's name, and whether it is an assertion (counted when it passes).
fn kind(d: &WastDirective<'_>) -> (&'static str, bool) {
    use WastDirective as D;
    match d {
        D::Module(_) => ("module", false),
        D::ModuleDefinition(_) => ("module definition", false),
        D::ModuleInstance { .. } => ("module instance", false),
        D::Register { .. } => ("register", false),
        D::Invoke(_) => ("invoke", false),
        D::Thread(_) => ("thread", false),
        D::Wait { .. } => ("wait", false),
        D::AssertMalformed { .. } => ("assert_malformed", true),
        D::AssertInvalid { .. } => ("assert_invalid", true),
        D::AssertInvalidCustom { .. } => ("assert_invalid_custom", true),
        D::AssertMalformedCustom { .. } => ("assert_malformed_custom", true),
        D::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => ("assert_trap (module)", true),
        D::AssertTrap { .. } => ("assert_trap", true),
        D::AssertReturn { .. } => ("assert_return", true),
        D::AssertExhaustion { .. } => ("assert_exhaustion", true),
        D::AssertUnlinkable { .. } => ("assert_unlinkable", true),
        D::AssertException { .. } => ("assert_exception", true),
        D::AssertSuspension { .. } => ("assert_suspension", true),
    }
}

/// The assertions in a list of directives (those of a `thread` block).
fn count_assertions(directives: &[WastDirective<'_>]) -> u64 {
    directives
        .iter()
        .map(|d| match d {
            WastDirective::Thread(t) => count_assertions(&t.directives),
            d => u64::from(kind(d).1),
        })
        .sum()
}

/// What running an action gave: its results, or the engine's error.
type Outcome = Result<Vec<Val>, Error>;

impl<'t> Runner<'t> {
    fn new(text: &'t str, engine: Engine, spec: Option<&str>) -> Result<Runner<'t>, Error> {
        let mut store = Store::new();
        let mut linker = Linker::new();
        crate::spectest::define(&mut store, &mut linker)?;
        Ok(Runner {
            text,
            line: 0,
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            skipped_registrations: HashMap::new(),
            engine,
            // Wasm 1.0 and 2.0 modules must run natively in full.
            all_native: engine == Engine::Native
                && matches!(spec, Some("1.0" | "2.0"))
                && zwasm_compiler::has_complete_backend(zwasm_compiler::Isa::host()),
        })
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), Verdict> {
        use WastDirective as D;
        match d {
            D::Module(mut m) => {
                let name = m.name().map(|id| id.name().to_string());
                let slot = match self.compile_quote(&mut m) {
                    Ok(module) => self
                        .instantiate(&module)
                        .map_err(|e| self.instantiate_error(&module, e)),
                    Err(v) => Err(v),
                };
                self.set_current(name, &slot);
                slot.map(|_| ())
            }
            D::ModuleDefinition(mut m) => {
                let name = m.name().map(|id| id.name().to_string());
                let module = self.compile_quote(&mut m);
                self.definitions.insert(name, module.clone());
                module.map(|_| ())
            }
            D::ModuleInstance {
                instance, module, ..
            } => {
                let def = self
                    .definitions
                    .get(&module.map(|id| id.name().to_string()))
                    .cloned();
                let slot = match def {
                    Some(Ok(module)) => self
                        .instantiate(&module)
                        .map_err(|e| self.instantiate_error(&module, e)),
                    Some(Err(v)) => Err(v),
                    None => Err(Verdict::fail("no such module definition")),
                };
                self.set_current(instance.map(|id| id.name().to_string()), &slot);
                slot.map(|_| ())
            }
            D::Register { name, module, .. } => match self.instance(module.map(|id| id.name()))? {
                Ok(instance) => {
                    self.linker.define_instance(&self.store, name, instance);
                    Ok(())
                }
                Err(verdict) => {
                    self.skipped_registrations
                        .insert(name.to_string(), verdict.clone());
                    Err(verdict)
                }
            },
            D::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(()),
                Err(e) => Err(Verdict::fail(format!(
                    "invoke \"{}\" failed: {e}",
                    invoke.name
                ))),
            },
            D::AssertReturn {
                span,
                exec,
                results,
            } => {
                self.simd_check(span.offset())?;
                let what = describe_exec(&exec);
                match self.execute(exec)? {
                    Ok(got) => values::check_results(&got, &results).map_err(|v| prefix(v, &what)),
                    Err(e) => Err(Verdict::fail(format!(
                        "{what}: expected results, got error: {e}"
                    ))),
                }
            }
            D::AssertTrap {
                span,
                exec,
                message,
            } => {
                self.simd_check(span.offset())?;
                let what = describe_exec(&exec);
                let outcome = self.execute(exec)?;
                expect_trap(outcome, message).map_err(|v| prefix(v, &what))
            }
            D::AssertExhaustion {
                span,
                call,
                message,
            } => {
                self.simd_check(span.offset())?;
                let outcome = self.invoke(&call)?;
                expect_trap(outcome, message)
                    .map_err(|v| prefix(v, &format!("invoke \"{}\"", call.name)))
            }
            D::AssertInvalid {
                span,
                module,
                message,
            } => {
                self.simd_check(span.offset())?;
                self.expect_rejected(module, message, false)
            }
            D::AssertMalformed {
                module, message, ..
            } => self.expect_rejected(module, message, true),
            D::AssertUnlinkable {
                span,
                mut module,
                message,
            } => {
                self.simd_check(span.offset())?;
                let module = self.compile_wat(&mut module)?;
                match self.instantiate(&module) {
                    Ok(_) => Err(Verdict::fail(format!(
                        "expected link error \"{message}\", got an instance"
                    ))),
                    Err(Error::Link(_)) => Ok(()),
                    // The older spec checked segment bounds at link time.
                    Err(Error::Trap(_)) if message.contains("does not fit") => Ok(()),
                    Err(e) => Err(Verdict::fail(format!(
                        "expected link error \"{message}\", got: {e}"
                    ))),
                }
            }
            D::AssertException { .. } => Err(Verdict::skip("exceptions")),
            D::AssertSuspension { .. } => Err(Verdict::skip("stack-switching")),
            D::AssertInvalidCustom { .. } | D::AssertMalformedCustom { .. } => {
                Err(Verdict::skip("annotations"))
            }
            D::Thread(_) | D::Wait { .. } => Err(Verdict::skip("threads")),
        }
    }

    /// Skips the directive at `offset` if its text uses SIMD.
    fn simd_check(&self, offset: usize) -> Result<(), Verdict> {
        match features::from_text(features::directive_text(self.text, offset)) {
            Some(feature) => Err(Verdict::skip_because(feature, "its text uses v128")),
            None => Ok(()),
        }
    }

    fn set_current(&mut self, name: Option<String>, slot: &Result<Instance, Verdict>) {
        let slot = match slot {
            Ok(i) => Slot::Ready(*i),
            Err(v) => Slot::Gone(v.clone(), self.line),
        };
        if let Some(name) = name {
            self.instances.insert(name, slot.clone());
        }
        self.current = Some(slot);
    }

    /// The instance a directive names (or the current one). The inner `Err`
    /// is the verdict of a module that was skipped or failed, as it applies
    /// to the directive that uses it.
    fn instance(&self, name: Option<&str>) -> Result<Result<Instance, Verdict>, Verdict> {
        let slot = match name {
            Some(name) => self.instances.get(name),
            None => self.current.as_ref(),
        };
        match slot {
            Some(Slot::Ready(i)) => Ok(Ok(*i)),
            Some(Slot::Gone(Verdict::Skip(f, _), line)) => Ok(Err(Verdict::skip_because(
                f.clone(),
                format!("uses the module of line {line}"),
            ))),
            Some(Slot::Gone(Verdict::Fail(_), line)) => Ok(Err(Verdict::fail(format!(
                "uses the module of line {line}, which failed"
            )))),
            None => Err(Verdict::fail(format!(
                "no module {}",
                name.unwrap_or("defined yet")
            ))),
        }
    }

    /// The instance an action runs on.
    fn target(&self, name: Option<&str>) -> Result<Instance, Verdict> {
        self.instance(name)?
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Outcome, Verdict> {
        let instance = self.target(invoke.module.map(|id| id.name()))?;
        let args = invoke
            .args
            .iter()
            .map(values::arg)
            .collect::<Result<Vec<_>, _>>()?;
        let Some(Extern::Func(func)) = self.store.get_export(instance, invoke.name) else {
            return Err(Verdict::fail(format!(
                "no exported function \"{}\"",
                invoke.name
            )));
        };
        Ok(self.store.call(func, &args))
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Outcome, Verdict> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Wat(mut wat) => {
                let module = self.compile_wat(&mut wat)?;
                Ok(self.instantiate(&module).map(|_| Vec::new()))
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.target(module.map(|id| id.name()))?;
                match self.store.get_export(instance, global) {
                    Some(Extern::Global(g)) => Ok(Ok(vec![self.store.global_get(g)])),
                    _ => Err(Verdict::fail(format!("no exported global \"{global}\""))),
                }
            }
        }
    }

    /// Encodes a module of the script and compiles it.
    fn compile_quote(&self, module: &mut QuoteWat<'_>) -> Result<Module, Verdict> {
        if matches!(
            module,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(Verdict::skip("component-model"));
        }
        let offset = module.span().offset();
        self.simd_check(offset)?;
        let bytes = module
            .encode()
            .map_err(|e| Verdict::fail(format!("cannot encode module: {e}")))?;
        compile(&bytes, true, self.engine, self.all_native_at(offset))
    }

    fn compile_wat(&self, wat: &mut Wat<'_>) -> Result<Module, Verdict> {
        if matches!(wat, Wat::Component(_)) {
            return Err(Verdict::skip("component-model"));
        }
        let offset = wat.span().offset();
        let bytes = wat
            .encode()
            .map_err(|e| Verdict::fail(format!("cannot encode module: {e}")))?;
        compile(&bytes, true, self.engine, self.all_native_at(offset))
    }

    /// Whether the module at `offset` must run natively in full: as the
    /// suite asks (SIMD modules too: the backend covers every vector op).
    fn all_native_at(&self, _offset: usize) -> bool {
        self.all_native
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        self.linker.instantiate(&mut self.store, module)
    }

    /// The verdict for a module that should have instantiated: a skip if it
    /// imports from a registered module that was skipped, a failure otherwise.
    fn instantiate_error(&self, module: &Module, e: Error) -> Verdict {
        let skipped = module
            .meta()
            .imports
            .iter()
            .find_map(|i| self.skipped_registrations.get(&i.module));
        match (skipped, &e) {
            (Some(Verdict::Skip(f, _)), Error::Link(_)) => {
                Verdict::skip_because(f.clone(), "imports from a skipped module")
            }
            _ => Verdict::fail(format!("instantiation failed: {e}")),
        }
    }

    /// `assert_invalid` and `assert_malformed`: the module must be rejected.
    /// A quoted module that does not even parse as text is malformed.
    fn expect_rejected(
        &self,
        mut module: QuoteWat<'_>,
        message: &str,
        malformed: bool,
    ) -> Result<(), Verdict> {
        if matches!(
            module,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(Verdict::skip("component-model"));
        }
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match compile(&bytes, false, self.engine, false) {
            Ok(_) => {
                let kind = if malformed { "malformed" } else { "invalid" };
                Err(Verdict::fail(format!(
                    "expected {kind} (\"{message}\"), but the module compiled"
                )))
            }
            Err(skip @ Verdict::Skip(..)) if !malformed => Err(skip),
            Err(_) => Ok(()),
        }
    }
}

/// Compiles and loads a module. `expect_valid`: a module the script expects
/// to compile (so any feature-related error is a skip).
/// On the native engine with `all_native`, a function left to the
/// interpreter is a failure.
fn compile(
    bytes: &[u8],
    expect_valid: bool,
    engine: Engine,
    all_native: bool,
) -> Result<Module, Verdict> {
    let opts = CompileOptions {
        engine: match engine {
            Engine::Interp => zwasm_compiler::Engine::Interp,
            Engine::Native => zwasm_compiler::Engine::Native,
        },
        ..CompileOptions::default()
    };
    let artifact = zwasm_compiler::compile(bytes, &opts).map_err(|e| {
        let message = e.to_string();
        let unsupported = matches!(e, zwasm_compiler::CompileError::Unsupported(_));
        match features::from_error(&message, expect_valid || unsupported) {
            Some(feature) => Verdict::skip_because(feature, message),
            None => Verdict::fail(format!("compile error: {message}")),
        }
    })?;
    let module =
        Module::from_bytes(&artifact).map_err(|e| Verdict::fail(format!("load error: {e}")))?;
    let defined = module.meta().funcs.len();
    if all_native && module.native_funcs() != defined {
        return Err(Verdict::fail(format!(
            "{} of {defined} functions fell back to the interpreter",
            defined - module.native_funcs()
        )));
    }
    Ok(module)
}

/// `assert_trap` and `assert_exhaustion`: the outcome must be a trap whose
/// message matches.
fn expect_trap(outcome: Outcome, message: &str) -> Result<(), Verdict> {
    match outcome {
        Ok(vals) => Err(Verdict::fail(format!(
            "expected trap \"{message}\", got [{}]",
            values::describe_vals(&vals)
        ))),
        Err(Error::Trap(trap)) => {
            let actual = match &trap.message {
                Some(m) => format!("{}: {m}", trap.code.message()),
                None => trap.code.message().to_string(),
            };
            if values::trap_matches(message, &actual) {
                Ok(())
            } else {
                Err(Verdict::fail(format!(
                    "expected trap \"{message}\", got trap \"{actual}\""
                )))
            }
        }
        Err(e) => Err(Verdict::fail(format!(
            "expected trap \"{message}\", got error: {e}"
        ))),
    }
}

/// `invoke "f"`, `get "g"` or `module`, for failure messages.
fn describe_exec(exec: &WastExecute<'_>) -> String {
    match exec {
        WastExecute::Invoke(i) => format!("invoke \"{}\"", i.name),
        WastExecute::Wat(_) => "module".into(),
        WastExecute::Get { global, .. } => format!("get \"{global}\""),
    }
}

/// Prefixes a failure message with what was run.
fn prefix(v: Verdict, what: &str) -> Verdict {
    match v {
        Verdict::Fail(m) => Verdict::Fail(format!("{what}: {m}")),
        skip => skip,
    }
}
