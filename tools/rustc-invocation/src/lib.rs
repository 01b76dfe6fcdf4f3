//! Test support for hipaa-aws's compile-fail cases: `rustc_invocation!()` expands to the rustc
//! that compiled the calling crate and the arguments that locate its dependencies (`--extern`,
//! `-L`, `--edition`, `--target`).
//!
//! A proc macro runs inside that rustc process, so its command line is the crate's real one.
//! With it, a test compiles a case file against exactly the already-built dependencies of the
//! test binary, instead of building a second copy of them (what trybuild does: 15 minutes for
//! the AWS SDK crates on two cores).

use proc_macro::TokenStream;

/// Expands to `(rustc: &'static str, args: &'static [&'static str])`.
#[proc_macro]
pub fn rustc_invocation(_input: TokenStream) -> TokenStream {
    let argv = command_line();
    let rustc = compiler(&argv);
    let args = dependency_args(&argv);
    let list = args
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("({rustc:?}, &[{list}] as &[&str])")
        .parse()
        .unwrap_or_else(|_| TokenStream::new())
}

/// The process's arguments, with `@file` argument files (cargo uses them for long command
/// lines) expanded one argument per line.
fn command_line() -> Vec<String> {
    let mut out = Vec::new();
    for arg in std::env::args() {
        match arg.strip_prefix('@') {
            Some(path) => {
                if let Ok(text) = std::fs::read_to_string(path) {
                    out.extend(text.lines().map(str::to_string));
                }
            }
            None => out.push(arg),
        }
    }
    out
}

/// The compiler: argv[0], or argv[1] when a wrapper (sccache and the like) runs rustc.
fn compiler(argv: &[String]) -> String {
    let is_rustc = |a: &String| {
        std::path::Path::new(a)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("rustc") || n.starts_with("clippy-driver"))
    };
    argv.iter()
        .take(2)
        .find(|a| is_rustc(a))
        .cloned()
        .unwrap_or_else(|| "rustc".to_string())
}

/// The arguments that say where the dependencies are and how to read them.
fn dependency_args(argv: &[String]) -> Vec<String> {
    const WITH_VALUE: [&str; 4] = ["--extern", "-L", "--edition", "--target"];
    let mut out = Vec::new();
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        if WITH_VALUE.contains(&arg.as_str()) {
            if let Some(value) = args.next() {
                out.push(arg.clone());
                out.push(value.clone());
            }
        } else if WITH_VALUE.iter().any(|flag| {
            arg.starts_with(&format!("{flag}=")) || (*flag == "-L" && arg.starts_with("-L"))
        }) {
            out.push(arg.clone());
        }
    }
    out
}
