//! What every construct is: a logical id and a desired state judged by controls. How it reads,
//! creates and updates itself is crate-private (`lifecycle`): the [`Stack`](crate::Stack) alone
//! drives it, and constructs meet each other only through typed [`Ref`]s.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use crate::controls::{Check, ControlId};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::policy::Statement;

mod lifecycle;

pub(crate) use lifecycle::{Ctx, Lifecycle, StackUsage};

/// The id of a construct within its stack, e.g. `kms-key/phi`. Stable across runs: resources
/// are found again by it (it is written into their tags).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogicalId(String);

impl LogicalId {
    /// A logical id from a kind prefix and a name, e.g. `("s3-bucket", "acme-phi")`.
    pub fn new(kind: &str, name: &str) -> LogicalId {
        LogicalId(format!("{kind}/{name}"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The backup plan a database or bucket declares (`.backed_up_by(&plan)`): the resource is
/// tagged with the plan's name under [`BACKUP_PLAN_TAG`](crate::env::BACKUP_PLAN_TAG), and every
/// plan selects what carries its name. Made only from a `BackupPlan` (feature `backup`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackedUpBy {
    pub(crate) plan: String,
}

impl BackedUpBy {
    /// The plan's name.
    pub fn plan(&self) -> &str {
        &self.plan
    }

    /// Adds the plan's tag to a resource's tags.
    #[cfg_attr(not(any(feature = "s3", feature = "rds")), allow(dead_code))]
    pub(crate) fn tag(&self, tags: &mut BTreeMap<String, String>) {
        tags.insert(crate::env::BACKUP_PLAN_TAG.to_string(), self.plan.clone());
    }
}

/// A typed reference to another construct: its logical id and the name known before apply.
/// The ARN behind it is resolved at apply time.
pub struct Ref<T> {
    id: LogicalId,
    name: String,
    kind: PhantomData<fn() -> T>,
}

impl<T> Ref<T> {
    pub(crate) fn new(id: LogicalId, name: impl Into<String>) -> Ref<T> {
        Ref {
            id,
            name: name.into(),
            kind: PhantomData,
        }
    }

    /// The logical id referred to.
    pub fn id(&self) -> &LogicalId {
        &self.id
    }

    /// The name known before apply (a bucket name, a key alias).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref::new(self.id.clone(), self.name.clone())
    }
}

impl<T> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({})", self.id)
    }
}

impl<T> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T> Eq for Ref<T> {}

/// What a resource is, for plans and reports: a CloudFormation-style type name, a short
/// label, and (for the kinds a construct makes) the first segment of its logical ids. Each
/// construct module defines its kinds as constants, and the construct takes its logical id
/// from its kind, so the three cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ResourceKind {
    /// The CloudFormation-style type name, e.g. `AWS::S3::Bucket`.
    pub type_name: &'static str,
    /// A short label for tables, e.g. `log bucket`.
    pub label: &'static str,
    /// The first segment of the logical ids of this kind's resources, e.g. `s3-bucket`; empty
    /// for kinds no construct makes (those only the audit reads). Not part of reports.
    #[serde(skip)]
    pub id_prefix: &'static str,
}

impl ResourceKind {
    /// A kind from its type name and label, for resources no construct makes.
    pub const fn new(type_name: &'static str, label: &'static str) -> ResourceKind {
        ResourceKind {
            type_name,
            label,
            id_prefix: "",
        }
    }

    /// The kind of a construct: its type name, label and logical-id prefix.
    pub const fn construct(
        type_name: &'static str,
        label: &'static str,
        id_prefix: &'static str,
    ) -> ResourceKind {
        ResourceKind {
            type_name,
            label,
            id_prefix,
        }
    }

    /// The logical id of the resource of this kind named `name`, e.g. `s3-bucket/acme-phi`.
    pub fn logical_id(&self, name: &str) -> LogicalId {
        LogicalId::new(self.id_prefix, name)
    }

    /// A KMS key with its alias.
    pub const KMS_KEY: ResourceKind =
        ResourceKind::construct("AWS::KMS::Key", "kms key", "kms-key");
    /// An S3 bucket holding PHI.
    pub const ENCRYPTED_BUCKET: ResourceKind =
        ResourceKind::construct("AWS::S3::Bucket", "encrypted bucket", "s3-bucket");
    /// An S3 bucket receiving logs.
    pub const LOG_BUCKET: ResourceKind =
        ResourceKind::construct("AWS::S3::Bucket", "log bucket", "s3-bucket");
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label)
    }
}

/// What a made resource is known by: its ARN and its physical id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceOutputs {
    /// The ARN.
    pub arn: String,
    /// The physical id (key id, bucket name, …).
    pub physical_id: String,
}

/// One named setting of a state, rendered as text for diffs and plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// Dotted name, e.g. `encryption.kms_key`.
    pub name: String,
    /// The value as text.
    pub value: String,
}

impl Setting {
    /// A setting from anything displayable.
    pub fn new(name: impl Into<String>, value: impl fmt::Display) -> Setting {
        Setting {
            name: name.into(),
            value: value.to_string(),
        }
    }
}

/// The text of a value only known once its resource is made.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// The text of a live setting the endpoint did not report. Diffs skip such settings rather
/// than "restore" them forever; verify says the value could not be read.
pub const NOT_REPORTED: &str = "(not reported by AWS)";

/// The settings of a construct that controls judge and plans compare: produced from the spec
/// (desired) and from what AWS returns (live).
pub trait State: Clone + fmt::Debug + Send + Sync + Serialize + 'static {
    /// Every setting, in a stable order.
    fn settings(&self) -> Vec<Setting>;

    /// The keys this state names, each with the setting that names it (a bucket's default
    /// encryption, a database's storage): verify compares those of the live state with those
    /// of the spec ([`declared_key_checks`]). States that name no key keep this default.
    fn keys_in_use(&self) -> Vec<KeyInUse> {
        Vec::new()
    }
}

/// A key named by one setting of a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInUse {
    /// The setting, e.g. `encryption.kms_key`.
    pub setting: String,
    /// The key's ARN or id as the state holds it (`None`: no customer key).
    pub key: Option<String>,
    /// Why the setting could not be read, when its read failed (the key is then unknown).
    pub unreadable: Option<String>,
}

impl KeyInUse {
    /// A key named by `setting`.
    pub fn new(setting: impl Into<String>, key: Option<&str>) -> KeyInUse {
        KeyInUse {
            setting: setting.into(),
            key: key.map(str::to_string),
            unreadable: None,
        }
    }

    /// A setting whose read failed: its key is unknown, and judging it is an error.
    pub fn unreadable(setting: impl Into<String>, why: impl Into<String>) -> KeyInUse {
        KeyInUse {
            setting: setting.into(),
            key: None,
            unreadable: Some(why.into()),
        }
    }
}

/// The key id of a key ARN (`arn:aws:kms:…:key/<id>`), or the text itself when it is a bare id.
fn key_id_of(key: &str) -> Option<&str> {
    match key.strip_prefix("arn:") {
        Some(_) => key.split_once(":key/").map(|(_, id)| id),
        None if key.starts_with("alias/") => None,
        None => Some(key),
    }
}

/// True when two references denote the same key: equal ARNs, or a bare key id equal to the id
/// of the other's ARN. An alias never counts as its key (it can be re-pointed).
pub fn same_key(a: &str, b: &str) -> bool {
    if a == b {
        return !a.is_empty();
    }
    let both_arns = a.starts_with("arn:") && b.starts_with("arn:");
    if both_arns {
        return false;
    }
    matches!((key_id_of(a), key_id_of(b)), (Some(x), Some(y)) if !x.is_empty() && x == y)
}

/// The controls [`declared_key_checks`] judges (see `crate::controls::coverage`).
pub const DECLARED_KEY_CHECKS_COVERS: &[ControlId] = &[ControlId::KmsDeclaredKeyInUse];

/// Judges the keys a live state names against those its spec declares
/// ([`ControlId::KmsDeclaredKeyInUse`]): each setting must name the declared key itself, not
/// merely some customer-managed key. A declared key not yet known (its resource is missing) is
/// an error, never a pass.
pub fn declared_key_checks<S: State>(desired: &S, live: &S) -> Vec<Check> {
    let live_keys = live.keys_in_use();
    desired
        .keys_in_use()
        .into_iter()
        .filter_map(|declared| {
            let wanted = declared.key?;
            let found = live_keys
                .iter()
                .find(|candidate| candidate.setting == declared.setting);
            let actual = found.and_then(|found| found.key.clone());
            let setting = declared.setting;
            if let Some(why) = found.and_then(|found| found.unreadable.clone()) {
                return Some(Check {
                    control: ControlId::KmsDeclaredKeyInUse,
                    setting,
                    status: crate::controls::Status::Error,
                    reason: format!("the key in use could not be read ({why})"),
                });
            }
            Some(if wanted == KNOWN_AFTER_APPLY {
                Check {
                    control: ControlId::KmsDeclaredKeyInUse,
                    setting,
                    status: crate::controls::Status::Error,
                    reason: "the declared key is not known: its key does not exist in the account"
                        .to_string(),
                }
            } else {
                Check::require(
                    ControlId::KmsDeclaredKeyInUse,
                    setting,
                    actual.as_deref().is_some_and(|key| same_key(key, &wanted)),
                    format!("encrypted with the declared key {wanted}"),
                    match &actual {
                        None => format!("uses no customer key; the spec declares {wanted}"),
                        Some(key) => format!("uses key {key}, not the declared key {wanted}"),
                    },
                )
            })
        })
        .collect()
}

/// A setting whose desired and live values differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    /// The setting.
    pub setting: String,
    /// The live value (`None` when the resource does not exist yet).
    pub current: Option<String>,
    /// The value apply would set.
    pub desired: String,
}

/// The desired tags whose `tags.<key>` setting is among `changes`: what a TagResource call
/// must send (tags are added or overwritten, never removed, so other owners' tags survive).
#[cfg_attr(
    not(any(feature = "ec2", feature = "securityhub", feature = "guardduty")),
    allow(dead_code)
)]
pub(crate) fn changed_tags(
    desired: &BTreeMap<String, String>,
    changes: &[SettingChange],
) -> BTreeMap<String, String> {
    desired
        .iter()
        .filter(|(key, _)| {
            changes
                .iter()
                .any(|change| change.setting == format!("tags.{key}"))
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Compares two states setting by setting.
pub fn diff_states<S: State>(desired: &S, live: &S) -> Vec<SettingChange> {
    let live_settings = live.settings();
    desired
        .settings()
        .into_iter()
        .filter_map(|wanted| {
            let current = live_settings
                .iter()
                .find(|setting| setting.name == wanted.name)
                .map(|setting| setting.value.clone());
            if current.as_deref() == Some(NOT_REPORTED) {
                return None;
            }
            (current.as_deref() != Some(wanted.value.as_str())).then_some(SettingChange {
                setting: wanted.name,
                current,
                desired: wanted.value,
            })
        })
        .collect()
}

/// A resource as found in the account.
#[derive(Debug, Clone)]
pub struct Live<S> {
    /// Its settings as AWS reports them.
    pub state: S,
    /// Its ARN and physical id.
    pub outputs: ResourceOutputs,
}

/// A statement one construct adds to another's resource policy: a log bucket lets the S3
/// logging service use its key; a trail lets CloudTrail write to its bucket. Resolved at plan
/// time, so each policy names exactly the services and resources of the stack that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyContribution {
    /// The construct whose policy receives the statement.
    pub target: LogicalId,
    /// The statement.
    pub statement: Statement,
}

/// Where a construct's desired state is computed: the account, partition and region, the stack,
/// the outputs of constructs already found or made, and the statements other constructs add to
/// its policies. At `build()` time the account is a placeholder and nothing is resolved.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The account id (a placeholder at build time).
    pub account_id: &'a str,
    /// The partition, e.g. `aws`.
    pub partition: &'a str,
    /// The region.
    pub region: &'a str,
    /// The stack's name.
    pub stack: &'a str,
    /// The environment's own region, where a construct that is not placed elsewhere lives
    /// (`region` is the construct's own, once placed).
    pub(crate) home_region: &'a str,
    pub(crate) user_tags: &'a BTreeMap<String, String>,
    pub(crate) outputs: &'a BTreeMap<LogicalId, ResourceOutputs>,
    pub(crate) contributions: &'a [PolicyContribution],
}

/// The account id shown in states computed at `build()`, before any account is known.
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

static EMPTY_TAGS: BTreeMap<String, String> = BTreeMap::new();
static EMPTY_OUTPUTS: BTreeMap<LogicalId, ResourceOutputs> = BTreeMap::new();

impl<'a> Scope<'a> {
    /// The scope used by `build()`: a placeholder account in `us-east-1`, nothing resolved.
    pub fn for_build() -> Scope<'static> {
        Scope {
            account_id: PLACEHOLDER_ACCOUNT,
            partition: "aws",
            region: "us-east-1",
            stack: "(unassigned)",
            home_region: "us-east-1",
            user_tags: &EMPTY_TAGS,
            outputs: &EMPTY_OUTPUTS,
            contributions: &[],
        }
    }

    /// The region of a construct placed in `placed` (`None`: the environment's own).
    pub fn region_of_placement<'p>(&self, placed: Option<&'p str>) -> &'p str
    where
        'a: 'p,
    {
        placed.unwrap_or(self.home_region)
    }

    /// The outputs of a construct already found or made.
    pub fn outputs_of(&self, id: &LogicalId) -> Option<&'a ResourceOutputs> {
        self.outputs.get(id)
    }

    /// The ARN behind a reference, or [`KNOWN_AFTER_APPLY`].
    pub fn arn_of<T>(&self, reference: &Ref<T>) -> String {
        self.outputs_of(reference.id())
            .map(|outputs| outputs.arn.clone())
            .unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string())
    }

    /// The statements other constructs add to `target`'s policy, ordered by statement id.
    pub fn contributions_for(&self, target: &LogicalId) -> Vec<Statement> {
        let mut statements: Vec<Statement> = self
            .contributions
            .iter()
            .filter(|contribution| &contribution.target == target)
            .map(|contribution| contribution.statement.clone())
            .collect();
        statements.sort_by(|a, b| a.sid.cmp(&b.sid));
        statements.dedup();
        statements
    }

    /// The tags a resource of this construct carries: the caller's, then the library's.
    pub fn tags_for(&self, id: &LogicalId, holds_phi: bool) -> BTreeMap<String, String> {
        crate::env::resource_tags(self.user_tags, self.stack, id.as_str(), holds_phi)
    }

    /// An ARN in this account and region, e.g. `arn("logs", "log-group:x")`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }

    /// The ARN of the account's root principal.
    pub fn account_root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.account_id)
    }
}

/// The controls apply judges when a change needs a replacement: never silently (see
/// `Lifecycle::replace` and `crate::controls::coverage`).
pub const REPLACE_COVERS: &[ControlId] = &[ControlId::NoSilentReplacement];

/// A construct: a validated spec, its desired state and the controls that judge it.
///
/// Implemented by [`HipaaKey`](crate::HipaaKey), [`EncryptedBucket`](crate::EncryptedBucket),
/// [`LogBucket`](crate::LogBucket) and the other constructs of this library, and by nothing
/// else: the trait is sealed. What a construct does to AWS (read, create, update, replace,
/// delete) is crate-private, so a resource is only ever made or changed by a
/// [`Stack`](crate::Stack), from a value that passed its `build()`. Resources of your own join
/// a stack through [`CustomConstruct`](crate::stack::CustomConstruct).
///
/// A type outside the library cannot implement it:
///
/// ```compile_fail
/// #[derive(Debug)]
/// struct Mine;
/// impl hipaa_aws::Construct for Mine {}
/// ```
pub trait Construct: lifecycle::Sealed + fmt::Debug + Send + Sync + 'static {
    /// The settings it manages.
    type State: State;

    /// Its logical id.
    fn id(&self) -> &LogicalId;

    /// What it is.
    fn kind(&self) -> ResourceKind;

    /// Its physical name (bucket name, key alias).
    fn name(&self) -> &str;

    /// The constructs it needs made first.
    fn dependencies(&self) -> Vec<LogicalId>;

    /// True when it stores PHI (planning it needs a BAA attestation).
    fn holds_phi(&self) -> bool {
        false
    }

    /// The region it is placed in when that is not the stack's (a copy vault and its key in
    /// a second region); `None`, the default, places it in the environment's region.
    fn region(&self) -> Option<&str> {
        None
    }

    /// The state it should have, with references resolved as far as `scope` knows them.
    fn desired(&self, scope: &Scope<'_>) -> Self::State;

    /// Judges a state (desired at build, live at verify) against every control it covers.
    fn evaluate(&self, state: &Self::State) -> Vec<Check>;
}

/// Turns the failed checks of a desired state into violations, for a construct's `build()`.
pub fn violations_of(resource: &str, checks: &[Check]) -> Vec<crate::error::Violation> {
    checks
        .iter()
        .filter(|check| check.failed())
        .map(|check| {
            crate::error::Violation::new(
                resource,
                check.setting.clone(),
                check.control,
                check.reason.clone(),
            )
        })
        .collect()
}

/// The controls [`tags_check`] judges (see `crate::controls::coverage`).
pub const TAGS_CHECK_COVERS: &[ControlId] = &[ControlId::ManagedResourceTagged];

/// The library's identifying tags are present.
pub fn tags_check(tags: &BTreeMap<String, String>) -> Check {
    let tagged = [STACK_TAG, LOGICAL_ID_TAG]
        .iter()
        .all(|key| tags.get(*key).is_some_and(|value| !value.is_empty()));
    Check::require(
        ControlId::ManagedResourceTagged,
        "tags",
        tagged,
        "tagged with its stack and logical id",
        format!("the {STACK_TAG} and {LOGICAL_ID_TAG} tags are missing"),
    )
}

#[cfg(test)]
mod key_identity_tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234";

    #[test]
    fn a_key_is_the_same_by_arn_or_bare_id_never_by_alias_or_another_account() {
        assert!(same_key(ARN, ARN));
        assert!(same_key("1234", ARN) && same_key(ARN, "1234"));
        assert!(!same_key(
            ARN,
            "arn:aws:kms:us-east-1:111122223333:key/12345"
        ));
        assert!(!same_key(
            ARN,
            "arn:aws:kms:us-east-1:444455556666:key/1234"
        ));
        assert!(!same_key(ARN, "alias/phi"));
        assert!(!same_key(
            ARN,
            "arn:aws:kms:us-east-1:111122223333:alias/phi"
        ));
        assert!(!same_key("", ""));
        assert!(!same_key(ARN, ""));
    }
}
