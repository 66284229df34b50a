//! The cross-file step: every file's index joined into one, and each site's reached places
//! looked up in it. A callee found in the module its file imports it from (or in the file
//! itself) is a resolved consumer; one found only by name elsewhere is a possible one.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

mod judge;

use super::index::{ClassDecl, FieldDecl, FileIndex, FunctionDecl, ParamDecl, Pin};
use super::sql::SqlColumn;
use super::{Callee, Consumer, FileFacts, Slot};
use crate::config::Config;
use crate::model::{ConsumerKind, Reason};

/// Every file's declarations, by name.
pub struct RepoIndex<'a> {
    /// Display path and module components of each file.
    files: Vec<(&'a str, Vec<&'a str>)>,
    classes: FxHashMap<&'a str, Vec<(usize, &'a ClassDecl)>>,
    functions: FxHashMap<&'a str, Vec<(usize, &'a FunctionDecl)>>,
    /// Consuming fields by field name, for name-only matches.
    fields: FxHashMap<&'a str, Vec<(usize, &'a ClassDecl, &'a FieldDecl)>>,
    /// Columns SQL strings declare `UUID`, by column name in lower case.
    sql_columns: FxHashMap<String, Vec<(usize, &'a SqlColumn)>>,
    pins: Vec<(usize, &'a Pin)>,
    /// The pins that can apply to the sites of one file (`pins_for`), for the file asked last:
    /// they depend on the file's module only, so are worked out once per file, not per site.
    file_pins: RefCell<Option<(usize, Rc<[FilePin<'a>]>)>>,
}

/// A pin that applies to a file's sites: the pinning file, the pin, and whether it pins `uuid`
/// itself (then only sites written `uuid.uuid4` are concerned).
#[derive(Clone, Copy)]
struct FilePin<'a> {
    file: usize,
    pin: &'a Pin,
    of_uuid: bool,
}

/// The module path of a file: `src/pkg/mod.py` -> `[src, pkg, mod]`, a package's
/// `__init__.py` -> the package.
fn module_of(path: &str) -> Vec<&str> {
    let path = path.trim_start_matches("./");
    let path = path.strip_suffix(".py").unwrap_or(path);
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    parts
}

/// Whether `module` (as imported, possibly relative) names the file `file` or its package.
fn module_matches(file: &[&str], module: &str, from: &[&str]) -> bool {
    let wanted: Vec<&str> = module
        .trim_start_matches('.')
        .split('.')
        .filter(|p| !p.is_empty())
        .collect();
    if wanted.is_empty() {
        // `from . import x`: the importing file's package.
        return from.len() > 1 && file.starts_with(&from[..from.len() - 1]);
    }
    let ends = |m: &[&str]| m.len() >= wanted.len() && m[m.len() - wanted.len()..] == wanted[..];
    // The module itself, or a module of the package it names (re-exported by `__init__`).
    ends(file) || (file.len() > 1 && ends(&file[..file.len() - 1]))
}

impl<'a> RepoIndex<'a> {
    pub fn new(files: &'a [(String, FileFacts)]) -> Self {
        let mut index = RepoIndex {
            files: Vec::with_capacity(files.len()),
            classes: FxHashMap::default(),
            functions: FxHashMap::default(),
            fields: FxHashMap::default(),
            sql_columns: FxHashMap::default(),
            pins: Vec::new(),
            file_pins: RefCell::new(None),
        };
        for (i, (path, facts)) in files.iter().enumerate() {
            index.files.push((path.as_str(), module_of(path)));
            let FileIndex {
                classes,
                functions,
                pins,
                sql_columns,
            } = &facts.index;
            for class in classes {
                index
                    .classes
                    .entry(class.name.as_str())
                    .or_default()
                    .push((i, class));
                for field in &class.fields {
                    index
                        .fields
                        .entry(field.name.as_str())
                        .or_default()
                        .push((i, class, field));
                }
            }
            for function in functions {
                index
                    .functions
                    .entry(function.name.as_str())
                    .or_default()
                    .push((i, function));
            }
            for pin in pins {
                index.pins.push((i, pin));
            }
            for column in sql_columns {
                index
                    .sql_columns
                    .entry(column.column.to_ascii_lowercase())
                    .or_default()
                    .push((i, column));
            }
        }
        index
    }

    /// The pins, in order, that apply to the module of file `from`: a test elsewhere that
    /// patches the module's `uuid4`, or patches `uuid.uuid4` and imports the module.
    fn pins_for(&self, from: usize) -> Rc<[FilePin<'a>]> {
        if let Some((file, pins)) = &*self.file_pins.borrow()
            && *file == from
        {
            return Rc::clone(pins);
        }
        let module = &self.files[from].1;
        let pins: Rc<[FilePin<'a>]> = self
            .pins
            .iter()
            .filter(|(file, _)| *file != from)
            .filter_map(|&(file, pin)| {
                let of_uuid = pin.module == "uuid";
                let applies = if of_uuid {
                    pin.reaches
                        .iter()
                        .any(|m| module_matches(module, m, module))
                } else {
                    module_matches(module, &pin.module, module)
                };
                applies.then_some(FilePin { file, pin, of_uuid })
            })
            .collect();
        *self.file_pins.borrow_mut() = Some((from, Rc::clone(&pins)));
        pins
    }

    /// Whether a candidate in file `file` is the callee named by `callee` from file `from`.
    fn is_callee(&self, callee: &Callee, file: usize, from: usize) -> bool {
        if callee.local {
            return file == from;
        }
        match &callee.module {
            Some(m) => module_matches(&self.files[file].1, m, &self.files[from].1),
            None => false,
        }
    }

    /// The consumers of a class's field or constructor parameter, or a function's parameter.
    fn consumers_of(
        &self,
        callee: &Callee,
        slot: &Slot,
        from: usize,
    ) -> Vec<(usize, &'a Consumer, bool)> {
        let mut found = Vec::new();
        let param = |p: &&ParamDecl| match slot {
            Slot::Keyword(k) => p.name == *k,
            Slot::Positional(i) => p.position == *i,
        };
        match &callee.class {
            Some(class) => {
                for (file, f) in self
                    .functions
                    .get(callee.name.as_str())
                    .into_iter()
                    .flatten()
                {
                    if f.class.as_deref() != Some(class.name.as_str()) {
                        continue;
                    }
                    let resolved = self.is_callee(class, *file, from);
                    for p in f.params.iter().filter(param) {
                        found.push((*file, &p.consumer, resolved));
                    }
                }
            }
            None => {
                if let Slot::Keyword(k) = slot {
                    for (file, c) in self.classes.get(callee.name.as_str()).into_iter().flatten() {
                        let resolved = self.is_callee(callee, *file, from);
                        for field in c.fields.iter().filter(|f| f.name == *k) {
                            found.push((*file, &field.consumer, resolved));
                        }
                    }
                }
                for (file, f) in self
                    .functions
                    .get(callee.name.as_str())
                    .into_iter()
                    .flatten()
                {
                    let constructor = f.name == "__init__";
                    if f.class.is_some() && !constructor {
                        continue;
                    }
                    let resolved = self.is_callee(callee, *file, from);
                    for p in f.params.iter().filter(param) {
                        found.push((*file, &p.consumer, resolved));
                    }
                }
                if let Some(inits) = self.functions.get("__init__") {
                    for (file, f) in inits {
                        if f.class.as_deref() == Some(callee.name.as_str()) {
                            let resolved = self.is_callee(callee, *file, from);
                            for p in f.params.iter().filter(param) {
                                found.push((*file, &p.consumer, resolved));
                            }
                        }
                    }
                }
            }
        }
        if callee.unknown_receiver {
            for (file, f) in self
                .functions
                .get(callee.name.as_str())
                .into_iter()
                .flatten()
            {
                if f.class.is_some() {
                    for p in f.params.iter().filter(param) {
                        found.push((*file, &p.consumer, false));
                    }
                }
            }
        }
        found
    }

    /// The first UUID column of a DDL string named `name`, unless the name is only noise words
    /// (`id` is every table's key): the evidence is the name alone.
    fn sql_named(&self, name: &str, config: &Config) -> Option<(usize, Consumer)> {
        if is_noise(name, config) {
            return None;
        }
        let (file, column) = self.sql_columns.get(&name.to_ascii_lowercase())?.first()?;
        Some((*file, sql_consumer(column)))
    }
}

/// Whether a name is made of noise words only (`id`, `uuid`): it says nothing about its field.
fn is_noise(name: &str, config: &Config) -> bool {
    crate::util::words::split_words(name)
        .iter()
        .all(|w| config.noise_words.contains(w))
}

/// A DDL column as a consumer.
fn sql_consumer(column: &SqlColumn) -> Consumer {
    Consumer {
        kind: ConsumerKind::UuidColumn,
        what: column.what(),
        line: column.line,
        column: column.column_number,
        pattern: None,
    }
}

/// The consumer reasons of every site, by the site's file (display path) and offset.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    pub by_file: FxHashMap<String, Vec<(usize, Vec<Reason>)>>,
}

impl Verdicts {
    /// The reasons of the site at `offset` in `path` (each file's sites are in offset order).
    pub fn of(&self, path: &str, offset: usize) -> Option<&[Reason]> {
        let sites = self.by_file.get(path)?;
        let at = sites.binary_search_by_key(&offset, |(o, _)| *o).ok()?;
        Some(sites[at].1.as_slice())
    }
}
