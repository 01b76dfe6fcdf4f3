//! The environment a stack is planned, applied and audited in: the AWS configuration, one client
//! per service (made on first use), the account and region, the tags every resource gets, and
//! the BAA attestation.

mod baa;
mod calls;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_config::retry::RetryConfig;
use aws_config::BehaviorVersion;
use aws_types::SdkConfig;

use crate::aws_error::AwsResultExt;
use crate::controls::ControlId;
use crate::error::{Error, Result, Violation, Violations};

pub use baa::{BaaAttestation, BAA_COVERS};
pub use calls::{is_mutating, ApiCallStats};
pub(crate) use calls::{ApiCallLog, CallRecorder};

/// The tag key naming the stack a resource belongs to.
pub const STACK_TAG: &str = "hipaa-aws:stack";
/// The tag key naming a resource's logical id within its stack.
pub const LOGICAL_ID_TAG: &str = "hipaa-aws:logical-id";
/// The IAM path of every role and customer-managed policy the library makes (here, below the
/// services, because IAM and the services that make their own roles, such as RDS monitoring,
/// all name it).
pub const LIBRARY_PATH: &str = "/hipaa-aws/";
/// The tag key marking resources this library manages.
pub const MANAGED_BY_TAG: &str = "hipaa-aws:managed-by";
/// The tag key marking resources that hold PHI.
pub const DATA_CLASS_TAG: &str = "hipaa-aws:data-class";
/// The tag key naming the backup plan a database or bucket declared (`.backed_up_by(&plan)`);
/// every `BackupPlan` selects the resources carrying its name under this key.
pub const BACKUP_PLAN_TAG: &str = "hipaa-aws:backup-plan";

/// How many attempts the SDK makes per call (the first and its retries) unless the caller's
/// configuration says otherwise. Throttling and 5xx answers are retried with backoff.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Where a stack is planned, applied and audited.
///
/// Cloning is cheap and shares the clients and the API-call record.
///
/// ```no_run
/// # async fn example() -> hipaa_aws::Result<()> {
/// use hipaa_aws::{BaaAttestation, Environment};
/// let env = Environment::from_env(BaaAttestation::executed_on("2026-01-15")).await?;
/// println!("account {} in {}", env.account_id(), env.region());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Environment {
    inner: Arc<Inner>,
}

struct Inner {
    sdk_config: SdkConfig,
    account_id: String,
    partition: String,
    region: String,
    tags: BTreeMap<String, String>,
    baa: Option<BaaAttestation>,
    calls: ApiCallLog,
    #[cfg(feature = "s3")]
    path_style_s3: bool,
    // Read by the service clients; a build with no service feature (`local` alone) has none.
    #[cfg_attr(
        not(any(
            feature = "kms",
            feature = "iam",
            feature = "securityhub",
            feature = "guardduty"
        )),
        allow(dead_code)
    )]
    clients: Clients,
    #[cfg(feature = "s3")]
    s3: S3Client,
    #[cfg(feature = "audit")]
    s3control: S3ControlClient,
    sts: OnceLock<aws_sdk_sts::Client>,
}

/// Declares one lazily made client per service feature: the cell that holds it and the
/// `Environment` method that makes it on first use with the call recorder attached.
macro_rules! clients {
    ($( $feature:literal, $method:ident, $krate:ident, $doc:literal; )*) => {
        #[derive(Default)]
        struct Clients {
            $(
                #[cfg(feature = $feature)]
                $method: OnceLock<$krate::Client>,
            )*
        }

        impl Environment {
            $(
                #[doc = $doc]
                #[cfg(feature = $feature)]
                pub fn $method(&self) -> &$krate::Client {
                    self.inner.clients.$method.get_or_init(|| {
                        let config = $krate::config::Builder::from(&self.inner.sdk_config)
                            .interceptor(CallRecorder::new(self.inner.calls.clone()))
                            .build();
                        $krate::Client::from_conf(config)
                    })
                }
            )*
        }
    };
}

clients! {
    "kms", kms, aws_sdk_kms, "The KMS client.";
    "ec2", ec2, aws_sdk_ec2, "The EC2 (and VPC, EBS) client.";
    "iam", iam, aws_sdk_iam, "The IAM client.";
    "logs", logs, aws_sdk_cloudwatchlogs, "The CloudWatch Logs client.";
    "cloudtrail", cloudtrail, aws_sdk_cloudtrail, "The CloudTrail client.";
    "cloudwatch", cloudwatch, aws_sdk_cloudwatch, "The CloudWatch (metrics and alarms) client.";
    "cloudwatch", sns, aws_sdk_sns, "The SNS client (alarm topics).";
    "rds", rds, aws_sdk_rds, "The RDS client.";
    "config", config, aws_sdk_config, "The AWS Config client.";
    "securityhub", securityhub, aws_sdk_securityhub, "The Security Hub client.";
    "guardduty", guardduty, aws_sdk_guardduty, "The GuardDuty client.";
    "backup", backup, aws_sdk_backup, "The AWS Backup client.";
    "organizations", organizations, aws_sdk_organizations, "The Organizations client (guardrails and multi-account audits).";
}

/// S3 Control is made apart from the others: on a custom endpoint its endpoint rules would put
/// the account id in front of the host name, which a loopback endpoint cannot resolve.
#[cfg(feature = "audit")]
#[derive(Default)]
struct S3ControlClient(OnceLock<aws_sdk_s3control::Client>);

/// Resolves every S3 Control request to the configured endpoint, as it is.
#[cfg(feature = "audit")]
#[derive(Debug)]
struct VerbatimEndpoint(String);

#[cfg(feature = "audit")]
impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for VerbatimEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// S3 is made apart from the others: it needs path-style addressing on custom endpoints.
#[cfg(feature = "s3")]
#[derive(Default)]
struct S3Client(OnceLock<aws_sdk_s3::Client>);

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("account_id", &self.inner.account_id)
            .field("region", &self.inner.region)
            .field("endpoint_url", &self.inner.sdk_config.endpoint_url())
            .field("tags", &self.inner.tags)
            .field("baa", &self.inner.baa)
            .finish_non_exhaustive()
    }
}

impl Environment {
    /// Loads the standard AWS configuration chain (environment, profiles, SSO, `AWS_ENDPOINT_URL`,
    /// region), finds the account with STS GetCallerIdentity, and records the BAA attestation.
    pub async fn from_env(baa: BaaAttestation) -> Result<Environment> {
        EnvironmentBuilder::new(Some(baa)).build().await
    }

    /// An environment for auditing only: without a BAA attestation it can read and judge an
    /// account, but it refuses to plan anything that stores PHI.
    pub async fn for_audit() -> Result<Environment> {
        EnvironmentBuilder::new(None).build().await
    }

    /// A builder, for an explicit `SdkConfig` or extra tags.
    pub fn builder(baa: BaaAttestation) -> EnvironmentBuilder {
        EnvironmentBuilder::new(Some(baa))
    }

    /// A builder without a BAA attestation (audit only).
    pub fn audit_builder() -> EnvironmentBuilder {
        EnvironmentBuilder::new(None)
    }

    /// The account id the credentials belong to.
    pub fn account_id(&self) -> &str {
        &self.inner.account_id
    }

    /// The AWS partition (`aws`, `aws-us-gov`, `aws-cn`).
    pub fn partition(&self) -> &str {
        &self.inner.partition
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint URL in use, when it is not the AWS default (for instance the local endpoint).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.sdk_config.endpoint_url()
    }

    /// The tags the caller asked every resource to carry (the library adds its own).
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.inner.tags
    }

    /// The BAA attestation, absent for an audit-only environment.
    pub fn baa(&self) -> Option<&BaaAttestation> {
        self.inner.baa.as_ref()
    }

    /// The SDK configuration behind the clients.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.inner.sdk_config
    }

    /// Every API call made through this environment so far.
    pub fn api_calls(&self) -> ApiCallStats {
        self.inner.calls.snapshot()
    }

    /// The tags a resource of `stack` with `logical_id` carries: the caller's, then the
    /// library's (which win).
    pub fn resource_tags(
        &self,
        stack: &str,
        logical_id: &str,
        holds_phi: bool,
    ) -> BTreeMap<String, String> {
        resource_tags(&self.inner.tags, stack, logical_id, holds_phi)
    }

    /// The STS client.
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        self.inner.sts.get_or_init(|| {
            let config = aws_sdk_sts::config::Builder::from(&self.inner.sdk_config)
                .interceptor(CallRecorder::new(self.inner.calls.clone()))
                .build();
            aws_sdk_sts::Client::from_conf(config)
        })
    }

    /// The S3 client (path-style addressing when a custom endpoint is configured).
    #[cfg(feature = "s3")]
    pub fn s3(&self) -> &aws_sdk_s3::Client {
        self.inner.s3.0.get_or_init(|| {
            let config = aws_sdk_s3::config::Builder::from(&self.inner.sdk_config)
                .force_path_style(self.inner.path_style_s3)
                .interceptor(CallRecorder::new(self.inner.calls.clone()))
                .build();
            aws_sdk_s3::Client::from_conf(config)
        })
    }

    /// The same account and credentials in another region (for audits spanning regions). The
    /// clients are new; the API-call record is shared.
    pub fn in_region(&self, region: &str) -> Environment {
        let sdk_config = self
            .inner
            .sdk_config
            .clone()
            .into_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        self.with_config(
            sdk_config,
            self.inner.account_id.clone(),
            self.inner.partition.clone(),
        )
    }

    /// An environment in another account, reached by assuming `role_arn` (credentials are
    /// refreshed as they expire). The BAA attestation and tags carry over; STS is asked who
    /// the new caller is.
    pub async fn assume_role(&self, role_arn: &str, session_name: &str) -> Result<Environment> {
        let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(session_name)
            .configure(&self.inner.sdk_config)
            .build()
            .await;
        let sdk_config = self
            .inner
            .sdk_config
            .clone()
            .into_builder()
            .credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(
                provider,
            ))
            .build();
        let probe = self.with_config(
            sdk_config.clone(),
            String::new(),
            self.inner.partition.clone(),
        );
        let identity = probe.sts().get_caller_identity().send().await.aws(
            "sts",
            "GetCallerIdentity",
            role_arn,
        )?;
        let account_id = identity
            .account()
            .map(str::to_string)
            .ok_or_else(|| Error::unexpected("sts", "GetCallerIdentity", "no account id"))?;
        Ok(self.with_config(sdk_config, account_id, self.inner.partition.clone()))
    }

    fn with_config(
        &self,
        sdk_config: SdkConfig,
        account_id: String,
        partition: String,
    ) -> Environment {
        let region = sdk_config
            .region()
            .map(|region| region.as_ref().to_string())
            .unwrap_or_else(|| self.inner.region.clone());
        Environment {
            inner: Arc::new(Inner {
                #[cfg(feature = "s3")]
                path_style_s3: self.inner.path_style_s3,
                sdk_config,
                account_id,
                partition,
                region,
                tags: self.inner.tags.clone(),
                baa: self.inner.baa.clone(),
                calls: self.inner.calls.clone(),
                clients: Clients::default(),
                #[cfg(feature = "s3")]
                s3: S3Client::default(),
                #[cfg(feature = "audit")]
                s3control: S3ControlClient::default(),
                sts: OnceLock::new(),
            }),
        }
    }

    /// The S3 Control client (account-level Block Public Access).
    #[cfg(feature = "audit")]
    pub fn s3control(&self) -> &aws_sdk_s3control::Client {
        self.inner.s3control.0.get_or_init(|| {
            let mut config = aws_sdk_s3control::config::Builder::from(&self.inner.sdk_config)
                .interceptor(CallRecorder::new(self.inner.calls.clone()));
            if let Some(url) = self.inner.sdk_config.endpoint_url() {
                config = config.endpoint_resolver(VerbatimEndpoint(url.to_string()));
            }
            aws_sdk_s3control::Client::from_conf(config.build())
        })
    }

    /// Refuses when there is no BAA attestation: nothing that stores PHI may be planned.
    pub(crate) fn require_baa(&self, resource: &str) -> Result<()> {
        match &self.inner.baa {
            Some(_) => Ok(()),
            None => Err(Error::Refused {
                resource: resource.to_string(),
                reason: "this resource stores PHI and the environment has no BAA attestation: \
                         build it with Environment::from_env(BaaAttestation::executed_on(..))"
                    .to_string(),
                control: ControlId::BaaExecuted,
            }),
        }
    }

    /// The ARN of something in this account and region, e.g. `arn("kms", "key/abc")`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition(),
            self.region(),
            self.account_id()
        )
    }
}

/// Builds an [`Environment`].
#[derive(Debug)]
pub struct EnvironmentBuilder {
    baa: Option<BaaAttestation>,
    sdk_config: Option<SdkConfig>,
    tags: BTreeMap<String, String>,
    max_attempts: u32,
    retry: Option<RetryConfig>,
}

impl EnvironmentBuilder {
    fn new(baa: Option<BaaAttestation>) -> Self {
        EnvironmentBuilder {
            baa,
            sdk_config: None,
            tags: BTreeMap::new(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry: None,
        }
    }

    /// Uses this SDK configuration instead of loading the default chain. Its retry
    /// configuration, when set, is kept.
    pub fn sdk_config(mut self, config: SdkConfig) -> Self {
        self.sdk_config = Some(config);
        self
    }

    /// A tag every resource carries. Keys starting with `aws:` or `hipaa-aws:` are refused at
    /// build.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Attempts per call (first try plus retries with backoff), 1 to 10; 5 by default.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The retry strategy (standard or adaptive, attempts, backoff), replacing both the
    /// default (standard, 5 attempts) and any retry configuration of a given `SdkConfig`.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Loads the configuration (if none was given), asks STS who the caller is, and checks the
    /// BAA attestation and tags.
    pub async fn build(self) -> Result<Environment> {
        let mut violations = Vec::new();
        if let Some(baa) = &self.baa {
            violations.extend(baa.violations());
        }
        violations.extend(tag_violations(&self.tags));
        if !(1..=10).contains(&self.max_attempts) {
            return Err(Error::Configuration(format!(
                "max_attempts must be 1 to 10, not {}",
                self.max_attempts
            )));
        }
        if let Some(violations) = Violations::from_vec(violations) {
            return Err(Error::Invalid(violations));
        }
        let explicit_retry = self.retry.is_some();
        let retry = self
            .retry
            .unwrap_or_else(|| RetryConfig::standard().with_max_attempts(self.max_attempts));
        let sdk_config = match self.sdk_config {
            Some(config) if config.retry_config().is_some() && !explicit_retry => config,
            Some(config) => config.into_builder().retry_config(retry).build(),
            None => {
                aws_config::defaults(BehaviorVersion::latest())
                    .retry_config(retry)
                    .load()
                    .await
            }
        };
        let region = sdk_config
            .region()
            .map(|region| region.as_ref().to_string())
            .ok_or_else(|| {
                Error::Configuration(
                    "no AWS region is configured: set AWS_REGION or a profile region".to_string(),
                )
            })?;
        #[cfg(feature = "s3")]
        let path_style_s3 = sdk_config.endpoint_url().is_some();
        let calls = ApiCallLog::default();
        let sts_config = aws_sdk_sts::config::Builder::from(&sdk_config)
            .interceptor(CallRecorder::new(calls.clone()))
            .build();
        let sts = aws_sdk_sts::Client::from_conf(sts_config);
        let identity =
            sts.get_caller_identity()
                .send()
                .await
                .aws("sts", "GetCallerIdentity", "caller")?;
        let account_id = identity
            .account()
            .map(str::to_string)
            .ok_or_else(|| Error::unexpected("sts", "GetCallerIdentity", "no account id"))?;
        let partition = identity
            .arn()
            .and_then(|arn| arn.split(':').nth(1))
            .filter(|partition| !partition.is_empty())
            .unwrap_or("aws")
            .to_string();
        let sts_cell = OnceLock::new();
        let _ = sts_cell.set(sts);
        Ok(Environment {
            inner: Arc::new(Inner {
                sdk_config,
                account_id,
                partition,
                region,
                tags: self.tags,
                baa: self.baa,
                calls,
                #[cfg(feature = "s3")]
                path_style_s3,
                clients: Clients::default(),
                #[cfg(feature = "s3")]
                s3: S3Client::default(),
                #[cfg(feature = "audit")]
                s3control: S3ControlClient::default(),
                sts: sts_cell,
            }),
        })
    }
}

/// The caller's tags plus the library's own (which win).
pub(crate) fn resource_tags(
    user_tags: &BTreeMap<String, String>,
    stack: &str,
    logical_id: &str,
    holds_phi: bool,
) -> BTreeMap<String, String> {
    let mut tags = user_tags.clone();
    tags.insert(STACK_TAG.to_string(), stack.to_string());
    tags.insert(LOGICAL_ID_TAG.to_string(), logical_id.to_string());
    tags.insert(MANAGED_BY_TAG.to_string(), "hipaa-aws".to_string());
    if holds_phi {
        tags.insert(DATA_CLASS_TAG.to_string(), "phi".to_string());
    }
    tags
}

fn tag_violations(tags: &BTreeMap<String, String>) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (key, value) in tags {
        let setting = format!("tags[{key:?}]");
        let reason = if key.is_empty() || key.chars().count() > 128 {
            Some("a tag key has 1 to 128 characters".to_string())
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            Some("tag keys starting with aws: are reserved by AWS".to_string())
        } else if key.starts_with("hipaa-aws:") {
            Some("tag keys starting with hipaa-aws: are set by the library itself".to_string())
        } else if value.chars().count() > 256 {
            Some("a tag value has at most 256 characters".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            violations.push(Violation::new(
                "environment",
                setting,
                ControlId::ManagedResourceTagged,
                reason,
            ));
        }
    }
    violations
}
