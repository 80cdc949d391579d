//! A SMART **background app**: a program with no user interface that walks every record of
//! a container and reports the patients whose last blood pressure is high.
//!
//! It is written as any third-party app would be: it talks to the container over HTTP
//! only, signs each request with OAuth 1.0a (the `oauth1-request` crate) and reads the RDF/XML
//! answers with `oxrdfxml`. It depends on no smart-rs crate.
//!
//! The walk (SMART Classic, "background apps"):
//! 1. `GET /apps/{app_id}/tokens/records/first`, signed with the app's consumer key and
//!    secret only (two-legged), answers a form with `smart_record_id`, `oauth_token` and
//!    `oauth_token_secret`: a token that reads that one record.
//! 2. The app reads the record with that token (three-legged signature, no user involved).
//! 3. `GET /apps/{app_id}/tokens/records/{record_id}/next` gives the token of the following
//!    record; a 404 ends the walk.
//!
//! ```no_run
//! # async fn run() -> Result<(), example_background_app::Error> {
//! use example_background_app::{App, HIGH};
//! let app = App::new("http://127.0.0.1:7000", "nightly@ehr.example.org", "its secret");
//! for row in app.walk().await? {
//!     if row.last_bp.is_some_and(|bp| bp.is_high(HIGH)) {
//!         println!("{} {}", row.record_id, row.name);
//!     }
//! }
//! # Ok(()) }
//! ```

use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const SP: &str = "http://smartplatforms.org/terms#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const DCTERMS_DATE: &str = "http://purl.org/dc/terms/date";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The threshold this report uses: 140/90 mmHg (stage 2 in adults).
pub const HIGH: BloodPressure = BloodPressure {
    systolic: 140.0,
    diastolic: 90.0,
};

/// What can go wrong while walking.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The container could not be reached.
    #[error("cannot reach the container: {0}")]
    Http(#[from] reqwest::Error),
    /// The container answered an error status.
    #[error("{method} {path} answered {status}: {body}")]
    Status {
        /// The request method.
        method: &'static str,
        /// The request path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The answer's text (the container names the problem there).
        body: String,
    },
    /// An answer was not what the API promises.
    #[error("unexpected answer to {path}: {detail}")]
    Answer {
        /// The request path.
        path: String,
        /// What was wrong.
        detail: String,
    },
}

/// A blood pressure in mmHg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BloodPressure {
    /// Systolic pressure.
    pub systolic: f64,
    /// Diastolic pressure.
    pub diastolic: f64,
}

impl BloodPressure {
    /// True if either value reaches the threshold's.
    pub fn is_high(self, threshold: BloodPressure) -> bool {
        self.systolic >= threshold.systolic || self.diastolic >= threshold.diastolic
    }
}

/// One line of the report: a record, its patient's name and last blood pressure.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordReport {
    /// The record id.
    pub record_id: String,
    /// "Given Family" from the demographics.
    pub name: String,
    /// The date (`YYYY-MM-DD…`) and value of the latest vital sign set with a blood
    /// pressure, if any.
    pub last_bp_date: Option<String>,
    /// The latest blood pressure, if any.
    pub last_bp: Option<BloodPressure>,
}

/// The app: the container's API base and the app's consumer credentials.
#[derive(Debug)]
pub struct App {
    http: reqwest::Client,
    api_base: String,
    key: String,
    secret: String,
    nonce: AtomicU64,
}

impl App {
    /// An app with consumer key `key` (= its manifest id) and `secret`.
    pub fn new(api_base: &str, key: &str, secret: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            api_base: api_base.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            nonce: AtomicU64::new(0),
        }
    }

    /// Walks every record once, in the container's order, and reports each.
    pub async fn walk(&self) -> Result<Vec<RecordReport>, Error> {
        let mut rows = Vec::new();
        let mut path = format!("/apps/{}/tokens/records/first", self.key);
        while let Some(grant) = self.record_token(&path).await? {
            rows.push(self.report(&grant).await?);
            path = format!("/apps/{}/tokens/records/{}/next", self.key, grant.record_id);
        }
        Ok(rows)
    }

    /// The token for the record `path` names, or `None` at the end of the walk.
    async fn record_token(&self, path: &str) -> Result<Option<RecordGrant>, Error> {
        let answer = self.get(path, None).await?;
        let Some(body) = answer else { return Ok(None) };
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_str(&body).map_err(|e| Error::Answer {
                path: path.to_owned(),
                detail: format!("not a form: {e}"),
            })?;
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| Error::Answer {
                    path: path.to_owned(),
                    detail: format!("no {name}"),
                })
        };
        Ok(Some(RecordGrant {
            record_id: field("smart_record_id")?,
            token: field("oauth_token")?,
            secret: field("oauth_token_secret")?,
        }))
    }

    /// Reads one record's demographics and vital signs with its token.
    async fn report(&self, grant: &RecordGrant) -> Result<RecordReport, Error> {
        let base = format!("/records/{}", grant.record_id);
        let demographics = self
            .read_graph(&format!("{base}/demographics"), grant)
            .await?;
        let vitals = self
            .read_graph(&format!("{base}/vital_sign_sets/"), grant)
            .await?;
        let last = latest_blood_pressure(&vitals);
        Ok(RecordReport {
            record_id: grant.record_id.clone(),
            name: patient_name(&demographics).unwrap_or_default(),
            last_bp_date: last.as_ref().map(|(date, _)| date.clone()),
            last_bp: last.map(|(_, bp)| bp),
        })
    }

    async fn read_graph(&self, path: &str, grant: &RecordGrant) -> Result<Graph, Error> {
        let body = self
            .get(path, Some(grant))
            .await?
            .ok_or_else(|| Error::Answer {
                path: path.to_owned(),
                detail: "404 for a record the walk just named".to_owned(),
            })?;
        let mut graph = Graph::new();
        for triple in oxrdfxml::RdfXmlParser::new().for_slice(body.as_bytes()) {
            let triple = triple.map_err(|e| Error::Answer {
                path: path.to_owned(),
                detail: format!("not RDF/XML: {e}"),
            })?;
            graph.insert(&triple);
        }
        Ok(graph)
    }

    /// A signed GET (without query). `Ok(None)` for 404, which ends a walk.
    async fn get(&self, path: &str, grant: Option<&RecordGrant>) -> Result<Option<String>, Error> {
        let url = format!("{}{path}", self.api_base);
        let mut builder = oauth1_request::Builder::<_, _>::new(
            oauth1_request::Credentials::new(self.key.as_str(), self.secret.as_str()),
            oauth1_request::HmacSha1::new(),
        );
        if let Some(g) = grant {
            builder.token(oauth1_request::Credentials::new(
                g.token.as_str(),
                g.secret.as_str(),
            ));
        }
        // A nonce unique per request of this process; the timestamp makes it unique
        // across runs within the container's window.
        let nonce = format!(
            "{}-{}",
            std::process::id(),
            self.nonce.fetch_add(1, Ordering::Relaxed)
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        builder
            .nonce(nonce.as_str())
            .timestamp(NonZeroU64::new(now));
        let authorization = builder.get(&url, &());
        let answer = self
            .http
            .get(&url)
            .header("Authorization", authorization)
            .send()
            .await?;
        let status = answer.status().as_u16();
        let body = answer.text().await?;
        match status {
            200 => Ok(Some(body)),
            404 if grant.is_none() => Ok(None),
            _ => Err(Error::Status {
                method: "GET",
                path: path.to_owned(),
                status,
                body,
            }),
        }
    }
}

/// A per-record token from the walk.
#[derive(Debug)]
struct RecordGrant {
    record_id: String,
    token: String,
    secret: String,
}

fn sp(local: &str) -> String {
    format!("{SP}{local}")
}

fn object<'a>(
    graph: &'a Graph,
    subject: NamedOrBlankNodeRef<'a>,
    predicate: &str,
) -> Option<TermRef<'a>> {
    graph.object_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
}

fn node(term: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

fn literal(term: TermRef<'_>) -> Option<&str> {
    match term {
        TermRef::Literal(l) => Some(l.value()),
        _ => None,
    }
}

/// "Given Family" from a demographics graph (`vcard:n` of the `sp:Demographics`).
pub fn patient_name(graph: &Graph) -> Option<String> {
    let ty = sp("Demographics");
    let demographics = graph
        .subjects_for_predicate_object(
            NamedNodeRef::new_unchecked(RDF_TYPE),
            NamedNodeRef::new_unchecked(&ty),
        )
        .next()?;
    let name = node(object(graph, demographics, &format!("{VCARD}n"))?)?;
    let part = |p: &str| object(graph, name, &format!("{VCARD}{p}")).and_then(literal);
    Some(format!(
        "{} {}",
        part("given-name").unwrap_or(""),
        part("family-name").unwrap_or("")
    ))
}

/// The latest vital sign set that has a blood pressure: its date and value.
pub fn latest_blood_pressure(graph: &Graph) -> Option<(String, BloodPressure)> {
    let ty = sp("VitalSignSet");
    let value = |bp, which: &str| -> Option<f64> {
        let vital = node(object(graph, bp, &sp(which))?)?;
        literal(object(graph, vital, &sp("value"))?)?.parse().ok()
    };
    graph
        .subjects_for_predicate_object(
            NamedNodeRef::new_unchecked(RDF_TYPE),
            NamedNodeRef::new_unchecked(&ty),
        )
        .filter_map(|set| {
            let date = literal(object(graph, set, DCTERMS_DATE)?)?.to_owned();
            let bp = node(object(graph, set, &sp("bloodPressure"))?)?;
            let pressure = BloodPressure {
                systolic: value(bp, "systolic")?,
                diastolic: value(bp, "diastolic")?,
            };
            Some((date, pressure))
        })
        // ISO dates (with times) sort as text.
        .max_by(|a, b| a.0.cmp(&b.0))
}
