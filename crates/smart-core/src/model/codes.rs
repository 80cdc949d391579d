//! Code lists and code systems. (Filled in by the model work.)

use super::{CodeList, CodeSystem};

/// Every `spcode:` code list.
pub static CODE_LISTS: &[CodeList] = &[];

/// The code systems concept IRIs come from.
pub static CODE_SYSTEMS: &[CodeSystem] = &[];
