//! The conformance cases. Each takes the [`Backend`](super::Backend) and panics on a
//! failure, naming what differed.

mod dates;
mod paging;
mod search;
mod structure;
mod writes;

pub use dates::*;
pub use paging::*;
pub use search::*;
pub use structure::*;
pub use writes::*;

/// Sorted owned labels, for comparisons.
fn sorted(labels: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = labels.iter().map(|s| (*s).to_owned()).collect();
    out.sort();
    out
}
