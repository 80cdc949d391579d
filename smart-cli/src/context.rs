//! Opening a container's stores for a command, exactly as the server does: the
//! configuration file and `SMART_*` environment, with `--data-dir` on top.
//!
//! Commands are synchronous and drive the async stores through one runtime; the container
//! is always closed (the embedded store flushed) whether the command succeeded or not.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use smart_http::{Container, ServerConfig};
use tokio::runtime::Runtime;

use crate::Global;

/// The configuration the global options select.
pub(crate) fn config(global: &Global) -> Result<ServerConfig> {
    crate::serve::load_config(
        global.config.as_deref(),
        global.data_dir.as_deref(),
        None,
        None,
    )
    .context("configuration")
}

/// The data directory the global options select.
pub(crate) fn data_dir(global: &Global) -> Result<PathBuf> {
    Ok(config(global)?.data_dir)
}

/// A runtime for the stores (two workers: the machine this runs on is small, and the
/// stores' own blocking work goes to the blocking pool).
pub(crate) fn runtime() -> Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens the container, runs `body` on it and closes it.
pub(crate) fn with_container<T, F>(global: &Global, body: F) -> Result<T>
where
    F: AsyncFnOnce(&Container) -> Result<T>,
{
    let rt = runtime()?;
    let container = open(&rt, global)?;
    let result = rt.block_on(body(&container));
    rt.block_on(container.close());
    result
}

/// Opens the container on `rt` (the caller closes it).
pub(crate) fn open(rt: &Runtime, global: &Global) -> Result<Container> {
    let config = config(global)?;
    let dir = config.data_dir.clone();
    rt.block_on(Container::open(config))
        .with_context(|| format!("cannot open the container in {}", dir.display()))
}
