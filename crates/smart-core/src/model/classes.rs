//! The class table. (Filled in by the model work.)

use super::ClassDef;

/// Every class of the model.
pub static CLASSES: &[ClassDef] = &[];
