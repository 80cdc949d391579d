//! Reading a generated patient back: the facts the coherence tests check, read from the
//! RDF graph (not from the generator's internals), as an app would see them.

use std::collections::BTreeMap;

use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};

pub(crate) const SP: &str = "http://smartplatforms.org/terms#";
pub(crate) const DCTERMS: &str = "http://purl.org/dc/terms/";

fn iri(s: &str) -> NamedNodeRef<'_> {
    NamedNodeRef::new_unchecked(s)
}

/// One vital sign set.
#[derive(Debug, Clone)]
pub(crate) struct VitalSet {
    pub(crate) date: String,
    pub(crate) height: Option<f64>,
    pub(crate) head: Option<f64>,
    pub(crate) systolic: Option<f64>,
    pub(crate) diastolic: Option<f64>,
}

/// What the tests look at.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub(crate) birthday: String,
    pub(crate) gender: String,
    /// Problem titles.
    pub(crate) problems: Vec<String>,
    /// Medication titles.
    pub(crate) medications: Vec<String>,
    /// LOINC code → (date, value) of quantitative results.
    pub(crate) labs: BTreeMap<String, Vec<(String, f64)>>,
    pub(crate) vitals: Vec<VitalSet>,
    /// (medication has the fulfillment, fulfillment points back) per fulfillment link.
    pub(crate) fulfillment_links: Vec<(bool, bool)>,
    /// Count of nodes per rdf:type.
    pub(crate) types: BTreeMap<String, usize>,
}

pub(crate) struct Reader<'a> {
    g: &'a Graph,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(g: &'a Graph) -> Self {
        Self { g }
    }

    pub(crate) fn objects(&self, s: NamedOrBlankNodeRef<'a>, p: &str) -> Vec<TermRef<'a>> {
        self.g.objects_for_subject_predicate(s, iri(p)).collect()
    }

    pub(crate) fn object(&self, s: NamedOrBlankNodeRef<'a>, p: &str) -> Option<TermRef<'a>> {
        self.objects(s, p).into_iter().next()
    }

    pub(crate) fn node(
        &self,
        s: NamedOrBlankNodeRef<'a>,
        p: &str,
    ) -> Option<NamedOrBlankNodeRef<'a>> {
        match self.object(s, p)? {
            TermRef::NamedNode(n) => Some(n.into()),
            TermRef::BlankNode(b) => Some(b.into()),
            _ => None,
        }
    }

    pub(crate) fn text(&self, s: NamedOrBlankNodeRef<'a>, p: &str) -> Option<String> {
        match self.object(s, p)? {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        }
    }

    pub(crate) fn path_text(&self, s: NamedOrBlankNodeRef<'a>, path: &[&str]) -> Option<String> {
        let (last, init) = path.split_last()?;
        let mut node = s;
        for p in init {
            node = self.node(node, p)?;
        }
        self.text(node, last)
    }

    pub(crate) fn instances(&self, class: &str) -> Vec<NamedOrBlankNodeRef<'a>> {
        self.g
            .subjects_for_predicate_object(oxrdf::vocab::rdf::TYPE, iri(class))
            .collect()
    }

    /// The code identifier behind a coded value property.
    pub(crate) fn code_id(&self, s: NamedOrBlankNodeRef<'a>, p: &str) -> Option<String> {
        let cv = self.node(s, p)?;
        let code = self.node(cv, &format!("{SP}code"))?;
        self.text(code, &format!("{DCTERMS}identifier"))
    }
}

pub(crate) fn facts(g: &Graph) -> Facts {
    let r = Reader::new(g);
    let sp = |local: &str| format!("{SP}{local}");
    let dc = |local: &str| format!("{DCTERMS}{local}");
    let mut f = Facts::default();
    for t in g.iter() {
        if t.predicate == oxrdf::vocab::rdf::TYPE {
            if let TermRef::NamedNode(n) = t.object {
                *f.types.entry(n.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    if let Some(d) = r.instances(&sp("Demographics")).first() {
        f.birthday = r
            .text(*d, "http://www.w3.org/2006/vcard/ns#bday")
            .unwrap_or_default();
        f.gender = r
            .text(*d, "http://xmlns.com/foaf/0.1/gender")
            .unwrap_or_default();
    }
    for p in r.instances(&sp("Problem")) {
        f.problems
            .extend(r.path_text(p, &[&sp("problemName"), &dc("title")]));
    }
    for m in r.instances(&sp("Medication")) {
        f.medications
            .extend(r.path_text(m, &[&sp("drugName"), &dc("title")]));
        for ful in r.objects(m, &sp("fulfillment")) {
            let back = match ful {
                TermRef::BlankNode(b) => r.node(b.into(), &sp("medication")) == Some(m),
                _ => false,
            };
            f.fulfillment_links.push((true, back));
        }
    }
    for ful in r.instances(&sp("Fulfillment")) {
        let Some(m) = r.node(ful, &sp("medication")) else {
            f.fulfillment_links.push((false, false));
            continue;
        };
        let forward = r.objects(m, &sp("fulfillment")).iter().any(|o| match o {
            TermRef::BlankNode(b) => NamedOrBlankNodeRef::from(*b) == ful,
            _ => false,
        });
        f.fulfillment_links.push((forward, true));
    }
    for l in r.instances(&sp("LabResult")) {
        let Some(code) = r.code_id(l, &sp("labName")) else {
            continue;
        };
        let date = r.text(l, &dc("date")).unwrap_or_default();
        if let Some(v) = r.path_text(
            l,
            &[&sp("quantitativeResult"), &sp("valueAndUnit"), &sp("value")],
        ) {
            f.labs
                .entry(code)
                .or_default()
                .push((date, v.parse().unwrap_or(f64::NAN)));
        }
    }
    for v in r.instances(&sp("VitalSignSet")) {
        let num = |path: &[&str]| r.path_text(v, path).and_then(|s| s.parse().ok());
        f.vitals.push(VitalSet {
            date: r.text(v, &dc("date")).unwrap_or_default(),
            height: num(&[&sp("height"), &sp("value")]),
            head: num(&[&sp("headCircumference"), &sp("value")]),
            systolic: num(&[&sp("bloodPressure"), &sp("systolic"), &sp("value")]),
            diastolic: num(&[&sp("bloodPressure"), &sp("diastolic"), &sp("value")]),
        });
    }
    f.vitals.sort_by(|a, b| a.date.cmp(&b.date));
    f
}

/// Years between two ISO dates (`YYYY-MM-DD...`), roughly (for age bands).
pub(crate) fn years_between(from: &str, to: &str) -> f64 {
    year_fraction(to) - year_fraction(from)
}

fn year_fraction(iso: &str) -> f64 {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<f64>().ok());
    part(0..4).unwrap_or(0.0)
        + (part(5..7).unwrap_or(1.0) - 1.0) / 12.0
        + (part(8..10).unwrap_or(1.0) - 1.0) / 365.25
}
