//! What native code needs of the machine it runs on: per ISA, the entry
//! trampoline into native code, the landings a trap or a fault returns
//! through, and the registers of a faulting thread's context.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::*;
#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::*;
