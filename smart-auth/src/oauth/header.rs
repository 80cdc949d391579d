//! Parsing the `Authorization: OAuth …` header (RFC 5849 §3.5.1).
//!
//! The parser is strict about structure (a `name=value` list separated by commas, values
//! quoted or bare tokens) and tolerant about spacing. Names and values are percent-decoded;
//! a malformed escape is an error. `realm` is dropped (it is never signed). Checking for
//! duplicate `oauth_*` parameters happens later, across every parameter source.

use super::encode::percent_decode;

/// The longest header accepted, in bytes.
pub(crate) const MAX_HEADER_LEN: usize = 16 * 1024;
/// The most parameters accepted in one header.
pub(crate) const MAX_HEADER_PARAMS: usize = 100;

pub(crate) use super::encode::RawParameter as Pair;

/// What is wrong with a header, in words.
pub(crate) type HeaderProblem = &'static str;

/// True if `value` uses the `OAuth` authentication scheme (case-insensitive).
pub(crate) fn is_oauth(value: &str) -> bool {
    let v = value.trim_start().as_bytes();
    v.len() >= 5
        && v[..5].eq_ignore_ascii_case(b"oauth")
        && v.get(5).is_none_or(|b| b.is_ascii_whitespace())
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Parses the header's parameters, `realm` excluded.
pub(crate) fn parse(value: &str) -> Result<Vec<Pair>, HeaderProblem> {
    if value.len() > MAX_HEADER_LEN {
        return Err("the Authorization header is too long");
    }
    if !is_oauth(value) {
        return Err("the Authorization header does not use the OAuth scheme");
    }
    let bytes = value.trim_start().as_bytes();
    let mut i = 5;
    let mut out = Vec::new();
    let mut count = 0usize;
    loop {
        // Separators: whitespace and empty list elements.
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b',')
        {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        count += 1;
        if count > MAX_HEADER_PARAMS {
            return Err("the Authorization header has too many parameters");
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !(b.is_ascii_whitespace() || matches!(b, b'=' | b',' | b'"')))
        {
            i += 1;
        }
        let name = &bytes[start..i];
        if name.is_empty() {
            return Err("a parameter in the Authorization header has no name");
        }
        i = skip_ws(bytes, i);
        if bytes.get(i) != Some(&b'=') {
            return Err("a parameter in the Authorization header has no value");
        }
        i = skip_ws(bytes, i + 1);
        let raw_value: Vec<u8> = if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut v = Vec::new();
            loop {
                match bytes.get(i) {
                    None => return Err("a quoted value in the Authorization header is not closed"),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let Some(&escaped) = bytes.get(i + 1) else {
                            return Err("a quoted value in the Authorization header is not closed");
                        };
                        v.push(escaped);
                        i += 2;
                    }
                    Some(&b) => {
                        v.push(b);
                        i += 1;
                    }
                }
            }
            v
        } else {
            let vstart = i;
            while bytes
                .get(i)
                .is_some_and(|b| !(b.is_ascii_whitespace() || matches!(b, b',' | b'"')))
            {
                i += 1;
            }
            bytes[vstart..i].to_vec()
        };
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            None | Some(b',') => {}
            Some(_) => {
                return Err("parameters in the Authorization header must be separated by commas");
            }
        }
        let name = percent_decode(name, false)
            .map_err(|_| "a parameter name in the Authorization header has a bad %-escape")?;
        // Compared decoded (RFC 5849 §3.5.1): `%72ealm` is `realm` too, and is never signed.
        if name.eq_ignore_ascii_case(b"realm") {
            continue;
        }
        let value = percent_decode(&raw_value, false)
            .map_err(|_| "a parameter value in the Authorization header has a bad %-escape")?;
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(pairs: &[Pair]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| {
                (
                    String::from_utf8_lossy(n).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn parses_the_rfc_example() {
        let h = r#"OAuth realm="Example",
            oauth_consumer_key="9djdj82h48djs9d2",
            oauth_token="kkk9d7dh3k39sjv7",
            oauth_signature_method="HMAC-SHA1",
            oauth_timestamp="137131201",
            oauth_nonce="7d8f3e4a",
            oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D""#;
        let p = s(&parse(h).unwrap());
        assert_eq!(p.len(), 6);
        assert_eq!(
            p[0],
            ("oauth_consumer_key".into(), "9djdj82h48djs9d2".into())
        );
        assert_eq!(p[5].1, "bYT5CMsGcbgUdFHObYMEfcx6bsw=");
    }

    #[test]
    fn tolerates_spacing_bare_tokens_and_escapes() {
        let p = s(&parse(r#"oauth   a = "x\"y" ,, b=tok ,c="""#).unwrap());
        assert_eq!(
            p,
            vec![
                ("a".into(), "x\"y".into()),
                ("b".into(), "tok".into()),
                ("c".into(), String::new())
            ]
        );
        assert!(parse("OAuth").unwrap().is_empty());
        assert!(parse("OAuth realm=\"\"").unwrap().is_empty());
        // Found by fuzzing (smart-fuzz): the name is compared after decoding, so a
        // percent-encoded `realm` is dropped like a plain one.
        assert!(parse("OAuth %72ealm=\"x\"").unwrap().is_empty());
        assert!(parse("OAuth %52EALM=\"%zz\"").unwrap().is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_read_unambiguously() {
        for bad in [
            "Bearer abc",
            "OAuthx a=\"b\"",
            "OAuth a",
            "OAuth =\"b\"",
            "OAuth a=\"b",
            "OAuth a=\"b\\",
            "OAuth a=\"b\" c=\"d\"",
            "OAuth a=\"%zz\"",
            "OAuth %z=\"1\"",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let many = format!("OAuth {}", vec!["a=\"1\""; 101].join(","));
        assert!(parse(&many).is_err());
        assert!(parse(&format!("OAuth a=\"{}\"", "x".repeat(MAX_HEADER_LEN))).is_err());
    }
}
