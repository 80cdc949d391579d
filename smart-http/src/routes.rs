//! Which handler a request goes to: the container endpoints of [`CONTAINER_ROUTES`] first,
//! then every call of the smart-core catalog (so the catalog is the route table of the
//! REST API). Unknown paths are 404; known paths with another method are 405 with `Allow`.

use smart_auth::policy::{ContainerEndpoint as C, Endpoint};
use smart_core::catalog::{self, ApiCall, HttpMethod, PathBindings};

/// A container endpoint that is not a catalog call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerRoute {
    /// `POST /oauth/request_token`.
    RequestToken,
    /// `POST /oauth/access_token`.
    AccessToken,
    /// `POST /oauth/login`: password login for the UI principal.
    Login,
    /// `POST /oauth/logout`: ends the calling session.
    Logout,
    /// `GET /accounts/{account_id}/apps/{app_id}/launch[?record_id=]`.
    Launch,
    /// `GET /apps/{app_id}/tokens/records/first`.
    BackgroundFirst,
    /// `GET /apps/{app_id}/tokens/records/{record_id}/next`.
    BackgroundNext,
    /// `GET /apps/{app_id}/tokens/records/{record_id}`.
    BackgroundRecord,
    /// `GET /apps/`: the public app list.
    ListApps,
    /// `POST /apps/`: register an app (body: the manifest).
    RegisterApp,
    /// `PUT /apps/{app_id}/manifest`: replace an app's manifest.
    ReplaceApp,
    /// `DELETE /apps/{app_id}/manifest`.
    DeleteApp,
    /// `GET /apps/{app_id}/credentials`.
    AppCredentials,
}

impl ContainerRoute {
    /// The policy endpoint.
    pub fn endpoint(self) -> Endpoint {
        let e = match self {
            Self::RequestToken => C::RequestToken,
            Self::AccessToken => C::AccessToken,
            Self::Login => C::Login,
            Self::Logout => C::Logout,
            Self::Launch => C::Launch,
            Self::BackgroundFirst | Self::BackgroundNext | Self::BackgroundRecord => {
                C::BackgroundTokens
            }
            Self::ListApps => C::ListApps,
            Self::RegisterApp => C::RegisterApp,
            Self::ReplaceApp => C::ReplaceApp,
            Self::DeleteApp => C::DeleteApp,
            Self::AppCredentials => C::AppCredentials,
        };
        Endpoint::Container(e)
    }
}

/// Every container endpoint: method, path template, route.
pub const CONTAINER_ROUTES: &[(HttpMethod, &str, ContainerRoute)] = &[
    (
        HttpMethod::Post,
        "/oauth/request_token",
        ContainerRoute::RequestToken,
    ),
    (
        HttpMethod::Post,
        "/oauth/access_token",
        ContainerRoute::AccessToken,
    ),
    (HttpMethod::Post, "/oauth/login", ContainerRoute::Login),
    (HttpMethod::Post, "/oauth/logout", ContainerRoute::Logout),
    (
        HttpMethod::Get,
        "/accounts/{account_id}/apps/{app_id}/launch",
        ContainerRoute::Launch,
    ),
    (
        HttpMethod::Get,
        "/apps/{app_id}/tokens/records/first",
        ContainerRoute::BackgroundFirst,
    ),
    (
        HttpMethod::Get,
        "/apps/{app_id}/tokens/records/{record_id}/next",
        ContainerRoute::BackgroundNext,
    ),
    (
        HttpMethod::Get,
        "/apps/{app_id}/tokens/records/{record_id}",
        ContainerRoute::BackgroundRecord,
    ),
    (HttpMethod::Get, "/apps/", ContainerRoute::ListApps),
    (HttpMethod::Post, "/apps/", ContainerRoute::RegisterApp),
    (
        HttpMethod::Put,
        "/apps/{app_id}/manifest",
        ContainerRoute::ReplaceApp,
    ),
    (
        HttpMethod::Delete,
        "/apps/{app_id}/manifest",
        ContainerRoute::DeleteApp,
    ),
    (
        HttpMethod::Get,
        "/apps/{app_id}/credentials",
        ContainerRoute::AppCredentials,
    ),
];

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// A catalog call.
    Api(&'static ApiCall, PathBindings),
    /// A container endpoint.
    Container(ContainerRoute, PathBindings),
}

impl Route {
    /// The policy endpoint.
    pub fn endpoint(&self) -> Endpoint {
        match self {
            Self::Api(call, _) => Endpoint::Api(call),
            Self::Container(route, _) => route.endpoint(),
        }
    }

    /// The path variables.
    pub fn bindings(&self) -> &PathBindings {
        match self {
            Self::Api(_, b) | Self::Container(_, b) => b,
        }
    }

    /// The value of one path variable.
    pub fn binding(&self, name: &str) -> Option<&str> {
        self.bindings()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why no route was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoRoute {
    /// No endpoint has this path.
    NotFound,
    /// The path exists with these methods.
    MethodNotAllowed(Vec<HttpMethod>),
}

/// Resolves a request (path relative to the API base, without the query string).
pub fn resolve(method: &str, path: &str) -> Result<Route, NoRoute> {
    // HEAD is answered as GET (hyper drops the body).
    let method = if method == "HEAD" { "GET" } else { method };
    // smart-core's `match_path` binds a segment with a malformed %-escape (`%ZZ`) as is;
    // no endpoint has such a path, so it is a 404 before any matching.
    if path
        .split('/')
        .any(|segment| percent_decode(segment).is_none())
    {
        return Err(NoRoute::NotFound);
    }
    if let Some(m) = HttpMethod::from_name(method) {
        if let Some(route) = container_match(m, path) {
            return Ok(route);
        }
        if let Some((call, bindings)) = catalog::match_path(m, path) {
            return Ok(Route::Api(call, bindings));
        }
    }
    let allowed: Vec<HttpMethod> = HttpMethod::ALL
        .into_iter()
        .filter(|m| container_match(*m, path).is_some() || catalog::match_path(*m, path).is_some())
        .collect();
    if allowed.is_empty() {
        Err(NoRoute::NotFound)
    } else {
        Err(NoRoute::MethodNotAllowed(allowed))
    }
}

/// The most specific container route for this method and path (literal segments win).
fn container_match(method: HttpMethod, path: &str) -> Option<Route> {
    let mut best: Option<(ContainerRoute, PathBindings, Vec<bool>)> = None;
    for (m, template, route) in CONTAINER_ROUTES {
        if *m != method {
            continue;
        }
        let Some((bindings, shape)) = bind(template, path) else {
            continue;
        };
        if best.as_ref().is_none_or(|(_, _, s)| shape < *s) {
            best = Some((*route, bindings, shape));
        }
    }
    best.map(|(r, b, _)| Route::Container(r, b))
}

/// Binds `path` to `template` segment by segment; variables take one non-empty,
/// percent-decoded segment.
fn bind(template: &'static str, path: &str) -> Option<(PathBindings, Vec<bool>)> {
    let mut t = template.split('/');
    let mut p = path.split('/');
    let mut bindings = Vec::new();
    let mut shape = Vec::new();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some((bindings, shape)),
            (Some(ts), Some(ps)) => {
                if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if ps.is_empty() {
                        return None;
                    }
                    bindings.push((name, percent_decode(ps)?));
                    shape.push(true);
                } else if ts == ps {
                    shape.push(false);
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Percent-decodes a path segment; `None` if an escape is malformed or the result is not
/// UTF-8 (the rules are [`smart_core::encoding`]'s, strict).
pub fn percent_decode(s: &str) -> Option<String> {
    use smart_core::encoding::{Decoding, percent_decode};
    String::from_utf8(percent_decode(s.as_bytes(), Decoding::strict()).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_call_resolves_to_itself() {
        for call in catalog::CALLS {
            let values: Vec<(&str, &str)> = call
                .path_variables()
                .into_iter()
                .map(|v| (v, "x1"))
                .collect();
            let path = call.expand_path(&values).unwrap();
            match resolve(call.method.as_str(), &path) {
                Ok(Route::Api(c, _)) => assert_eq!(c.name, call.name, "{path}"),
                other => panic!("{} {path}: {other:?}", call.name),
            }
        }
    }

    #[test]
    fn container_routes_beat_the_catalog_only_where_they_are_more_specific() {
        let r = resolve("GET", "/apps/a%40b.org/tokens/records/first").unwrap();
        assert_eq!(
            r,
            Route::Container(
                ContainerRoute::BackgroundFirst,
                vec![("app_id", "a@b.org".to_owned())]
            )
        );
        let r = resolve("GET", "/apps/a@b.org/manifest").unwrap();
        assert!(matches!(r, Route::Api(c, _) if c.name == "get_app_manifest"));
        let r = resolve("PUT", "/apps/a@b.org/manifest").unwrap();
        assert!(matches!(r, Route::Container(ContainerRoute::ReplaceApp, _)));
        assert!(
            matches!(resolve("GET", "/users/search"), Ok(Route::Api(c, _)) if c.name == "search_users")
        );
    }

    #[test]
    fn unknown_and_wrong_method() {
        assert_eq!(resolve("GET", "/nope"), Err(NoRoute::NotFound));
        assert_eq!(
            resolve("PATCH", "/records/1/medications/"),
            Err(NoRoute::MethodNotAllowed(vec![HttpMethod::Get]))
        );
        assert_eq!(
            resolve("DELETE", "/apps/x/credentials"),
            Err(NoRoute::MethodNotAllowed(vec![HttpMethod::Get]))
        );
        assert_eq!(
            resolve("GET", "/records/1/medications/%ZZ"),
            Err(NoRoute::NotFound)
        );
    }
}
