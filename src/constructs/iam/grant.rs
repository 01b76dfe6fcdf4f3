//! Grants in the CDK manner: `bucket.grant_read(&role)` returns a [`Grant`], a construct that
//! makes one customer-managed policy with the smallest action set on the exact resource ARNs
//! (and, for an encrypted bucket, exactly the KMS actions its key needs, scoped to that key and
//! to S3 on that bucket), attached to the role. Add it to the stack like any construct.

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::Check;
use crate::error::{Error, Result, Violations};
use crate::policy::{PolicyDocument, Statement};

use super::checks::evaluate_managed_policy;
use super::live;
use super::managed_policy::{read_owned_policy, statement_violations};
use super::names::{fit_name, policy_arn, GRANTS_PATH, MAX_POLICY_NAME};
use super::role::HipaaRole;
use super::state::GrantState;

/// What a grant is, for plans and reports.
pub const GRANT_KIND: ResourceKind =
    ResourceKind::construct("AWS::IAM::ManagedPolicy", "iam grant", "iam-grant");

/// What a grant allows.
#[derive(Debug, Clone)]
enum GrantKind {
    /// Read the objects of a bucket (and decrypt them with its key).
    #[cfg(feature = "s3")]
    BucketRead {
        bucket: String,
        key: Ref<crate::constructs::kms::HipaaKey>,
    },
    /// Write objects into a bucket (and encrypt them with its key).
    #[cfg(feature = "s3")]
    BucketWrite {
        bucket: String,
        key: Ref<crate::constructs::kms::HipaaKey>,
    },
    /// Encrypt and decrypt with a key.
    #[cfg(feature = "kms")]
    KeyEncryptDecrypt {
        key: Ref<crate::constructs::kms::HipaaKey>,
    },
    /// Write log events into a log group.
    #[cfg(feature = "logs")]
    LogGroupWrite { log_group: String },
    /// CloudTrail's delivery of a trail's events into its log group.
    #[cfg(feature = "cloudtrail")]
    CloudTrailDelivery { log_group: String },
    /// Connect to a database as one database user with an IAM token.
    #[cfg(feature = "rds")]
    DbConnect {
        db: Ref<crate::constructs::rds::EncryptedDatabase>,
        user: String,
    },
    /// Statements given by the caller, validated at `build()`.
    Custom(Vec<Statement>),
}

/// A least-privilege grant to a [`HipaaRole`]: one customer-managed policy under
/// `/hipaa-aws/grants/`, attached to the role. Made by the `grant_*` methods of the resources
/// (`bucket.grant_read(&role)`, `key.grant_encrypt_decrypt(&role)`,
/// `log_group.grant_write(&role)`) or by [`Grant::custom`].
///
/// ```
/// use hipaa_aws::{EncryptedBucket, HipaaKey, HipaaRole, LogBucket, Trust};
/// let key = HipaaKey::builder().alias("phi").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let data = EncryptedBucket::builder().name("acme-phi").key(&key).access_logs(&logs).build()?;
/// let role = HipaaRole::builder()
///     .name("app")
///     .trust(Trust::service("ecs-tasks.amazonaws.com"))
///     .build()?;
/// let grant = data.grant_read(&role);
/// assert_eq!(grant.name(), "app-read-acme-phi");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Grant {
    id: LogicalId,
    name: String,
    role: Ref<HipaaRole>,
    kind: GrantKind,
    dependencies: Vec<LogicalId>,
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

impl Grant {
    fn new(role: Ref<HipaaRole>, verb: &str, target: &str, kind: GrantKind) -> Grant {
        let name = fit_name(
            &format!("{}-{verb}-{}", role.name(), sanitize(target)),
            MAX_POLICY_NAME,
        );
        Grant {
            id: GRANT_KIND.logical_id(&name),
            dependencies: vec![role.id().clone()],
            name,
            role,
            kind,
        }
    }

    fn depending_on(mut self, id: &LogicalId) -> Grant {
        if !self.dependencies.contains(id) {
            self.dependencies.push(id.clone());
        }
        self
    }

    /// A grant of statements given by the caller (for resources without a `grant_*` method).
    /// The statements must pass every identity-policy control; `depends_on` names the
    /// constructs they refer to, so those are made first.
    pub fn custom(
        role: impl Into<Ref<HipaaRole>>,
        name: &str,
        statements: Vec<Statement>,
        depends_on: &[LogicalId],
    ) -> Result<Grant> {
        let mut grant = Grant::new(role.into(), "custom", name, GrantKind::Custom(statements));
        for id in depends_on {
            grant = grant.depending_on(id);
        }
        let resource = grant.resource_name();
        let mut violations = match &grant.kind {
            GrantKind::Custom(statements) => statement_violations(&resource, statements),
            #[allow(unreachable_patterns)]
            _ => Vec::new(),
        };
        let desired = grant.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &grant.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(grant),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }

    /// CloudTrail's delivery of a trail into its log group: CreateLogStream and PutLogEvents on
    /// the trail's streams of that group only.
    #[cfg(feature = "cloudtrail")]
    pub(crate) fn cloudtrail_delivery(role: Ref<HipaaRole>, log_group: &str) -> Grant {
        Grant::new(
            role,
            "deliver-to",
            log_group,
            GrantKind::CloudTrailDelivery {
                log_group: log_group.to_string(),
            },
        )
    }

    /// The policy name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The role it grants to.
    pub fn role(&self) -> &Ref<HipaaRole> {
        &self.role
    }

    /// The policy's ARN in `scope`'s account.
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        policy_arn(scope.partition, scope.account_id, GRANTS_PATH, &self.name)
    }

    /// The statements of the grant, with the ARNs `scope` knows (`(known after apply)` for the
    /// others).
    #[cfg_attr(
        not(any(
            feature = "s3",
            feature = "kms",
            feature = "logs",
            feature = "cloudtrail"
        )),
        allow(unused_variables)
    )]
    pub fn statements(&self, scope: &Scope<'_>) -> Vec<Statement> {
        match &self.kind {
            #[cfg(feature = "s3")]
            GrantKind::BucketRead { bucket, key } => {
                let arn = crate::constructs::s3::bucket_arn(scope.partition, bucket);
                vec![
                    Statement::allow()
                        .sid("ReadObjects")
                        .actions(["s3:GetObject"])
                        .resources([format!("{arn}/*")]),
                    Statement::allow()
                        .sid("ListObjects")
                        .actions(["s3:ListBucket"])
                        .resources([arn.clone()]),
                    s3_key_use("DecryptObjects", &["kms:Decrypt"], scope, &arn, key),
                ]
            }
            #[cfg(feature = "s3")]
            GrantKind::BucketWrite { bucket, key } => {
                let arn = crate::constructs::s3::bucket_arn(scope.partition, bucket);
                vec![
                    Statement::allow()
                        .sid("WriteObjects")
                        .actions(["s3:PutObject"])
                        .resources([format!("{arn}/*")]),
                    // GenerateDataKey encrypts a new object; Decrypt is what S3 needs to finish a
                    // multipart upload (every large upload of the SDKs' transfer managers).
                    s3_key_use(
                        "EncryptObjects",
                        &["kms:GenerateDataKey", "kms:Decrypt"],
                        scope,
                        &arn,
                        key,
                    ),
                ]
            }
            #[cfg(feature = "kms")]
            GrantKind::KeyEncryptDecrypt { key } => vec![Statement::allow()
                .sid("EncryptDecrypt")
                .actions(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
                .resources([scope.arn_of(key)])],
            #[cfg(feature = "logs")]
            GrantKind::LogGroupWrite { log_group } => vec![Statement::allow()
                .sid("WriteLogEvents")
                .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources([scope.arn("logs", &format!("log-group:{log_group}:log-stream:*"))])],
            #[cfg(feature = "cloudtrail")]
            GrantKind::CloudTrailDelivery { log_group } => {
                // CloudTrail names its streams <account>_CloudTrail_<region>, one per region of
                // a multi-region trail.
                let streams = scope.arn(
                    "logs",
                    &format!(
                        "log-group:{log_group}:log-stream:{}_CloudTrail_*",
                        scope.account_id
                    ),
                );
                vec![Statement::allow()
                    .sid("DeliverTrailEvents")
                    .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                    .resources([streams])]
            }
            #[cfg(feature = "rds")]
            GrantKind::DbConnect { db, user } => {
                // rds-db ARNs name the instance by its resource id (db-...), known after apply.
                let resource_id = scope
                    .outputs_of(db.id())
                    .map(|outputs| outputs.physical_id.clone())
                    .unwrap_or_else(|| crate::construct::KNOWN_AFTER_APPLY.to_string());
                vec![Statement::allow()
                    .sid("ConnectAsDatabaseUser")
                    .actions(["rds-db:connect"])
                    .resources([scope.arn("rds-db", &format!("dbuser:{resource_id}/{user}"))])]
            }
            GrantKind::Custom(statements) => statements.clone(),
        }
    }

    fn resource_name(&self) -> String {
        format!("{GRANT_KIND} {:?}", self.name)
    }
}

/// KMS use on the bucket's key, only through S3 and only for this bucket (bucket keys make the
/// encryption context the bucket's ARN).
#[cfg(feature = "s3")]
fn s3_key_use(
    sid: &str,
    actions: &[&str],
    scope: &Scope<'_>,
    bucket_arn: &str,
    key: &Ref<crate::constructs::kms::HipaaKey>,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .actions(actions.iter().copied())
        .resources([scope.arn_of(key)])
        .when(crate::policy::Condition::string_equals(
            "kms:ViaService",
            [format!("s3.{}.amazonaws.com", scope.region)],
        ))
        .when(crate::policy::Condition::string_equals(
            "kms:EncryptionContext:aws:s3:arn",
            [bucket_arn],
        ))
}

impl Construct for Grant {
    type State = GrantState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        GRANT_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        self.dependencies.clone()
    }

    fn desired(&self, scope: &Scope<'_>) -> GrantState {
        GrantState {
            policy: super::state::ManagedPolicyState {
                name: self.name.clone(),
                arn: self.arn(scope),
                path: GRANTS_PATH.to_string(),
                document: Some(PolicyDocument::new(self.statements(scope))),
                default_version: String::new(),
                version_count: 0,
                tags: scope.tags_for(&self.id, false),
            },
            role: self.role.name().to_string(),
            attached: true,
        }
    }

    fn evaluate(&self, state: &GrantState) -> Vec<Check> {
        let mut checks = evaluate_managed_policy(&state.policy);
        checks.push(tags_check(&state.policy.tags));
        checks
    }
}

impl Lifecycle for Grant {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<GrantState>>> {
        let arn = self.arn(&ctx.scope);
        let Some(found) = read_owned_policy(ctx, &self.id, &self.resource_name(), &arn).await?
        else {
            return Ok(None);
        };
        let attached = live::is_attached(ctx.env, self.role.name(), &found.state.arn).await?;
        Ok(Some(Live {
            outputs: found.outputs,
            state: GrantState {
                policy: found.state,
                role: self.role.name().to_string(),
                attached,
            },
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &GrantState) -> Result<ResourceOutputs> {
        let description = format!("hipaa-aws grant to role {}", self.role.name());
        let arn = live::create_managed_policy(ctx, &desired.policy, &description).await?;
        live::set_attached(ctx, self.role.name(), &arn, true).await?;
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<GrantState>,
        desired: &GrantState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |name: &str| changes.iter().any(|change| change.setting == name);
        live::update_managed_policy(ctx, &live.state.policy, &desired.policy, &changed).await?;
        if changed("attached_to_role") {
            live::set_attached(
                ctx,
                self.role.name(),
                &live.state.policy.arn,
                desired.attached,
            )
            .await?;
        }
        Ok(())
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<GrantState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<GrantState>) -> Result<()> {
        live::delete_managed_policy(ctx, &live.state.policy.arn).await
    }
}

#[cfg(feature = "s3")]
impl crate::constructs::s3::EncryptedBucket {
    /// Lets `role` read the bucket's objects: `s3:GetObject` on its objects, `s3:ListBucket` on
    /// the bucket, and `kms:Decrypt` on the bucket's key only through S3 for this bucket.
    pub fn grant_read(&self, role: impl Into<Ref<HipaaRole>>) -> Grant {
        Grant::new(
            role.into(),
            "read",
            self.name(),
            GrantKind::BucketRead {
                bucket: self.name().to_string(),
                key: self.key().clone(),
            },
        )
        .depending_on(Construct::id(self))
        .depending_on(self.key().id())
    }

    /// Lets `role` write objects: `s3:PutObject` on the bucket's objects, and
    /// `kms:GenerateDataKey` and `kms:Decrypt` (multipart uploads) on the bucket's key only
    /// through S3 for this bucket. Nothing can be deleted or overwritten in place (versioning
    /// keeps every version).
    pub fn grant_write(&self, role: impl Into<Ref<HipaaRole>>) -> Grant {
        Grant::new(
            role.into(),
            "write",
            self.name(),
            GrantKind::BucketWrite {
                bucket: self.name().to_string(),
                key: self.key().clone(),
            },
        )
        .depending_on(Construct::id(self))
        .depending_on(self.key().id())
    }
}

#[cfg(feature = "s3")]
impl crate::constructs::s3::LogBucket {
    /// Lets `role` read the logs (auditors): `s3:GetObject`, `s3:ListBucket`, and `kms:Decrypt`
    /// on the bucket's key only through S3 for this bucket.
    pub fn grant_read(&self, role: impl Into<Ref<HipaaRole>>) -> Grant {
        Grant::new(
            role.into(),
            "read",
            self.name(),
            GrantKind::BucketRead {
                bucket: self.name().to_string(),
                key: self.key().clone(),
            },
        )
        .depending_on(Construct::id(self))
        .depending_on(self.key().id())
    }
}

#[cfg(feature = "kms")]
impl crate::constructs::kms::HipaaKey {
    /// Lets `role` encrypt and decrypt with this key (`kms:Encrypt`, `kms:Decrypt`,
    /// `kms:GenerateDataKey` on this key's ARN only). The key policy delegates use within the
    /// account to IAM, so the grant alone is enough.
    pub fn grant_encrypt_decrypt(&self, role: impl Into<Ref<HipaaRole>>) -> Grant {
        let key = self.reference();
        Grant::new(
            role.into(),
            "encrypt-decrypt",
            self.alias().trim_start_matches("alias/"),
            GrantKind::KeyEncryptDecrypt { key: key.clone() },
        )
        .depending_on(key.id())
    }
}

#[cfg(feature = "logs")]
impl crate::constructs::logs::EncryptedLogGroup {
    /// Lets `role` write log events: `logs:CreateLogStream` and `logs:PutLogEvents` on this log
    /// group's streams only. (CloudWatch Logs encrypts with the group's key under its own key
    /// policy statement; the writer needs no KMS permission.)
    pub fn grant_write(&self, role: impl Into<Ref<HipaaRole>>) -> Grant {
        Grant::new(
            role.into(),
            "write",
            self.name(),
            GrantKind::LogGroupWrite {
                log_group: self.name().to_string(),
            },
        )
        .depending_on(Construct::id(self))
    }
}

#[cfg(feature = "rds")]
impl crate::constructs::rds::EncryptedDatabase {
    /// Lets `role` connect as the database user `db_user` with an IAM authentication token:
    /// `rds-db:connect` on exactly that user's `dbuser` ARN of this database. The user must
    /// exist in the database with the `rds_iam` role (PostgreSQL) or the
    /// `AWSAuthenticationPlugin` (MySQL). Refused when `db_user` is not a valid user name.
    pub fn grant_connect(&self, role: impl Into<Ref<HipaaRole>>, db_user: &str) -> Result<Grant> {
        let user = db_user.trim().to_string();
        let grant = Grant::new(
            role.into(),
            "connect",
            &format!("{}-{user}", self.identifier()),
            GrantKind::DbConnect {
                db: self.reference(),
                user: user.clone(),
            },
        )
        .depending_on(Construct::id(self));
        let problems: Vec<crate::error::Violation> =
            crate::constructs::rds::user_problem(&user, self.engine())
                .map(|problem| {
                    crate::error::Violation::new(
                        grant.resource_name(),
                        "db_user",
                        crate::controls::ControlId::RdsNameValid,
                        problem,
                    )
                })
                .into_iter()
                .collect();
        Violations::into_result(problems)?;
        Ok(grant)
    }
}
