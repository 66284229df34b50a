//! Small helpers every layer may use: the file system, paths as shown, words.

pub mod fs;
pub mod paths;
pub mod words;
