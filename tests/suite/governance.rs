//! Tests of the governance work (to be written).
