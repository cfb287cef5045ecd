//! Trap codes: one table that gives every trap its number and its message. The
//! messages are the spec testsuite's wording, so `assert_trap` can match them.

macro_rules! trap_codes {
    ($($name:ident = $n:literal, $msg:literal;)*) => {
        /// Why wasm execution stopped abnormally.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum TrapCode {
            $($name = $n,)*
        }

        impl TrapCode {
            /// Every trap code, in numeric order.
            pub const ALL: &'static [TrapCode] = &[$(TrapCode::$name,)*];

            /// The message a user sees, worded as the spec tests expect.
            pub fn message(self) -> &'static str {
                match self { $(TrapCode::$name => $msg,)* }
            }

            /// Decodes a trap code stored in an IR immediate or returned by native code.
            pub fn from_u8(n: u8) -> Option<TrapCode> {
                match n { $($n => Some(TrapCode::$name),)* _ => None }
            }
        }
    };
}

trap_codes! {
    Unreachable = 0, "unreachable";
    MemoryOutOfBounds = 1, "out of bounds memory access";
    TableOutOfBounds = 2, "out of bounds table access";
    IndirectCallToNull = 3, "uninitialized element";
    BadSignature = 4, "indirect call type mismatch";
    IntegerOverflow = 5, "integer overflow";
    IntegerDivisionByZero = 6, "integer divide by zero";
    BadConversionToInteger = 7, "invalid conversion to integer";
    StackOverflow = 8, "call stack exhausted";
    NullReference = 9, "null reference";
    OutOfFuel = 10, "all fuel consumed";
    Interrupted = 11, "interrupted";
    HostError = 12, "host function error";
    UndefinedElement = 13, "undefined element";
    NullStructure = 14, "null structure reference";
    CastFailure = 15, "cast failure";
}

impl std::fmt::Display for TrapCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (i, code) in TrapCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i);
            assert_eq!(TrapCode::from_u8(i as u8), Some(*code));
        }
        assert_eq!(TrapCode::from_u8(TrapCode::ALL.len() as u8), None);
    }
}
