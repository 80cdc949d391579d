//! Tests of the split.
