//! Record collections and items. The answer without its summary is cached until the next
//! write to its record (see `answer_cache`); the summary is written afresh for
//! every request.

use super::answer_cache::{Answer, AnswerCache, CacheKey};
use super::call::{CallAnswer, CallRequest, RdfAnswer, Validators};
use super::summary::{Summary, item_etag, with_summary};
use super::{Container, ServiceError};
use crate::clinical::{StatementPage, StatementQuery};
use smart_core::RecordId;
use smart_rdf::RdfFormat;
use smart_rdf::split::{to_public, to_public_iri};
use std::sync::Arc;

impl Container {
    /// A paged, filtered collection with its `api:ResponseSummary`.
    pub(super) async fn collection(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = r.format()?;
        let record = r.record_id()?;
        let query = StatementQuery::from_call(r.call, &r.query)?;
        if let Some(limit) = query.limit {
            let max = self.config.limits.max_page_limit;
            if limit > max {
                return Err(ServiceError::bad_request(format!(
                    "limit: {limit} is more than the maximum of {max}"
                )));
            }
        }
        let cached = Cached::lookup(self, r, &record, format).await;
        if let Some(answer) = cached.as_ref().and_then(Cached::hit) {
            if let Some(body) = with_summary(&answer, format, r.started) {
                return Ok(CallAnswer::rdf(body, format));
            }
        }
        let page = self.clinical.query(&record, &query).await?;
        let mut graph = to_public(&page.graph, &self.api_base);
        let summary = self.page_summary(r, &query, &page);
        if let Some(cached) = cached {
            let answer = Arc::new(Answer {
                body: smart_rdf::serialize(&graph, format),
                empty: graph.is_empty(),
                returned: summary.returned,
                total: summary.total,
                order: summary.order,
                next_page: summary.next_page,
                etag: None,
            });
            cached.store(answer.clone());
            if let Some(body) = with_summary(&answer, format, r.started) {
                return Ok(CallAnswer::rdf(body, format));
            }
            return Err(ServiceError::internal(
                "a cached answer could not take its summary",
            ));
        }
        summary.add_to(&mut graph);
        Ok(CallAnswer::rdf(
            smart_rdf::serialize(&graph, format),
            format,
        ))
    }

    /// The summary of one page: companions (allergy exclusions) are counted among the
    /// returned and the total; the order and the next page exist only when paged.
    pub(super) fn page_summary(
        &self,
        r: &CallRequest,
        query: &StatementQuery,
        page: &StatementPage,
    ) -> Summary {
        Summary {
            returned: page.order.len() + page.companions.len(),
            total: page.total + page.companions.len(),
            order: query.limit.map(|_| {
                page.order
                    .iter()
                    .map(|i| to_public_iri(i, &self.api_base))
                    .collect()
            }),
            next_page: query
                .limit
                .filter(|limit| query.offset + limit < page.total)
                .map(|limit| self.next_page_url(r, query.offset + limit, limit)),
            started: r.started,
        }
    }

    /// One statement with its one-hop neighbours (also demographics and social history,
    /// whose IRIs are fixed per record). Cached like collections; the ETag comes from the
    /// data.
    pub(super) async fn item(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = r.format()?;
        let record = r.record_id()?;
        let cached = Cached::lookup(self, r, &record, format).await;
        if let Some(answer) = cached.as_ref().and_then(Cached::hit) {
            if let (Some(body), Some(etag)) = (
                with_summary(&answer, format, r.started),
                answer.etag.as_deref(),
            ) {
                let modified = self.record_modified(&record).await;
                return Ok(item_answer(body, format, etag.to_owned(), modified));
            }
        }
        let iri = r.storage_iri()?;
        let Some(graph) = self.clinical.statement(&record, &iri).await? else {
            return Err(ServiceError::not_found(format!(
                "record {record} has no statement at {}",
                r.path
            )));
        };
        let data = to_public(&graph, &self.api_base);
        let modified = self.record_modified(&record).await;
        let etag = item_etag(&data, format);
        if let Some(cached) = cached {
            let answer = Arc::new(Answer {
                body: smart_rdf::serialize(&data, format),
                empty: data.is_empty(),
                returned: 1,
                total: 1,
                order: None,
                next_page: None,
                etag: Some(etag.clone()),
            });
            cached.store(answer.clone());
            if let Some(body) = with_summary(&answer, format, r.started) {
                return Ok(item_answer(body, format, etag, modified));
            }
            return Err(ServiceError::internal(
                "a cached answer could not take its summary",
            ));
        }
        let mut graph = data;
        Summary {
            returned: 1,
            total: 1,
            order: None,
            next_page: None,
            started: r.started,
        }
        .add_to(&mut graph);
        let body = smart_rdf::serialize(&graph, format);
        Ok(item_answer(body, format, etag, modified))
    }
}

/// An RDF answer with the validators of one item.
pub(super) fn item_answer(
    body: Vec<u8>,
    format: RdfFormat,
    etag: String,
    modified: Option<std::time::SystemTime>,
) -> CallAnswer {
    CallAnswer::Rdf(RdfAnswer {
        body,
        format,
        validators: Some(Validators { etag, modified }),
    })
}

/// The cache slot of this request's answer, when the container caches and the format
/// can take a summary afterwards.
struct Cached<'a> {
    cache: &'a AnswerCache,
    key: CacheKey,
    generation: u64,
}

impl<'a> Cached<'a> {
    async fn lookup(
        container: &'a Container,
        r: &CallRequest,
        record: &RecordId,
        format: RdfFormat,
    ) -> Option<Self> {
        if format == RdfFormat::JsonLd {
            return None;
        }
        let cache = container.answers.as_ref()?;
        // Noted before computing: see `answer_cache`.
        let generation = cache.generation(record).await?;
        Some(Self {
            cache,
            generation,
            key: CacheKey::new(record, &r.path, &r.query, format),
        })
    }

    fn hit(&self) -> Option<Arc<Answer>> {
        self.cache.get(&self.key, self.generation)
    }

    fn store(self, answer: Arc<Answer>) {
        self.cache.put(self.key, self.generation, answer);
    }
}
