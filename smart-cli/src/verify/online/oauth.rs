//! The OAuth refusals: each abuse of the protocol tried and refused.

use super::*;

impl<W: Write> Ctx<'_, W> {
    /// Requests that must be refused, on the demographics of the record (a record call
    /// every container serves).
    pub(super) async fn oauth(&mut self) {
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
        let stale = smart_auth::Timestamp::from_unix_secs(
            crate::verify::client::now()
                .as_unix_secs()
                .saturating_sub(2 * 24 * 3600),
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
    pub(super) fn refused(
        &mut self,
        name: &str,
        what: &str,
        response: Result<Response, crate::verify::client::ClientError>,
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

    pub(super) fn refused_or_missing(
        &mut self,
        name: &str,
        what: &str,
        response: Result<Response, crate::verify::client::ClientError>,
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
}
