//! Tests of the vpc work (to be written).
