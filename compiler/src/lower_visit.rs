//! How operators reach the lowerer: one `VisitOperator` (and its SIMD
//! half) that hands every operator to wasmparser's validator first and then
//! to the lowerer, and the operators the op table maps one to one.

use super::*;

/// Runs every operator through the validator and then, if given, the lowerer
/// of function `func` (whose frame must stay within the slot limit).
pub(super) fn visit_operators(
    mut ops: wasmparser::BinaryReader,
    validator: &mut FuncValidator<ValidatorResources>,
    mut lowering: Option<(&mut Lowerer, u32)>,
) -> Result<(), CompileError> {
    while !ops.eof() {
        let offset = ops.original_position();
        let mut both = ValidateAndLower {
            validator: validator.visitor(offset),
            lowerer: lowering.as_mut().map(|(l, _)| &mut **l),
        };
        ops.visit_operator(&mut both)??;
        if let Some((l, func)) = &lowering {
            if l.base + l.max_height + 1 > MAX_SLOTS {
                return Err(CompileError::Limit {
                    func: *func,
                    message: "frame needs too many slots".into(),
                });
            }
        }
    }
    ops.finish_expression(&validator.visitor(ops.original_position()))?;
    Ok(())
}

/// Visits an operator once for both validation and lowering: the validator
/// sees it first, and the lowerer (if any) only operators that passed.
struct ValidateAndLower<'l, 'e, V> {
    validator: V,
    lowerer: Option<&'l mut Lowerer<'e>>,
}

macro_rules! define_validate_and_lower {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(clippy::clone_on_copy)]
            fn $visit(&mut self $($(,$arg: $argty)*)?) -> Self::Output {
                self.validator.$visit($($($arg.clone()),*)?)?;
                match &mut self.lowerer {
                    Some(l) => l.op(Operator::$op $({ $($arg),* })?),
                    None => Ok(()),
                }
            }
        )*
    };
}

impl<'a, V> wasmparser::VisitOperator<'a> for ValidateAndLower<'_, '_, V>
where
    V: wasmparser::VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    type Output = Result<(), CompileError>;

    fn simd_visitor(
        &mut self,
    ) -> Option<&mut dyn wasmparser::VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_validate_and_lower);
}

/// As `define_validate_and_lower`, for the SIMD operators, which the
/// validator visits through its SIMD visitor.
macro_rules! define_validate_and_lower_simd {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(clippy::clone_on_copy)]
            fn $visit(&mut self $($(,$arg: $argty)*)?) -> Self::Output {
                let Some(validator) = self.validator.simd_visitor() else {
                    return Err(CompileError::Unsupported("SIMD".into()));
                };
                validator.$visit($($($arg.clone()),*)?)?;
                match &mut self.lowerer {
                    Some(l) => l.op(Operator::$op $({ $($arg),* })?),
                    None => Ok(()),
                }
            }
        )*
    };
}

impl<'a, V> wasmparser::VisitSimdOperator<'a> for ValidateAndLower<'_, '_, V>
where
    V: wasmparser::VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    wasmparser::for_each_visit_simd_operator!(define_validate_and_lower_simd);
}

impl<V: wasmparser::FrameStack> wasmparser::FrameStack for ValidateAndLower<'_, '_, V> {
    fn current_frame(&self) -> Option<wasmparser::FrameKind> {
        self.validator.current_frame()
    }
}

/// Names the proposal of an operator zwasm does not lower yet, for the error.
pub(super) fn proposal_of(op: &Operator) -> &'static str {
    use Operator as O;
    match op {
        O::CallRef { .. }
        | O::ReturnCallRef { .. }
        | O::BrOnNull { .. }
        | O::BrOnNonNull { .. } => " (function references proposal)",
        _ => {
            let name = format!("{op:?}");
            let gc = [
                "Array",
                "I31",
                "RefI31",
                "BrOnCast",
                "AnyConvert",
                "ExternConvert",
                "Struct",
                "RefGetDesc",
            ];
            if gc.iter().any(|p| name.starts_with(p)) {
                " (gc proposal)"
            } else {
                ""
            }
        }
    }
}

/// The IR op of a wasm operator the op table marks `wasm` (lowered one to
/// one, unary or binary by its format).
pub(super) fn numeric(op: &Operator) -> Option<Op> {
    macro_rules! wasm_ops {
        ($($name:ident $text:literal $fmt:ident $sig:literal $($fact:ident $(($arg:ident))?)*,)*) => {
            $(wasm_row!(op; $name; $($fact)*);)*
        };
    }
    // One statement per row: a test of `Operator::Name` where the row has
    // the `wasm` fact, nothing elsewhere.
    macro_rules! wasm_row {
        ($op:ident; $name:ident; wasm $($rest:ident)*) => {
            if let Operator::$name = $op {
                return Some(Op::$name);
            }
        };
        ($op:ident; $name:ident; $other:ident $($rest:ident)*) => {
            wasm_row!($op; $name; $($rest)*)
        };
        ($op:ident; $name:ident;) => {};
    }
    zwasm_abi::for_each_op!(wasm_ops);
    None
}
