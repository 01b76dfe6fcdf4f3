//! The `hipaa-aws` command: see [`hipaa_aws::cli`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let code = hipaa_aws::cli::run(std::env::args_os(), &hipaa_aws::cli::Console::stdio()).await;
    std::process::ExitCode::from(code)
}
