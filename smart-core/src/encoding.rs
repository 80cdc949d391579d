//! Percent-encoding, percent-decoding and hexadecimal, written once for every crate.
//!
//! The rules (RFC 3986 §2.1, §2.3, §3.3 and RFC 5849 §3.6) live here; callers choose the
//! variant they need with explicit options instead of keeping their own copy:
//!
//! - [`percent_encode`] with [`EncodeSet::Unreserved`] escapes everything but
//!   `ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 5849 §3.6, what OAuth signs, and a safe
//!   choice for any URI component); [`EncodeSet::PathSegment`] keeps every RFC 3986 `pchar`
//!   (so `:` `@` `!` `$` `&` `'` `(` `)` `*` `+` `,` `;` `=` stay readable in a path) and
//!   escapes `/`, `%`, `?`, `#` and the rest. Hex digits are upper case (RFC 3986 §2.1).
//! - [`percent_decode`] with a [`Decoding`]: whether `+` stands for a space
//!   (`application/x-www-form-urlencoded`), and whether a `%` without two hex digits is an
//!   error ([`Decoding::strict`], where a value that can be read two ways is refused) or
//!   stands for itself ([`Decoding::lenient`]).
//! - [`hex_lower`] for digests and random bytes; [`hex_digit`] for one digit.
//!
//! ```
//! use smart_core::encoding::{Decoding, EncodeSet, hex_lower, percent_decode, percent_encode};
//!
//! assert_eq!(percent_encode(b"Dogs, Cats & Mice", EncodeSet::Unreserved), "Dogs%2C%20Cats%20%26%20Mice");
//! assert_eq!(percent_encode(b"a/b:c", EncodeSet::PathSegment), "a%2Fb:c");
//! assert_eq!(percent_decode(b"a+b%21", Decoding::strict().plus_as_space()).unwrap(), b"a b!");
//! assert!(percent_decode(b"100%", Decoding::strict()).is_err());
//! assert_eq!(percent_decode(b"100%", Decoding::lenient()).unwrap(), b"100%");
//! assert_eq!(hex_lower(&[0x00, 0xab]), "00ab");
//! ```

/// Which bytes [`percent_encode`] leaves as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeSet {
    /// Only the RFC 3986 unreserved characters (RFC 5849 §3.6): OAuth parameters, query
    /// values, form bodies.
    Unreserved,
    /// The RFC 3986 `pchar` characters of one path segment: unreserved, sub-delims, `:`
    /// and `@`. `/`, `%`, `?` and `#` are escaped.
    PathSegment,
}

impl EncodeSet {
    /// True if `b` is written as itself.
    fn keeps(self, b: u8) -> bool {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        match self {
            Self::Unreserved => unreserved,
            Self::PathSegment => {
                unreserved
                    || matches!(
                        b,
                        b'!' | b'$'
                            | b'&'
                            | b'\''
                            | b'('
                            | b')'
                            | b'*'
                            | b'+'
                            | b','
                            | b';'
                            | b'='
                            | b':'
                            | b'@'
                    )
            }
        }
    }
}

const UPPER: &[u8; 16] = b"0123456789ABCDEF";
const LOWER: &[u8; 16] = b"0123456789abcdef";

/// Percent-encodes `bytes`: every byte outside `set` becomes `%XX` (upper-case hex).
pub fn percent_encode(bytes: &[u8], set: EncodeSet) -> String {
    let mut out = String::with_capacity(bytes.len());
    percent_encode_into(bytes, set, &mut out);
    out
}

/// Appends the percent-encoding of `bytes` to `out` (see [`percent_encode`]).
pub fn percent_encode_into(bytes: &[u8], set: EncodeSet, out: &mut String) {
    for &b in bytes {
        if set.keeps(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(UPPER[usize::from(b >> 4)]));
            out.push(char::from(UPPER[usize::from(b & 0xf)]));
        }
    }
}

/// How [`percent_decode`] reads its input. Start from [`Decoding::strict`] or
/// [`Decoding::lenient`]; add [`Decoding::plus_as_space`] for form encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoding {
    plus_as_space: bool,
    keep_malformed: bool,
}

impl Decoding {
    /// A `%` not followed by two hex digits is an error; `+` is itself.
    pub const fn strict() -> Self {
        Self {
            plus_as_space: false,
            keep_malformed: false,
        }
    }

    /// A `%` not followed by two hex digits stands for itself; `+` is itself.
    pub const fn lenient() -> Self {
        Self {
            plus_as_space: false,
            keep_malformed: true,
        }
    }

    /// `+` decodes to a space (`application/x-www-form-urlencoded`); `%2B` is a `+`.
    pub const fn plus_as_space(self) -> Self {
        Self {
            plus_as_space: true,
            ..self
        }
    }
}

/// A `%` not followed by two hexadecimal digits, in a strict decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a '%' at byte {offset} is not followed by two hexadecimal digits")]
#[non_exhaustive]
pub struct BadEscape {
    /// The offset of the `%` in the input.
    pub offset: usize,
}

/// The value of one hexadecimal digit (either case), or `None`.
pub const fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes (either case of hex digits) as `how` says. Every other byte
/// stands for itself. The result is bytes: whether they must be UTF-8 is the caller's
/// decision.
pub fn percent_decode(input: &[u8], how: Decoding) -> Result<Vec<u8>, BadEscape> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        match b {
            b'%' => {
                let hi = input.get(i + 1).copied().and_then(hex_digit);
                let lo = input.get(i + 2).copied().and_then(hex_digit);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                        continue;
                    }
                    _ if how.keep_malformed => out.push(b'%'),
                    _ => return Err(BadEscape { offset: i }),
                }
            }
            b'+' if how.plus_as_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    Ok(out)
}

/// Lower-case hexadecimal of `bytes`, two digits per byte.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(LOWER[usize::from(b >> 4)]));
        out.push(char::from(LOWER[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_per_rfc_5849() {
        let enc = |s: &[u8]| percent_encode(s, EncodeSet::Unreserved);
        assert_eq!(enc(b"Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(enc(b"An encoded string!"), "An%20encoded%20string%21");
        assert_eq!(enc(b"Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
        assert_eq!(enc("☃".as_bytes()), "%E2%98%83");
        assert_eq!(enc(b"a-._~Z9"), "a-._~Z9");
        assert_eq!(enc(b"\x00\xff%"), "%00%FF%25");
    }

    #[test]
    fn path_segments_keep_pchar_and_escape_delimiters() {
        let enc = |s: &str| percent_encode(s.as_bytes(), EncodeSet::PathSegment);
        assert_eq!(enc("a:b@c!$&'()*+,;="), "a:b@c!$&'()*+,;=");
        assert_eq!(enc("a/b%c?d#e f"), "a%2Fb%25c%3Fd%23e%20f");
        assert_eq!(enc("é"), "%C3%A9");
        let mut out = String::from("/x/");
        percent_encode_into(b"y z", EncodeSet::PathSegment, &mut out);
        assert_eq!(out, "/x/y%20z");
    }

    #[test]
    fn decodes_strictly() {
        let strict = Decoding::strict();
        assert_eq!(percent_decode(b"a%20b+c", strict).unwrap(), b"a b+c");
        assert_eq!(
            percent_decode(b"a%20b+c%2B", strict.plus_as_space()).unwrap(),
            b"a b c+"
        );
        assert_eq!(
            percent_decode(b"%e2%98%83", strict).unwrap(),
            "☃".as_bytes()
        );
        assert_eq!(
            percent_decode(b"ab%2", strict),
            Err(BadEscape { offset: 2 })
        );
        assert_eq!(percent_decode(b"%zz", strict), Err(BadEscape { offset: 0 }));
        assert_eq!(percent_decode(b"%", strict), Err(BadEscape { offset: 0 }));
        // A sign is not a hex digit (`u8::from_str_radix` would take "+5").
        assert_eq!(percent_decode(b"%+5", strict), Err(BadEscape { offset: 0 }));
    }

    #[test]
    fn decodes_leniently() {
        let lenient = Decoding::lenient();
        assert_eq!(percent_decode(b"100%", lenient).unwrap(), b"100%");
        assert_eq!(percent_decode(b"%zz%41", lenient).unwrap(), b"%zzA");
        assert_eq!(percent_decode(b"%4", lenient).unwrap(), b"%4");
        assert_eq!(
            percent_decode(b"a+%2", lenient.plus_as_space()).unwrap(),
            b"a %2"
        );
        assert_eq!(percent_decode(b"%ff", lenient).unwrap(), [0xff]);
    }

    #[test]
    fn round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        for set in [EncodeSet::Unreserved, EncodeSet::PathSegment] {
            let encoded = percent_encode(&all, set);
            assert!(!encoded.contains('/') && !encoded.contains('?'));
            for how in [Decoding::strict(), Decoding::lenient()] {
                assert_eq!(percent_decode(encoded.as_bytes(), how).unwrap(), all);
            }
        }
    }

    #[test]
    fn hex() {
        assert_eq!(hex_lower(&[]), "");
        assert_eq!(hex_lower(&[0x01, 0x23, 0xef, 0xff]), "0123efff");
        assert_eq!(hex_digit(b'F'), Some(15));
        assert_eq!(hex_digit(b'f'), Some(15));
        assert_eq!(hex_digit(b'g'), None);
        assert_eq!(hex_digit(b'+'), None);
    }
}
