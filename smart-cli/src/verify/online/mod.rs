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

mod apps;
mod calls;
mod fetch;
mod oauth;
mod paging;

use fetch::*;
use paging::*;

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
    pub(super) fn advertised(&self, call: &ApiCall) -> bool {
        self.manifest
            .capabilities
            .get(call.target)
            .is_some_and(|r| r.methods.contains(&call.method))
    }

    /// GET /ontology: RDF/XML describing the API calls.
    pub(super) async fn ontology(&mut self) {
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
    pub(super) async fn token(&mut self, target: &Target) -> Option<(String, Token)> {
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
}
