//! The call table. (Filled in by the catalog work.)

use super::{ApiCall, SpecFix};

/// Every API call.
pub static CALLS: &[ApiCall] = &[];

/// Deliberate departures from the ontology.
pub static SPEC_FIXES: &[SpecFix] = &[];
