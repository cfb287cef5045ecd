//! What native code needs of the machine it runs on: per ISA, the entry
//! trampoline into native code and the landings a trap or a fault returns
//! through.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::*;
