//! The zwasm runtime. It loads `.zwo` artifacts, instantiates and links modules,
//! and runs them on the register-IR interpreter. It never needs the compiler:
//! an embedder that ships precompiled artifacts links this crate alone.
//!
//! ```no_run
//! use zwasm_loader::{Linker, Module, Store, Val};
//! let module = Module::from_file("app.zwo".as_ref())?;
//! let mut store = Store::new();
//! let instance = Linker::new().instantiate(&mut store, &module)?;
//! let add = store.get_func(instance, "add").unwrap();
//! let results = store.call(add, &[Val::I32(1), Val::I32(2)])?;
//! # Ok::<(), zwasm_loader::Error>(())
//! ```

mod artifact;
mod error;
mod instance;
mod interp;
mod linker;
mod memory;
mod native;
mod signals;
mod store;
#[cfg(test)]
mod testutil;
mod values;
pub mod wasi;

pub use artifact::{LoadError, MappedFile, Module};
pub use error::{Error, FrameInfo, Trap};
pub use linker::Linker;
pub use memory::{
    LinearMemory, VmMemory, GUARDED_RESERVATION, PAGE_SIZE, VM_MEMORY_BASE, VM_MEMORY_LEN,
    VM_MEMORY_SIZE,
};
pub use store::{
    Caller, Extern, Func, Global, HostFunc, Instance, InterruptHandle, Memory, Store, Table,
};
pub use values::Val;
pub use zwasm_abi::module::{
    ExportKind, FuncType, GlobalType, ImportKind, MemoryType, ModuleMeta, TableType, ValType,
};
pub use zwasm_abi::TrapCode;
