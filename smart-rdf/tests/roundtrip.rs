//! Property test: random model-valid statements survive every serialization.
//!
//! A statement of a random statement class is built from the model tables: its required
//! properties and a random subset of the optional ones, nested nodes for class ranges,
//! coded values from the right code list, fixed units, and literals drawn from awkward
//! strings (markup characters, quotes, newlines, non-ASCII). Serializing to each format and
//! parsing back must give an isomorphic graph.

use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Graph, Literal, NamedNode, Term, Triple};
use proptest::prelude::*;
use smart_core::model::{self, ClassDef, Range};
use smart_rdf::{RdfFormat, parse, serialize};

/// A small deterministic generator, so a failing case is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}

const AWKWARD: &[&str] = &[
    "plain",
    "1 tablet <daily> & \"often\"",
    "line one\nline two\ttab",
    "Zoë Ångström — 名前 🙂",
    "]]> <!-- --> <?x?>",
    "back\\slash 'single'",
    " leading and trailing ",
    "2011-06-12T18:30Z",
    "",
];

struct StatementBuilder<'a> {
    rng: &'a mut Rng,
    graph: Graph,
    blanks: usize,
}

impl StatementBuilder<'_> {
    fn blank(&mut self) -> BlankNode {
        self.blanks += 1;
        BlankNode::new_unchecked(format!("n{}", self.blanks))
    }

    fn literal(&mut self) -> Literal {
        Literal::new_simple_literal(AWKWARD[self.rng.below(AWKWARD.len())])
    }

    fn node(&mut self, class: &ClassDef, depth: usize) -> BlankNode {
        let node = self.blank();
        self.graph.insert(&Triple::new(
            node.clone(),
            rdf::TYPE,
            NamedNode::new_unchecked(class.iri),
        ));
        for p in model::effective_properties(class.iri) {
            if p.iri == smart_core::sp!("belongsTo") {
                continue;
            }
            let count = match (p.cardinality.min(), p.cardinality.max()) {
                (1, Some(1)) => 1,
                (1, None) => 1 + self.rng.below(2),
                (_, Some(1)) => usize::from(self.rng.chance()),
                _ => self.rng.below(3),
            };
            for _ in 0..count {
                let Some(value) = self.value(&p, depth) else {
                    continue;
                };
                self.graph.insert(&Triple::new(
                    node.clone(),
                    NamedNode::new_unchecked(p.iri),
                    value,
                ));
            }
        }
        node
    }

    fn value(&mut self, p: &model::PropertyDef, depth: usize) -> Option<Term> {
        match p.range {
            Range::Literal(_) => Some(self.literal().into()),
            Range::Class(c) => {
                let class = model::class(c)?;
                if depth > 3 || class.is_statement() {
                    return None;
                }
                let n = self.node(class, depth + 1);
                if let Some(unit) = p.fixed_unit {
                    let unit_p = NamedNode::new_unchecked(smart_core::sp!("unit"));
                    let old: Vec<Term> = self
                        .graph
                        .objects_for_subject_predicate(&n, &unit_p)
                        .map(|t| t.into_owned())
                        .collect();
                    for o in old {
                        self.graph
                            .remove(&Triple::new(n.clone(), unit_p.clone(), o));
                    }
                    self.graph.insert(&Triple::new(
                        n.clone(),
                        unit_p,
                        Literal::new_simple_literal(unit),
                    ));
                }
                Some(n.into())
            }
            Range::CodedValue(list) | Range::Code(list) | Range::Individual(list) => {
                let list = model::code_list(list)?;
                let code = if list.is_closed() {
                    NamedNode::new_unchecked(list.members[self.rng.below(list.members.len())].iri)
                } else {
                    let prefix = list.system.unwrap_or("http://example.org/code/");
                    NamedNode::new_unchecked(format!("{prefix}{}", self.rng.below(1_000_000)))
                };
                if !matches!(p.range, Range::CodedValue(_)) {
                    return Some(code.into());
                }
                let cv = self.blank();
                self.graph.insert(&Triple::new(
                    cv.clone(),
                    rdf::TYPE,
                    NamedNode::new_unchecked(smart_core::sp!("CodedValue")),
                ));
                let title = self.literal();
                self.graph.insert(&Triple::new(
                    cv.clone(),
                    NamedNode::new_unchecked(smart_core::dcterms!("title")),
                    title,
                ));
                self.graph.insert(&Triple::new(
                    cv.clone(),
                    NamedNode::new_unchecked(smart_core::sp!("code")),
                    code,
                ));
                Some(cv.into())
            }
            _ => None,
        }
    }
}

fn random_statement(seed: u64) -> Graph {
    let statements: Vec<&ClassDef> = model::statement_classes().collect();
    assert!(!statements.is_empty(), "the model has statement classes");
    let mut rng = Rng(seed | 1);
    let class = statements[rng.below(statements.len())];
    let mut b = StatementBuilder {
        rng: &mut rng,
        graph: Graph::new(),
        blanks: 0,
    };
    let record = NamedNode::new_unchecked("http://example.org/api/records/1");
    let s = b.node(class, 0);
    b.graph.insert(&Triple::new(
        s,
        NamedNode::new_unchecked(smart_core::sp!("belongsTo")),
        record,
    ));
    b.graph
}

fn canonical(mut g: Graph) -> Graph {
    g.canonicalize(CanonicalizationAlgorithm::Unstable);
    g
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn statements_round_trip_through_every_format(seed in any::<u64>()) {
        let graph = random_statement(seed);
        let expected = canonical(graph.clone());
        for format in RdfFormat::ALL {
            let bytes = serialize(&graph, format);
            let back = parse(&bytes, format, None)
                .map_err(|e| TestCaseError::fail(format!("{format}: {e}\n{}", String::from_utf8_lossy(&bytes))))?;
            prop_assert_eq!(canonical(back), expected.clone(), "{}", format);
        }
    }
}
