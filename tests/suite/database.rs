//! Tests of the database work (to be written).
