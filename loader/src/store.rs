//! The store owns every runtime object: functions, memories, tables, globals and
//! instances. Handles (`Func`, `Memory`, ...) are indices into it; they are only
//! meaningful with the store that made them.

use crate::error::{Error, Trap};
use crate::memory::LinearMemory;
use crate::values::Val;
use crate::Module;
use std::collections::BTreeMap;
use std::sync::Arc;
use zwasm_abi::module::{ExportKind, FuncType, GlobalType, MemoryType, TableType};

/// A function (wasm or host) in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) u32);
/// A linear memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) u32);
/// A table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) u32);
/// A global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) u32);
/// An instantiated module in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) u32);

/// Anything a module can import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

/// A host function: reads its arguments, writes its results, or traps.
pub type HostFunc = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// What a host function sees of its caller.
pub struct Caller<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) instance: Option<Instance>,
}

impl Caller<'_> {
    /// The store, to call back into wasm or reach other objects.
    pub fn store(&mut self) -> &mut Store {
        self.store
    }

    /// The calling instance, if the call came from wasm.
    pub fn instance(&self) -> Option<Instance> {
        self.instance
    }

    /// The calling instance's memory 0, if it has one.
    pub fn memory(&mut self) -> Option<&mut [u8]> {
        let inst = self.instance?;
        let mem = *self.store.instances[inst.0 as usize].memories.first()?;
        Some(self.store.memories[mem as usize].data_mut())
    }
}

pub(crate) enum FuncEntity {
    Wasm { instance: u32, def: u32, sig: u32 },
    Host { sig: u32, f: Arc<HostFunc> },
}

impl FuncEntity {
    pub(crate) fn sig(&self) -> u32 {
        match self {
            FuncEntity::Wasm { sig, .. } | FuncEntity::Host { sig, .. } => *sig,
        }
    }
}

pub(crate) struct TableEntity {
    pub(crate) ty: TableType,
    /// References as slots: function or extern index + 1, 0 for null.
    pub(crate) elems: Vec<u64>,
}

/// A global. Its value is 128 bits, low half first: a v128 uses both
/// halves, any other type only `value[0]` (the other half stays 0). Native
/// code reaches a global through the VMContext's pointer to `value[0]`
/// (`zwasm_abi::native::vmctx::GLOBALS`), reading 8 bytes for a scalar and
/// 16 for a v128.
pub(crate) struct GlobalEntity {
    pub(crate) ty: GlobalType,
    pub(crate) value: [u64; 2],
}

pub(crate) struct InstanceEntity {
    pub(crate) module: Module,
    /// Store indices of the module's function, table, memory and global spaces.
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    /// Store signature id of each type index.
    pub(crate) sigs: Vec<u32>,
    /// Each element segment's references, evaluated at instantiation; emptied
    /// by `elem.drop` or after an active or declared segment is applied.
    pub(crate) elems: Vec<Vec<u64>>,
    /// Data segments after `data.drop` (or once applied as active segments).
    pub(crate) dropped_datas: Vec<bool>,
    /// Store-wide GC type id of each type index (`u32::MAX` for function types).
    pub(crate) gc_types: Vec<u32>,
    pub(crate) num_imported_funcs: u32,
    /// The VMContext, for an instance whose module runs native code.
    pub(crate) vm: Option<crate::native::VmCtx>,
    /// The module's fuel and interrupt flags (`zwasm_abi::native::flags`).
    pub(crate) hooks: u64,
}

/// A struct type at run time (Wasm GC).
pub(crate) struct GcType {
    /// The supertype chain: root first, this type last. An object of this type
    /// matches type `t` if `t` is on the chain, at `t`'s own depth.
    pub(crate) supers: Box<[u32]>,
    pub(crate) num_fields: usize,
}

/// A GC object: its type id and its fields as slot values (packed fields are
/// narrowed when read).
pub(crate) struct GcObject {
    pub(crate) ty: u32,
    pub(crate) fields: Box<[u64]>,
}

/// Owns all runtime state. Not shared between threads while running.
pub struct Store {
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) memories: Vec<LinearMemory>,
    pub(crate) tables: Vec<TableEntity>,
    /// Boxed, so native code can keep a pointer to each value.
    #[allow(clippy::vec_box)]
    pub(crate) globals: Vec<Box<GlobalEntity>>,
    pub(crate) instances: Vec<InstanceEntity>,
    /// Ordered, not hashed: std's `HashMap` (SipHash under random keys) is
    /// the slower choice for the few dozen signatures of a start-up.
    sig_ids: BTreeMap<FuncType, u32>,
    pub(crate) sigs: Vec<Arc<FuncType>>,
    /// The interpreter's value stack, kept between calls.
    pub(crate) stack: Vec<u64>,
    /// Struct types of every instance, by store-wide id.
    pub(crate) gc_types: Vec<GcType>,
    /// The GC heap. There is no collector yet: an object lives as long as the
    /// store. A reference is its index + 1.
    pub(crate) heap: Vec<GcObject>,
    /// The error a libcall failed with, until native code has unwound to the host.
    pub(crate) pending_trap: Option<Trap>,
    /// Every function as native code sees it (`zwasm_abi::native::funcref`),
    /// by store index, for `call_indirect`'s fast path.
    pub(crate) func_refs: Vec<FuncRef>,
    /// Fuel left for code compiled with fuel (boxed: native code holds its address).
    pub(crate) fuel: Box<i64>,
    /// Set to stop code compiled to be interruptible.
    pub(crate) interrupt: Arc<std::sync::atomic::AtomicU32>,
}

/// A store function as native code reads it: signature id, native entry
/// and VMContext (both 0 unless it is native code).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub(crate) struct FuncRef {
    pub sig: u64,
    pub code: usize,
    pub vmctx: usize,
    pad: usize,
}

const _: () = {
    use zwasm_abi::native::funcref;
    assert!(std::mem::size_of::<FuncRef>() == funcref::SIZE as usize);
    assert!(std::mem::offset_of!(FuncRef, sig) == funcref::SIG as usize);
    assert!(std::mem::offset_of!(FuncRef, code) == funcref::CODE as usize);
    assert!(std::mem::offset_of!(FuncRef, vmctx) == funcref::VMCTX as usize);
};

impl FuncRef {
    /// A function that is not native code: `call_indirect` takes the slow path.
    pub(crate) fn plain(sig: u32) -> FuncRef {
        FuncRef {
            sig: sig as u64,
            ..FuncRef::default()
        }
    }
}

/// Stops a store's interruptible code from another thread: its next
/// function entry or loop iteration traps with `interrupted`.
#[derive(Clone, Debug)]
pub struct InterruptHandle(Arc<std::sync::atomic::AtomicU32>);

impl InterruptHandle {
    /// Asks the store's running (and future) code to stop.
    pub fn interrupt(&self) {
        self.0.store(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store {
            funcs: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            instances: Vec::new(),
            sig_ids: BTreeMap::new(),
            sigs: Vec::new(),
            stack: Vec::new(),
            gc_types: Vec::new(),
            heap: Vec::new(),
            pending_trap: None,
            func_refs: Vec::new(),
            fuel: Box::new(i64::MAX),
            interrupt: Arc::default(),
        }
    }

    /// Gives code compiled with fuel `fuel` units: one is taken at each
    /// function entry and loop iteration, and running out traps.
    pub fn set_fuel(&mut self, fuel: u64) {
        *self.fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
    }

    /// The fuel left (see [`Store::set_fuel`]).
    pub fn fuel(&self) -> u64 {
        (*self.fuel).max(0) as u64
    }

    /// A handle that interrupts this store's interruptible code.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.interrupt.clone())
    }

    /// Lets interruptible code run again after an interrupt.
    pub fn clear_interrupt(&mut self) {
        self.interrupt
            .store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// The store-wide id of a signature; equal types get equal ids.
    pub(crate) fn intern_sig(&mut self, ty: &FuncType) -> u32 {
        if let Some(&id) = self.sig_ids.get(ty) {
            return id;
        }
        let id = self.sigs.len() as u32;
        self.sigs.push(Arc::new(ty.clone()));
        self.sig_ids.insert(ty.clone(), id);
        id
    }

    /// Defines a host function of type `ty`.
    pub fn host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        let sig = self.intern_sig(&ty);
        self.func_refs.push(FuncRef::plain(sig));
        self.funcs.push(FuncEntity::Host {
            sig,
            f: Arc::new(f),
        });
        Func(self.funcs.len() as u32 - 1)
    }

    /// Creates a memory owned by the host.
    pub fn new_memory(&mut self, ty: MemoryType) -> Result<Memory, Error> {
        let mem = LinearMemory::of_type(&ty).map_err(Error::Resource)?;
        self.memories.push(mem);
        Ok(Memory(self.memories.len() as u32 - 1))
    }

    /// Creates a table owned by the host, every element set to `init`.
    pub fn new_table(&mut self, ty: TableType, init: Val) -> Result<Table, Error> {
        // A table holds references, one slot each; a table of any other
        // element type cannot exist in wasm.
        if init.ty() != ty.elem || ty.elem.slots() != 1 {
            return Err(Error::Usage(format!(
                "table of {} cannot hold {}",
                ty.elem,
                init.ty()
            )));
        }
        self.push_table(ty, init.to_raw())
    }

    pub(crate) fn push_table(&mut self, ty: TableType, init: u64) -> Result<Table, Error> {
        let n = usize::try_from(ty.min)
            .ok()
            .filter(|&n| n <= 10_000_000)
            .ok_or_else(|| Error::Resource(format!("table of {} elements is too large", ty.min)))?;
        self.tables.push(TableEntity {
            ty,
            elems: vec![init; n],
        });
        Ok(Table(self.tables.len() as u32 - 1))
    }

    /// Creates a global owned by the host.
    pub fn new_global(&mut self, ty: GlobalType, value: Val) -> Result<Global, Error> {
        if value.ty() != ty.ty {
            return Err(Error::Usage(format!(
                "global of {} cannot hold {}",
                ty.ty,
                value.ty()
            )));
        }
        self.globals.push(Box::new(GlobalEntity {
            ty,
            value: value.to_slots(),
        }));
        Ok(Global(self.globals.len() as u32 - 1))
    }

    /// The export `name` of an instance.
    pub fn get_export(&self, instance: Instance, name: &str) -> Option<Extern> {
        let inst = &self.instances[instance.0 as usize];
        let export = inst.module.meta().exports.iter().find(|e| e.name == name)?;
        let i = export.index as usize;
        Some(match export.kind {
            ExportKind::Func => Extern::Func(Func(inst.funcs[i])),
            ExportKind::Table => Extern::Table(Table(inst.tables[i])),
            ExportKind::Memory => Extern::Memory(Memory(inst.memories[i])),
            ExportKind::Global => Extern::Global(Global(inst.globals[i])),
        })
    }

    /// All exports of an instance, in declaration order.
    pub fn exports(&self, instance: Instance) -> Vec<(String, Extern)> {
        let meta = self.instances[instance.0 as usize].module.meta();
        meta.exports
            .iter()
            .filter_map(|e| Some((e.name.clone(), self.get_export(instance, &e.name)?)))
            .collect()
    }

    /// The exported function `name`, if there is one.
    pub fn get_func(&self, instance: Instance, name: &str) -> Option<Func> {
        match self.get_export(instance, name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The module an instance was made from.
    pub fn instance_module(&self, instance: Instance) -> &Module {
        &self.instances[instance.0 as usize].module
    }

    /// A function's type.
    pub fn func_type(&self, func: Func) -> &FuncType {
        &self.sigs[self.funcs[func.0 as usize].sig() as usize]
    }

    /// A global's type.
    pub fn global_type(&self, global: Global) -> GlobalType {
        self.globals[global.0 as usize].ty
    }

    /// A global's value.
    pub fn global_get(&self, global: Global) -> Val {
        let g = &self.globals[global.0 as usize];
        Val::from_slots(g.value, g.ty.ty)
    }

    /// Sets a mutable global.
    pub fn global_set(&mut self, global: Global, value: Val) -> Result<(), Error> {
        let g = &mut self.globals[global.0 as usize];
        if !g.ty.mutable || value.ty() != g.ty.ty {
            return Err(Error::Usage(
                "global is immutable or of another type".into(),
            ));
        }
        g.value = value.to_slots();
        Ok(())
    }

    /// A memory's type (its current size as the minimum).
    pub fn memory_type(&self, memory: Memory) -> MemoryType {
        let m = &self.memories[memory.0 as usize];
        MemoryType {
            min: m.pages(),
            max: m.declared_max(),
            memory64: m.is_64(),
            shared: false,
        }
    }

    /// A memory's bytes.
    pub fn memory_data(&self, memory: Memory) -> &[u8] {
        self.memories[memory.0 as usize].data()
    }

    /// A memory's bytes, writable.
    pub fn memory_data_mut(&mut self, memory: Memory) -> &mut [u8] {
        self.memories[memory.0 as usize].data_mut()
    }

    /// Grows a memory by `delta` pages; returns the old size.
    pub fn memory_grow(&mut self, memory: Memory, delta: u64) -> Option<u64> {
        self.memories[memory.0 as usize].grow(delta)
    }

    /// A table's type (its current size as the minimum).
    pub fn table_type(&self, table: Table) -> TableType {
        let t = &self.tables[table.0 as usize];
        TableType {
            min: t.elems.len() as u64,
            ..t.ty
        }
    }

    /// Calls a function with arguments of its parameter types and returns its results.
    pub fn call(&mut self, func: Func, args: &[Val]) -> Result<Vec<Val>, Error> {
        let ty = self.func_type(func).clone();
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, t)| a.ty() != *t) {
            return Err(Error::Usage(format!(
                "function of type {ty} called with arguments ({})",
                args.iter()
                    .map(|a| a.ty().name())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        // Arguments and results sit in slots, a v128 taking two.
        let raw = crate::values::vals_to_slots(args);
        let out = crate::interp::call(self, func.0, &raw)?;
        Ok(crate::values::vals_from_slots(&out, &ty.results))
    }
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}
