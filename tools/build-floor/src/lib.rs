//! Nothing: this crate exists to build the library's dependencies alone (see Cargo.toml).
