//! The signature base string (RFC 5849 §3.4.1): the normalized base string URI and the
//! normalized request parameters.

use super::encode::percent_encode;
use std::fmt;

/// Why a URL cannot serve as a base string URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url:?} is not a usable base URL: {reason}")]
pub struct BaseUriError {
    url: String,
    reason: &'static str,
}

fn bad(url: &str, reason: &'static str) -> BaseUriError {
    BaseUriError {
        url: url.to_owned(),
        reason,
    }
}

/// The scheme, authority and path prefix of a base string URI, normalized per RFC 5849
/// §3.4.1.2: scheme and host in lower case, the default port (80 for `http`, 443 for
/// `https`) dropped, the path kept exactly as given.
///
/// For the container this is the **public** base URL from configuration (what clients
/// sign), never the request's `Host` header: behind a reverse proxy the two differ.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUri {
    /// `scheme://host[:port]`, normalized.
    origin: String,
    /// The path prefix, without a trailing `/` (empty for the root).
    prefix: String,
    https: bool,
}

impl BaseUri {
    /// Parses an absolute `http` or `https` URL without query, fragment or user info. A
    /// trailing `/` of the path is dropped: request paths are appended to it.
    pub fn parse(url: &str) -> Result<Self, BaseUriError> {
        let (uri, rest) = split_absolute(url)?;
        if !rest.is_empty() {
            return Err(bad(url, "a base URL cannot have a query or fragment"));
        }
        let prefix = uri.path.trim_end_matches('/').to_owned();
        Ok(Self {
            origin: uri.origin,
            prefix,
            https: uri.https,
        })
    }

    /// True for an `https` base.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The normalized base as a string (`https://ehr.example.org/api`), no trailing `/`.
    pub fn as_url(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }

    /// The base string URI of a request path (which starts with `/`).
    pub(crate) fn with_path(&self, path: &str) -> String {
        format!("{}{}{}", self.origin, self.prefix, path)
    }
}

impl fmt::Display for BaseUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin, self.prefix)
    }
}

/// An absolute URL split for signing: normalized origin, path as given (at least `/`).
pub(crate) struct AbsoluteUri {
    pub(crate) origin: String,
    pub(crate) path: String,
    pub(crate) https: bool,
}

/// Splits an absolute URL into its normalized origin and path, and the rest (`?query` or
/// `#fragment`, possibly empty).
pub(crate) fn split_absolute(url: &str) -> Result<(AbsoluteUri, &str), BaseUriError> {
    let Some(colon) = url.find("://") else {
        return Err(bad(url, "no scheme"));
    };
    let scheme = url[..colon].to_ascii_lowercase();
    let https = match scheme.as_str() {
        "http" => false,
        "https" => true,
        _ => return Err(bad(url, "the scheme must be http or https")),
    };
    let after = &url[colon + 3..];
    let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..auth_end];
    let rest = &after[auth_end..];
    if authority.contains('@') {
        return Err(bad(url, "user information is not allowed"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return Err(bad(url, "an IPv6 host is not closed"));
        };
        let host = &authority[..close + 2];
        let port = &authority[close + 2..];
        match port.strip_prefix(':') {
            Some(p) => (host, Some(p)),
            None if port.is_empty() => (host, None),
            None => return Err(bad(url, "junk after the IPv6 host")),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty()
        || host
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad(url, "the host is empty or has spaces"));
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(url, "the port is not a number"));
            }
            let n: u16 = p
                .parse()
                .map_err(|_| bad(url, "the port is out of range"))?;
            let default = if https { 443 } else { 80 };
            (n != default).then_some(n)
        }
    };
    let mut origin = format!("{scheme}://{}", host.to_ascii_lowercase());
    if let Some(p) = port {
        origin.push(':');
        origin.push_str(&p.to_string());
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..path_end];
    let path = if path.is_empty() { "/" } else { path };
    Ok((
        AbsoluteUri {
            origin,
            path: path.to_owned(),
            https,
        },
        &rest[path_end..],
    ))
}

/// Builds `METHOD&enc(uri)&enc(normalized parameters)` (RFC 5849 §3.4.1.1).
///
/// `params` are decoded `(name, value)` pairs from every source, with `realm` (header only)
/// and `oauth_signature` already left out. Each pair is encoded, the list sorted by encoded
/// name then encoded value, and joined as `name=value&…`.
pub(crate) fn base_string(method: &str, uri: &str, params: &[(&[u8], &[u8])]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(n, v)| (percent_encode(n), percent_encode(v)))
        .collect();
    encoded.sort();
    let mut normalized = String::new();
    for (n, v) in &encoded {
        if !normalized.is_empty() {
            normalized.push('&');
        }
        normalized.push_str(n);
        normalized.push('=');
        normalized.push_str(v);
    }
    format!(
        "{}&{}&{}",
        percent_encode(method.to_ascii_uppercase().as_bytes()),
        percent_encode(uri.as_bytes()),
        percent_encode(normalized.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_scheme_host_and_default_ports() {
        let b = BaseUri::parse("HTTPS://Example.COM:443/").unwrap();
        assert_eq!(b.with_path("/r/X"), "https://example.com/r/X");
        let b = BaseUri::parse("http://example.com:80").unwrap();
        assert_eq!(b.with_path("/"), "http://example.com/");
        let b = BaseUri::parse("http://example.com:8080/api/").unwrap();
        assert_eq!(b.with_path("/a"), "http://example.com:8080/api/a");
        assert_eq!(b.as_url(), "http://example.com:8080/api");
        let b = BaseUri::parse("https://example.com:80/").unwrap();
        assert_eq!(b.with_path("/"), "https://example.com:80/");
        let b = BaseUri::parse("http://[::1]:7000").unwrap();
        assert_eq!(b.with_path("/x"), "http://[::1]:7000/x");
        assert!(!b.is_https());
    }

    #[test]
    fn refuses_unusable_bases() {
        for bad in [
            "example.com",
            "ftp://example.com",
            "http://user@example.com/",
            "http://example.com/?q",
            "http://example.com/#f",
            "http://:80/",
            "http://example.com:99999/",
            "http://example.com:x/",
            "http://[::1/",
        ] {
            assert!(BaseUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rfc_5849_base_string() {
        let params: Vec<(&[u8], &[u8])> = vec![
            (b"b5", b"=%3D"),
            (b"a3", b"a"),
            (b"c@", b""),
            (b"a2", b"r b"),
            (b"oauth_consumer_key", b"9djdj82h48djs9d2"),
            (b"oauth_token", b"kkk9d7dh3k39sjv7"),
            (b"oauth_signature_method", b"HMAC-SHA1"),
            (b"oauth_timestamp", b"137131201"),
            (b"oauth_nonce", b"7d8f3e4a"),
            (b"c2", b""),
            (b"a3", b"2 q"),
        ];
        assert_eq!(
            base_string("post", "http://example.com/request", &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }
}
