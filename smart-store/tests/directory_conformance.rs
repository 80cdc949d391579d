//! The directory conformance suite on every backend: in memory, SQLite (a file, reopened
//! where a test asks, and in memory) and PostgreSQL (a fresh database per test, on the
//! server named by `SMART_TEST_POSTGRES_URL`).

mod directory_suite;

use directory_suite::conformance;
use directory_suite::harness::Backend;

mod memory {
    use super::*;
    conformance!(Backend::Memory);
}

#[cfg(feature = "sqlite")]
mod sqlite_file {
    use super::*;
    conformance!(Backend::SqliteFile);
}

#[cfg(feature = "sqlite")]
mod sqlite_memory {
    use super::*;
    conformance!(Backend::SqliteMemory);
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    conformance!(Backend::Postgres);
}
