//! The linker: a name table of externs that satisfies a module's imports.

use crate::error::Error;
use crate::store::{Extern, Instance, Store};
use crate::Module;
use std::collections::BTreeMap;

/// Maps `(module, name)` to the extern that satisfies such an import.
#[derive(Clone, Debug, Default)]
pub struct Linker {
    /// Module name, then name: looked up by `&str` without building keys.
    defs: BTreeMap<String, BTreeMap<String, Extern>>,
}

impl Linker {
    /// An empty linker.
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Defines (or replaces) one import.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) -> &mut Linker {
        self.defs
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), item);
        self
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn define_instance(
        &mut self,
        store: &Store,
        module: &str,
        instance: Instance,
    ) -> &mut Linker {
        for (name, item) in store.exports(instance) {
            self.define(module, &name, item);
        }
        self
    }

    /// The extern defined for `(module, name)`.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs.get(module)?.get(name).copied()
    }

    /// Instantiates `module`, taking its imports from this linker, and runs its
    /// start function.
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> Result<Instance, Error> {
        crate::instance::instantiate(store, module, |m, n| self.get(m, n))
    }
}
