//! The access log writer: every catalog call a principal makes is logged (who, which app,
//! which record, which call, how it ended) without slowing the call down. Entries go into
//! a bounded channel that a background task drains, inserting them in batches; when the
//! channel is full an entry is dropped and counted rather than making a request wait.

use super::{Container, ServiceError, ServiceErrorKind};
use crate::directory::{AccessEntry, AccessResult, DirectoryStore, Timestamp};
use smart_auth::Authenticated;
use smart_core::RecordId;
use smart_core::catalog::CallId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// How many entries may wait for the writer; beyond this they are dropped (and counted).
pub(super) const BUFFER: usize = 8192;
/// The most entries inserted in one batch.
const BATCH: usize = 512;

enum Message {
    Entry(AccessEntry),
    /// Answered once everything queued before it has been written.
    Flush(oneshot::Sender<()>),
}

/// The sending half, started on first use (a container may be built outside a runtime).
#[derive(Debug, Default)]
pub(super) struct AccessWriter {
    sender: OnceLock<mpsc::Sender<Message>>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Entry(_) => "Entry",
            Self::Flush(_) => "Flush",
        })
    }
}

impl AccessWriter {
    fn sender(&self, directory: &Arc<dyn DirectoryStore>) -> &mpsc::Sender<Message> {
        self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(BUFFER);
            tokio::spawn(write_batches(
                rx,
                Arc::clone(directory),
                Arc::clone(&self.dropped),
            ));
            tx
        })
    }

    /// Queues an entry without waiting: dropped and counted if the buffer is full.
    fn push(&self, directory: &Arc<dyn DirectoryStore>, entry: AccessEntry) {
        if self
            .sender(directory)
            .try_send(Message::Entry(entry))
            .is_err()
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Waits until every entry queued so far is written (or could not be).
    async fn flush(&self) {
        let Some(sender) = self.sender.get() else {
            return;
        };
        let (done, written) = oneshot::channel();
        if sender.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

/// The background task: takes whatever is queued (up to a batch), inserts it in one
/// call, answers the flushes that were queued behind it, and repeats.
async fn write_batches(
    mut rx: mpsc::Receiver<Message>,
    directory: Arc<dyn DirectoryStore>,
    dropped: Arc<AtomicU64>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut flushes = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Entry(entry) => batch.push(entry),
                Message::Flush(done) => flushes.push(done),
            }
            if batch.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            if let Err(e) = directory.append_access(&batch).await {
                let lost = u64::try_from(batch.len()).unwrap_or(u64::MAX);
                dropped.fetch_add(lost, Ordering::Relaxed);
                tracing::warn!(error = %e, lost, "could not write access log entries");
            }
            batch.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// The class of a failed call's outcome.
fn result_of(outcome: Result<(), &ServiceError>) -> AccessResult {
    use ServiceErrorKind as K;
    match outcome.map_err(ServiceError::kind) {
        Ok(()) => AccessResult::Ok,
        Err(K::Unauthenticated | K::Forbidden | K::Locked) => AccessResult::Denied,
        Err(K::NotFound) => AccessResult::NotFound,
        Err(
            K::BadRequest | K::NotAcceptable | K::Conflict | K::TooLarge | K::UnsupportedMediaType,
        ) => AccessResult::BadRequest,
        Err(K::Unavailable | K::Internal) => AccessResult::Error,
    }
}

/// Whether a call is logged: every call that reads or writes data. The container
/// manifest and the ontology are the same for everyone and are not.
fn logged(call: CallId) -> bool {
    !matches!(call, CallId::GetContainerManifest | CallId::GetOntology)
}

impl Container {
    /// Logs one call by `who` (unsigned requests are not logged: they name nobody).
    pub(super) fn log_access(
        &self,
        who: Option<&Authenticated>,
        call: CallId,
        record: Option<&str>,
        outcome: Result<(), &ServiceError>,
    ) {
        let Some(who) = who else { return };
        if !logged(call) {
            return;
        }
        let principal = who.principal();
        let entry = AccessEntry::new(
            Timestamp::now(),
            principal.user().cloned(),
            principal.app().cloned(),
            record.and_then(|r| RecordId::new(r).ok()),
            call,
            result_of(outcome),
        );
        self.access.push(&self.directory, entry);
    }

    /// Waits until every access log entry of the calls made so far is in the directory
    /// (a server calls it on shutdown, through [`Container::close`]; tests call it before
    /// reading the log).
    pub async fn flush_access_log(&self) {
        self.access.flush().await;
    }

    /// How many access log entries were lost: dropped because the buffer was full, or not
    /// written because the directory refused them.
    pub fn access_log_dropped(&self) -> u64 {
        self.access.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_map_to_the_auditors_classes() {
        let err = |k| ServiceError::new(k, "x");
        assert_eq!(result_of(Ok(())), AccessResult::Ok);
        assert_eq!(
            result_of(Err(&err(ServiceErrorKind::Forbidden))),
            AccessResult::Denied
        );
        assert_eq!(
            result_of(Err(&err(ServiceErrorKind::Unauthenticated))),
            AccessResult::Denied
        );
        assert_eq!(
            result_of(Err(&err(ServiceErrorKind::NotFound))),
            AccessResult::NotFound
        );
        assert_eq!(
            result_of(Err(&err(ServiceErrorKind::TooLarge))),
            AccessResult::BadRequest
        );
        assert_eq!(
            result_of(Err(&err(ServiceErrorKind::Internal))),
            AccessResult::Error
        );
        assert!(!logged(CallId::GetOntology));
        assert!(logged(CallId::GetMedications));
    }
}
