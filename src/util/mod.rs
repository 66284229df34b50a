//! Small helpers every layer may use: the file system, paths as shown, words, many needles
//! found in one pass, the budget of bytes analysed at once.

pub mod fs;
pub mod in_flight;
pub mod needles;
pub mod paths;
pub mod words;
