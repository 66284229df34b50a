//! Small helpers every layer may use: the file system, paths as shown, words, many needles
//! found in one pass.

pub mod fs;
pub mod needles;
pub mod paths;
pub mod words;
