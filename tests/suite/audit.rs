//! Tests of the audit work (to be written).
