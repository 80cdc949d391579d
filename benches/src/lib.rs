//! Helpers shared by the benchmarks in `benches/`.

use std::path::{Path, PathBuf};

pub mod http;

/// The reference material (`shared/`, beside the clone: found in any ancestor directory,
/// since git worktrees sit deeper; or `SMART_SHARED_DIR`), if it has the reference patients.
pub fn shared_dir() -> Option<PathBuf> {
    std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("data/reference-patients").is_dir())
        })
        .filter(|d| d.join("data/reference-patients").is_dir())
}

/// The reference patients directory, if present.
pub fn reference_patients_dir() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("data/reference-patients"))
}
