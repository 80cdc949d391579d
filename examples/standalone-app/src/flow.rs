//! The app's calls to the container: the container manifest, the two OAuth token requests
//! and the record reads, each signed with OAuth 1.0a (HMAC-SHA1).

use crate::AppConfig;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use std::num::NonZeroU64;
use std::time::{SystemTime, UNIX_EPOCH};

const SP: &str = "http://smartplatforms.org/terms#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// What can go wrong talking to the container.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The container could not be reached.
    #[error("cannot reach the container: {0}")]
    Http(#[from] reqwest::Error),
    /// The container answered an error status (its text names the problem).
    #[error("the container answered {status} to {what}: {body}")]
    Status {
        /// Which step.
        what: &'static str,
        /// The HTTP status.
        status: u16,
        /// The answer's text.
        body: String,
    },
    /// An answer was not what the API promises.
    #[error("unexpected answer to {what}: {detail}")]
    Answer {
        /// Which step.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
}

/// The OAuth URLs from the container manifest (`launch_urls`).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct LaunchUrls {
    app_launch: String,
    request_token: String,
    pub(crate) authorize_token: String,
    exchange_token: String,
}

#[derive(serde::Deserialize)]
struct ContainerManifest {
    launch_urls: LaunchUrls,
}

impl LaunchUrls {
    /// The container's record picker for this app.
    pub(crate) fn app_launch(&self, app_id: &str) -> String {
        self.app_launch.replace("{{app_id}}", app_id)
    }
}

/// An access token from the exchange, bound to (app, user, record).
#[derive(Debug)]
pub(crate) struct Access {
    token: String,
    secret: String,
    record_id: String,
}

/// One medication as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Medication {
    pub(crate) name: String,
    pub(crate) start: Option<String>,
    pub(crate) end: Option<String>,
    pub(crate) instructions: Option<String>,
}

/// What the page shows.
#[derive(Debug)]
pub(crate) struct MedicationView {
    pub(crate) record_id: String,
    pub(crate) patient: String,
    pub(crate) medications: Vec<Medication>,
}

/// A query value (`serde_urlencoded` does the percent-encoding).
pub(crate) fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

pub(crate) struct Client {
    config: AppConfig,
    http: reqwest::Client,
}

impl Client {
    pub(crate) fn new(mut config: AppConfig) -> Self {
        config.container = config.container.trim_end_matches('/').to_owned();
        Self {
            config,
            http: reqwest::Client::new(),
        }
    }

    pub(crate) fn config(&self) -> &AppConfig {
        &self.config
    }

    /// The `Authorization` header for one request: the app's consumer credentials, the
    /// token if any, a fresh random nonce and the current time. `params` are the query or
    /// form parameters the signature covers.
    fn authorization(
        &self,
        method: &str,
        url: &str,
        params: &[(&str, &str)],
        token: Option<(&str, &str)>,
        verifier: Option<&str>,
    ) -> String {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).expect("the operating system's random source");
        let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        let mut builder = oauth1_request::Builder::<_, _>::new(
            oauth1_request::Credentials::new(
                self.config.app_id.as_str(),
                self.config.consumer_secret.as_str(),
            ),
            oauth1_request::HmacSha1::new(),
        );
        if let Some((token, secret)) = token {
            builder.token(oauth1_request::Credentials::new(token, secret));
        }
        if let Some(verifier) = verifier {
            builder.verifier(verifier);
        } else if token.is_none() {
            // Only the request-token step carries a callback; SMART ignores its value
            // and redirects to the manifest's `oauth_callback`.
            builder.callback("oob");
        }
        builder
            .nonce(nonce.as_str())
            .timestamp(NonZeroU64::new(now));
        let params = oauth1_request::ParameterList::new(params.to_vec());
        builder.authorize(method, url, &params)
    }

    async fn text(what: &'static str, answer: reqwest::Response) -> Result<String, Error> {
        let status = answer.status().as_u16();
        let body = answer.text().await?;
        if status == 200 {
            Ok(body)
        } else {
            Err(Error::Status { what, status, body })
        }
    }

    fn form(what: &'static str, body: &str) -> Result<Vec<(String, String)>, Error> {
        serde_urlencoded::from_str(body).map_err(|e| Error::Answer {
            what,
            detail: format!("not a form: {e}"),
        })
    }

    fn field(what: &'static str, form: &[(String, String)], name: &str) -> Result<String, Error> {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::Answer {
                what,
                detail: format!("no {name}"),
            })
    }

    /// `GET {container}/manifest` (container calls need no signature).
    pub(crate) async fn container_manifest(&self) -> Result<LaunchUrls, Error> {
        let what = "the container manifest";
        let answer = self
            .http
            .get(format!("{}/manifest", self.config.container))
            .send()
            .await?;
        let body = Self::text(what, answer).await?;
        let manifest: ContainerManifest =
            serde_json::from_str(&body).map_err(|e| Error::Answer {
                what,
                detail: e.to_string(),
            })?;
        Ok(manifest.launch_urls)
    }

    /// Step 2: a request token for `record` (token, secret).
    pub(crate) async fn request_token(
        &self,
        urls: &LaunchUrls,
        record: &str,
    ) -> Result<(String, String), Error> {
        let what = "the request token";
        let authorization = self.authorization(
            "POST",
            &urls.request_token,
            &[("smart_record_id", record)],
            None,
            None,
        );
        let answer = self
            .http
            .post(&urls.request_token)
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("smart_record_id={}", encode(record)))
            .send()
            .await?;
        let form = Self::form(what, &Self::text(what, answer).await?)?;
        Ok((
            Self::field(what, &form, "oauth_token")?,
            Self::field(what, &form, "oauth_token_secret")?,
        ))
    }

    /// Step 4: the request token and verifier for an access token.
    pub(crate) async fn exchange(
        &self,
        urls: &LaunchUrls,
        token: &str,
        secret: &str,
        verifier: &str,
    ) -> Result<Access, Error> {
        let what = "the token exchange";
        let authorization = self.authorization(
            "POST",
            &urls.exchange_token,
            &[],
            Some((token, secret)),
            Some(verifier),
        );
        let answer = self
            .http
            .post(&urls.exchange_token)
            .header("Authorization", authorization)
            .send()
            .await?;
        let form = Self::form(what, &Self::text(what, answer).await?)?;
        Ok(Access {
            token: Self::field(what, &form, "oauth_token")?,
            secret: Self::field(what, &form, "oauth_token_secret")?,
            record_id: Self::field(what, &form, "record_id")?,
        })
    }

    /// A record read with the access token, parsed as RDF/XML.
    async fn read(&self, what: &'static str, access: &Access, path: &str) -> Result<Graph, Error> {
        let url = format!("{}{path}", self.config.container);
        let token = Some((access.token.as_str(), access.secret.as_str()));
        let authorization = self.authorization("GET", &url, &[], token, None);
        let answer = self
            .http
            .get(&url)
            .header("Authorization", authorization)
            .send()
            .await?;
        let body = Self::text(what, answer).await?;
        let mut graph = Graph::new();
        for triple in oxrdfxml::RdfXmlParser::new().for_slice(body.as_bytes()) {
            let triple = triple.map_err(|e| Error::Answer {
                what,
                detail: format!("not RDF/XML: {e}"),
            })?;
            graph.insert(&triple);
        }
        Ok(graph)
    }

    /// The patient's name and medications.
    pub(crate) async fn medications(&self, access: &Access) -> Result<MedicationView, Error> {
        let record = encode(&access.record_id);
        let demographics = self
            .read(
                "the demographics",
                access,
                &format!("/records/{record}/demographics"),
            )
            .await?;
        let meds = self
            .read(
                "the medications",
                access,
                &format!("/records/{record}/medications/"),
            )
            .await?;
        Ok(MedicationView {
            record_id: access.record_id.clone(),
            patient: patient_name(&demographics).unwrap_or_default(),
            medications: medications(&meds),
        })
    }
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
        TermRef::Literal(_) => None,
    }
}

fn literal(term: TermRef<'_>) -> Option<String> {
    match term {
        TermRef::Literal(l) => Some(l.value().to_owned()),
        _ => None,
    }
}

fn typed<'a>(graph: &'a Graph, class: &'a str) -> impl Iterator<Item = NamedOrBlankNodeRef<'a>> {
    graph.subjects_for_predicate_object(
        NamedNodeRef::new_unchecked(RDF_TYPE),
        NamedNodeRef::new_unchecked(class),
    )
}

/// "Given Family" from a demographics graph.
pub fn patient_name(graph: &Graph) -> Option<String> {
    let class = format!("{SP}Demographics");
    let demographics = typed(graph, &class).next()?;
    let name = node(object(graph, demographics, &format!("{VCARD}n"))?)?;
    let part = |p: &str| {
        object(graph, name, &format!("{VCARD}{p}"))
            .and_then(literal)
            .unwrap_or_default()
    };
    Some(format!("{} {}", part("given-name"), part("family-name")))
}

/// The medications of a graph (drug name = the `sp:drugName` coded value's title), sorted
/// by start date, newest first.
pub(crate) fn medications(graph: &Graph) -> Vec<Medication> {
    let class = format!("{SP}Medication");
    let mut list: Vec<Medication> = typed(graph, &class)
        .map(|m| {
            let text = |p: &str| object(graph, m, &format!("{SP}{p}")).and_then(literal);
            let name = object(graph, m, &format!("{SP}drugName"))
                .and_then(node)
                .and_then(|coded| object(graph, coded, DCTERMS_TITLE))
                .and_then(literal)
                .unwrap_or_else(|| "(unnamed medication)".to_owned());
            Medication {
                name,
                start: text("startDate"),
                end: text("endDate"),
                instructions: text("instructions"),
            }
        })
        .collect();
    list.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.name.cmp(&b.name)));
    list
}

/// The drug names of a medications graph, as the page lists them (for tests).
pub fn drug_names(graph: &Graph) -> Vec<String> {
    medications(graph).into_iter().map(|m| m.name).collect()
}
