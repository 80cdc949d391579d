//! The data of the load test: the reference patients as the importer stores them, and
//! response graphs made comparable across servers.

use super::*;

// ---------------------------------------------------------------------------------------
// The data

/// The reference patients, parsed and split as the importer stores them.
pub(crate) fn reference_splits(dir: &Path) -> Vec<SplitRecord> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the patients directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let name = file.file_name().and_then(|n| n.to_str()).expect("name");
            let record = RecordId::from_file_name(name).expect("record id");
            let bytes = std::fs::read(file).expect("read patient");
            let graph = parse(&bytes, RdfFormat::RdfXml, None).expect("parse patient");
            split_record(&graph, &record).expect("split patient")
        })
        .collect()
}

pub(crate) fn count_class(split: &SplitRecord, class: &str) -> usize {
    split
        .statements
        .iter()
        .filter(|s| s.class.iri == class)
        .count()
}

/// The LOINC codes of a record's lab results (`sp:labName/sp:code`), with counts.
pub(crate) fn loinc_counts(split: &SplitRecord) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let lab_name = NamedNodeRef::new_unchecked(sp!("labName"));
    let code = NamedNodeRef::new_unchecked(sp!("code"));
    for s in split
        .statements
        .iter()
        .filter(|s| s.class.iri == sp!("LabResult"))
    {
        for name in s.graph.objects_for_subject_predicate(&s.iri, lab_name) {
            let subject = match name {
                TermRef::NamedNode(n) => NamedOrBlankNode::from(n.into_owned()),
                TermRef::BlankNode(b) => NamedOrBlankNode::from(b.into_owned()),
                _ => continue,
            };
            for c in s.graph.objects_for_subject_predicate(&subject, code) {
                if let TermRef::NamedNode(n) = c {
                    if let Some(v) = n.as_str().strip_prefix(smart_core::vocab::LOINC) {
                        *counts.entry(v.to_owned()).or_default() += 1;
                    }
                }
            }
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------
// Comparing answers

/// A response graph in storage form without our `api:ResponseSummary` (and its
/// `resultOrder` list), canonicalized so that blank-node labels do not matter.
pub(crate) fn comparable(body: &[u8], base: Option<&smart_rdf::split::ApiBase>) -> Graph {
    let graph = parse(body, RdfFormat::RdfXml, None).expect("an RDF/XML answer");
    let mut graph = match base {
        Some(b) => to_storage(&graph, b),
        None => graph,
    };
    let summary_type = NamedNodeRef::new_unchecked(api!("ResponseSummary"));
    let mut drop: Vec<NamedOrBlankNode> = graph
        .subjects_for_predicate_object(oxrdf::vocab::rdf::TYPE, summary_type)
        .map(|s| s.into_owned())
        .collect();
    let mut i = 0;
    while i < drop.len() {
        let objects: Vec<NamedOrBlankNode> = graph
            .triples_for_subject(&drop[i])
            .filter_map(|t| match t.object {
                TermRef::BlankNode(b) => Some(NamedOrBlankNode::from(b.into_owned())),
                _ => None,
            })
            .collect();
        for o in objects {
            if !drop.contains(&o) {
                drop.push(o);
            }
        }
        i += 1;
    }
    let doomed: Vec<oxrdf::Triple> = graph
        .iter()
        .filter(|t| drop.iter().any(|d| d.as_ref() == t.subject))
        .map(|t| t.into_owned())
        .collect();
    for t in &doomed {
        graph.remove(t);
    }
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    graph
}
