//! What validation reports: [`Finding`]s, their [`Severity`] and the [`Rule`] they break.

use std::fmt;

use super::lenient::KnownDefect;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[expect(
    clippy::exhaustive_enums,
    reason = "a finding is an error, a warning or a detail of another error; nothing else"
)]
pub enum Severity {
    /// The graph breaks the model; a container must refuse it.
    Error,
    /// A known defect tolerated in lenient mode; the graph is accepted.
    Warning,
    /// A finding that another error already explains, listed only on request: in a
    /// document written in an older SMART vocabulary ([`Rule::OlderVocabulary`]), every
    /// other finding. Not counted as an error.
    Detail,
}

impl Severity {
    /// `error`, `warning` or `detail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Detail => "detail",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The kind of check a finding comes from, so callers and tests can branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// An `rdf:type` in the `sp:` or `spcode:` namespace that the model does not define
    /// (usually a typo, e.g. `sp:Medicaton`).
    UnknownClass,
    /// A node that should be a clinical statement (it has `sp:belongsTo`, a record lists
    /// it with `sp:hasStatement`, or it is a top-level node of the graph) but has no
    /// statement class among its types.
    NoStatementClass,
    /// A property the model requires (minimum cardinality 1) is absent.
    MissingProperty,
    /// A single-valued property (maximum cardinality 1) has several values.
    TooManyValues,
    /// An `sp:` property the model does not declare for the node's class.
    UnknownProperty,
    /// A literal where the model requires a node (a resource).
    LiteralForNode,
    /// A node where the model requires a literal.
    NodeForLiteral,
    /// A node whose `rdf:type` is not the class the property requires (nor a subclass).
    WrongType,
    /// A literal whose datatype is not the one the model names, or whose text is not a
    /// valid value of that datatype.
    Datatype,
    /// A date property whose value is not an ISO-8601 date or date-time.
    Date,
    /// A numeric property (the `sp:value` of a value-and-unit) whose value is not a number.
    Number,
    /// A literal outside the values allowed for the property (`foaf:gender`).
    AllowedValue,
    /// A value-and-unit whose `sp:unit` differs from the unit the model fixes.
    FixedUnit,
    /// A code that is not in the namespace of its code list's system (e.g. a SNOMED code
    /// for an RxNorm drug name), or is a blank node.
    CodeSystem,
    /// A code node not typed `sp:Code` plus its code list class (or a subclass of it).
    CodeType,
    /// A code of a closed list that is not one of the list's members.
    CodeNotInList,
    /// A code of a closed list whose `dcterms:title` differs from the member's title.
    CodeTitle,
    /// A code whose `sp:system` + `dcterms:identifier` is not its IRI, or whose
    /// identifier differs from the closed-list member's.
    CodeIdentity,
    /// A statement of a class the payload may not contain.
    StatementNotAllowed,
    /// An `sp:belongsTo` pointing somewhere other than the record.
    BelongsTo,
    /// A payload without any statement.
    EmptyPayload,
    /// The document is written in a SMART vocabulary older than 0.6 (it uses classes,
    /// properties or code namespaces that 0.6 renamed or dropped, such as
    /// `sp:AllergyException` or `sp:ResultRange`). Reported once, naming those terms;
    /// every other finding of the document becomes a [`Severity::Detail`].
    OlderVocabulary,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: [Rule; 22] = [
        Self::UnknownClass,
        Self::NoStatementClass,
        Self::MissingProperty,
        Self::TooManyValues,
        Self::UnknownProperty,
        Self::LiteralForNode,
        Self::NodeForLiteral,
        Self::WrongType,
        Self::Datatype,
        Self::Date,
        Self::Number,
        Self::AllowedValue,
        Self::FixedUnit,
        Self::CodeSystem,
        Self::CodeType,
        Self::CodeNotInList,
        Self::CodeTitle,
        Self::CodeIdentity,
        Self::StatementNotAllowed,
        Self::BelongsTo,
        Self::EmptyPayload,
        Self::OlderVocabulary,
    ];

    /// A stable kebab-case name, e.g. `missing-property`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownClass => "unknown-class",
            Self::NoStatementClass => "no-statement-class",
            Self::MissingProperty => "missing-property",
            Self::TooManyValues => "too-many-values",
            Self::UnknownProperty => "unknown-property",
            Self::LiteralForNode => "literal-for-node",
            Self::NodeForLiteral => "node-for-literal",
            Self::WrongType => "wrong-type",
            Self::Datatype => "datatype",
            Self::Date => "date",
            Self::Number => "number",
            Self::AllowedValue => "allowed-value",
            Self::FixedUnit => "fixed-unit",
            Self::CodeSystem => "code-system",
            Self::CodeType => "code-type",
            Self::CodeNotInList => "code-not-in-list",
            Self::CodeTitle => "code-title",
            Self::CodeIdentity => "code-identity",
            Self::StatementNotAllowed => "statement-not-allowed",
            Self::BelongsTo => "belongs-to",
            Self::EmptyPayload => "empty-payload",
            Self::OlderVocabulary => "older-vocabulary",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One problem found in a graph.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// [`Severity::Error`], [`Severity::Warning`] for a known defect in lenient mode, or
    /// [`Severity::Detail`] for a finding another error explains.
    pub severity: Severity,
    /// The node: its IRI, or for a blank node its label followed by the path from its
    /// statement, e.g. `_:b12 (sp:Medication › sp:drugName)`.
    pub node: String,
    /// The property concerned, compact (`sp:drugName`), when there is one.
    pub property: Option<String>,
    /// What the model requires.
    pub expected: String,
    /// What the graph has.
    pub found: String,
    /// The kind of check.
    pub rule: Rule,
    /// When the finding matches a known defect of the original sample-patient generator,
    /// which one. Set in both modes; only lenient mode downgrades these to warnings.
    pub known_defect: Option<KnownDefect>,
}

impl Finding {
    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A one-line message naming the node, the property, what was expected and what was
    /// found.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] {}", self.severity, self.rule, self.node)?;
        if let Some(p) = &self.property {
            write!(f, " {p}")?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)?;
        if let Some(d) = self.known_defect {
            write!(f, " (known generator defect: {})", d.description())?;
        }
        Ok(())
    }
}
