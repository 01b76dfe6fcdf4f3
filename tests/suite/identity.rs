//! Tests of the identity work (to be written).
