//! Online verification: the container's manifest and ontology, a token for one record,
//! then every call the manifest advertises, its data against the model, paging, filters,
//! the app's own scratchpad and the OAuth refusals.
//!
//! Check names are `<call name>.<aspect>` (`get_medications.model`), so a failure says
//! which call and what about it; `oauth.*` checks name the abuse tried.

use std::collections::BTreeSet;
use std::io::Write;

use oxrdf::{Graph, NamedOrBlankNode};
use smart_core::catalog::{self, ApiCall, CallCardinality, Category, FilterKind, HttpMethod};
use smart_core::encoding::{EncodeSet, percent_encode};
use smart_core::manifest::{AppManifest, ContainerManifest};
use smart_core::{sp, vcard};
use smart_rdf::validate::{Mode, PayloadRules, ValidationOptions, validate};

use super::client::{Auth, Client, Credentials, Response, Token, parse_form, parse_url};
use super::rdf::{self, Summary};
use super::report::Report;

/// What to verify and as whom.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) base_url: String,
    pub(crate) consumer: Credentials,
    /// The record to test; `None` asks a background token for the first record.
    pub(crate) record: Option<String>,
    /// A 3-legged access token for `record`, if given; otherwise a background token.
    pub(crate) token: Option<Token>,
    /// The user the token acts for (preferences and `get_user`).
    pub(crate) user: Option<String>,
    pub(crate) mode: Mode,
    pub(crate) timeout: std::time::Duration,
}

/// The media type every RDF response must carry, exactly (the original API Verifier
/// refused even a `; charset` suffix).
const RDF_XML: &str = "application/rdf+xml";
const JSON: &str = "application/json";

/// Runs every online check, printing verdicts as they are decided.
pub(crate) async fn run<W: Write>(target: Target, report: &mut Report<W>) {
    let client = match Client::new(&target.base_url, target.timeout) {
        Ok(c) => c,
        Err(e) => {
            report.fail("connect", e.to_string());
            return;
        }
    };
    let Some(manifest) = container_manifest(&client, report).await else {
        report.fail(
            "verify",
            "cannot go on without a container manifest (its capabilities say what to call)",
        );
        return;
    };
    let api_base = manifest.api_base.trim_end_matches('/').to_owned();
    if api_base != client.base() {
        report.note(
            "manifest.api_base",
            format!(
                "{api_base} differs from the base URL {}; requests and signatures use the \
                 base URL, statement IRIs are expected under api_base",
                client.base()
            ),
        );
    }
    let mut ctx = Ctx {
        client,
        report,
        manifest,
        api_base,
        app: target.consumer.clone(),
        consumer: target.consumer.clone(),
        record_id: String::new(),
        record_iri: String::new(),
        user: target.user.clone(),
        mode: target.mode,
        family_name: None,
    };
    ctx.ontology().await;
    let Some((record, token)) = ctx.token(&target).await else {
        ctx.report.fail(
            "verify",
            "cannot go on without a token: no record data was checked",
        );
        return;
    };
    ctx.record_iri = format!("{}/records/{record}", ctx.api_base);
    ctx.record_id = record;
    ctx.app.token = Some(token);
    ctx.report.note(
        "record",
        format!(
            "checking record {} as {}",
            ctx.record_id, ctx.app.consumer_key
        ),
    );
    // The record search looks for the record's own family name, so it runs after the
    // demographics.
    let (searches, calls): (Vec<&'static ApiCall>, Vec<&'static ApiCall>) = catalog::CALLS
        .iter()
        .partition(|c| c.name == "search_records");
    for call in calls.into_iter().chain(searches) {
        ctx.call(call).await;
    }
    ctx.oauth().await;
}

/// GET /manifest: JSON, exactly `application/json`, the container manifest schema.
async fn container_manifest<W: Write>(
    client: &Client,
    report: &mut Report<W>,
) -> Option<ContainerManifest> {
    const NAME: &str = "get_container_manifest";
    let response = match client.get("/manifest", Auth::None).await {
        Ok(r) => r,
        Err(e) => {
            report.fail(NAME, e.to_string());
            return None;
        }
    };
    if response.status != 200 {
        report.fail(NAME, status_reason(&response));
        return None;
    }
    let text = String::from_utf8_lossy(&response.body);
    let manifest = match ContainerManifest::from_json(&text) {
        Ok(m) => m,
        Err(e) => {
            report.fail(NAME, format!("not a container manifest: {e}"));
            return None;
        }
    };
    let mut problems: Vec<String> = Vec::new();
    if !is_exactly(&response, JSON) {
        problems.push(content_type_reason(&response, JSON));
    }
    if let Err(e) = manifest.validate() {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        report.pass(
            NAME,
            format!(
                "{} {}, smart_version {}, {} capabilities",
                response.status,
                response.content_type,
                manifest.smart_version,
                manifest.capabilities.len()
            ),
        );
    } else {
        report.fail(NAME, problems.join("; "));
    }
    // Classes and methods advertised that no call of the catalog serves: vendor
    // extensions are allowed, but say so.
    let known = catalog::capabilities();
    for (class, req) in &manifest.capabilities {
        let extra: Vec<&str> = req
            .methods
            .iter()
            .filter(|m| !known.get(class.as_str()).is_some_and(|k| k.contains(m)))
            .map(|m| m.as_str())
            .collect();
        if !extra.is_empty() {
            report.note(
                NAME,
                format!(
                    "capability {class} {} matches no call of SMART 0.6",
                    extra.join(",")
                ),
            );
        }
    }
    Some(manifest)
}

/// The state of one online run.
struct Ctx<'r, W: Write> {
    client: Client,
    report: &'r mut Report<W>,
    manifest: ContainerManifest,
    api_base: String,
    /// The consumer with the record token.
    app: Credentials,
    /// The consumer alone (2-legged).
    consumer: Credentials,
    record_id: String,
    record_iri: String,
    user: Option<String>,
    mode: Mode,
    /// From the demographics, for the record search.
    family_name: Option<String>,
}

/// An RDF response read and checked for status, media type, root element and syntax.
struct Rdf {
    graph: Graph,
    summaries: Vec<Summary>,
}

impl<W: Write> Ctx<'_, W> {
    fn advertised(&self, call: &ApiCall) -> bool {
        self.manifest
            .capabilities
            .get(call.target)
            .is_some_and(|r| r.methods.contains(&call.method))
    }

    /// GET /ontology: RDF/XML describing the API calls.
    async fn ontology(&mut self) {
        let Some(call) = catalog::call("get_ontology") else {
            return;
        };
        if !self.advertised(call) {
            self.report
                .skip(call.name, "not advertised in the manifest");
            return;
        }
        let url = self.client.url(call.path);
        // The ontology is public; no signature.
        let Some(rdf) = self.fetch_rdf(call.name, &url, Auth::None).await else {
            return;
        };
        let calls = rdf
            .graph
            .subjects_for_predicate_object(
                oxrdf::vocab::rdf::TYPE,
                oxrdf::NamedNodeRef::new_unchecked(smart_core::api!("Call")),
            )
            .count();
        let result = if calls == 0 {
            Err("the ontology declares no api:Call".to_owned())
        } else {
            Ok(format!(
                "{} triples, {calls} api:Call individuals",
                rdf.graph.len()
            ))
        };
        self.report.check("get_ontology.content", result);
    }

    /// The record and its token: the one given, or a background token.
    async fn token(&mut self, target: &Target) -> Option<(String, Token)> {
        const NAME: &str = "token";
        if let (Some(record), Some(token)) = (&target.record, &target.token) {
            self.report.note(
                NAME,
                format!("using the given access token for record {record}"),
            );
            return Some((record.clone(), token.clone()));
        }
        let which = target.record.as_deref().unwrap_or("first");
        let path = format!(
            "/apps/{}/tokens/records/{}",
            segment(&self.consumer.consumer_key),
            segment(which)
        );
        let url = self.client.url(&path);
        let response = match self
            .client
            .send("GET", &url, Auth::Signed(&self.consumer), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(NAME, e.to_string());
                return None;
            }
        };
        if response.status != 200 {
            self.report.fail(
                NAME,
                format!(
                    "GET {path} (2-legged, as a background app): {}",
                    status_reason(&response)
                ),
            );
            return None;
        }
        let form = parse_form(&response.body);
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let (Some(token), Some(secret), Some(record)) = (
            field("oauth_token"),
            field("oauth_token_secret"),
            field("smart_record_id"),
        ) else {
            self.report.fail(
                NAME,
                format!(
                    "GET {path}: the reply lacks oauth_token, oauth_token_secret or \
                     smart_record_id: {}",
                    response.body_excerpt()
                ),
            );
            return None;
        };
        if let Some(wanted) = &target.record {
            if &record != wanted {
                self.report.fail(
                    NAME,
                    format!("GET {path}: a token for record {record}, not {wanted}"),
                );
                return None;
            }
        }
        self.report.pass(
            NAME,
            format!("background token for record {record} from GET {path}"),
        );
        Some((
            record,
            Token {
                token,
                secret: smart_auth::Secret::new(secret),
            },
        ))
    }

    /// One call of the catalog.
    async fn call(&mut self, call: &'static ApiCall) {
        match call.name {
            // Checked before anything else.
            "get_container_manifest" | "get_ontology" => return,
            _ => {}
        }
        if !self.advertised(call) {
            self.report.skip(
                call.name,
                format!(
                    "{} {} is not advertised in the manifest",
                    call.method.as_str(),
                    smart_core::vocab::compact(call.target)
                ),
            );
            return;
        }
        match (call.name, call.method, call.cardinality) {
            ("get_app_manifests", ..) => self.app_manifests(call).await,
            ("get_app_manifest", ..) => self.app_manifest(call).await,
            ("search_records", ..) => self.search_records(call).await,
            ("search_users", ..) => self.search_users(call).await,
            ("get_user", ..) => self.get_user(call).await,
            ("get_photograph", ..) => self.photograph(call).await,
            ("get_scratchpad_data", ..) => self.blob(call, "scratchpad").await,
            ("get_user_preferences", ..) => {
                if self.user.is_some() {
                    self.blob(call, "preferences").await;
                } else {
                    self.report.skip(
                        call.name,
                        "needs the user the token acts for (--user); a background token has none",
                    );
                }
            }
            // The writes of the blob calls are made with their GET; other writes are
            // not made, to leave the container's data alone.
            ("put_scratchpad_data" | "delete_scratchpad_data", ..)
            | ("put_user_preferences" | "delete_user_preferences", ..) => {}
            (_, HttpMethod::Get, CallCardinality::Multiple) => self.collection(call).await,
            (_, HttpMethod::Get, CallCardinality::Single) => {
                // Item calls are checked with their collection (they need an item id).
                if call.path_variables().len() == 1 {
                    self.single(call).await;
                }
            }
            _ => self.report.skip(
                call.name,
                "writes are not made (only the app's own scratchpad and preferences)",
            ),
        }
    }

    // ---------------------------------------------------------------- record data

    /// A collection (`get_medications`): the response, the model, the record, the
    /// summary; then its items, paging and filters.
    async fn collection(&mut self, call: &'static ApiCall) {
        let Some(path) = self.record_path(call, &[]) else {
            return;
        };
        let url = self.client.url(&path);
        let app = self.app.clone();
        let Some(rdf) = self.fetch_rdf(call.name, &url, Auth::Signed(&app)).await else {
            return;
        };
        let counted = counted_classes(call);
        let returned = self.check_statements(call.name, &rdf, &counted, None);
        // The items of the call's own class (allergies also return exclusions, which
        // are neither items of get_allergy nor filtered nor paged).
        let items = rdf::typed_nodes(&rdf.graph, &[call.target]);
        if returned.is_empty() {
            self.report.skip(
                &format!("{}.items", call.name),
                format!("record {} has no {}", self.record_id, noun(call)),
            );
            return;
        }
        self.items(call, &items).await;
        if call.is_pageable() {
            self.paging(call, &url, &items, &rdf.graph).await;
        }
        for filter in call.filters {
            match filter.kind {
                FilterKind::Date { bound, property } => {
                    self.date_filter(
                        call,
                        &url,
                        filter.param,
                        bound,
                        property,
                        &items,
                        &rdf.graph,
                    )
                    .await;
                }
                FilterKind::Code { path, namespace } => {
                    self.code_filter(
                        call,
                        &url,
                        filter.param,
                        path,
                        namespace,
                        &items,
                        &rdf.graph,
                    )
                    .await;
                }
                _ => {}
            }
        }
    }

    /// The item call for a collection's statements: GET the first and the last.
    async fn items(&mut self, collection: &'static ApiCall, items: &BTreeSet<String>) {
        let Some(item_call) = catalog::calls_for_target(collection.target).find(|c| {
            c.method == HttpMethod::Get
                && c.cardinality == CallCardinality::Single
                && c.path_variables().len() == 2
        }) else {
            return;
        };
        if !self.advertised(item_call) {
            return;
        }
        // Statements of a subclass with a call of its own (a clinical note among the
        // documents) are that call's items, not this one's.
        let own: Vec<&String> = items
            .iter()
            .filter(|iri| {
                iri.strip_prefix(&self.api_base)
                    .and_then(|p| catalog::match_path(HttpMethod::Get, p))
                    .is_none_or(|(c, _)| c.name == item_call.name)
            })
            .collect();
        let picks: BTreeSet<&String> = own.first().into_iter().chain(own.last()).copied().collect();
        for iri in picks {
            let Some(path) = iri.strip_prefix(&self.api_base).map(str::to_owned) else {
                self.report.fail(
                    item_call.name,
                    format!("item {iri} is not under the API base {}", self.api_base),
                );
                continue;
            };
            let is_document = item_call.parameter("format").is_some();
            // Documents default to the raw bytes; ask for the metadata to check the RDF.
            let rdf_path = if is_document {
                format!("{path}?format=metadata")
            } else {
                path.clone()
            };
            let url = self.client.url(&rdf_path);
            let app = self.app.clone();
            let Some(rdf) = self
                .fetch_rdf(item_call.name, &url, Auth::Signed(&app))
                .await
            else {
                continue;
            };
            let counted = counted_classes(item_call);
            let got = self.check_statements(item_call.name, &rdf, &counted, Some(iri));
            let one: BTreeSet<String> = [iri.clone()].into();
            let result = if got == one {
                Ok(format!("GET {path} returns exactly that statement"))
            } else {
                Err(format!(
                    "GET {path} returns {} instead of that one statement",
                    show_set(&got)
                ))
            };
            self.report
                .check(&format!("{}.item", item_call.name), result);
            if is_document {
                self.raw_document(item_call, &path, iri, &rdf.graph).await;
            }
        }
    }

    /// `format=raw` (the default): the file, with the media type its metadata names.
    async fn raw_document(&mut self, call: &ApiCall, path: &str, iri: &str, meta: &Graph) {
        let name = format!("{}.raw", call.name);
        let app = self.app.clone();
        let response = match self
            .client
            .send("GET", &self.client.url(path), Auth::Signed(&app), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(&name, e.to_string());
                return;
            }
        };
        let Some(node) = rdf::node_for_key(iri) else {
            return;
        };
        if response.status == 404
            && !meta
                .triples_for_subject(&node)
                .any(|t| t.predicate.as_str() == sp!("resource"))
        {
            self.report.skip(
                &name,
                format!("GET {path}: 404 and the metadata names no stored file (sp:resource)"),
            );
            return;
        }
        if response.status != 200 {
            self.report
                .fail(&name, format!("GET {path}: {}", status_reason(&response)));
            return;
        }
        let mut problems = Vec::new();
        let format_label = document_media_type(meta, &node);
        if let Some(expected) = &format_label {
            if response.media_type() != expected.to_ascii_lowercase() {
                problems.push(format!(
                    "Content-Type {:?}, the metadata says {expected}",
                    response.content_type
                ));
            }
        }
        if let Some(size) = file_size(meta, &node) {
            if size != response.body.len() as u64 {
                problems.push(format!(
                    "{} bytes, the metadata's sp:fileSize says {size}",
                    response.body.len()
                ));
            }
        }
        let result = if problems.is_empty() {
            Ok(format!(
                "GET {path}: {} bytes of {}",
                response.body.len(),
                response.content_type
            ))
        } else {
            Err(format!("GET {path}: {}", problems.join("; ")))
        };
        self.report.check(&name, result);
    }

    /// A one-per-record call (`get_demographics`, `get_social_history`).
    async fn single(&mut self, call: &'static ApiCall) {
        if call.category != Category::Record {
            return;
        }
        let Some(path) = self.record_path(call, &[]) else {
            return;
        };
        let url = self.client.url(&path);
        let app = self.app.clone();
        let response = match self
            .client
            .send("GET", &url, Auth::Signed(&app), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(call.name, e.to_string());
                return;
            }
        };
        // A record without, say, social history: the reference container answered an
        // empty graph, a 404 says the same. Every record has demographics.
        if response.status == 404 && call.name != "get_demographics" {
            self.report.skip(
                call.name,
                format!("record {} has no {} (404)", self.record_id, noun(call)),
            );
            return;
        }
        let Some(rdf) = self.check_rdf_response(call.name, &url, response) else {
            return;
        };
        let got = self.check_statements(call.name, &rdf, &counted_classes(call), None);
        let result = match (call.name, got.len()) {
            ("get_demographics", 1) => {
                self.family_name = got
                    .iter()
                    .next()
                    .and_then(|k| rdf::node_for_key(k))
                    .and_then(|n| family_name(&rdf.graph, &n));
                Ok("one sp:Demographics".to_owned())
            }
            ("get_demographics", n) => Err(format!("{n} sp:Demographics, expected exactly one")),
            (_, 0) => Ok(format!("record {} has none", self.record_id)),
            (_, 1) => Ok(format!("one {}", smart_core::vocab::compact(call.target))),
            (_, n) => Err(format!(
                "{n} {} statements, expected at most one per record",
                smart_core::vocab::compact(call.target)
            )),
        };
        self.report.check(&format!("{}.count", call.name), result);
    }

    /// The photograph: image bytes, or 404 when the record has none.
    async fn photograph(&mut self, call: &ApiCall) {
        let Some(path) = self.record_path(call, &[]) else {
            return;
        };
        let app = self.app.clone();
        let response = match self
            .client
            .send("GET", &self.client.url(&path), Auth::Signed(&app), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(call.name, e.to_string());
                return;
            }
        };
        let result = match response.status {
            404 => {
                self.report.skip(
                    call.name,
                    format!("record {} has no photograph (404)", self.record_id),
                );
                return;
            }
            200 if response.media_type().starts_with("image/") && !response.body.is_empty() => Ok(
                format!("{} bytes of {}", response.body.len(), response.content_type),
            ),
            200 => Err(format!(
                "200 with Content-Type {:?} and {} bytes, expected an image",
                response.content_type,
                response.body.len()
            )),
            _ => Err(status_reason(&response)),
        };
        self.report.check(call.name, result);
    }

    /// Paging: `limit=1` gives one item and a next page with the next item; walking the
    /// pages gives every item once; pages come in descending date order.
    async fn paging(
        &mut self,
        call: &ApiCall,
        url: &str,
        full: &BTreeSet<String>,
        full_graph: &Graph,
    ) {
        let base = format!("{}.paging", call.name);
        if full.len() < 2 {
            self.report.skip(
                &base,
                format!(
                    "needs at least 2 {} (record has {})",
                    noun(call),
                    full.len()
                ),
            );
            return;
        }
        let n = full.len() as u64;
        // limit=1: one item, the full count, and a next page with another item.
        let first = self.page(call, &with_query(url, "limit=1")).await;
        let result = match first {
            Err(e) => Err(e),
            Ok(p1) => self.check_first_pages(call, &p1, n, full).await,
        };
        self.report.check(&format!("{base}.limit"), result);

        // A walk in pages of about a third, following nextPageURL to the end.
        let limit = n.div_ceil(3).max(1);
        let mut next = Some(with_query(url, &format!("limit={limit}")));
        let mut pages: Vec<Page> = Vec::new();
        let mut walk_error = None;
        while let Some(page_url) = next.take() {
            if pages.len() as u64 > n + 1 {
                walk_error = Some(format!("more than {} pages for {n} items: a loop?", n + 1));
                break;
            }
            match self.page(call, &page_url).await {
                Ok(p) => {
                    next = p.next.clone();
                    pages.push(p);
                }
                Err(e) => {
                    walk_error = Some(e);
                    break;
                }
            }
        }
        let result = walk_error.map_or_else(
            || {
                let mut seen = BTreeSet::new();
                let mut repeated = BTreeSet::new();
                for p in &pages {
                    if p.items.len() as u64 > limit {
                        return Err(format!(
                            "a page of limit={limit} holds {} items",
                            p.items.len()
                        ));
                    }
                    for i in &p.items {
                        if !seen.insert(i.clone()) {
                            repeated.insert(i.clone());
                        }
                    }
                }
                if !repeated.is_empty() {
                    return Err(format!(
                        "items on more than one page: {}",
                        show_set(&repeated)
                    ));
                }
                if &seen != full {
                    return Err(difference("the pages", &seen, full));
                }
                Ok(format!(
                    "{} pages of limit={limit} give the {n} items once each",
                    pages.len()
                ))
            },
            Err,
        );
        let walked = result.is_ok();
        self.report.check(&format!("{base}.walk"), result);
        if walked {
            if let Some(sort) = call.default_sort {
                let result = descending_pages(&pages, full_graph, sort);
                self.report.check(&format!("{base}.order"), result);
            }
        }
    }

    /// The first two pages of `limit=1`.
    async fn check_first_pages(
        &mut self,
        call: &ApiCall,
        p1: &Page,
        n: u64,
        full: &BTreeSet<String>,
    ) -> Result<String, String> {
        if p1.items.len() != 1 {
            return Err(format!("limit=1 returned {} items", p1.items.len()));
        }
        if p1.total != Some(n) {
            return Err(format!(
                "limit=1: totalResultCount {:?}, expected {n} (the unpaged count)",
                p1.total
            ));
        }
        if p1.returned != Some(1) {
            return Err(format!(
                "limit=1: resultsReturned {:?}, expected 1",
                p1.returned
            ));
        }
        if !p1.items.is_subset(full) {
            return Err(format!(
                "limit=1 returned {}, not an item of the collection",
                show_set(&p1.items)
            ));
        }
        let Some(next) = p1.next.clone() else {
            return Err(format!("limit=1 of {n} items: no api:nextPageURL"));
        };
        let p2 = self.page(call, &next).await?;
        if p2.items.len() != 1 || !p2.items.is_subset(full) || p2.items == p1.items {
            return Err(format!(
                "the next page ({next}) holds {}, expected one other item",
                show_set(&p2.items)
            ));
        }
        Ok(format!(
            "limit=1 gives 1 of {n} items and a next page with the next one"
        ))
    }

    /// One page: fetched, parsed, its items and summary read. Errors are reasons.
    async fn page(&mut self, call: &ApiCall, url: &str) -> Result<Page, String> {
        let app = self.app.clone();
        let response = self
            .client
            .send("GET", url, Auth::Signed(&app), None)
            .await
            .map_err(|e| e.to_string())?;
        if response.status != 200 {
            return Err(format!("GET {url}: {}", status_reason(&response)));
        }
        let mut graph = smart_rdf::parse(&response.body, smart_rdf::RdfFormat::RdfXml, Some(url))
            .map_err(|e| format!("GET {url}: {e}"))?;
        let summaries = rdf::take_summaries(&mut graph);
        let items = rdf::typed_nodes(&graph, &[call.target]);
        // With allergies there may be a second summary for the exclusions; the paged one
        // is the one with a next page, else the one whose count is the items'.
        let summary = summaries
            .iter()
            .find(|s| s.next_page_url.is_some())
            .or_else(|| {
                summaries
                    .iter()
                    .find(|s| s.results_returned == Some(items.len() as u64))
            })
            .or(summaries.first());
        let next = match summary.and_then(|s| s.next_page_url.clone()) {
            Some(next) => Some(self.public_to_base(&next).ok_or_else(|| {
                format!("GET {url}: api:nextPageURL {next} is not under the API base")
            })?),
            None => None,
        };
        Ok(Page {
            items,
            returned: summary.and_then(|s| s.results_returned),
            total: summary.and_then(|s| s.total_result_count),
            next,
            graph,
        })
    }

    /// A date filter: a day from the data as the bound; the items kept must be exactly
    /// those whose date lies on the right side of it.
    #[expect(clippy::too_many_arguments, reason = "the parts of one filter check")]
    async fn date_filter(
        &mut self,
        call: &ApiCall,
        url: &str,
        param: &str,
        bound: catalog::DateBound,
        property: &str,
        items: &BTreeSet<String>,
        graph: &Graph,
    ) {
        let name = format!("{}.filter.{param}", call.name);
        let dated: Vec<(String, String)> = items
            .iter()
            .filter_map(|k| {
                let node = rdf::node_for_key(k)?;
                let d = rdf::literal_values(graph, &node, property)
                    .into_iter()
                    .next()?;
                Some((k.clone(), d))
            })
            .collect();
        let mut days: Vec<String> = dated
            .iter()
            .filter(|(_, d)| d.len() >= 10)
            .map(|(_, d)| rdf::day(d, false))
            .collect();
        days.sort();
        let Some(pivot) = days.get(days.len() / 2).cloned() else {
            self.report.skip(
                &name,
                format!("no {} with a full date to filter on", noun(call)),
            );
            return;
        };
        let expected: BTreeSet<String> = dated
            .iter()
            .filter(|(_, d)| {
                use catalog::DateBound as B;
                match bound {
                    B::From | B::FromIncluding => rdf::day(d, true) >= pivot,
                    B::FromExcluding => rdf::day(d, true) > pivot,
                    B::To | B::ToIncluding => rdf::day(d, false) <= pivot,
                    B::ToExcluding => rdf::day(d, false) < pivot,
                    _ => true,
                }
            })
            .map(|(k, _)| k.clone())
            .collect();
        let query = format!("{param}={pivot}");
        let result = match self.page(call, &with_query(url, &query)).await {
            Err(e) => Err(e),
            Ok(p) if p.items == expected => Ok(format!(
                "?{query} keeps {} of {} items, the right ones",
                expected.len(),
                items.len()
            )),
            Ok(p) => Err(format!(
                "?{query}: {}",
                difference("the result", &p.items, &expected)
            )),
        };
        self.report.check(&name, result);
    }

    /// A code filter: a code from the data, two codes joined by `|`, and a code no item
    /// has.
    #[expect(clippy::too_many_arguments, reason = "the parts of one filter check")]
    async fn code_filter(
        &mut self,
        call: &ApiCall,
        url: &str,
        param: &str,
        path: &[&str],
        namespace: &str,
        items: &BTreeSet<String>,
        graph: &Graph,
    ) {
        let name = format!("{}.filter.{param}", call.name);
        let coded: Vec<(String, BTreeSet<String>)> = items
            .iter()
            .filter_map(|k| {
                let node = rdf::node_for_key(k)?;
                let codes: BTreeSet<String> = rdf::iris_at(graph, &node, path)
                    .into_iter()
                    .filter_map(|c| c.strip_prefix(namespace).map(str::to_owned))
                    .collect();
                Some((k.clone(), codes))
            })
            .collect();
        let all_codes: BTreeSet<&String> = coded.iter().flat_map(|(_, c)| c).collect();
        let mut picks = all_codes.iter();
        let Some(first) = picks.next().map(|c| (*c).clone()) else {
            self.report.skip(
                &name,
                format!("no {} carries a code to filter on", noun(call)),
            );
            return;
        };
        let mut cases: Vec<Vec<String>> = vec![vec![first.clone()]];
        if let Some(second) = picks.next_back() {
            cases.push(vec![first.clone(), (*second).clone()]);
        }
        cases.push(vec!["smart-verify-no-such-code".to_owned()]);
        let mut details = Vec::new();
        for values in cases {
            let expected: BTreeSet<String> = coded
                .iter()
                .filter(|(_, c)| values.iter().any(|v| c.contains(v)))
                .map(|(k, _)| k.clone())
                .collect();
            // `|` separates alternatives; percent-encoded it is the same query value.
            let query = format!("{param}={}", values.join("%7C"));
            match self.page(call, &with_query(url, &query)).await {
                Err(e) => {
                    self.report.fail(&name, e);
                    return;
                }
                Ok(p) if p.items == expected => {
                    details.push(format!("{} → {}", values.join("|"), expected.len()));
                }
                Ok(p) => {
                    self.report.fail(
                        &name,
                        format!(
                            "?{query}: {}",
                            difference("the result", &p.items, &expected)
                        ),
                    );
                    return;
                }
            }
        }
        self.report.pass(
            &name,
            format!(
                "each query keeps exactly the matching items ({})",
                details.join(", ")
            ),
        );
    }

    // ---------------------------------------------------------------- blobs

    /// The app's own scratchpad (or preferences): read, write, read back, delete, and
    /// restore what was there.
    async fn blob(&mut self, get: &ApiCall, what: &str) {
        let app_id = self.app.consumer_key.clone();
        let mut vars: Vec<(&str, &str)> = vec![("smart_app_id", &app_id)];
        let user = self.user.clone().unwrap_or_default();
        if get.category == Category::User {
            vars.push(("user_id", &user));
        }
        let path = if get.category == Category::Record {
            self.record_path(get, &vars)
        } else {
            get.expand_path(&vars).ok()
        };
        let Some(path) = path else { return };
        let url = self.client.url(&path);
        let app = self.app.clone();
        let sibling = |m: HttpMethod| {
            catalog::calls_for_target(get.target).find(|c| c.method == m && c.path == get.path)
        };
        let put = sibling(HttpMethod::Put).filter(|c| self.advertised(c));
        let delete = sibling(HttpMethod::Delete).filter(|c| self.advertised(c));

        let original = match self
            .client
            .send("GET", &url, Auth::Signed(&app), None)
            .await
        {
            Ok(r) if r.status == 200 => {
                self.report.pass(
                    get.name,
                    format!("GET {path}: {} bytes ({})", r.body.len(), show_type(&r)),
                );
                r
            }
            Ok(r) => {
                self.report
                    .fail(get.name, format!("GET {path}: {}", status_reason(&r)));
                return;
            }
            Err(e) => {
                self.report.fail(get.name, e.to_string());
                return;
            }
        };
        let Some(put) = put else {
            return;
        };
        let marker = format!("smart verify {}", marker());
        let wrote = self
            .write_blob(
                put.name,
                "PUT",
                &url,
                &path,
                Some(("text/plain", marker.clone().into_bytes())),
            )
            .await;
        if wrote {
            let result = match self
                .client
                .send("GET", &url, Auth::Signed(&app), None)
                .await
            {
                Ok(r) if r.status == 200 && r.body == marker.as_bytes() => {
                    Ok(format!("GET {path} returns what was PUT"))
                }
                Ok(r) if r.status == 200 => Err(format!(
                    "GET {path} after PUT returns {:?}, not what was PUT",
                    r.body_excerpt()
                )),
                Ok(r) => Err(format!("GET {path} after PUT: {}", status_reason(&r))),
                Err(e) => Err(e.to_string()),
            };
            self.report.check(&format!("{what}.roundtrip"), result);
        }
        if let Some(delete) = delete {
            if self
                .write_blob(delete.name, "DELETE", &url, &path, None)
                .await
            {
                let result = match self
                    .client
                    .send("GET", &url, Auth::Signed(&app), None)
                    .await
                {
                    Ok(r) if r.status == 200 && r.body.is_empty() => {
                        Ok(format!("GET {path} after DELETE is empty"))
                    }
                    Ok(r) if r.status == 200 => Err(format!(
                        "GET {path} after DELETE still returns {:?}",
                        r.body_excerpt()
                    )),
                    Ok(r) => Err(format!("GET {path} after DELETE: {}", status_reason(&r))),
                    Err(e) => Err(e.to_string()),
                };
                self.report.check(&format!("{what}.deleted"), result);
            }
        }
        // Leave the data as it was found.
        if !original.body.is_empty() {
            let media_type = if original.content_type.is_empty() {
                "text/plain".to_owned()
            } else {
                original.content_type.clone()
            };
            let ok = self
                .write_blob(
                    &format!("{what}.restore"),
                    "PUT",
                    &url,
                    &path,
                    Some((&media_type, original.body.clone())),
                )
                .await;
            if !ok {
                self.report.note(
                    &format!("{what}.restore"),
                    format!("the {what} of {} could not be restored", self.record_id),
                );
            }
        } else if delete.is_none() && wrote {
            self.report.note(
                &format!("{what}.restore"),
                format!("the {what} was empty and cannot be emptied again (no DELETE advertised)"),
            );
        }
    }

    /// PUT or DELETE a blob; a PUT must echo the body.
    async fn write_blob(
        &mut self,
        name: &str,
        method: &str,
        url: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> bool {
        let app = self.app.clone();
        let sent = body.as_ref().map(|(_, b)| b.clone());
        let result = match self
            .client
            .send(method, url, Auth::Signed(&app), body)
            .await
        {
            Ok(r) if r.status != 200 => Err(format!("{method} {path}: {}", status_reason(&r))),
            Ok(r) => match sent {
                Some(b) if r.body != b => Err(format!(
                    "{method} {path}: 200 but the echo {:?} differs from what was sent",
                    r.body_excerpt()
                )),
                Some(b) => Ok(format!("{method} {path}: 200, {} bytes echoed", b.len())),
                None => Ok(format!("{method} {path}: 200")),
            },
            Err(e) => Err(e.to_string()),
        };
        self.report.check(name, result)
    }

    // ---------------------------------------------------------------- container calls

    async fn app_manifests(&mut self, call: &ApiCall) {
        let app = self.app.clone();
        let Some(json) = self
            .fetch_json(call.name, call.path, Auth::Signed(&app))
            .await
        else {
            return;
        };
        let result = match json.as_array() {
            None => Err("not a JSON array".to_owned()),
            // The original verifier counted an empty list as a failure; and the consumer
            // asking is itself installed.
            Some(list) if list.is_empty() => Err("an empty list".to_owned()),
            Some(list) => {
                let problems: Vec<String> = list
                    .iter()
                    .filter_map(|m| {
                        let id = m
                            .get("id")
                            .and_then(|v| v.as_str())
                            .unwrap_or("?")
                            .to_owned();
                        AppManifest::from_json(&m.to_string())
                            .and_then(|a| a.validate())
                            .err()
                            .map(|e| format!("{id}: {e}"))
                    })
                    .collect();
                if problems.is_empty() {
                    Ok(format!("{} app manifests, all valid", list.len()))
                } else {
                    Err(problems.join("; "))
                }
            }
        };
        self.report.check(&format!("{}.content", call.name), result);
    }

    async fn app_manifest(&mut self, call: &ApiCall) {
        let key = self.app.consumer_key.clone();
        let Ok(path) = call.expand_path(&[("descriptor", &key)]) else {
            return;
        };
        let app = self.app.clone();
        let Some(json) = self.fetch_json(call.name, &path, Auth::Signed(&app)).await else {
            return;
        };
        let result = AppManifest::from_json(&json.to_string())
            .and_then(|a| a.validate().map(|()| a))
            .map_err(|e| e.to_string())
            .and_then(|a| {
                if a.id == key {
                    Ok(format!(
                        "the manifest of {key} ({} mode), valid",
                        a.mode.as_str()
                    ))
                } else {
                    Err(format!("asked for {key}, got the manifest of {}", a.id))
                }
            });
        self.report.check(&format!("{}.content", call.name), result);
    }

    /// A record search by the record's own family name must find the record, and every
    /// hit must match. Only some apps may search; a refusal is not a failure.
    async fn search_records(&mut self, call: &'static ApiCall) {
        let Some(family) = self.family_name.clone() else {
            self.report.skip(
                call.name,
                "no family name in the demographics to search for",
            );
            return;
        };
        let prefix: String = family.chars().take(3).collect();
        let path = format!("{}?family_name={}", call.path, query_value(&prefix));
        let app = self.app.clone();
        let response = match self
            .client
            .send("GET", &self.client.url(&path), Auth::Signed(&app), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(call.name, e.to_string());
                return;
            }
        };
        if matches!(response.status, 401 | 403) {
            self.report.skip(
                call.name,
                format!("this app may not search records ({})", response.status),
            );
            return;
        }
        let url = self.client.url(&path);
        let Some(rdf) = self.check_rdf_response(call.name, &url, response) else {
            return;
        };
        let hits = rdf::typed_nodes(&rdf.graph, &[sp!("Demographics")]);
        let mine = format!("{}/demographics", self.record_iri);
        let wrong: Vec<String> = hits
            .iter()
            .filter_map(|k| {
                let n = rdf::node_for_key(k)?;
                let f = family_name(&rdf.graph, &n).unwrap_or_default();
                (!f.to_lowercase().starts_with(&prefix.to_lowercase()))
                    .then(|| format!("{k} ({f})"))
            })
            .collect();
        let result = if !hits.contains(&mine) {
            Err(format!(
                "family_name={prefix} does not find record {} (hits: {})",
                self.record_id,
                show_set(&hits)
            ))
        } else if !wrong.is_empty() {
            Err(format!(
                "family_name={prefix} also returns non-matching {}",
                wrong.join(", ")
            ))
        } else {
            Ok(format!(
                "family_name={prefix} finds the record among {} hits",
                hits.len()
            ))
        };
        self.report.check(&format!("{}.filter", call.name), result);
    }

    async fn search_users(&mut self, call: &'static ApiCall) {
        let app = self.app.clone();
        let response = match self
            .client
            .send("GET", &self.client.url(call.path), Auth::Signed(&app), None)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(call.name, e.to_string());
                return;
            }
        };
        if matches!(response.status, 401 | 403) {
            self.report.skip(
                call.name,
                format!("this app may not search users ({})", response.status),
            );
            return;
        }
        let url = self.client.url(call.path);
        let _ = self.check_rdf_response(call.name, &url, response);
    }

    async fn get_user(&mut self, call: &'static ApiCall) {
        let Some(user) = self.user.clone() else {
            self.report.skip(call.name, "needs a user id (--user)");
            return;
        };
        let Ok(path) = call.expand_path(&[("user_id", &user)]) else {
            return;
        };
        let app = self.app.clone();
        let url = self.client.url(&path);
        let Some(rdf) = self.fetch_rdf(call.name, &url, Auth::Signed(&app)).await else {
            return;
        };
        let users = rdf::typed_nodes(&rdf.graph, &[sp!("User")]);
        let result = if users.len() == 1 {
            Ok("one sp:User".to_owned())
        } else {
            Err(format!("{} sp:User nodes, expected one", users.len()))
        };
        self.report.check(&format!("{}.count", call.name), result);
    }

    // ---------------------------------------------------------------- OAuth

    /// Requests that must be refused, on the demographics of the record (a record call
    /// every container serves).
    async fn oauth(&mut self) {
        let path = format!("/records/{}/demographics", segment(&self.record_id));
        let url = self.client.url(&path);
        let Ok(parsed) = parse_url(&url) else { return };
        let good = self.app.clone();

        // Unsigned.
        let r = self.client.send("GET", &url, Auth::None, None).await;
        self.refused("oauth.unsigned", "an unsigned request", r);

        // A wrong consumer secret: the signature does not verify.
        let mut wrong = good.clone();
        wrong.consumer_secret =
            smart_auth::Secret::new(format!("{}-wrong", good.consumer_secret.expose()));
        let r = self
            .client
            .send("GET", &url, Auth::Signed(&wrong), None)
            .await;
        self.refused(
            "oauth.wrong_signature",
            "a request signed with a wrong consumer secret",
            r,
        );

        // A wrong token secret.
        let mut wrong = good.clone();
        if let Some(t) = &mut wrong.token {
            t.secret = smart_auth::Secret::new(format!("{}-wrong", t.secret.expose()));
        }
        let r = self
            .client
            .send("GET", &url, Auth::Signed(&wrong), None)
            .await;
        self.refused(
            "oauth.wrong_token_secret",
            "a request signed with a wrong token secret",
            r,
        );

        // A token the container never issued.
        let mut wrong = good.clone();
        wrong.token = Some(Token {
            token: format!("smart-verify-{}", marker()),
            secret: smart_auth::Secret::new("x"),
        });
        let r = self
            .client
            .send("GET", &url, Auth::Signed(&wrong), None)
            .await;
        self.refused(
            "oauth.unknown_token",
            "a request with a token never issued",
            r,
        );

        // A signature made for another URL.
        let other = format!("{url}?smart_verify=1");
        if let Ok(other) = parse_url(&other) {
            match self.client.sign("GET", &other, &good, None) {
                Ok(header) => {
                    let r = self
                        .client
                        .send_with_header("GET", &parsed, Some(&header), None)
                        .await;
                    self.refused(
                        "oauth.signed_for_other_url",
                        "a request whose signature covers another URL",
                        r,
                    );
                }
                Err(e) => self
                    .report
                    .fail("oauth.signed_for_other_url", e.to_string()),
            }
        }

        // A stale timestamp (two days old).
        let stale = smart_auth::UnixTime::from_secs(
            super::client::now().as_secs().saturating_sub(2 * 24 * 3600),
        );
        match self.client.sign("GET", &parsed, &good, Some(stale)) {
            Ok(header) => {
                let r = self
                    .client
                    .send_with_header("GET", &parsed, Some(&header), None)
                    .await;
                self.refused("oauth.stale_timestamp", "a request signed two days ago", r);
            }
            Err(e) => self.report.fail("oauth.stale_timestamp", e.to_string()),
        }

        // Another record with this record's token: the next record a background app
        // may ask for, else an id that no container has.
        let other = self
            .next_record()
            .await
            .unwrap_or_else(|| "smart-verify-no-such-record".to_owned());
        let other_path = format!("/records/{}/demographics", segment(&other));
        let r = self
            .client
            .send(
                "GET",
                &self.client.url(&other_path),
                Auth::Signed(&good),
                None,
            )
            .await;
        self.refused_or_missing(
            "oauth.other_record",
            &format!(
                "GET {other_path} with the token of record {}",
                self.record_id
            ),
            r,
        );

        // The same signed request twice: the nonce is spent.
        match self.client.sign("GET", &parsed, &good, None) {
            Ok(header) => {
                let first = self
                    .client
                    .send_with_header("GET", &parsed, Some(&header), None)
                    .await;
                match first {
                    Ok(r) if r.status == 200 => {
                        let again = self
                            .client
                            .send_with_header("GET", &parsed, Some(&header), None)
                            .await;
                        self.refused("oauth.replay", "the same signed request sent again", again);
                    }
                    Ok(r) => self.report.fail(
                        "oauth.replay",
                        format!(
                            "the first, valid request was refused: {}",
                            status_reason(&r)
                        ),
                    ),
                    Err(e) => self.report.fail("oauth.replay", e.to_string()),
                }
            }
            Err(e) => self.report.fail("oauth.replay", e.to_string()),
        }
    }

    /// 401 (the reference container's answer) or 403 (what the docs say) passes; the
    /// detail says which.
    fn refused(
        &mut self,
        name: &str,
        what: &str,
        response: Result<Response, super::client::ClientError>,
    ) {
        let result = match response {
            Ok(r) if matches!(r.status, 401 | 403) => {
                Ok(format!("{what} is refused with {}", r.status))
            }
            Ok(r) => Err(format!(
                "{what} was answered {}, expected 401 or 403",
                r.status
            )),
            Err(e) => Err(e.to_string()),
        };
        self.report.check(name, result);
    }

    fn refused_or_missing(
        &mut self,
        name: &str,
        what: &str,
        response: Result<Response, super::client::ClientError>,
    ) {
        let result = match response {
            Ok(r) if matches!(r.status, 401 | 403 | 404) => {
                Ok(format!("{what} is refused with {}", r.status))
            }
            Ok(r) => Err(format!(
                "{what} was answered {}, expected 401, 403 or 404",
                r.status
            )),
            Err(e) => Err(e.to_string()),
        };
        self.report.check(name, result);
    }

    // ---------------------------------------------------------------- helpers

    /// The record after this one, from the background token walk (2-legged), if the
    /// container hands one out.
    async fn next_record(&self) -> Option<String> {
        let path = format!(
            "/apps/{}/tokens/records/{}/next",
            segment(&self.consumer.consumer_key),
            segment(&self.record_id)
        );
        let r = self
            .client
            .send(
                "GET",
                &self.client.url(&path),
                Auth::Signed(&self.consumer),
                None,
            )
            .await
            .ok()
            .filter(|r| r.status == 200)?;
        parse_form(&r.body)
            .into_iter()
            .find(|(k, v)| k == "smart_record_id" && !v.is_empty() && *v != self.record_id)
            .map(|(_, v)| v)
    }

    /// The call's path for this record (and the given other variables).
    fn record_path(&mut self, call: &ApiCall, vars: &[(&str, &str)]) -> Option<String> {
        let record = self.record_id.clone();
        let mut all: Vec<(&str, &str)> = vec![("record_id", &record)];
        all.extend_from_slice(vars);
        match call.expand_path(&all) {
            Ok(p) => Some(p),
            Err(e) => {
                self.report
                    .fail(call.name, format!("cannot build the path: {e}"));
                None
            }
        }
    }

    /// A public IRI (under api_base) as a URL under the base URL.
    fn public_to_base(&self, iri: &str) -> Option<String> {
        iri.strip_prefix(&self.api_base)
            .map(|rest| self.client.url(rest))
    }

    /// GET an RDF response and check it; `None` if there is nothing to go on with.
    async fn fetch_rdf(&mut self, name: &str, url: &str, auth: Auth<'_>) -> Option<Rdf> {
        match self.client.send("GET", url, auth, None).await {
            Ok(r) => self.check_rdf_response(name, url, r),
            Err(e) => {
                self.report.fail(name, e.to_string());
                None
            }
        }
    }

    /// `name`: 200, exactly `application/rdf+xml`, a `rdf:RDF` root, parses.
    fn check_rdf_response(&mut self, name: &str, url: &str, response: Response) -> Option<Rdf> {
        let what = url.strip_prefix(self.client.base()).unwrap_or(url);
        if response.status != 200 {
            self.report
                .fail(name, format!("GET {what}: {}", status_reason(&response)));
            return None;
        }
        let mut problems = Vec::new();
        if !is_exactly(&response, RDF_XML) {
            problems.push(content_type_reason(&response, RDF_XML));
        }
        if let Some(p) = rdf::root_element_problem(&response.body) {
            problems.push(p);
        }
        let parsed = smart_rdf::parse(&response.body, smart_rdf::RdfFormat::RdfXml, Some(url));
        let mut graph = match parsed {
            Ok(g) => g,
            Err(e) => {
                problems.push(format!("not RDF/XML: {e}"));
                self.report
                    .fail(name, format!("GET {what}: {}", problems.join("; ")));
                return None;
            }
        };
        let triples = graph.len();
        let summaries = rdf::take_summaries(&mut graph);
        if problems.is_empty() {
            self.report.pass(
                name,
                format!("GET {what}: 200 {RDF_XML}, {triples} triples"),
            );
        } else {
            self.report
                .fail(name, format!("GET {what}: {}", problems.join("; ")));
        }
        Some(Rdf { graph, summaries })
    }

    /// GET a JSON response: 200, exactly `application/json`, parses.
    async fn fetch_json(
        &mut self,
        name: &str,
        path: &str,
        auth: Auth<'_>,
    ) -> Option<serde_json::Value> {
        let response = match self.client.get(path, auth).await {
            Ok(r) => r,
            Err(e) => {
                self.report.fail(name, e.to_string());
                return None;
            }
        };
        if response.status != 200 {
            self.report
                .fail(name, format!("GET {path}: {}", status_reason(&response)));
            return None;
        }
        let json: serde_json::Value = match serde_json::from_slice(&response.body) {
            Ok(j) => j,
            Err(e) => {
                self.report.fail(name, format!("GET {path}: not JSON: {e}"));
                return None;
            }
        };
        let result = if is_exactly(&response, JSON) {
            Ok(format!("GET {path}: 200 {JSON}"))
        } else {
            Err(format!(
                "GET {path}: {}",
                content_type_reason(&response, JSON)
            ))
        };
        self.report.check(name, result);
        Some(json)
    }

    /// The model, record and summary checks of a data response. Returns the statements
    /// it returned (nodes of `classes`).
    fn check_statements(
        &mut self,
        name: &str,
        rdf: &Rdf,
        classes: &[&'static str],
        item: Option<&str>,
    ) -> BTreeSet<String> {
        let returned = rdf::typed_nodes(&rdf.graph, classes);
        let statements = rdf::statement_nodes(&rdf.graph);

        // The model. Validated as a payload for this record: only the call's classes at
        // the top level, every sp:belongsTo this record (its presence is checked below).
        let result = if statements.is_empty() {
            Ok("no statements".to_owned())
        } else {
            let options = match self.mode {
                Mode::Lenient => ValidationOptions::lenient(),
                _ => ValidationOptions::strict(),
            }
            .with_payload(PayloadRules::allowing(classes).for_record(self.record_iri.clone()));
            let report = validate(&rdf.graph, &options);
            let mode = if self.mode == Mode::Lenient {
                "lenient"
            } else {
                "strict"
            };
            if report.is_valid() {
                Ok(format!(
                    "{} statements valid ({mode}, {} warnings)",
                    statements.len(),
                    report.warning_count()
                ))
            } else {
                let errors: Vec<String> = report.errors().take(3).map(|f| f.message()).collect();
                let more = report.error_count().saturating_sub(errors.len());
                let more = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                Err(format!(
                    "{} errors ({mode}): {}{more}",
                    report.error_count(),
                    errors.join(" | ")
                ))
            }
        };
        self.report.check(&format!("{name}.model"), result);

        // The record: every statement belongs to it, and the returned ones have IRIs
        // under it that the item calls answer.
        let mut problems: Vec<String> = Vec::new();
        for (node, class) in &statements {
            let key = rdf::node_key(node.as_ref());
            let owners = rdf::belongs_to(&rdf.graph, node);
            if owners != [self.record_iri.clone()] {
                problems.push(format!(
                    "{key} ({}) belongs to {}",
                    smart_core::vocab::compact(class),
                    if owners.is_empty() {
                        "no record".to_owned()
                    } else {
                        owners.join(", ")
                    }
                ));
            }
        }
        let classes_by_key: std::collections::HashMap<String, &'static str> = statements
            .iter()
            .map(|(n, c)| (rdf::node_key(n.as_ref()), *c))
            .collect();
        for key in &returned {
            if let Some(p) = self.iri_problem(key, classes_by_key.get(key).copied()) {
                problems.push(p);
            }
        }
        let result = if problems.is_empty() {
            Ok(format!(
                "{} statements of record {}, IRIs under {}",
                statements.len(),
                self.record_id,
                self.record_iri
            ))
        } else {
            let n = problems.len();
            problems.truncate(3);
            Err(format!("{n} problems: {}", problems.join("; ")))
        };
        self.report.check(&format!("{name}.record"), result);

        // The summary.
        let result = summary_problem(&rdf.summaries, returned.len() as u64, item.is_some());
        self.report.check(&format!("{name}.summary"), result);
        returned
    }

    /// Why a returned statement's IRI is not a dereferenceable IRI of this record.
    fn iri_problem(&self, key: &str, class: Option<&'static str>) -> Option<String> {
        let prefix = format!("{}/", self.record_iri);
        let Some(rest) = key.strip_prefix(&self.api_base) else {
            return Some(format!("{key} is not an IRI under the API base"));
        };
        if !key.starts_with(&prefix) {
            return Some(format!("{key} is not under the record {}", self.record_iri));
        }
        let class = class?;
        // Classes without an item call have no path to answer: allergy exclusions (only
        // returned with the allergies) and the photograph (whose class path
        // `/photographs/{id}` has no call; `/photograph` serves the image itself).
        let dereferenceable = catalog::calls_for_target(class).any(|c| {
            c.method == HttpMethod::Get
                && c.cardinality == CallCardinality::Single
                && c.path_variables().len() == 2
        });
        if !dereferenceable {
            return None;
        }
        match catalog::match_path(HttpMethod::Get, rest) {
            Some((call, _)) if smart_core::model::is_subclass_of(class, call.target) => None,
            Some((call, _)) => Some(format!(
                "{key} is the path of {}, not of a {}",
                call.name,
                smart_core::vocab::compact(class)
            )),
            None => Some(format!("{key} is not the path of any GET call")),
        }
    }
}

/// One page of a paged collection.
struct Page {
    items: BTreeSet<String>,
    returned: Option<u64>,
    total: Option<u64>,
    /// As a URL under the base URL.
    next: Option<String>,
    graph: Graph,
}

/// The classes whose nodes a call returns: its target, and for allergies the
/// exclusions too.
fn counted_classes(call: &ApiCall) -> Vec<&'static str> {
    if call.target == sp!("Allergy") {
        vec![sp!("Allergy"), sp!("AllergyExclusion")]
    } else {
        vec![call.target]
    }
}

/// The response summary checks: present on non-empty collections, integer counts that
/// match the statements, no next page without a limit.
fn summary_problem(summaries: &[Summary], returned: u64, item: bool) -> Result<String, String> {
    if summaries.is_empty() {
        return if returned == 0 || item {
            Ok("no api:ResponseSummary (none needed)".to_owned())
        } else {
            Err(format!("{returned} statements and no api:ResponseSummary"))
        };
    }
    let mut problems: Vec<String> = summaries.iter().flat_map(|s| s.problems.clone()).collect();
    let sum: u64 = summaries.iter().filter_map(|s| s.results_returned).sum();
    if sum != returned {
        problems.push(format!(
            "resultsReturned says {sum}, the graph holds {returned}"
        ));
    }
    for s in summaries {
        if let (Some(r), Some(t)) = (s.results_returned, s.total_result_count) {
            if t != r {
                problems.push(format!(
                    "totalResultCount {t} differs from resultsReturned {r} without a limit"
                ));
            }
        }
        if let Some(next) = &s.next_page_url {
            problems.push(format!("api:nextPageURL {next} without a limit"));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} api:ResponseSummary, resultsReturned {sum} = totalResultCount",
            summaries.len()
        ))
    } else {
        Err(problems.join("; "))
    }
}

/// Pages in descending order of their sort date: no item of a later page is dated after
/// an item of an earlier one. Only whole-day dates are compared (a partial date's place
/// depends on how the container pads it).
fn descending_pages(pages: &[Page], graph: &Graph, sort: &str) -> Result<String, String> {
    let day_of = |page: &Page, key: &String| -> Option<String> {
        let node = rdf::node_for_key(key)?;
        let value = rdf::literal_values(&page.graph, &node, sort)
            .into_iter()
            .next()
            .or_else(|| rdf::literal_values(graph, &node, sort).into_iter().next())?;
        // A malformed date has no place in the order to check.
        rdf::is_w3c_date(&value).then(|| rdf::day(&value, false))
    };
    let mut previous_min: Option<(String, String)> = None;
    for (i, page) in pages.iter().enumerate() {
        let days: Vec<(String, String)> = page
            .items
            .iter()
            .filter_map(|k| day_of(page, k).map(|d| (d, k.clone())))
            .collect();
        if let (Some((min_day, _)), Some((max_day, max_key))) =
            (previous_min.as_ref(), days.iter().max())
        {
            if max_day > min_day {
                return Err(format!(
                    "page {} holds {max_key} dated {max_day}, later than page {}'s earliest \
                     {min_day}: not in descending order",
                    i + 1,
                    i
                ));
            }
        }
        if let Some(min) = days.iter().min() {
            previous_min = Some(min.clone());
        }
    }
    Ok(format!(
        "pages in descending {} order",
        smart_core::vocab::compact(sort)
    ))
}

fn is_exactly(response: &Response, media_type: &str) -> bool {
    response
        .content_type
        .trim()
        .eq_ignore_ascii_case(media_type)
}

fn content_type_reason(response: &Response, media_type: &str) -> String {
    format!(
        "Content-Type {:?}, expected exactly {media_type}",
        response.content_type
    )
}

fn status_reason(response: &Response) -> String {
    let excerpt = response.body_excerpt();
    if excerpt.is_empty() {
        format!("status {}", response.status)
    } else {
        format!("status {}: {excerpt}", response.status)
    }
}

fn show_type(response: &Response) -> String {
    if response.content_type.is_empty() {
        "no Content-Type".to_owned()
    } else {
        response.content_type.clone()
    }
}

fn show_set(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        return "nothing".to_owned();
    }
    let shown: Vec<&str> = set.iter().take(3).map(String::as_str).collect();
    if set.len() > 3 {
        format!("{} items ({}, …)", set.len(), shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// What `got` has and lacks compared with `expected`.
fn difference(what: &str, got: &BTreeSet<String>, expected: &BTreeSet<String>) -> String {
    let extra: BTreeSet<String> = got.difference(expected).cloned().collect();
    let missing: BTreeSet<String> = expected.difference(got).cloned().collect();
    let mut parts = Vec::new();
    if !extra.is_empty() {
        parts.push(format!("has extra {}", show_set(&extra)));
    }
    if !missing.is_empty() {
        parts.push(format!("lacks {}", show_set(&missing)));
    }
    format!(
        "{what} ({} items, expected {}) {}",
        got.len(),
        expected.len(),
        parts.join(" and ")
    )
}

fn noun(call: &ApiCall) -> String {
    smart_core::vocab::compact(call.target)
}

fn with_query(url: &str, query: &str) -> String {
    if url.contains('?') {
        format!("{url}&{query}")
    } else {
        format!("{url}?{query}")
    }
}

/// A path segment, percent-encoded.
fn segment(value: &str) -> String {
    percent_encode(value.as_bytes(), EncodeSet::Unreserved)
}

/// A query value, percent-encoded.
fn query_value(value: &str) -> String {
    percent_encode(value.as_bytes(), EncodeSet::Unreserved)
}

/// A random marker for data the verifier writes.
fn marker() -> String {
    use smart_auth::SecureRandom as _;
    let mut bytes = [0u8; 8];
    // Uniqueness is a convenience here, not a security property.
    let _ = smart_auth::OsRandom::new().fill(&mut bytes);
    smart_core::encoding::hex_lower(&bytes)
}

fn family_name(graph: &Graph, demographics: &NamedOrBlankNode) -> Option<String> {
    let names = graph.object_for_subject_predicate(
        demographics,
        oxrdf::NamedNodeRef::new_unchecked(vcard!("n")),
    )?;
    let node = match names {
        oxrdf::TermRef::NamedNode(n) => NamedOrBlankNode::from(n.into_owned()),
        oxrdf::TermRef::BlankNode(b) => NamedOrBlankNode::from(b.into_owned()),
        _ => return None,
    };
    rdf::literal_values(graph, &node, vcard!("family-name"))
        .into_iter()
        .next()
}

/// The media type a document's metadata names (`dcterms:format` › `rdfs:label`, or the
/// `mime:` IRI).
fn document_media_type(graph: &Graph, doc: &NamedOrBlankNode) -> Option<String> {
    let format = graph.object_for_subject_predicate(
        doc,
        oxrdf::NamedNodeRef::new_unchecked(smart_core::dcterms!("format")),
    )?;
    let node = match format {
        oxrdf::TermRef::NamedNode(n) => {
            if let Some(t) = n.as_str().strip_prefix("http://purl.org/NET/mediatypes/") {
                return Some(t.to_owned());
            }
            NamedOrBlankNode::from(n.into_owned())
        }
        oxrdf::TermRef::BlankNode(b) => NamedOrBlankNode::from(b.into_owned()),
        _ => return None,
    };
    rdf::literal_values(graph, &node, "http://www.w3.org/2000/01/rdf-schema#label")
        .into_iter()
        .next()
}

/// `sp:fileSize` › `sp:value`, in bytes.
fn file_size(graph: &Graph, doc: &NamedOrBlankNode) -> Option<u64> {
    let size = graph
        .object_for_subject_predicate(doc, oxrdf::NamedNodeRef::new_unchecked(sp!("fileSize")))?;
    let node = match size {
        oxrdf::TermRef::NamedNode(n) => NamedOrBlankNode::from(n.into_owned()),
        oxrdf::TermRef::BlankNode(b) => NamedOrBlankNode::from(b.into_owned()),
        _ => return None,
    };
    rdf::literal_values(graph, &node, sp!("value"))
        .into_iter()
        .next()?
        .trim()
        .parse()
        .ok()
}
