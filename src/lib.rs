//! uuid-migrate: find, classify, gate and rewrite `uuid.uuid4()` call sites in Python code.
//!
//! The folders are the pipeline. Each layer imports only from the layers below it (a test,
//! `tests/layers.rs`, checks the `use crate::` lines):
//!
//! 1. `model`, `config`, `util` — the shared vocabulary, configuration, file system and words.
//! 2. `syntax` — node tables, parent links, decoding, the one parser, sliced parses.
//! 3. `sites` — imports, the scope model, finding the sites.
//! 4. `classify` — value shape, naming evidence, id type, risk and phase, suppression.
//! 5. `plan`, `fingerprint`, `consumers` — a site's edit; what a baseline fingerprint hashes;
//!    where a site's value goes (the consumers that expect a UUID or check a format).
//! 6. `pipeline` — walk, read, cache, analyse: one run over files, shared by every command.
//! 7. `report`, `baseline`, `fix`, `history` — siblings that never import each other.
//! 8. `cli`, `app` — arguments and their resolution; one module per subcommand, one exit rule.
//! 9. `main` — prints what `app` returned.

pub mod config;
pub mod model;
pub mod util;

pub mod syntax;

pub mod sites;

pub mod classify;

pub mod consumers;
pub mod fingerprint;
pub mod plan;

pub mod pipeline;

pub mod baseline;
pub mod fix;
pub mod history;
pub mod report;

pub mod app;
pub mod cli;
