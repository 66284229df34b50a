//! uuid-migrate: find, classify, gate and rewrite `uuid.uuid4()` call sites in Python code.
//!
//! The pipeline, one module per stage:
//! walk -> parse -> sites -> classify -> (report | baseline | fix).

pub mod baseline;
pub mod cache;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod config;
pub mod fix;
pub mod history;
pub mod model;
pub mod parse;
pub mod report;
pub mod scan;
pub mod sites;
pub mod slice;
pub mod syntax;
pub mod walk;
