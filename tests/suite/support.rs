//! Test support: one local AWS endpoint (moto on loopback) for the whole test binary, and a
//! fresh account per test so tests run side by side without seeing each other's resources.

use std::sync::atomic::{AtomicU64, Ordering};

use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::{BaaAttestation, Environment};
use tokio::sync::OnceCell;

static ENDPOINT: OnceCell<LocalEndpoint> = OnceCell::const_new();
static NEXT_ACCOUNT: AtomicU64 = AtomicU64::new(1);

pub const REGION: &str = "us-east-1";

/// The shared endpoint, started (and installed, the first time on a machine) on first use.
/// A machine without Python fails here with a message that says what to install.
pub async fn endpoint() -> &'static LocalEndpoint {
    let started = ENDPOINT
        .get_or_try_init(|| async { LocalEndpoint::start().await })
        .await;
    match started {
        Ok(endpoint) => endpoint,
        Err(error) => {
            panic!("the local AWS endpoint is required by this test and could not start: {error}")
        }
    }
}

/// A test's own account on the shared endpoint.
pub struct TestAccount {
    pub env: Environment,
    pub sdk_config: aws_types::SdkConfig,
    /// A suffix that makes global names (bucket names) unique to this test.
    pub suffix: String,
}

impl TestAccount {
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk_config)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.sdk_config)
    }

    /// A bucket name unique to this test.
    pub fn bucket(&self, stem: &str) -> String {
        format!("{stem}-{}", self.suffix)
    }
}

/// A fresh account with an executed BAA.
pub async fn account() -> TestAccount {
    let number = NEXT_ACCOUNT.fetch_add(1, Ordering::SeqCst);
    let account_id = format!(
        "{:012}",
        200_000_000_000_u64 + u64::from(std::process::id()) * 1000 + number
    );
    let endpoint = endpoint().await;
    let sdk_config = match endpoint.sdk_config_for_account(&account_id, REGION).await {
        Ok(config) => config,
        Err(error) => panic!("cannot reach account {account_id} on the local endpoint: {error}"),
    };
    let env =
        Environment::builder(BaaAttestation::executed_on("2026-01-15").by("Test Privacy Officer"))
            .sdk_config(sdk_config.clone())
            .tag("team", "tests")
            .build()
            .await;
    let env = match env {
        Ok(env) => env,
        Err(error) => panic!("cannot build the environment: {error}"),
    };
    assert_eq!(
        env.account_id(),
        account_id,
        "the endpoint routed to another account"
    );
    TestAccount {
        env,
        sdk_config,
        suffix: format!("t{number}p{}", std::process::id()),
    }
}
