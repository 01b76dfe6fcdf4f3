//! The insecure shapes do not compile: each case under `tests/ui` is compiled and must fail
//! with the error recorded beside it (`*.stderr`).

#[test]
fn insecure_shapes_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
