//! Tests of the engine work (to be written).
