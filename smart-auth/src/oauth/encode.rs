//! RFC 5849 §3.6 percent-encoding, strict percent-decoding, and
//! `application/x-www-form-urlencoded` parsing, all on bytes, over the shared rules of
//! [`smart_core::encoding`].

use smart_core::encoding::{self, Decoding, EncodeSet};

/// A decoded `(name, value)` parameter, as bytes (names and values need not be UTF-8).
pub type RawParameter = (Vec<u8>, Vec<u8>);

pub(crate) use smart_core::encoding::BadEscape;

/// Percent-encodes every byte outside `ALPHA / DIGIT / "-" / "." / "_" / "~"`, with
/// upper-case hexadecimal digits (RFC 5849 §3.6; the rules live in
/// [`smart_core::encoding`]).
pub fn percent_encode(bytes: &[u8]) -> String {
    encoding::percent_encode(bytes, EncodeSet::Unreserved)
}

/// Decodes `%XX` escapes; with `plus_is_space`, `+` becomes a space first (form encoding).
/// Any other byte stands for itself. A `%` without two hex digits is an error: a request
/// whose parameters can be read two ways is refused rather than guessed at.
pub(crate) fn percent_decode(input: &[u8], plus_is_space: bool) -> Result<Vec<u8>, BadEscape> {
    let how = if plus_is_space {
        Decoding::strict().plus_as_space()
    } else {
        Decoding::strict()
    };
    encoding::percent_decode(input, how)
}

/// Parses an `application/x-www-form-urlencoded` string (a query string or a form body)
/// into decoded `(name, value)` pairs, in order. Empty components (`a=1&&b=2`) are skipped;
/// a component without `=` is a name with an empty value (RFC 5849 §3.4.1.3.1).
pub(crate) fn parse_form(input: &[u8]) -> Result<Vec<RawParameter>, BadEscape> {
    let mut out = Vec::new();
    for part in input.split(|&b| b == b'&') {
        if part.is_empty() {
            continue;
        }
        let (name, value) = match part.iter().position(|&b| b == b'=') {
            Some(eq) => (&part[..eq], &part[eq + 1..]),
            None => (part, &[][..]),
        };
        out.push((percent_decode(name, true)?, percent_decode(value, true)?));
    }
    Ok(out)
}

/// Encodes `(name, value)` pairs as a form body, each part per RFC 5849 §3.6 (a strict
/// subset of what form decoders accept).
pub fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&percent_encode(name.as_bytes()));
        out.push('=');
        out.push_str(&percent_encode(value.as_bytes()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_per_rfc_5849() {
        assert_eq!(
            percent_encode(b"Ladies + Gentlemen"),
            "Ladies%20%2B%20Gentlemen"
        );
        assert_eq!(
            percent_encode(b"An encoded string!"),
            "An%20encoded%20string%21"
        );
        assert_eq!(
            percent_encode(b"Dogs, Cats & Mice"),
            "Dogs%2C%20Cats%20%26%20Mice"
        );
        assert_eq!(percent_encode("☃".as_bytes()), "%E2%98%83");
        assert_eq!(percent_encode(b"a-._~Z9"), "a-._~Z9");
    }

    #[test]
    fn decodes_strictly() {
        assert_eq!(percent_decode(b"a%20b+c", false).unwrap(), b"a b+c");
        assert_eq!(percent_decode(b"a%20b+c", true).unwrap(), b"a b c");
        assert_eq!(percent_decode(b"%e2%98%83", false).unwrap(), "☃".as_bytes());
        let offset = |input: &[u8], plus: bool| percent_decode(input, plus).map_err(|e| e.offset);
        assert_eq!(offset(b"%2", false), Err(0));
        assert_eq!(offset(b"%zz", true), Err(0));
        assert_eq!(offset(b"a%", false), Err(1));
    }

    #[test]
    fn parses_forms() {
        let pairs = parse_form(b"c2&a3=2+q&&x=%3D").unwrap();
        assert_eq!(
            pairs,
            vec![
                (b"c2".to_vec(), vec![]),
                (b"a3".to_vec(), b"2 q".to_vec()),
                (b"x".to_vec(), b"=".to_vec()),
            ]
        );
        assert_eq!(form_encode([("a b", "c&d")]), "a%20b=c%26d");
    }
}
