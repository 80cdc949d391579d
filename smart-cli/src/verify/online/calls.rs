//! The checks of each advertised call: collections, their items, single resources, raw
//! documents and photographs.

use super::*;

impl<W: Write> Ctx<'_, W> {
    /// One call of the catalog.
    pub(super) async fn call(&mut self, call: &'static ApiCall) {
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
    pub(super) async fn collection(&mut self, call: &'static ApiCall) {
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
    pub(super) async fn items(&mut self, collection: &'static ApiCall, items: &BTreeSet<String>) {
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
    pub(super) async fn raw_document(
        &mut self,
        call: &ApiCall,
        path: &str,
        iri: &str,
        meta: &Graph,
    ) {
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
    pub(super) async fn single(&mut self, call: &'static ApiCall) {
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
    pub(super) async fn photograph(&mut self, call: &ApiCall) {
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
}
