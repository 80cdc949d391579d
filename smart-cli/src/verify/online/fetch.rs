//! Fetching and reading responses: records, paths, RDF and JSON bodies, the statement
//! checks against the model, and the small helpers every check uses.

use super::*;

impl<W: Write> Ctx<'_, W> {
    /// The record after this one, from the background token walk (2-legged), if the
    /// container hands one out.
    pub(super) async fn next_record(&self) -> Option<String> {
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
    pub(super) fn record_path(&mut self, call: &ApiCall, vars: &[(&str, &str)]) -> Option<String> {
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
    pub(super) fn public_to_base(&self, iri: &str) -> Option<String> {
        iri.strip_prefix(&self.api_base)
            .map(|rest| self.client.url(rest))
    }

    /// GET an RDF response and check it; `None` if there is nothing to go on with.
    pub(super) async fn fetch_rdf(&mut self, name: &str, url: &str, auth: Auth<'_>) -> Option<Rdf> {
        match self.client.send("GET", url, auth, None).await {
            Ok(r) => self.check_rdf_response(name, url, r),
            Err(e) => {
                self.report.fail(name, e.to_string());
                None
            }
        }
    }

    /// `name`: 200, exactly `application/rdf+xml`, a `rdf:RDF` root, parses.
    pub(super) fn check_rdf_response(
        &mut self,
        name: &str,
        url: &str,
        response: Response,
    ) -> Option<Rdf> {
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
    pub(super) async fn fetch_json(
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
    pub(super) fn check_statements(
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
    pub(super) fn iri_problem(&self, key: &str, class: Option<&'static str>) -> Option<String> {
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

pub(super) fn is_exactly(response: &Response, media_type: &str) -> bool {
    response
        .content_type
        .trim()
        .eq_ignore_ascii_case(media_type)
}

pub(super) fn content_type_reason(response: &Response, media_type: &str) -> String {
    format!(
        "Content-Type {:?}, expected exactly {media_type}",
        response.content_type
    )
}

pub(super) fn status_reason(response: &Response) -> String {
    let excerpt = response.body_excerpt();
    if excerpt.is_empty() {
        format!("status {}", response.status)
    } else {
        format!("status {}: {excerpt}", response.status)
    }
}

pub(super) fn show_type(response: &Response) -> String {
    if response.content_type.is_empty() {
        "no Content-Type".to_owned()
    } else {
        response.content_type.clone()
    }
}

pub(super) fn show_set(set: &BTreeSet<String>) -> String {
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
pub(super) fn difference(
    what: &str,
    got: &BTreeSet<String>,
    expected: &BTreeSet<String>,
) -> String {
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

pub(super) fn noun(call: &ApiCall) -> String {
    smart_core::vocab::compact(call.target)
}

pub(super) fn with_query(url: &str, query: &str) -> String {
    if url.contains('?') {
        format!("{url}&{query}")
    } else {
        format!("{url}?{query}")
    }
}

/// A path segment, percent-encoded.
pub(super) fn segment(value: &str) -> String {
    percent_encode(value.as_bytes(), EncodeSet::Unreserved)
}

/// A query value, percent-encoded.
pub(super) fn query_value(value: &str) -> String {
    percent_encode(value.as_bytes(), EncodeSet::Unreserved)
}

/// A random marker for data the verifier writes.
pub(super) fn marker() -> String {
    use smart_auth::SecureRandom as _;
    let mut bytes = [0u8; 8];
    // Uniqueness is a convenience here, not a security property.
    let _ = smart_auth::OsRandom::new().fill(&mut bytes);
    smart_core::encoding::hex_lower(&bytes)
}

pub(super) fn family_name(graph: &Graph, demographics: &NamedOrBlankNode) -> Option<String> {
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
pub(super) fn document_media_type(graph: &Graph, doc: &NamedOrBlankNode) -> Option<String> {
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
pub(super) fn file_size(graph: &Graph, doc: &NamedOrBlankNode) -> Option<u64> {
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
