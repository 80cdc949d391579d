//! The container calls: the container manifest, app manifests, record and user searches,
//! one user; and the public app list of the container's own endpoints.

use super::call::{CallAnswer, CallRequest};
use super::summary::Summary;
use super::{Container, ServiceError};
use crate::clinical::RecordSearch;
use crate::directory::{Account, AccountQuery, AppId, Page, UserId};
use oxrdf::vocab::rdf;
use oxrdf::{Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use serde_json::json;
use smart_auth::oauth::percent_encode;
use smart_core::manifest::{ContainerManifest, LaunchUrls};
use smart_core::{foaf, sp};
use smart_rdf::split::to_public;

impl Container {
    /// The container manifest. Its `capabilities` are every catalog call: each has a
    /// handler (the dispatch is exhaustive), and smart-http routes each (a test there
    /// checks every call resolves to itself).
    pub(super) fn container_manifest(&self) -> Result<CallAnswer, ServiceError> {
        let config = &self.config;
        let base = config.api_base();
        let manifest: ContainerManifest = ContainerManifest::builder()
            .name(config.name.clone())
            .description(config.description.clone())
            .admin(config.admin_email.clone())
            .api_base(base)
            .launch_urls(LaunchUrls::standard(base, base))
            .build()
            .map_err(ServiceError::internal)?;
        Ok(CallAnswer::Json(manifest.to_json()))
    }

    /// The manifests of the enabled apps, as a JSON array (temporary apps, launched by URL
    /// for one UI session, are nobody else's business and are left out).
    pub(super) async fn app_manifests(&self) -> Result<CallAnswer, ServiceError> {
        let apps = self.directory.list_apps().await?;
        let list: Vec<serde_json::Value> = apps
            .iter()
            .filter(|a| a.enabled && a.owner_session.is_none())
            .map(|a| serde_json::to_value(&a.manifest).unwrap_or_default())
            .collect();
        Ok(json_answer(&serde_json::Value::Array(list)))
    }

    /// The manifest of one enabled app.
    pub(super) async fn app_manifest(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let id = r.binding("descriptor").or(r.binding("app_id"));
        let id = id.unwrap_or_default();
        let app = match AppId::new(id) {
            Ok(app) => self.directory.get_app(&app).await?,
            Err(_) => None,
        };
        match app {
            Some(app) if app.enabled && app.owner_session.is_none() => {
                Ok(CallAnswer::Json(app.manifest.to_json()))
            }
            _ => Err(ServiceError::not_found(format!("no app {id}"))),
        }
    }

    /// The public list of enabled apps (id, name, description, mode, icon), as a JSON
    /// array: what a container's app gallery shows.
    pub async fn app_list(&self) -> Result<CallAnswer, ServiceError> {
        let apps = self.directory.list_apps().await?;
        let list: Vec<serde_json::Value> = apps
            .iter()
            .filter(|a| a.enabled && a.owner_session.is_none())
            .map(|a| {
                let m = &a.manifest;
                json!({
                    "id": m.id,
                    "name": m.name,
                    "description": m.description,
                    "mode": serde_json::to_value(m.mode).unwrap_or_default(),
                    "icon": m.icon,
                })
            })
            .collect();
        Ok(json_answer(&serde_json::Value::Array(list)))
    }

    /// Records whose demographics match, with a summary.
    pub(super) async fn search_records(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = r.format()?;
        let search = RecordSearch::from_params(&r.query)?;
        let page = self.clinical.search_records(&search).await?;
        let mut graph = to_public(&page.graph, &self.api_base);
        let next_page = search
            .limit
            .filter(|limit| search.offset + limit < page.total)
            .map(|limit| self.next_page_url(r, search.offset + limit, limit));
        Summary {
            returned: page.records.len(),
            total: page.total,
            order: None,
            next_page,
            started: r.started,
        }
        .add_to(&mut graph);
        Ok(CallAnswer::rdf(
            smart_rdf::serialize(&graph, format),
            format,
        ))
    }

    /// One user as `sp:User`.
    pub(super) async fn get_user(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = r.format()?;
        let user = r.binding("user_id").unwrap_or_default();
        let id = UserId::new(user).map_err(|e| ServiceError::bad_request(e.to_string()))?;
        let Some(account) = self.directory.get_account(&id).await? else {
            return Err(ServiceError::not_found(format!("no user {user}")));
        };
        let mut graph = Graph::new();
        user_graph(&mut graph, self.config.api_base(), &account);
        Ok(CallAnswer::rdf(
            smart_rdf::serialize(&graph, format),
            format,
        ))
    }

    /// Users by name prefix (`given_name`, `family_name`), all pages, with a summary.
    pub(super) async fn search_users(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = r.format()?;
        let mut query = AccountQuery::all();
        for (name, value) in &r.query {
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
            let found = self.directory.search_accounts(&query, p).await?;
            for account in &found.items {
                user_graph(&mut graph, self.config.api_base(), account);
                count += 1;
            }
            page = found.next;
        }
        Summary {
            returned: count,
            total: count,
            order: None,
            next_page: None,
            started: r.started,
        }
        .add_to(&mut graph);
        Ok(CallAnswer::rdf(
            smart_rdf::serialize(&graph, format),
            format,
        ))
    }
}

/// Pretty JSON, as the manifests calls have always answered.
fn json_answer(value: &serde_json::Value) -> CallAnswer {
    CallAnswer::Json(serde_json::to_string_pretty(value).unwrap_or_default())
}

/// The RDF of a user: `sp:User` with name, e-mail, department and role.
fn user_graph(graph: &mut Graph, base: &str, account: &Account) {
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
