//! Small builders for `spargebra` algebra, so that the store's queries read close to the
//! SPARQL they stand for (each builder's docs show it). Request values only ever enter
//! as `NamedNode` or `Literal` terms.

use oxrdf::{Literal, NamedNode, Term, Variable};
use spargebra::algebra::{Expression, Function, GraphPattern};
use spargebra::term::{
    GroundQuadPattern, GroundTerm, GroundTermPattern, NamedNodePattern, QuadPattern, TermPattern,
    TriplePattern,
};
use spargebra::{Query, Update};

use super::engine::Solutions;

/// `?name`
pub(super) fn var(name: &str) -> Variable {
    Variable::new_unchecked(name)
}

/// A constant IRI of our own vocabulary (checked by the unit tests).
pub(super) fn iri(s: &'static str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

/// `s p o`
pub(super) fn triple(
    s: impl Into<TermPattern>,
    p: impl Into<NamedNodePattern>,
    o: impl Into<TermPattern>,
) -> TriplePattern {
    TriplePattern {
        subject: s.into(),
        predicate: p.into(),
        object: o.into(),
    }
}

/// `GRAPH g { triples }`
pub(super) fn graph(g: impl Into<NamedNodePattern>, triples: Vec<TriplePattern>) -> GraphPattern {
    GraphPattern::Graph {
        name: g.into(),
        inner: Box::new(GraphPattern::Bgp { patterns: triples }),
    }
}

/// `{ a } { b } ...`, joined left to right; the empty group for no pattern.
pub(super) fn join(patterns: impl IntoIterator<Item = GraphPattern>) -> GraphPattern {
    patterns
        .into_iter()
        .reduce(|left, right| GraphPattern::Join {
            left: Box::new(left),
            right: Box::new(right),
        })
        .unwrap_or(GraphPattern::Bgp {
            patterns: Vec::new(),
        })
}

/// `left OPTIONAL { right }`
pub(super) fn optional(left: GraphPattern, right: GraphPattern) -> GraphPattern {
    GraphPattern::LeftJoin {
        left: Box::new(left),
        right: Box::new(right),
        expression: None,
    }
}

/// `{ left } UNION { right }`
pub(super) fn union(left: GraphPattern, right: GraphPattern) -> GraphPattern {
    GraphPattern::Union {
        left: Box::new(left),
        right: Box::new(right),
    }
}

/// `inner FILTER(expr)`
pub(super) fn filter(inner: GraphPattern, expr: Expression) -> GraphPattern {
    GraphPattern::Filter {
        expr,
        inner: Box::new(inner),
    }
}

/// `VALUES ?v { terms }`
pub(super) fn values<T: Clone + Into<GroundTerm>>(v: &Variable, terms: &[T]) -> GraphPattern {
    GraphPattern::Values {
        variables: vec![v.clone()],
        bindings: terms.iter().map(|t| vec![Some(t.clone().into())]).collect(),
    }
}

/// `{ SELECT DISTINCT vars WHERE { inner } }`
pub(super) fn distinct(inner: GraphPattern, vars: &[Variable]) -> GraphPattern {
    GraphPattern::Distinct {
        inner: Box::new(GraphPattern::Project {
            inner: Box::new(inner),
            variables: vars.to_vec(),
        }),
    }
}

/// `SELECT vars WHERE { pattern }`
pub(super) fn select(vars: &[Variable], pattern: GraphPattern) -> Query {
    Query::Select {
        dataset: None,
        pattern: GraphPattern::Project {
            inner: Box::new(pattern),
            variables: vars.to_vec(),
        },
        base_iri: None,
    }
}

/// An update of these operations, run as one request.
pub(super) fn update(operations: Vec<spargebra::GraphUpdateOperation>) -> Update {
    Update {
        base_iri: None,
        operations,
    }
}

/// `NOT EXISTS { pattern }`
pub(super) fn not_exists(pattern: GraphPattern) -> Expression {
    Expression::Not(Box::new(Expression::Exists(Box::new(pattern))))
}

/// `STR(?v)`
pub(super) fn str_of(v: &Variable) -> Expression {
    Expression::FunctionCall(Function::Str, vec![Expression::Variable(v.clone())])
}

/// `STRSTARTS(LCASE(STR(?v)), LCASE("prefix"))`
pub(super) fn starts_with_ignoring_case(v: &Variable, prefix: &str) -> Expression {
    let lcase = |e| Expression::FunctionCall(Function::LCase, vec![e]);
    Expression::FunctionCall(
        Function::StrStarts,
        vec![
            lcase(str_of(v)),
            lcase(Expression::Literal(Literal::new_simple_literal(prefix))),
        ],
    )
}

/// `STR(?v) = "value"`
pub(super) fn str_equals(v: &Variable, value: &str) -> Expression {
    Expression::Equal(
        Box::new(str_of(v)),
        Box::new(Expression::Literal(Literal::new_simple_literal(value))),
    )
}

/// `GRAPH g { s p o }` as a DELETE template quad.
pub(super) fn delete_quad(
    g: impl Into<NamedNodePattern>,
    s: impl Into<GroundTermPattern>,
    p: impl Into<NamedNodePattern>,
    o: impl Into<GroundTermPattern>,
) -> GroundQuadPattern {
    GroundQuadPattern {
        subject: s.into(),
        predicate: p.into(),
        object: o.into(),
        graph_name: g.into().into(),
    }
}

/// `GRAPH g { s p o }` as an INSERT template quad.
pub(super) fn insert_quad(
    g: impl Into<NamedNodePattern>,
    s: impl Into<TermPattern>,
    p: impl Into<NamedNodePattern>,
    o: impl Into<TermPattern>,
) -> QuadPattern {
    QuadPattern {
        subject: s.into(),
        predicate: p.into(),
        object: o.into(),
        graph_name: g.into().into(),
    }
}

/// Reads rows of a SELECT by variable name.
pub(super) struct Rows<'a> {
    solutions: &'a Solutions,
}

impl<'a> Rows<'a> {
    pub(super) fn new(solutions: &'a Solutions) -> Self {
        Self { solutions }
    }

    /// The column of `name`, if projected.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        self.solutions.column(name)
    }

    /// The rows, each with a getter by column.
    pub(super) fn iter(&self) -> impl Iterator<Item = Row<'a>> + '_ {
        self.solutions.rows.iter().map(|values| Row { values })
    }
}

/// One row of a SELECT.
pub(super) struct Row<'a> {
    values: &'a [Option<Term>],
}

impl<'a> Row<'a> {
    /// The term in `column`, if bound.
    pub(super) fn get(&self, column: Option<usize>) -> Option<&'a Term> {
        column
            .and_then(|c| self.values.get(c))
            .and_then(Option::as_ref)
    }

    /// The IRI in `column`, if it is bound to one.
    pub(super) fn iri(&self, column: Option<usize>) -> Option<&'a NamedNode> {
        match self.get(column) {
            Some(Term::NamedNode(n)) => Some(n),
            _ => None,
        }
    }

    /// The lexical form of the literal in `column`, if it is bound to one.
    pub(super) fn literal(&self, column: Option<usize>) -> Option<&'a str> {
        match self.get(column) {
            Some(Term::Literal(l)) => Some(l.value()),
            _ => None,
        }
    }
}
