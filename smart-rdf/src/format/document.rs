//! Structure checks on XML documents that the RDF/XML parser does not make: an empty
//! document, one without a root element, and one whose root element is never closed (a
//! truncated upload, from which the parser would return the triples read so far).

/// The marker of an XML entity declaration.
const ENTITY_DECLARATION: &[u8] = b"<!ENTITY";

/// Whether the document holds an entity declaration anywhere. The RDF/XML parser reads
/// UTF-8 only and registers an entity for every `<!ENTITY` (case-sensitive) of any
/// document type declaration, wherever it appears in the document, expanding nested
/// references as it goes; so a plain byte search finds every declaration it would
/// expand. A `<!ENTITY` inside a comment or CDATA section is refused too: no SMART
/// document has one, and being strict keeps the check this simple.
pub(super) fn declares_entities(input: &[u8]) -> bool {
    input
        .windows(ENTITY_DECLARATION.len())
        .any(|w| w == ENTITY_DECLARATION)
}

/// For a (parsed, hence UTF-8) XML document: what is wrong with its overall structure
/// that the parser let through, if anything. The document must have a root element, and
/// end with that element's end tag (only whitespace, comments and processing
/// instructions may follow). Documents too odd to tell are left to the parser's verdict.
pub(super) fn xml_structure_problem(input: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(input).ok()?;
    let truncated = |root: &str| {
        Some(format!(
            "the document ends before its root element <{root}> is closed (truncated?)"
        ))
    };
    let Some(mut rest) = skip_prolog(text.trim_start_matches('\u{feff}')) else {
        return Some("the document ends inside its prolog (truncated?)".to_owned());
    };
    if rest.is_empty() {
        return Some("the document has no root element (truncated?)".to_owned());
    }
    rest = rest.strip_prefix('<')?;
    let name_len = rest
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name.is_empty() {
        return None;
    }
    // A self-closing root (`<rdf:RDF/>`) is complete.
    match start_tag_end(&rest[name_len..]) {
        Some(true) => return None,
        Some(false) => {}
        None => return truncated(name),
    }
    // The epilogue: whitespace, comments and processing instructions.
    let mut tail = text.trim_end();
    loop {
        if let Some(before) = tail.strip_suffix("-->") {
            tail = before[..before.rfind("<!--")?].trim_end();
        } else if let Some(before) = tail.strip_suffix("?>") {
            tail = before[..before.rfind("<?")?].trim_end();
        } else {
            break;
        }
    }
    let closed = tail
        .strip_suffix('>')
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix(name))
        .is_some_and(|t| t.ends_with("</"));
    if closed { None } else { truncated(name) }
}

/// Skips whitespace, the XML declaration, comments, processing instructions and a
/// document type declaration. `None` when one of them is not terminated.
fn skip_prolog(mut rest: &str) -> Option<&str> {
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if rest.starts_with("<!DOCTYPE") {
            // An internal subset in brackets may contain '>'.
            let gt = rest.find('>')?;
            let end = match rest.find('[') {
                Some(open) if open < gt => {
                    let close = open + rest[open..].find(']')?;
                    close + rest[close..].find('>')?
                }
                _ => gt,
            };
            rest = &rest[end + 1..];
        } else {
            return Some(rest);
        }
    }
}

/// Whether the start tag whose attributes begin at `attrs` ends with `/>` (`Some(true)`)
/// or `>` (`Some(false)`); `None` when it does not end.
fn start_tag_end(attrs: &str) -> Option<bool> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in attrs.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(previous == '/'),
            _ => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::RdfFormat;

    const NS: &str = r#"xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#""#;

    #[test]
    fn closed_roots_are_accepted() {
        for doc in [
            format!(r#"<?xml version="1.0"?><rdf:RDF {NS}></rdf:RDF>"#),
            format!("<!-- c --><rdf:RDF {NS}>\n</rdf:RDF >\n<!-- end --><?pi x?>\n"),
            format!(r#"<rdf:RDF {NS} a="x>y"/>"#),
            format!("\u{feff}<!DOCTYPE rdf:RDF [<!-- none -->]><rdf:RDF {NS}></rdf:RDF>"),
        ] {
            assert_eq!(xml_structure_problem(doc.as_bytes()), None, "{doc}");
        }
    }

    #[test]
    fn truncated_roots_are_named() {
        for doc in [
            format!(r#"<rdf:RDF {NS}><rdf:Description rdf:about="http://a/b"/>"#),
            format!("<rdf:RDF {NS}></rdf:RD"),
            format!("<rdf:RDF {NS}></other>"),
            format!("<rdf:RDF {NS}"),
        ] {
            let problem = xml_structure_problem(doc.as_bytes()).unwrap_or_default();
            assert!(problem.contains("<rdf:RDF> is closed"), "{doc}: {problem}");
        }
    }

    #[test]
    fn missing_roots_and_prologs() {
        for (doc, says) in [
            (r#"<?xml version="1.0"?>"#, "no root element"),
            ("<!-- just a comment -->", "no root element"),
            ("<?xml version", "inside its prolog"),
            ("<!-- open", "inside its prolog"),
        ] {
            let problem = xml_structure_problem(doc.as_bytes()).unwrap_or_default();
            assert!(problem.contains(says), "{doc}: {problem}");
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            for format in RdfFormat::ALL {
                let _ = super::super::parse(&bytes, format, None);
            }
        }

        #[test]
        fn arbitrary_xml_ish_text_never_panics(text in "[<>?!/a-z:\"' =\\[\\]-]{0,60}") {
            let _ = xml_structure_problem(text.as_bytes());
            let _ = super::super::parse(text.as_bytes(), RdfFormat::RdfXml, None);
        }
    }

    #[test]
    fn odd_documents_do_not_panic() {
        for doc in [
            "",
            "<",
            "<!--",
            "<?",
            "<!DOCTYPE",
            "<!DOCTYPE [",
            "<a",
            "<a/",
            "é<",
        ] {
            let _ = xml_structure_problem(doc.as_bytes());
        }
        assert!(matches!(
            super::super::parse(b"", RdfFormat::Turtle, None),
            Err(super::super::RdfParseError::Syntax { .. })
        ));
    }
}
