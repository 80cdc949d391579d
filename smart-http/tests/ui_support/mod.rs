//! Helpers of the web UI tests: a cookie-keeping HTTP visitor and hand-made patients.
#![allow(dead_code, unreachable_pub)]

use crate::common::{PASSWORD, TestServer};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use smart_core::RecordId;
use std::collections::BTreeMap;

/// A browser without JavaScript: remembers cookies, never follows redirects.
pub struct Visitor {
    pub http: reqwest::Client,
    /// The server's origin (`http://127.0.0.1:port`).
    pub origin: String,
    /// The UI base path (`""` or `/ehr`).
    pub base: String,
    pub cookies: BTreeMap<String, String>,
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value of the first `name="csrf"` hidden input.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf input");
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// The `smart-page` JSON data block of the record view.
    pub fn page_data(&self) -> serde_json::Value {
        let start = "<script type=\"application/json\" id=\"smart-page\">";
        let at = self.body.find(start).expect("a smart-page block") + start.len();
        let end = self.body[at..].find("</script>").unwrap();
        serde_json::from_str(&self.body[at..at + end]).unwrap()
    }
}

impl Visitor {
    pub fn new(server: &TestServer, base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            origin: server.base.trim_end_matches(base).to_owned(),
            base: base.to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header("cookie", self.cookie_header())
        };
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().await.unwrap();
        let answer = Answer {
            status,
            headers,
            body,
        };
        for line in answer.set_cookies() {
            let pair = line.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || line.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        answer
    }

    /// `path` is a UI path; the base is put in front.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin, self.base)
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let rb = self.http.get(self.url(path));
        self.send(rb).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let rb = self.http.post(self.url(path)).form(form);
        self.send(rb).await
    }

    /// Opens the login page and signs in; returns the answer to the POST.
    pub async fn login_as(&mut self, user: &str, password: &str, next: &str) -> Answer {
        let page = self.get("/login").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let csrf = page.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("next", next),
                ("username", user),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn login(&mut self, user: &str) {
        let a = self.login_as(user, PASSWORD, "/").await;
        assert_eq!(a.status, 303, "{}", a.body);
    }

    /// The session CSRF token (from the account page).
    pub async fn csrf(&mut self) -> String {
        let a = self.get("/account").await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.csrf()
    }

    pub async fn launch(&mut self, csrf: Option<&str>, body: &serde_json::Value) -> Answer {
        let mut rb = self
            .http
            .post(self.url("/ui/launch"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(c) = csrf {
            rb = rb.header("x-csrf-token", c);
        }
        self.send(rb).await
    }

    pub async fn relay(&mut self, method: &str, func: &str, token: &str, body: &str) -> Answer {
        let rb = self
            .http
            .request(method.parse().unwrap(), self.url(&format!("/ui/api{func}")))
            .header("x-smart-launch", token)
            .header("content-type", "text/plain")
            .body(body.to_owned());
        self.send(rb).await
    }
}

/// A patient's RDF/XML: just the demographics.
pub fn patient_xml(given: &str, family: &str, gender: &str, bday: &str, zip: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:sp="http://smartplatforms.org/terms#" xmlns:foaf="http://xmlns.com/foaf/0.1/"
  xmlns:v="http://www.w3.org/2006/vcard/ns#">
<sp:MedicalRecord rdf:nodeID="patient"/>
<sp:Demographics>
 <sp:belongsTo rdf:nodeID="patient"/>
 <v:n><v:Name><v:given-name>{}</v:given-name><v:family-name>{}</v:family-name></v:Name></v:n>
 <v:adr><v:Address><v:postal-code>{zip}</v:postal-code></v:Address></v:adr>
 <foaf:gender>{gender}</foaf:gender>
 <v:bday>{bday}</v:bday>
</sp:Demographics>
</rdf:RDF>"#,
        esc(given),
        esc(family)
    )
}

pub async fn add_patient(
    server: &TestServer,
    id: &str,
    given: &str,
    family: &str,
    gender: &str,
    bday: &str,
    zip: &str,
) {
    let record = RecordId::new(id).unwrap();
    let xml = patient_xml(given, family, gender, bday, zip);
    let graph = smart_rdf::parse(xml.as_bytes(), smart_rdf::RdfFormat::RdfXml, None).unwrap();
    let split = smart_rdf::split_record(&graph, &record).unwrap();
    server
        .container
        .clinical()
        .replace_record(&split)
        .await
        .unwrap();
    server
        .container
        .directory()
        .upsert_record(&record, "", smart_store::directory::Timestamp::now())
        .await
        .unwrap();
}
