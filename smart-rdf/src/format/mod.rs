//! Parsing and serializing the four RDF formats a SMART container speaks.
//!
//! RDF/XML is the wire format of SMART Classic; the JavaScript clients of SMART Connect
//! locate the graph by looking for `rdf:RDF` as the document's root element, so the
//! RDF/XML we write starts with the XML declaration immediately followed by `<rdf:RDF`.

mod document;

use std::fmt;

use oxrdf::{Graph, Triple, TripleRef};
use oxrdfio::{RdfParser, RdfSerializer};
use smart_core::vocab;

/// A serialization format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RdfFormat {
    /// RDF/XML (`application/rdf+xml`), the SMART Classic default.
    RdfXml,
    /// Turtle (`text/turtle`).
    Turtle,
    /// N-Triples (`application/n-triples`).
    NTriples,
    /// JSON-LD (`application/ld+json`).
    JsonLd,
}

impl RdfFormat {
    /// All four formats.
    pub const ALL: [RdfFormat; 4] = [Self::RdfXml, Self::Turtle, Self::NTriples, Self::JsonLd];

    /// The canonical media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::RdfXml => "application/rdf+xml",
            Self::Turtle => "text/turtle",
            Self::NTriples => "application/n-triples",
            Self::JsonLd => "application/ld+json",
        }
    }

    /// The usual file extension.
    pub fn file_extension(self) -> &'static str {
        match self {
            Self::RdfXml => "rdf",
            Self::Turtle => "ttl",
            Self::NTriples => "nt",
            Self::JsonLd => "jsonld",
        }
    }

    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Self::RdfXml => "RDF/XML",
            Self::Turtle => "Turtle",
            Self::NTriples => "N-Triples",
            Self::JsonLd => "JSON-LD",
        }
    }

    /// The format for a media type (parameters such as `; charset=utf-8` are ignored).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/rdf+xml" | "application/xml" | "text/xml" => Some(Self::RdfXml),
            "text/turtle" | "application/x-turtle" | "application/turtle" => Some(Self::Turtle),
            "application/n-triples" | "text/plain" => Some(Self::NTriples),
            "application/ld+json" | "application/json" => Some(Self::JsonLd),
            _ => None,
        }
    }

    /// The format for a file extension (`xml`, `rdf`, `owl`, `ttl`, `nt`, `jsonld`, `json`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "rdf" | "xml" | "owl" | "rdfxml" => Some(Self::RdfXml),
            "ttl" | "turtle" => Some(Self::Turtle),
            "nt" | "ntriples" => Some(Self::NTriples),
            "jsonld" | "json" => Some(Self::JsonLd),
            _ => None,
        }
    }

    fn to_oxrdfio(self) -> oxrdfio::RdfFormat {
        match self {
            Self::RdfXml => oxrdfio::RdfFormat::RdfXml,
            Self::Turtle => oxrdfio::RdfFormat::Turtle,
            Self::NTriples => oxrdfio::RdfFormat::NTriples,
            Self::JsonLd => oxrdfio::RdfFormat::JsonLd {
                profile: oxjsonld::JsonLdProfileSet::empty(),
            },
        }
    }
}

impl fmt::Display for RdfFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a document could not be parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RdfParseError {
    /// The document is not valid in its format (this includes bad character encoding).
    #[error("invalid {format}: {message}")]
    Syntax {
        /// The format the document was parsed as.
        format: RdfFormat,
        /// What the parser reported, with its position when it gives one.
        message: String,
    },
    /// The document contains named graphs, which a patient document must not.
    #[error("invalid {format}: named graphs are not allowed here (found graph {graph})")]
    NamedGraph {
        /// The format the document was parsed as.
        format: RdfFormat,
        /// The graph name found.
        graph: String,
    },
    /// The RDF/XML document declares XML entities (`<!ENTITY ...>`), which are refused
    /// before any parsing: entities can nest, and a few hundred bytes of nested
    /// declarations expand to gigabytes ("billion laughs"). SMART documents never need
    /// them.
    #[error(
        "invalid RDF/XML: the document declares XML entities (<!ENTITY ...>), which are \
         refused because their expansion is unbounded; write the values out instead"
    )]
    EntityDeclaration,
    /// Reading the input failed.
    #[error("could not read the document: {0}")]
    Io(#[from] std::io::Error),
}

/// Parses a whole document into a graph. `base_iri` resolves relative IRIs.
///
/// Every RDF input of the project goes through this function. An RDF/XML document that
/// declares XML entities is refused with [`RdfParseError::EntityDeclaration`] before the
/// XML parser sees it (see that variant for why). A predicate that is an RDF/XML syntax
/// term (`rdf:li`, `rdf:about`, ...; possible in the other formats) is refused, because
/// RDF/XML cannot write it and every graph we accept must be writable in every format.
///
/// ```
/// use smart_rdf::{RdfFormat, parse};
/// let g = parse(b"<http://a/s> <http://a/p> \"o\" .", RdfFormat::NTriples, None)?;
/// assert_eq!(g.len(), 1);
/// # Result::<_, Box<dyn std::error::Error>>::Ok(())
/// ```
pub fn parse(
    input: &[u8],
    format: RdfFormat,
    base_iri: Option<&str>,
) -> Result<Graph, RdfParseError> {
    // A SMART document is never empty, and the RDF/XML parser would read an empty or
    // truncated document as a (partial) graph without complaint.
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(RdfParseError::Syntax {
            format,
            message: "the document is empty".to_owned(),
        });
    }
    if format == RdfFormat::RdfXml && declares_entities(input) {
        return Err(RdfParseError::EntityDeclaration);
    }
    let mut parser = RdfParser::from_format(format.to_oxrdfio());
    if let Some(base) = base_iri {
        parser = parser
            .with_base_iri(base)
            .map_err(|e| RdfParseError::Syntax {
                format,
                message: format!("bad base IRI {base:?}: {e}"),
            })?;
    }
    let mut graph = Graph::new();
    for quad in parser.for_slice(input) {
        let quad = quad.map_err(|e| RdfParseError::Syntax {
            format,
            message: e.to_string(),
        })?;
        if !quad.graph_name.is_default_graph() {
            return Err(RdfParseError::NamedGraph {
                format,
                graph: quad.graph_name.to_string(),
            });
        }
        let triple = Triple::from(quad);
        // Found by fuzzing (smart-fuzz): a Turtle note with an `rdf:li` property was
        // stored, and then every RDF/XML answer holding it panicked in the serializer.
        if let Some(term) = syntax_term_predicate(triple.as_ref()) {
            return Err(RdfParseError::Syntax {
                format,
                message: format!("rdf:{term} is RDF/XML syntax and cannot be used as a property"),
            });
        }
        graph.insert(&triple);
    }
    if format == RdfFormat::RdfXml {
        if let Some(message) = document::xml_structure_problem(input) {
            return Err(RdfParseError::Syntax { format, message });
        }
    }
    Ok(graph)
}

/// Whether an RDF/XML document declares XML entities (`<!ENTITY`, anywhere), which
/// [`parse`] refuses ([`RdfParseError::EntityDeclaration`]). For adapters that must parse
/// RDF/XML with another parser (a remote store's answer) and refuse the same documents.
pub fn declares_entities(input: &[u8]) -> bool {
    document::declares_entities(input)
}

/// Serializes a graph. Triples are written grouped by subject in a stable order (subjects,
/// then predicates, then objects, by their N-Triples form), so equal graphs with equal
/// blank-node labels give equal bytes.
pub fn serialize(graph: &Graph, format: RdfFormat) -> Vec<u8> {
    let mut triples: Vec<TripleRef<'_>> = graph.iter().collect();
    sort_triples(&mut triples);
    serialize_triples(triples, format)
}

/// Serializes triples in the order given (callers that sort or stream use this).
pub fn serialize_triples<'a>(
    triples: impl IntoIterator<Item = TripleRef<'a>>,
    format: RdfFormat,
) -> Vec<u8> {
    let mut serializer = RdfSerializer::from_format(format.to_oxrdfio());
    for (prefix, ns) in vocab::PREFIXES {
        // JSON-LD and N-Triples ignore prefixes; the namespaces are constants, so valid.
        serializer = serializer
            .with_prefix(*prefix, *ns)
            .expect("namespace IRIs are valid");
    }
    let mut writer = serializer.for_writer(Vec::new());
    for t in triples {
        // Writing into a Vec cannot fail, and the serializers only refuse inputs (such as
        // quoted triples, or a predicate that is an RDF/XML syntax term, which `parse`
        // refuses) that an oxrdf Graph of parsed plain triples cannot hold.
        let written = match writable_triple(t) {
            Some(relabeled) => writer.serialize_triple(relabeled.as_ref()),
            None => writer.serialize_triple(t),
        };
        written.expect("serializing into memory");
    }
    writer.finish().expect("serializing into memory")
}

/// The triple with its blank nodes relabeled when a label cannot be written in every
/// format; `None` when all can. Parsers keep their input's labels, and Turtle, N-Triples
/// and JSON-LD accept labels such as `_:0` that RDF/XML's `rdf:nodeID` (an XML name)
/// refuses: our own RDF/XML would not parse (found by fuzzing, smart-fuzz). The renaming
/// is injective and deterministic: a label of letters, digits, `_` and `-` starting with
/// a letter or `_` is kept unless it starts with `z_`; any other becomes `z_` and the hex
/// of its bytes.
fn writable_triple(t: TripleRef<'_>) -> Option<Triple> {
    fn kept(label: &str) -> bool {
        let mut chars = label.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !label.starts_with("z_")
    }
    fn relabel(node: oxrdf::BlankNodeRef<'_>) -> oxrdf::BlankNode {
        let hex = smart_core::encoding::hex_lower(node.as_str().as_bytes());
        oxrdf::BlankNode::new_unchecked(format!("z_{hex}"))
    }
    let subject_ok = match t.subject {
        oxrdf::NamedOrBlankNodeRef::BlankNode(b) => kept(b.as_str()),
        _ => true,
    };
    let object_ok = match t.object {
        oxrdf::TermRef::BlankNode(b) => kept(b.as_str()),
        _ => true,
    };
    if subject_ok && object_ok {
        return None;
    }
    let subject: oxrdf::NamedOrBlankNode = match t.subject {
        oxrdf::NamedOrBlankNodeRef::BlankNode(b) if !subject_ok => relabel(b).into(),
        other => other.into_owned(),
    };
    let object: oxrdf::Term = match t.object {
        oxrdf::TermRef::BlankNode(b) if !object_ok => relabel(b).into(),
        other => other.into_owned(),
    };
    Some(Triple::new(subject, t.predicate.into_owned(), object))
}

/// Predicates that RDF/XML reserves for its syntax and cannot write as a property
/// (`rdf:li` is only a shorthand for `rdf:_1`, `rdf:_2`, ... in RDF/XML input).
const RDF_XML_SYNTAX_TERMS: [&str; 9] = [
    "Description",
    "li",
    "RDF",
    "ID",
    "about",
    "parseType",
    "resource",
    "nodeID",
    "datatype",
];

/// The predicate, if it is an RDF/XML syntax term.
fn syntax_term_predicate(t: TripleRef<'_>) -> Option<&str> {
    let local = t
        .predicate
        .as_str()
        .strip_prefix("http://www.w3.org/1999/02/22-rdf-syntax-ns#")?;
    RDF_XML_SYNTAX_TERMS.contains(&local).then_some(local)
}

/// Sorts triples by subject, predicate and object in their N-Triples form.
pub fn sort_triples(triples: &mut [TripleRef<'_>]) {
    triples.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.as_str().to_owned(),
            t.object.to_string(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{Literal, NamedNode};

    fn sample() -> Graph {
        let mut g = Graph::new();
        let s = NamedNode::new_unchecked("http://example.org/records/1/medications/a");
        g.insert(&Triple::new(
            s.clone(),
            oxrdf::vocab::rdf::TYPE,
            NamedNode::new_unchecked(smart_core::sp!("Medication")),
        ));
        g.insert(&Triple::new(
            s,
            NamedNode::new_unchecked(smart_core::sp!("instructions")),
            Literal::new_simple_literal("1 tablet <daily> & \"often\""),
        ));
        g
    }

    #[test]
    fn every_format_round_trips() {
        let g = sample();
        for f in RdfFormat::ALL {
            let bytes = serialize(&g, f);
            let back = parse(&bytes, f, None).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(back, g, "{f}");
        }
    }

    /// Found by fuzzing (smart-fuzz): labels other formats allow and RDF/XML does not.
    #[test]
    fn blank_node_labels_are_written_so_that_every_format_reads_them() {
        let turtle =
            b"_:0 <http://a/p> _:1a . _:z_x <http://a/p> _:b-c . _:b-c <http://a/q> \"v\" .";
        let g = parse(turtle, RdfFormat::Turtle, None).unwrap();
        for f in RdfFormat::ALL {
            let bytes = serialize(&g, f);
            assert_eq!(bytes, serialize(&g, f), "{f}: deterministic");
            let back = parse(&bytes, f, None).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(back.len(), g.len(), "{f}");
        }
        let xml = String::from_utf8(serialize(&g, RdfFormat::RdfXml)).unwrap();
        assert!(xml.contains("rdf:nodeID=\"z_30\""), "{xml}");
        assert!(xml.contains("rdf:nodeID=\"b-c\""), "{xml}");
    }

    /// Found by fuzzing (smart-fuzz): `rdf:li` as a property parsed from Turtle made the
    /// RDF/XML serializer panic.
    #[test]
    fn rdf_xml_syntax_terms_as_properties_are_refused() {
        for term in ["li", "about", "nodeID", "Description"] {
            let nt = format!(
                "<http://a/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#{term}> <http://a/o> ."
            );
            for f in [RdfFormat::NTriples, RdfFormat::Turtle] {
                let err = parse(nt.as_bytes(), f, None).unwrap_err();
                assert!(err.to_string().contains(&format!("rdf:{term}")), "{err}");
            }
        }
        // rdf:type, rdf:value and rdf:_1 are ordinary properties.
        let ok = b"<http://a/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_1> <http://a/o> .";
        assert_eq!(parse(ok, RdfFormat::NTriples, None).unwrap().len(), 1);
    }

    #[test]
    fn rdf_xml_root_is_rdf_rdf() {
        let bytes = serialize(&sample(), RdfFormat::RdfXml);
        let text = String::from_utf8(bytes).unwrap();
        let after_decl = text
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .unwrap();
        assert!(after_decl.trim_start().starts_with("<rdf:RDF"), "{text}");
    }

    #[test]
    fn syntax_errors_name_the_format() {
        let err = parse(b"<rdf:RDF", RdfFormat::RdfXml, None).unwrap_err();
        assert!(err.to_string().starts_with("invalid RDF/XML"), "{err}");
        let err = parse(b"<a> <b> .", RdfFormat::Turtle, None).unwrap_err();
        assert!(err.to_string().starts_with("invalid Turtle"), "{err}");
    }

    /// A clinical note of under 1 KB whose nested entities would expand to 10^levels
    /// copies of "lol" (the "billion laughs" attack).
    fn laughing_note(levels: usize) -> String {
        let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
        for level in 1..=levels {
            let previous = format!("&lol{};", level - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
        }
        format!(
            r#"<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [{dtd}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:sp="http://smartplatforms.org/terms#">
  <sp:ClinicalNote><sp:value>&lol{levels};</sp:value></sp:ClinicalNote>
</rdf:RDF>"#
        )
    }

    #[test]
    fn nested_entities_are_refused_before_any_expansion() {
        for levels in [1, 3, 9] {
            let note = laughing_note(levels);
            assert!(note.len() < 1024, "{levels} levels: {} bytes", note.len());
            let err = parse(note.as_bytes(), RdfFormat::RdfXml, None).unwrap_err();
            assert!(
                matches!(err, RdfParseError::EntityDeclaration),
                "{levels} levels: {err}"
            );
            let message = err.to_string();
            assert!(message.starts_with("invalid RDF/XML"), "{message}");
            assert!(message.contains("<!ENTITY"), "{message}");
        }
    }

    #[test]
    fn any_entity_declaration_is_refused_but_a_bare_doctype_is_not() {
        let ns = r#"xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#""#;
        // A single, harmless-looking namespace abbreviation: refused all the same.
        let abbreviation = format!(
            r#"<!DOCTYPE rdf:RDF [<!ENTITY sp "http://smartplatforms.org/terms#">]>
<rdf:RDF {ns}><rdf:Description rdf:about="&sp;x"><rdf:type rdf:resource="&sp;Y"/></rdf:Description></rdf:RDF>"#
        );
        // The parser also reads declarations in a DOCTYPE after the root's start tag.
        let late = format!(
            r#"<rdf:RDF {ns}><!DOCTYPE x [<!ENTITY a "b">]><rdf:Description rdf:about="http://a/&a;"/></rdf:RDF>"#
        );
        for doc in [abbreviation, late] {
            let err = parse(doc.as_bytes(), RdfFormat::RdfXml, None).unwrap_err();
            assert!(
                matches!(err, RdfParseError::EntityDeclaration),
                "{doc}: {err}"
            );
        }
        let bare = format!(
            r#"<!DOCTYPE rdf:RDF><rdf:RDF {ns}><rdf:Description rdf:about="http://a/b"><rdf:type rdf:resource="http://a/C"/></rdf:Description></rdf:RDF>"#
        );
        assert_eq!(
            parse(bare.as_bytes(), RdfFormat::RdfXml, None)
                .unwrap()
                .len(),
            1
        );
        // Other formats have no entities; the text is just text there.
        let turtle = b"<http://a/s> <http://a/p> \"<!ENTITY x 'y'>\" .";
        assert_eq!(parse(turtle, RdfFormat::Turtle, None).unwrap().len(), 1);
    }

    #[test]
    fn media_types_and_extensions_map_to_formats() {
        assert_eq!(
            RdfFormat::from_media_type("text/turtle; charset=utf-8"),
            Some(RdfFormat::Turtle)
        );
        assert_eq!(RdfFormat::from_extension("XML"), Some(RdfFormat::RdfXml));
        assert_eq!(RdfFormat::from_media_type("image/png"), None);
    }
}
