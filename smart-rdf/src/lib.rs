#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod format;
pub mod negotiate;
pub mod ontology;
pub mod split;
pub mod validate;

pub use format::{RdfFormat, RdfParseError, parse, serialize};
pub use negotiate::NotAcceptable;
pub use split::{
    ApiBase, STORAGE_BASE, SplitError, SplitRecord, StatementGraph, mint_for_post, split_record,
    to_public, to_storage,
};
pub use validate::{
    Finding, KnownDefect, Mode, PayloadRules, Report, Rule, Severity, ValidationOptions,
};
