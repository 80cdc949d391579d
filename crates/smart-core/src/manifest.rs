//! App and container manifests. (Filled in by the manifest work.)
