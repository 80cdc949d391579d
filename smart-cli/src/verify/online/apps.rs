//! Blobs (the scratchpad and preferences), app manifests, record search and users.

use super::*;

impl<W: Write> Ctx<'_, W> {
    /// The app's own scratchpad (or preferences): read, write, read back, delete, and
    /// restore what was there.
    pub(super) async fn blob(&mut self, get: &ApiCall, what: &str) {
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
    pub(super) async fn write_blob(
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

    pub(super) async fn app_manifests(&mut self, call: &ApiCall) {
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

    pub(super) async fn app_manifest(&mut self, call: &ApiCall) {
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
    pub(super) async fn search_records(&mut self, call: &'static ApiCall) {
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

    pub(super) async fn search_users(&mut self, call: &'static ApiCall) {
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

    pub(super) async fn get_user(&mut self, call: &'static ApiCall) {
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
}
