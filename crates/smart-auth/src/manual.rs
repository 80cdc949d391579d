//! The manual (documentation only).
