//! Canonical content digests: what a node "says", independent of blank-node labels and of
//! triple order, so ids minted from them are stable across re-imports.
//!
//! - A literal is its N-Triples form; an IRI that is not a statement (a code, a media type)
//!   is its IRI alone (the code's own triples do not count, only which code it is).
//! - A non-statement blank node is the sorted multiset of its `(predicate, object)` edges,
//!   recursively (a Merkle hash of its subtree). A cycle among blank nodes is cut with a
//!   marker giving the distance back up the path, so recursion always ends.
//! - A link to another statement is only "a statement of class C" (level 0), which breaks
//!   the Medication ↔ Fulfillment cycle.
//! - A statement's id hash adds, to its own level-0 digest, the level-0 digests of the
//!   statements it links to and of those linking to it. That tells apart statements whose
//!   own content is equal but whose neighbours differ, e.g. two identical Encounters nested
//!   in different VitalSignSets.

use std::collections::HashMap;

use oxrdf::{BlankNodeRef, NamedOrBlankNodeRef, TermRef, vocab::rdf};
use sha2::{Digest as _, Sha256};
use smart_core::{ClassDef, RecordId};

use super::{BELONGS_TO, Index, as_node};

/// A SHA-256 digest.
pub(super) type Digest = [u8; 32];

/// The work budget ran out (an adversarial graph with many cyclic, shared blank nodes) or
/// blank nodes nest deeper than [`MAX_DEPTH`].
#[derive(Debug)]
pub(super) struct Exhausted;

/// A SHA-256 over length-prefixed fields, so `("ab", "c")` and `("a", "bc")` differ.
struct Fields(Sha256);

impl Fields {
    fn new(tag: &str) -> Self {
        Self(Sha256::new()).field(tag.as_bytes())
    }

    fn field(mut self, bytes: &[u8]) -> Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    fn fields<'d>(self, items: impl IntoIterator<Item = &'d Digest>) -> Self {
        items.into_iter().fold(self, |h, d| h.field(d))
    }

    fn finish(self) -> Digest {
        self.0.finalize().into()
    }
}

/// Lowercase hex of a digest.
pub(super) fn hex(digest: &Digest) -> String {
    smart_core::encoding::hex_lower(digest)
}

/// How deep blank nodes may nest under a statement. SMART data nests a handful of levels;
/// the limit keeps the recursion far from the stack's end on hostile input.
const MAX_DEPTH: usize = 512;

/// Stands for "no node on the current path is referenced".
const NO_CYCLE: usize = usize::MAX;

/// Digest computation over one input graph, with memoisation.
pub(super) struct Canon<'i, 'a> {
    index: &'i Index<'a>,
    /// Digests of blank nodes whose subtree does not reach back above them.
    memo: HashMap<BlankNodeRef<'a>, Digest>,
    /// Digests of literals and IRIs, which recur a lot (codes, units, dates).
    leaves: HashMap<TermRef<'a>, Digest>,
    /// Level-0 digests of statements.
    level0: HashMap<NamedOrBlankNodeRef<'a>, Digest>,
    /// The blank nodes on the current path, for cycle detection.
    path: Vec<BlankNodeRef<'a>>,
    /// Remaining edge visits; only cyclic structures that cannot be memoised use it up.
    budget: usize,
}

impl<'i, 'a> Canon<'i, 'a> {
    pub(super) fn new(index: &'i Index<'a>) -> Self {
        Self {
            index,
            memo: HashMap::new(),
            leaves: HashMap::new(),
            level0: HashMap::new(),
            path: Vec::new(),
            budget: 1_000_000usize.saturating_add(index.graph.len().saturating_mul(64)),
        }
    }

    /// The digest of an object term.
    pub(super) fn term(&mut self, term: TermRef<'a>) -> Result<Digest, Exhausted> {
        self.term_inner(term).map(|(d, _)| d)
    }

    /// The digest of a term, with the lowest position on the current path that its subtree
    /// refers back to ([`NO_CYCLE`] if none).
    fn term_inner(&mut self, term: TermRef<'a>) -> Result<(Digest, usize), Exhausted> {
        if let TermRef::BlankNode(b) = term {
            if !self.index.statements.contains_key(&b.into()) && !self.index.is_record(b.into()) {
                return self.blank(b);
            }
        }
        if let Some(d) = self.leaves.get(&term) {
            return Ok((*d, NO_CYCLE));
        }
        let d = self.leaf(term);
        self.leaves.insert(term, d);
        Ok((d, NO_CYCLE))
    }

    /// The digest of a literal, an IRI, a statement or the record. (Non-statement blank
    /// nodes go to [`Self::blank`] before this.)
    fn leaf(&self, term: TermRef<'a>) -> Digest {
        let Some(node) = as_node(term) else {
            // Literals (and anything else a term may be) by their N-Triples form.
            return Fields::new("literal")
                .field(term.to_string().as_bytes())
                .finish();
        };
        if self.index.is_record(node) {
            return Fields::new("record").finish();
        }
        if let Some(class) = self.index.statements.get(&node) {
            return Fields::new("statement")
                .field(class.iri.as_bytes())
                .finish();
        }
        // An IRI (a code, a media type) counts by its IRI alone.
        Fields::new("iri")
            .field(node.to_string().as_bytes())
            .finish()
    }

    fn blank(&mut self, b: BlankNodeRef<'a>) -> Result<(Digest, usize), Exhausted> {
        if let Some(d) = self.memo.get(&b) {
            return Ok((*d, NO_CYCLE));
        }
        if let Some(pos) = self.path.iter().position(|x| *x == b) {
            let distance = (self.path.len() - pos) as u64;
            let d = Fields::new("cycle").field(&distance.to_le_bytes()).finish();
            return Ok((d, pos));
        }
        let depth = self.path.len();
        if depth >= MAX_DEPTH {
            return Err(Exhausted);
        }
        self.path.push(b);
        let mut edges = Vec::new();
        let mut lowest = NO_CYCLE;
        for t in self.index.graph.triples_for_subject(b) {
            self.budget = self.budget.checked_sub(1).ok_or(Exhausted)?;
            let (object, low) = self.term_inner(t.object)?;
            lowest = lowest.min(low);
            edges.push(edge("edge", t.predicate.as_str(), &object));
        }
        self.path.pop();
        edges.sort_unstable();
        let d = Fields::new("blank").fields(&edges).finish();
        if lowest >= depth {
            // Cycles (if any) stay inside this subtree, and their markers are relative, so
            // the digest does not depend on how we got here.
            self.memo.insert(b, d);
            lowest = NO_CYCLE;
        }
        Ok((d, lowest))
    }

    /// A statement's own content: class, and its edges except `sp:belongsTo` (which only
    /// says "this record", the same for all).
    fn level0(
        &mut self,
        s: NamedOrBlankNodeRef<'a>,
        class: &ClassDef,
    ) -> Result<Digest, Exhausted> {
        if let Some(d) = self.level0.get(&s) {
            return Ok(*d);
        }
        let mut edges = Vec::new();
        for t in self.index.graph.triples_for_subject(s) {
            if t.predicate.as_str() == BELONGS_TO {
                continue;
            }
            self.budget = self.budget.checked_sub(1).ok_or(Exhausted)?;
            let object = self.term(t.object)?;
            edges.push(edge("edge", t.predicate.as_str(), &object));
        }
        edges.sort_unstable();
        let d = Fields::new("statement0")
            .field(class.iri.as_bytes())
            .fields(&edges)
            .finish();
        self.level0.insert(s, d);
        Ok(d)
    }

    /// The hash an id is minted from: the record, the class, the statement's own content,
    /// and the content of the statements linked from and to it.
    pub(super) fn statement_hash(
        &mut self,
        s: NamedOrBlankNodeRef<'a>,
        class: &ClassDef,
        record: &RecordId,
    ) -> Result<Digest, Exhausted> {
        let own = self.level0(s, class)?;
        let index = self.index;
        let mut outgoing = Vec::new();
        for t in index.graph.triples_for_subject(s) {
            let Some(target) = as_node(t.object) else {
                continue;
            };
            if let Some(target_class) = index.statements.get(&target) {
                let d = self.level0(target, target_class)?;
                outgoing.push(edge("out", t.predicate.as_str(), &d));
            }
        }
        let mut incoming = Vec::new();
        for t in index.graph.triples_for_object(s) {
            if let Some(source_class) = index.statements.get(&t.subject) {
                let d = self.level0(t.subject, source_class)?;
                incoming.push(edge("in", t.predicate.as_str(), &d));
            }
        }
        outgoing.sort_unstable();
        incoming.sort_unstable();
        Ok(Fields::new("statement")
            .field(record.as_str().as_bytes())
            .field(class.iri.as_bytes())
            .field(&own)
            .field(&(outgoing.len() as u64).to_le_bytes())
            .fields(&outgoing)
            .fields(&incoming)
            .finish())
    }
}

fn edge(tag: &str, predicate: &str, object: &Digest) -> Digest {
    Fields::new(tag)
        .field(predicate.as_bytes())
        .field(object)
        .finish()
}

/// A deterministic blank-node label, unique to one statement graph: the n-th blank node
/// met in the canonical walk of the statement with this IRI.
pub(super) fn blank_label(statement_iri: &str, n: usize) -> String {
    let d = Fields::new("label")
        .field(statement_iri.as_bytes())
        .field(&(n as u64).to_le_bytes())
        .finish();
    // A letter first keeps the label valid in every syntax; 20 hex digits are 80 bits.
    format!("b{}", &hex(&d)[..20])
}

/// Whether the walk from a statement continues into `object` through `predicate`: into
/// blank nodes and IRIs that are not statements or the record, but not into the classes
/// named by `rdf:type`.
pub(super) fn follows(index: &Index<'_>, predicate: &str, object: TermRef<'_>) -> bool {
    let Some(node) = as_node(object) else {
        return false;
    };
    if index.is_record(node) || index.statements.contains_key(&node) {
        return false;
    }
    !(predicate == rdf::TYPE.as_str() && matches!(node, NamedOrBlankNodeRef::NamedNode(_)))
}
