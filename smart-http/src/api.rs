//! The catalog calls: record collections and items, documents, the clinical-note POST,
//! scratchpad and preferences, and the container calls (manifests, ontology, searches,
//! users). The request has been routed, authenticated and authorized before it gets here.

use crate::cache::{Answer, AnswerCache, CacheKey};
use crate::error::ApiError;
use crate::response::{self, Summary};
use crate::server::Ctx;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Graph, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use sha2::Digest as _;
use smart_auth::oauth::percent_encode;
use smart_core::catalog::{ApiCall, CallCardinality, Category, HttpMethod};
use smart_core::manifest::{ContainerManifest, LaunchUrls, Requirement};
use smart_core::{RecordId, foaf, sp};
use smart_rdf::RdfFormat;
use smart_rdf::split::{STORAGE_BASE, to_public, to_public_iri, to_storage};
use smart_rdf::validate::{PayloadRules, ValidationOptions};
use smart_store::clinical::{RecordSearch, StatementPage, StatementQuery};
use smart_store::directory::{AccountId, AccountQuery, AppId as DirAppId, Page, Timestamp};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Runs a catalog call.
pub(crate) async fn handle(ctx: &Ctx<'_>, call: &'static ApiCall) -> Result<Response, ApiError> {
    match call.name {
        "get_container_manifest" => container_manifest(ctx),
        "get_ontology" => {
            let format = response::negotiate(&ctx.headers)?;
            Ok(response::bytes_response(
                StatusCode::OK,
                &response::content_type(format),
                smart_rdf::ontology::ontology_document(format),
            ))
        }
        "get_app_manifests" => app_manifests(ctx).await,
        "get_app_manifest" => app_manifest(ctx).await,
        "search_records" => search_records(ctx).await,
        "search_users" => search_users(ctx).await,
        "get_user" => get_user(ctx).await,
        "get_scratchpad_data" | "put_scratchpad_data" | "delete_scratchpad_data" => {
            scratchpad(ctx, call.method).await
        }
        "get_user_preferences" | "put_user_preferences" | "delete_user_preferences" => {
            preferences(ctx, call.method).await
        }
        "post_clinical_note" => post_clinical_note(ctx).await,
        "get_documents" => documents(ctx, call).await,
        "get_document" => document(ctx, call).await,
        "get_photograph" => photograph(ctx).await,
        _ if call.category == Category::Record && call.method == HttpMethod::Get => {
            if call.cardinality == CallCardinality::Multiple {
                collection(ctx, call).await
            } else {
                item(ctx).await
            }
        }
        other => Err(ApiError::internal(format!(
            "no handler for catalog call {other}"
        ))),
    }
}

/// The record of the path (the policy has checked it is valid).
fn record_id(ctx: &Ctx<'_>) -> Result<RecordId, ApiError> {
    let raw = ctx.route.binding("record_id").unwrap_or_default();
    RecordId::new(raw).map_err(|e| ApiError::bad_request(format!("record id: {e}")))
}

/// The storage IRI of the requested path (statement IRIs are minted from the path
/// templates, so the path is the IRI).
fn storage_iri_of_path(ctx: &Ctx<'_>) -> Result<NamedNode, ApiError> {
    NamedNode::new(format!("{STORAGE_BASE}{}", ctx.path))
        .map_err(|_| ApiError::bad_request("the path is not a valid IRI"))
}

// ---- record collections and items

/// A paged, filtered collection with its `api:ResponseSummary`. The answer without its
/// summary is cached until the next write (see `crate::cache`).
async fn collection(ctx: &Ctx<'_>, call: &'static ApiCall) -> Result<Response, ApiError> {
    let format = response::negotiate(&ctx.headers)?;
    let record = record_id(ctx)?;
    let query = StatementQuery::from_call(call, &ctx.query)?;
    if let Some(limit) = query.limit {
        let max = ctx.container.config().limits.max_page_limit;
        if limit > max {
            return Err(ApiError::bad_request(format!(
                "limit: {limit} is more than the maximum of {max}"
            )));
        }
    }
    let cached = Cached::lookup(ctx, format);
    if let Some(answer) = cached.as_ref().and_then(Cached::hit) {
        if let Some(body) = response::with_summary(&answer, format, ctx.started) {
            return Ok(response::rdf_bytes(body, format));
        }
    }
    let page = ctx.container.clinical().query(&record, &query).await?;
    let base = ctx.container.api_base();
    let mut graph = to_public(&page.graph, base);
    let summary = page_summary(ctx, &query, &page);
    if let Some(cached) = cached {
        let answer = Arc::new(Answer {
            body: smart_rdf::serialize(&graph, format).into(),
            empty: graph.is_empty(),
            returned: summary.returned,
            total: summary.total,
            order: summary.order,
            next_page: summary.next_page,
            etag: None,
        });
        cached.store(answer.clone());
        if let Some(body) = response::with_summary(&answer, format, ctx.started) {
            return Ok(response::rdf_bytes(body, format));
        }
        return Err(ApiError::internal(
            "a cached answer could not take its summary",
        ));
    }
    summary.add_to(&mut graph);
    Ok(response::rdf(&graph, format))
}

/// The summary of one page: companions (allergy exclusions) are counted among the
/// returned and the total; the order and the next page exist only when paged.
fn page_summary(ctx: &Ctx<'_>, query: &StatementQuery, page: &StatementPage) -> Summary {
    let base = ctx.container.api_base();
    Summary {
        returned: page.order.len() + page.companions.len(),
        total: page.total + page.companions.len(),
        order: query
            .limit
            .map(|_| page.order.iter().map(|i| to_public_iri(i, base)).collect()),
        next_page: query
            .limit
            .filter(|limit| query.offset + limit < page.total)
            .map(|limit| ctx.next_page_url(query.offset + limit, limit)),
        started: ctx.started,
    }
}

/// The cache slot of this request's answer, when the container caches and the format
/// can take a summary afterwards.
struct Cached<'a> {
    cache: &'a AnswerCache,
    key: CacheKey,
    generation: u64,
}

impl<'a> Cached<'a> {
    fn lookup(ctx: &'a Ctx<'_>, format: RdfFormat) -> Option<Self> {
        if format == RdfFormat::JsonLd {
            return None;
        }
        let cache = ctx.container.answer_cache()?;
        Some(Self {
            cache,
            key: CacheKey::new(&ctx.path, &ctx.query, format),
            // Noted before computing: see `crate::cache`.
            generation: cache.generation(),
        })
    }

    fn hit(&self) -> Option<Arc<Answer>> {
        self.cache.get(&self.key)
    }

    fn store(self, answer: Arc<Answer>) {
        self.cache.put(self.key, self.generation, answer);
    }
}

/// One statement with its one-hop neighbours (also demographics and social history, whose
/// IRIs are fixed per record). Cached like collections; the ETag comes from the data.
async fn item(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let format = response::negotiate(&ctx.headers)?;
    let record = record_id(ctx)?;
    let cached = Cached::lookup(ctx, format);
    if let Some(answer) = cached.as_ref().and_then(Cached::hit) {
        if let (Some(body), Some(etag)) = (
            response::with_summary(&answer, format, ctx.started),
            answer.etag.as_deref(),
        ) {
            let modified = ctx.record_modified(&record).await;
            return Ok(response::item_response(
                body,
                etag,
                format,
                &ctx.headers,
                modified,
            ));
        }
    }
    let iri = storage_iri_of_path(ctx)?;
    let Some(graph) = ctx.container.clinical().statement(&record, &iri).await? else {
        return Err(ApiError::not_found(format!(
            "record {record} has no statement at {}",
            ctx.path
        )));
    };
    let data = to_public(&graph, ctx.container.api_base());
    let modified = ctx.record_modified(&record).await;
    if let Some(cached) = cached {
        let etag = response::item_etag(&data, format);
        let answer = Arc::new(Answer {
            body: smart_rdf::serialize(&data, format).into(),
            empty: data.is_empty(),
            returned: 1,
            total: 1,
            order: None,
            next_page: None,
            etag: Some(etag.clone()),
        });
        cached.store(answer.clone());
        if let Some(body) = response::with_summary(&answer, format, ctx.started) {
            return Ok(response::item_response(
                body,
                &etag,
                format,
                &ctx.headers,
                modified,
            ));
        }
        return Err(ApiError::internal(
            "a cached answer could not take its summary",
        ));
    }
    let mut graph = data.clone();
    Summary {
        returned: 1,
        total: 1,
        order: None,
        next_page: None,
        started: ctx.started,
    }
    .add_to(&mut graph);
    Ok(response::rdf_item(
        &graph,
        &data,
        format,
        &ctx.headers,
        modified,
    ))
}

// ---- documents

/// `?format=` of the document calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocumentFormat {
    Raw,
    Metadata,
    Combined,
}

fn document_format(ctx: &Ctx<'_>, default: DocumentFormat) -> Result<DocumentFormat, ApiError> {
    let mut values = ctx.query.iter().filter(|(k, _)| k == "format");
    let format = match values.next().map(|(_, v)| v.as_str()) {
        None => default,
        Some("raw") => DocumentFormat::Raw,
        Some("metadata") => DocumentFormat::Metadata,
        Some("combined") => DocumentFormat::Combined,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format: `{other}` is not one of raw, metadata, combined"
            )));
        }
    };
    if values.next().is_some() {
        return Err(ApiError::bad_request("format: given more than once"));
    }
    Ok(format)
}

/// The documents list: metadata (size, SHA-256, location) by default, `combined` adds the
/// content, `raw` is refused for a list.
async fn documents(ctx: &Ctx<'_>, call: &'static ApiCall) -> Result<Response, ApiError> {
    let format = document_format(ctx, DocumentFormat::Metadata)?;
    if format == DocumentFormat::Raw {
        return Err(ApiError::bad_request(
            "format=raw is for one document (/documents/{id}); a list takes metadata or combined",
        ));
    }
    let rdf_format = response::negotiate(&ctx.headers)?;
    let record = record_id(ctx)?;
    let query = StatementQuery::from_call(call, &ctx.query)?;
    let mut page = ctx.container.clinical().query(&record, &query).await?;
    let summary = page_summary(ctx, &query, &page);
    for statement in &page.order {
        describe_document(ctx, &record, &mut page.graph, statement, format).await?;
    }
    let mut graph = to_public(&page.graph, ctx.container.api_base());
    summary.add_to(&mut graph);
    Ok(response::rdf(&graph, rdf_format))
}

/// One document: its bytes (`raw`, the default) or its RDF with metadata or content.
async fn document(ctx: &Ctx<'_>, _call: &'static ApiCall) -> Result<Response, ApiError> {
    let format = document_format(ctx, DocumentFormat::Raw)?;
    let record = record_id(ctx)?;
    let iri = storage_iri_of_path(ctx)?;
    let Some(mut graph) = ctx.container.clinical().statement(&record, &iri).await? else {
        return Err(ApiError::not_found(format!(
            "record {record} has no document at {}",
            ctx.path
        )));
    };
    if format == DocumentFormat::Raw {
        return raw_document(ctx, &record, &graph, &iri).await;
    }
    let rdf_format = response::negotiate(&ctx.headers)?;
    describe_document(ctx, &record, &mut graph, &iri, format).await?;
    let graph = to_public(&graph, ctx.container.api_base());
    let modified = ctx.record_modified(&record).await;
    Ok(response::rdf_item(
        &graph,
        &graph,
        rdf_format,
        &ctx.headers,
        modified,
    ))
}

/// `GET /records/{id}/photograph`: the bytes of the record's photograph.
async fn photograph(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let record = record_id(ctx)?;
    let page = ctx
        .container
        .clinical()
        .query(&record, &StatementQuery::all(sp!("Photograph")))
        .await?;
    let Some(iri) = page.order.first() else {
        return Err(ApiError::not_found(format!(
            "record {record} has no photograph"
        )));
    };
    raw_document(ctx, &record, &page.graph, iri).await
}

/// The `sp:fileName` of a document statement.
fn file_name(graph: &Graph, statement: &NamedNode) -> Option<String> {
    graph
        .object_for_subject_predicate(statement, NamedNodeRef::new_unchecked(sp!("fileName")))
        .and_then(|t| match t {
            oxrdf::TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
}

/// The document's bytes with its stored MIME type.
async fn raw_document(
    ctx: &Ctx<'_>,
    record: &RecordId,
    graph: &Graph,
    statement: &NamedNode,
) -> Result<Response, ApiError> {
    let name = file_name(graph, statement).ok_or_else(|| {
        ApiError::not_found(format!("{} has no sp:fileName, so no content", ctx.path))
    })?;
    let Some((meta, bytes)) = ctx.container.blobs().get(record, &name).await? else {
        return Err(ApiError::not_found(format!(
            "the content of {name} is not stored on this container"
        )));
    };
    Ok(response::bytes_response(
        StatusCode::OK,
        &meta.content_type,
        bytes,
    ))
}

/// Adds `sp:fileSize`, `sp:resource` (location and SHA-256) and, for `combined`,
/// `sp:content` to a document statement (storage form).
async fn describe_document(
    ctx: &Ctx<'_>,
    record: &RecordId,
    graph: &mut Graph,
    statement: &NamedNode,
    format: DocumentFormat,
) -> Result<(), ApiError> {
    let Some(name) = file_name(graph, statement) else {
        return Ok(());
    };
    let stored = if format == DocumentFormat::Combined {
        ctx.container.blobs().get(record, &name).await?
    } else {
        ctx.container
            .blobs()
            .meta(record, &name)
            .await?
            .map(|m| (m, Vec::new()))
    };
    let Some((meta, bytes)) = stored else {
        return Ok(());
    };
    let p = |iri: &str| NamedNode::new_unchecked(iri);
    let subject = NamedOrBlankNode::from(statement.clone());
    // Blank nodes named after the statement (not random), so the same document gives the
    // same graph, and so the same ETag, on every request.
    let stem: String = sha2::Sha256::digest(statement.as_str().as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let node =
        |part: &str| NamedOrBlankNode::from(BlankNode::new_unchecked(format!("doc{stem}{part}")));
    let mut add = |s: &NamedOrBlankNode, pred: &str, o: Term| {
        graph.insert(&Triple::new(s.clone(), p(pred), o));
    };
    let size = node("size");
    add(&subject, sp!("fileSize"), Term::from(size.clone()));
    add(
        &size,
        rdf::TYPE.as_str(),
        Term::from(p(sp!("ValueAndUnit"))),
    );
    add(
        &size,
        sp!("value"),
        Term::from(Literal::new_simple_literal(meta.size.to_string())),
    );
    add(
        &size,
        sp!("unit"),
        Term::from(Literal::new_simple_literal("byte")),
    );
    let resource = node("resource");
    add(&subject, sp!("resource"), Term::from(resource.clone()));
    add(
        &resource,
        rdf::TYPE.as_str(),
        Term::from(p(sp!("Resource"))),
    );
    // The model types sp:location as a literal URL, not a node.
    add(
        &resource,
        sp!("location"),
        Term::from(Literal::new_simple_literal(
            to_public_iri(statement, ctx.container.api_base()).as_str(),
        )),
    );
    let hash = node("hash");
    add(&resource, sp!("hash"), Term::from(hash.clone()));
    add(&hash, rdf::TYPE.as_str(), Term::from(p(sp!("Hash"))));
    add(
        &hash,
        sp!("algorithm"),
        Term::from(Literal::new_simple_literal("SHA-256")),
    );
    add(
        &hash,
        sp!("value"),
        Term::from(Literal::new_simple_literal(meta.sha256.clone())),
    );
    if format == DocumentFormat::Combined {
        let content = node("content");
        add(&resource, sp!("content"), Term::from(content.clone()));
        add(&content, rdf::TYPE.as_str(), Term::from(p(sp!("Content"))));
        let (encoding, value) = match String::from_utf8(bytes) {
            Ok(text) if meta.content_type.starts_with("text/") => ("UTF-8", text),
            Ok(text) => ("Base64", base64_of(text.as_bytes())),
            Err(e) => ("Base64", base64_of(e.as_bytes())),
        };
        add(
            &content,
            sp!("encoding"),
            Term::from(Literal::new_simple_literal(encoding)),
        );
        add(
            &content,
            sp!("value"),
            Term::from(Literal::new_simple_literal(value)),
        );
    }
    Ok(())
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---- writes

/// `POST /records/{id}/clinical_notes/`: validated, only ClinicalNote statements of this
/// record, stored atomically; the reply is the stored graph.
async fn post_clinical_note(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let record = record_id(ctx)?;
    let reply_format = response::negotiate(&ctx.headers)?;
    let content_type = ctx
        .header("content-type")
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "application/rdf+xml".to_owned());
    let format = match content_type.as_str() {
        "application/xml" | "text/xml" => RdfFormat::RdfXml,
        // smart-rdf reads `text/plain` as N-Triples (the old W3C test-suite alias), but a
        // note POSTed as text/plain is prose, not RDF: refuse it rather than report N-Triples
        // syntax errors about a sentence.
        "text/plain" => {
            return Err(ApiError::unsupported_media_type(
                "Content-Type text/plain is not RDF; send application/rdf+xml, text/turtle, application/n-triples or application/ld+json",
            ));
        }
        other => RdfFormat::from_media_type(other).ok_or_else(|| {
            ApiError::unsupported_media_type(format!(
                "Content-Type {other} is not RDF; send application/rdf+xml, text/turtle, application/n-triples or application/ld+json"
            ))
        })?,
    };
    let base = ctx.container.api_base();
    let parsed = smart_rdf::parse(&ctx.body, format, Some(base.as_str())).map_err(|e| {
        ApiError::bad_request(format!("the body is not valid {}: {e}", format.name()))
    })?;
    let graph = to_storage(&parsed, base);
    let record_iri = smart_rdf::split::record_iri(&record);
    let options = ValidationOptions::strict().with_payload(
        PayloadRules::allowing(&[sp!("ClinicalNote")]).for_record(record_iri.as_str()),
    );
    let report = smart_rdf::validate::validate(&graph, &options);
    if !report.is_valid() {
        let problems: Vec<String> = report.errors().take(10).map(ToString::to_string).collect();
        return Err(ApiError::bad_request(format!(
            "the clinical note is not valid ({} errors): {}",
            report.error_count(),
            problems.join("; ")
        )));
    }
    let rng = smart_auth::OsRandom::new();
    let mut no_randomness = None;
    let split = smart_rdf::split::mint_for_post(&graph, &record, |_| {
        smart_auth::random_string(&rng, 16).unwrap_or_else(|e| {
            no_randomness = Some(e);
            String::new()
        })
    })
    .map_err(|e| ApiError::bad_request(format!("the clinical note: {e}")))?;
    if let Some(e) = no_randomness {
        return Err(ApiError::internal(format!("statement ids: {e}")));
    }
    if split.statements.is_empty() {
        return Err(ApiError::bad_request(
            "the body holds no sp:ClinicalNote statement",
        ));
    }
    ctx.container
        .clinical()
        .add_statements(&record, &split.statements)
        .await?;
    // The registry's `updated_at` is the record's Last-Modified: bump it, keeping the
    // label. The note is stored already, so a failure here is logged, not returned.
    let registry = ctx.container.directory();
    let bumped = match registry.get_record(&record).await {
        Ok(entry) => {
            let label = entry.map(|e| e.label).unwrap_or_default();
            registry
                .upsert_record(&record, &label, Timestamp::now())
                .await
                .map(drop)
        }
        Err(e) => Err(e),
    };
    if let Err(e) = bumped {
        tracing::warn!(%record, error = %e, "could not update the record's modification time");
    }
    let mut stored = Graph::new();
    for statement in &split.statements {
        if let Some(g) = ctx
            .container
            .clinical()
            .statement(&record, &statement.iri)
            .await?
        {
            stored.extend(&g);
        }
    }
    Ok(response::rdf(&to_public(&stored, base), reply_format))
}

// ---- scratchpad and preferences

/// The media type of a PUT body, without parameters (`text/plain` when absent).
fn stored_type(ctx: &Ctx<'_>) -> String {
    ctx.header("content-type")
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "text/plain".to_owned())
}

fn app_data_limit(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let max = ctx.container.config().limits.max_app_data_bytes;
    if ctx.body.len() > max {
        return Err(ApiError::too_large("the value", max));
    }
    Ok(())
}

fn dir_app(ctx: &Ctx<'_>) -> Result<DirAppId, ApiError> {
    let raw = ctx.route.binding("smart_app_id").unwrap_or_default();
    DirAppId::new(raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// Whose value an app-data call is about.
enum AppData {
    /// A record's scratchpad (for the app of the path).
    Scratchpad(RecordId),
    /// A user's preferences (for the app of the path).
    Preferences(AccountId),
}

async fn scratchpad(ctx: &Ctx<'_>, method: HttpMethod) -> Result<Response, ApiError> {
    app_data(ctx, method, AppData::Scratchpad(record_id(ctx)?)).await
}

async fn preferences(ctx: &Ctx<'_>, method: HttpMethod) -> Result<Response, ApiError> {
    let user = ctx.route.binding("user_id").unwrap_or_default();
    let account = AccountId::new(user).map_err(|e| ApiError::bad_request(e.to_string()))?;
    app_data(ctx, method, AppData::Preferences(account)).await
}

/// GET (empty `text/plain` when never written), PUT (stored with its media type and
/// echoed) or DELETE (`ok`) of a scratchpad or preferences value.
async fn app_data(ctx: &Ctx<'_>, method: HttpMethod, slot: AppData) -> Result<Response, ApiError> {
    let app = dir_app(ctx)?;
    let dir = ctx.container.directory();
    match method {
        HttpMethod::Get => {
            let stored = match &slot {
                AppData::Scratchpad(record) => dir.get_scratchpad(record, &app).await?,
                AppData::Preferences(account) => dir.get_preferences(account, &app).await?,
            };
            Ok(match stored {
                Some(d) => response::bytes_response(StatusCode::OK, &d.content_type, d.data),
                None => response::bytes_response(StatusCode::OK, "text/plain", Vec::new()),
            })
        }
        HttpMethod::Put => {
            app_data_limit(ctx)?;
            let (media_type, now) = (stored_type(ctx), Timestamp::now());
            let d = match &slot {
                AppData::Scratchpad(record) => {
                    dir.put_scratchpad(record, &app, &media_type, &ctx.body, now)
                        .await?
                }
                AppData::Preferences(account) => {
                    dir.put_preferences(account, &app, &media_type, &ctx.body, now)
                        .await?
                }
            };
            Ok(response::bytes_response(
                StatusCode::OK,
                &d.content_type,
                d.data,
            ))
        }
        _ => {
            match &slot {
                AppData::Scratchpad(record) => dir.delete_scratchpad(record, &app).await?,
                AppData::Preferences(account) => dir.delete_preferences(account, &app).await?,
            };
            Ok(response::text("ok"))
        }
    }
}

// ---- container calls

/// The container manifest; `capabilities` lists exactly the calls this server routes.
fn container_manifest(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let config = ctx.container.config();
    let base = config.api_base();
    let mut manifest: ContainerManifest = ContainerManifest::builder()
        .name(config.name.clone())
        .description("A SMART Classic container built with smart-rs")
        .admin(config.admin_email.clone())
        .api_base(base)
        .launch_urls(LaunchUrls::standard(base, base))
        .build()
        .map_err(ApiError::internal)?;
    manifest.capabilities = routed_capabilities();
    Ok(response::json_text(manifest.to_json()))
}

/// For each target class, the methods of the catalog calls whose paths route back to
/// them on this server.
pub(crate) fn routed_capabilities() -> BTreeMap<String, Requirement> {
    let mut methods: BTreeMap<String, BTreeSet<HttpMethod>> = BTreeMap::new();
    for call in smart_core::catalog::CALLS {
        let values: Vec<(&str, &str)> = call
            .path_variables()
            .into_iter()
            .map(|v| (v, "probe"))
            .collect();
        let Ok(path) = call.expand_path(&values) else {
            continue;
        };
        if matches!(crate::routes::resolve(call.method.as_str(), &path),
            Ok(crate::routes::Route::Api(c, _)) if c.name == call.name)
        {
            methods
                .entry(call.target.to_owned())
                .or_default()
                .insert(call.method);
        }
    }
    methods
        .into_iter()
        .map(|(class, m)| (class, Requirement::methods(m)))
        .collect()
}

async fn app_manifests(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let apps = ctx.container.directory().list_apps().await?;
    let list: Vec<serde_json::Value> = apps
        .iter()
        .filter(|a| a.enabled)
        .map(|a| serde_json::to_value(&a.manifest).unwrap_or_default())
        .collect();
    Ok(response::json(&serde_json::Value::Array(list)))
}

async fn app_manifest(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let id = ctx
        .route
        .binding("descriptor")
        .or(ctx.route.binding("app_id"));
    let id = id.unwrap_or_default();
    let app = match DirAppId::new(id) {
        Ok(app) => ctx.container.directory().get_app(&app).await?,
        Err(_) => None,
    };
    match app {
        Some(app) if app.enabled => Ok(response::json_text(app.manifest.to_json())),
        _ => Err(ApiError::not_found(format!("no app {id}"))),
    }
}

async fn search_records(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let format = response::negotiate(&ctx.headers)?;
    let search = RecordSearch::from_params(&ctx.query)?;
    let page = ctx.container.clinical().search_records(&search).await?;
    let mut graph = to_public(&page.graph, ctx.container.api_base());
    let next_page = search
        .limit
        .filter(|limit| search.offset + limit < page.total)
        .map(|limit| ctx.next_page_url(search.offset + limit, limit));
    Summary {
        returned: page.records.len(),
        total: page.total,
        order: None,
        next_page,
        started: ctx.started,
    }
    .add_to(&mut graph);
    Ok(response::rdf(&graph, format))
}

/// The RDF of a user: `sp:User` with name, e-mail, department and role.
fn user_graph(graph: &mut Graph, base: &str, account: &smart_store::directory::Account) {
    let subject = NamedOrBlankNode::from(NamedNode::new_unchecked(format!(
        "{base}/users/{}",
        percent_encode(account.email.as_bytes())
    )));
    let mut add = |p: &str, o: Term| {
        graph.insert(&Triple::new(
            subject.clone(),
            NamedNode::new_unchecked(p),
            o,
        ));
    };
    add(
        rdf::TYPE.as_str(),
        Term::from(NamedNode::new_unchecked(sp!("User"))),
    );
    let lit = |v: &str| Term::from(Literal::new_simple_literal(v));
    if !account.given_name.is_empty() {
        add(foaf!("givenName"), lit(&account.given_name));
    }
    if !account.family_name.is_empty() {
        add(foaf!("familyName"), lit(&account.family_name));
    }
    add(
        foaf!("mbox"),
        Term::from(NamedNode::new_unchecked(format!(
            "mailto:{}",
            percent_encode(account.email.as_bytes())
        ))),
    );
    if !account.department.is_empty() {
        add(sp!("department"), lit(&account.department));
    }
    if !account.role.is_empty() {
        add(sp!("role"), lit(&account.role));
    }
}

async fn get_user(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let format = response::negotiate(&ctx.headers)?;
    let user = ctx.route.binding("user_id").unwrap_or_default();
    let id = AccountId::new(user).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let Some(account) = ctx.container.directory().get_account(&id).await? else {
        return Err(ApiError::not_found(format!("no user {user}")));
    };
    let mut graph = Graph::new();
    user_graph(&mut graph, ctx.container.config().api_base(), &account);
    Ok(response::rdf(&graph, format))
}

async fn search_users(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let format = response::negotiate(&ctx.headers)?;
    let mut query = AccountQuery::all();
    for (name, value) in &ctx.query {
        match name.as_str() {
            "given_name" => query = query.given_name_prefix(value.clone()),
            "family_name" => query = query.family_name_prefix(value.clone()),
            _ => {}
        }
    }
    let mut graph = Graph::new();
    let mut page = Some(Page::first(Page::MAX_LIMIT));
    let mut count = 0;
    while let Some(p) = page {
        let found = ctx.container.directory().search_accounts(&query, p).await?;
        for account in &found.items {
            user_graph(&mut graph, ctx.container.config().api_base(), account);
            count += 1;
        }
        page = found.next;
    }
    Summary {
        returned: count,
        total: count,
        order: None,
        next_page: None,
        started: ctx.started,
    }
    .add_to(&mut graph);
    Ok(response::rdf(&graph, format))
}
