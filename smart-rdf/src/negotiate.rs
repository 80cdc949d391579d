//! Choosing the response format from an `Accept` header (RFC 9110 §12.5.1).
//!
//! SMART Classic itself serves only RDF/XML and documents no negotiation, so RDF/XML is the
//! answer whenever the client expresses no preference (no header, an empty header, `*/*`).
//! On top of that we offer Turtle, N-Triples and JSON-LD to clients that ask for them.
//!
//! Rules, in the order they apply:
//! - each element of the header is a media range with an optional `q` weight; other
//!   media-type parameters are ignored, and so are extension parameters after `q`;
//!   elements that do not parse are skipped (a lenient reading of a malformed header);
//! - for each format, the most specific matching range decides its weight (`text/turtle`
//!   beats `text/*` beats `*/*`), so `*/*, text/turtle;q=0` excludes Turtle;
//! - `q=0` means "not acceptable";
//! - among formats of equal weight, the one matched by the more specific range wins, then
//!   the one whose range comes first in the header, then the SMART default order (RDF/XML,
//!   Turtle, N-Triples, JSON-LD);
//! - aliases: `application/json` is answered with JSON-LD (JSON-LD is JSON), and
//!   `application/xml` / `text/xml` with RDF/XML; `text/plain` gets N-Triples, but only
//!   when listed explicitly (`text/*` does not reach it), because a browser-ish
//!   `text/plain` wildcard preference is not a request for RDF.

use crate::format::RdfFormat;

/// Media types we answer with, in the order of preference used to break ties. The first
/// entry of each format is its canonical type; wildcards only reach canonical types.
const OFFERS: &[(&str, RdfFormat, bool)] = &[
    ("application/rdf+xml", RdfFormat::RdfXml, true),
    ("text/turtle", RdfFormat::Turtle, true),
    ("application/n-triples", RdfFormat::NTriples, true),
    ("application/ld+json", RdfFormat::JsonLd, true),
    ("application/xml", RdfFormat::RdfXml, false),
    ("text/xml", RdfFormat::RdfXml, false),
    ("application/x-turtle", RdfFormat::Turtle, false),
    ("text/plain", RdfFormat::NTriples, false),
    ("application/json", RdfFormat::JsonLd, false),
];

/// The longest `Accept` value quoted back in an error message.
const MAX_QUOTED: usize = 200;

/// None of the offered formats is acceptable to the client (HTTP 406).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "none of the offered formats is acceptable for Accept: {accept:?}; offered: {}",
    offered_list()
)]
pub struct NotAcceptable {
    accept: String,
}

impl NotAcceptable {
    /// The `Accept` header that was asked (cut to a reasonable length).
    pub fn accept(&self) -> &str {
        &self.accept
    }

    /// The media types that are offered, canonical ones first.
    pub fn offered(&self) -> impl Iterator<Item = &'static str> {
        OFFERS.iter().map(|(media_type, _, _)| *media_type)
    }
}

fn offered_list() -> String {
    OFFERS
        .iter()
        .map(|(media_type, _, _)| *media_type)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One parsed element of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    /// Lower-cased type, `*` for any.
    main: String,
    /// Lower-cased subtype, `*` for any.
    sub: String,
    /// Weight in thousandths (`q=0.5` is 500), so comparisons are exact.
    weight: u16,
    /// Position in the header.
    index: usize,
}

impl MediaRange {
    /// 2 for an exact type, 1 for `type/*`, 0 for `*/*`.
    fn specificity(&self) -> u8 {
        match (self.main.as_str(), self.sub.as_str()) {
            ("*", _) => 0,
            (_, "*") => 1,
            _ => 2,
        }
    }

    /// Whether this range covers `media_type` (`canonical`: whether wildcards may reach it).
    fn matches(&self, media_type: &str, canonical: bool) -> bool {
        let (main, sub) = media_type.split_once('/').unwrap_or((media_type, ""));
        match self.specificity() {
            0 => canonical,
            1 => canonical && self.main == main,
            _ => self.main == main && self.sub == sub,
        }
    }
}

/// Picks the response format for an `Accept` header value. No header or a blank one means
/// RDF/XML, the SMART default.
///
/// ```
/// use smart_rdf::{RdfFormat, negotiate::negotiate};
/// assert_eq!(negotiate(None), Ok(RdfFormat::RdfXml));
/// assert_eq!(negotiate(Some("text/turtle;q=0.9, application/json")), Ok(RdfFormat::JsonLd));
/// assert!(negotiate(Some("image/png")).is_err());
/// ```
pub fn negotiate(accept: Option<&str>) -> Result<RdfFormat, NotAcceptable> {
    let Some(header) = accept.filter(|h| !h.trim().is_empty()) else {
        return Ok(RdfFormat::RdfXml);
    };
    let ranges = parse_accept(header);

    // (weight, specificity, earlier position, earlier offer) for each format; larger wins.
    let mut best: Option<(Score, RdfFormat)> = None;
    for format in RdfFormat::ALL {
        let Some(score) = score(format, &ranges) else {
            continue;
        };
        // Strictly greater: on a full tie the earlier format of `RdfFormat::ALL` (the SMART
        // preference order) stays.
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, format));
        }
    }
    best.map(|(_, format)| format).ok_or_else(|| NotAcceptable {
        accept: quote(header),
    })
}

/// How well a format matches: weight, then specificity, then earlier position; larger is
/// better.
type Score = (u16, u8, std::cmp::Reverse<usize>);

/// The weight a format gets from the header, with the specificity and position of the range
/// that gave it; `None` when no range accepts it.
fn score(format: RdfFormat, ranges: &[MediaRange]) -> Option<Score> {
    // The most specific matching range decides, per media type of the format; among the
    // format's media types (aliases), the best result counts.
    let mut best: Option<Score> = None;
    for (media_type, _, canonical) in OFFERS.iter().filter(|(_, f, _)| *f == format) {
        let decisive = ranges
            .iter()
            .filter(|r| r.matches(media_type, *canonical))
            .max_by_key(|r| (r.specificity(), std::cmp::Reverse(r.index)));
        let Some(range) = decisive else { continue };
        if range.weight == 0 {
            continue;
        }
        let candidate = (
            range.weight,
            range.specificity(),
            std::cmp::Reverse(range.index),
        );
        if best.is_none_or(|b| candidate > b) {
            best = Some(candidate);
        }
    }
    best
}

fn quote(header: &str) -> String {
    match header.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{}…", &header[..cut]),
        None => header.to_owned(),
    }
}

/// Parses the elements of an `Accept` header, skipping malformed ones.
fn parse_accept(header: &str) -> Vec<MediaRange> {
    header
        .split(',')
        .enumerate()
        .filter_map(|(index, element)| parse_element(element, index))
        .collect()
}

fn parse_element(element: &str, index: usize) -> Option<MediaRange> {
    let mut parts = element.split(';');
    let media = parts.next()?.trim().to_ascii_lowercase();
    let (main, sub) = media.split_once('/')?;
    if !is_token(main) || !is_token(sub) || (main == "*" && sub != "*") {
        return None;
    }
    let mut weight = 1000;
    for param in parts {
        let (name, value) = param.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            weight = parse_qvalue(value.trim())?;
            // Anything after q is an accept-extension, not a media-type parameter.
            break;
        }
    }
    Some(MediaRange {
        main: main.to_owned(),
        sub: sub.to_owned(),
        weight,
        index,
    })
}

/// RFC 9110 token characters.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn parse_qvalue(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u16::from(b - b'0') * [100, 10, 1][i];
    }
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pick(accept: &str) -> Result<RdfFormat, NotAcceptable> {
        negotiate(Some(accept))
    }

    #[test]
    fn no_or_blank_header_means_rdf_xml() {
        assert_eq!(negotiate(None), Ok(RdfFormat::RdfXml));
        assert_eq!(pick(""), Ok(RdfFormat::RdfXml));
        assert_eq!(pick("  "), Ok(RdfFormat::RdfXml));
    }

    #[test]
    fn exact_types_select_their_format() {
        for format in RdfFormat::ALL {
            assert_eq!(pick(format.media_type()), Ok(format), "{format}");
        }
        assert_eq!(pick("TEXT/Turtle"), Ok(RdfFormat::Turtle));
    }

    #[test]
    fn wildcards_prefer_the_smart_default() {
        assert_eq!(pick("*/*"), Ok(RdfFormat::RdfXml));
        assert_eq!(pick("application/*"), Ok(RdfFormat::RdfXml));
        assert_eq!(pick("text/*"), Ok(RdfFormat::Turtle));
        // A browser's header: the XML alias outweighs */*.
        assert_eq!(
            pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Ok(RdfFormat::RdfXml)
        );
    }

    #[test]
    fn q_values_rank_and_zero_excludes() {
        assert_eq!(
            pick("application/rdf+xml;q=0.5, text/turtle"),
            Ok(RdfFormat::Turtle)
        );
        assert_eq!(
            pick("*/*;q=0.1, application/ld+json;q=0.2"),
            Ok(RdfFormat::JsonLd)
        );
        assert_eq!(pick("*/*, application/rdf+xml;q=0"), Ok(RdfFormat::Turtle));
        assert_eq!(
            pick("text/turtle;q=0").map_err(|e| e.accept().to_owned()),
            Err("text/turtle;q=0".to_owned())
        );
        assert_eq!(
            pick("*/*;q=0").map_err(|e| e.accept().to_owned()),
            Err("*/*;q=0".to_owned())
        );
    }

    #[test]
    fn ties_go_to_specificity_then_header_order() {
        assert_eq!(
            pick("text/turtle, application/rdf+xml"),
            Ok(RdfFormat::Turtle)
        );
        assert_eq!(
            pick("application/rdf+xml, text/turtle"),
            Ok(RdfFormat::RdfXml)
        );
        assert_eq!(pick("*/*, application/n-triples"), Ok(RdfFormat::NTriples));
        assert_eq!(pick("text/*, application/ld+json"), Ok(RdfFormat::JsonLd));
    }

    #[test]
    fn aliases() {
        assert_eq!(pick("application/json"), Ok(RdfFormat::JsonLd));
        assert_eq!(pick("text/plain"), Ok(RdfFormat::NTriples));
        assert_eq!(pick("application/xml"), Ok(RdfFormat::RdfXml));
        // text/* reaches Turtle, never N-Triples through text/plain.
        assert_eq!(
            pick("text/*, text/turtle;q=0"),
            Err(not_acceptable("text/*, text/turtle;q=0"))
        );
    }

    fn not_acceptable(accept: &str) -> NotAcceptable {
        NotAcceptable {
            accept: accept.to_owned(),
        }
    }

    #[test]
    fn parameters_are_ignored_but_q_is_read() {
        assert_eq!(
            pick(
                "application/rdf+xml;charset=utf-8;q=0.2, text/turtle;charset=utf-8;q=0.3;foo=bar"
            ),
            Ok(RdfFormat::Turtle)
        );
        assert_eq!(pick("text/turtle; q=1.000"), Ok(RdfFormat::Turtle));
    }

    #[test]
    fn malformed_elements_are_skipped() {
        assert_eq!(pick("garbage, text/turtle"), Ok(RdfFormat::Turtle));
        assert_eq!(
            pick("text/turtle;q=2, application/n-triples"),
            Ok(RdfFormat::NTriples)
        );
        assert_eq!(pick("*/turtle, application/ld+json"), Ok(RdfFormat::JsonLd));
        assert_eq!(
            pick("garbage").map_err(|e| e.accept().to_owned()),
            Err("garbage".to_owned())
        );
    }

    #[test]
    fn qvalues() {
        assert_eq!(parse_qvalue("0"), Some(0));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.123"), Some(123));
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.0"), Some(1000));
        assert_eq!(parse_qvalue("1.001"), None);
        assert_eq!(parse_qvalue("0.1234"), None);
        assert_eq!(parse_qvalue("-1"), None);
        assert_eq!(parse_qvalue("0.x"), None);
    }

    #[test]
    fn not_acceptable_names_request_and_offers() {
        let err = pick("image/png").unwrap_err();
        assert_eq!(err.accept(), "image/png");
        let message = err.to_string();
        assert!(message.contains("\"image/png\""), "{message}");
        for format in RdfFormat::ALL {
            assert!(message.contains(format.media_type()), "{message}");
        }
        assert!(err.offered().any(|m| m == "application/json"));
        let long = "x/y,".repeat(500);
        assert!(pick(&long).unwrap_err().accept().chars().count() <= MAX_QUOTED + 1);
    }

    proptest! {
        #[test]
        fn never_panics(header in any::<String>()) {
            let _ = negotiate(Some(&header));
        }

        #[test]
        fn never_panics_on_accept_like_input(
            header in r"([a-z*+/;=,. 0-9q-]|application|text|rdf|json|turtle){0,40}"
        ) {
            let _ = negotiate(Some(&header));
        }

        #[test]
        fn an_exact_type_with_positive_q_is_always_served(
            which in 0usize..4,
            q in 1u16..=1000,
        ) {
            let format = RdfFormat::ALL[which];
            let header = format!("{};q={}", format.media_type(), f64::from(q) / 1000.0);
            prop_assert_eq!(negotiate(Some(&header)), Ok(format));
        }
    }
}
