//! Test support: a small pool of local AWS endpoints (moto on loopback) for the whole test
//! binary, and a fresh account per test so tests run side by side without seeing each other's
//! resources.
//!
//! One moto process works on one core, so the binary starts one endpoint per core (at most
//! four; `HIPAA_AWS_TEST_ENDPOINTS=N` overrides it) and deals the tests out among them. Every
//! account one test makes lives on that test's endpoint (chosen on its thread's first call), so
//! tests that use several accounts together (organizations, assumed roles) see each other.
//! A task a test `tokio::spawn`s may run on a worker thread with another endpoint: accounts
//! that must see each other are made on the test's own task.
//!
//! Assertions shared by every module: [`refusals`] for `build()` refusals, [`findings`] for
//! audit findings, each with its semantics documented once.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::{BaaAttestation, Environment};
use tokio::sync::OnceCell;

static ENDPOINTS: OnceCell<Vec<LocalEndpoint>> = OnceCell::const_new();
static NEXT_ENDPOINT: AtomicUsize = AtomicUsize::new(0);
static NEXT_ACCOUNT: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The endpoint of the test running on this thread (libtest runs each test on its own
    /// thread, and a `#[tokio::test]` body is polled on it).
    static THIS_TESTS_ENDPOINT: Cell<Option<usize>> = const { Cell::new(None) };
}

pub const REGION: &str = "us-east-1";

/// This test's endpoint, the pool started (and installed, the first time on a machine) on
/// first use. A machine without Python fails here with a message that says what to install.
pub async fn endpoint() -> &'static LocalEndpoint {
    let pool = match ENDPOINTS.get_or_try_init(start_pool).await {
        Ok(pool) => pool,
        Err(error) => {
            panic!("the local AWS endpoint is required by this test and could not start: {error}")
        }
    };
    let index = THIS_TESTS_ENDPOINT.with(|chosen| {
        let index = chosen
            .get()
            .unwrap_or_else(|| NEXT_ENDPOINT.fetch_add(1, Ordering::Relaxed) % pool.len());
        chosen.set(Some(index));
        index
    });
    &pool[index]
}

/// The first endpoint alone (it installs moto on a fresh machine), then the others together.
async fn start_pool() -> hipaa_aws::Result<Vec<LocalEndpoint>> {
    let first = LocalEndpoint::start().await?;
    let others =
        futures::future::try_join_all((1..pool_size()).map(|_| LocalEndpoint::start())).await?;
    Ok(std::iter::once(first).chain(others).collect())
}

fn pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("HIPAA_AWS_TEST_ENDPOINTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cores)
        .clamp(1, 4)
}

/// A test's own account on its endpoint.
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

pub mod findings;
pub mod refusals;
