#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod catalog;
pub mod encoding;
pub mod ids;
pub mod manifest;
pub mod model;
pub mod vocab;

pub use catalog::{ApiCall, CallCardinality, CallId, Category, HttpMethod};
pub use ids::{AppId, IdError, RecordId, UserId};
pub use model::{Cardinality, ClassDef, CodeList, CodeMember, CodeSystem, PropertyDef, Range};
