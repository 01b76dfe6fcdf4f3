//! [`HipaaConfigRules`]: the AWS managed rules of the HIPAA Security conformance pack, deployed
//! as Config rules the account keeps evaluating.

use std::collections::{BTreeMap, BTreeSet};

use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind, ResourceOutputs,
    Scope, SettingChange,
};
use crate::controls::{Check, ControlId, Service};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::evaluate_rules;
use super::live::rules;
use super::managed_rules::{ManagedRuleSpec, HIPAA_PACK_RULES};
use super::recorder::ConfigRecorder;
use super::state::{ConfigRuleState, ConfigRulesState};
use super::CONFIG_RULES;

/// The services whose rules every stack keeps, whatever it narrows the set to: the recorder
/// delivers to an S3 log bucket encrypted with a KMS key (so every stack with rules has S3 and
/// KMS resources), and IAM, CloudTrail, Security Hub and GuardDuty rules judge account-wide
/// safeguards (root credentials, password policy, the audit trail, threat detection) that HIPAA
/// needs whatever the stack holds.
pub const REQUIRED_SERVICES: &[Service] = &[
    Service::S3,
    Service::Kms,
    Service::Iam,
    Service::CloudTrail,
    Service::SecurityHub,
    Service::GuardDuty,
];

/// The services a stack may leave out when it has no such resources.
pub const OPTIONAL_SERVICES: &[Service] = &[
    Service::Ec2,
    Service::Ebs,
    Service::Rds,
    Service::CloudWatch,
    Service::Backup,
];

/// The pack's limits on the tunable parameters: a value may only be stricter.
const MAX_ACCESS_KEY_AGE_DAYS: u32 = 90;
const MAX_CREDENTIAL_UNUSED_DAYS: u32 = 90;
const MIN_PASSWORD_LENGTH: u32 = 14;
/// The longest password IAM accepts as a minimum length.
const MAX_PASSWORD_LENGTH: u32 = 128;
const MAX_PASSWORD_AGE_DAYS: u32 = 90;

/// The services whose rules judge resources of a kind, from its CloudFormation-style type name
/// (`AWS::RDS::DBInstance` is judged by the RDS rules). Unknown kinds need none.
pub fn services_judging(kind: ResourceKind) -> Vec<Service> {
    let mut parts = kind.type_name.split("::");
    let (Some("AWS"), Some(namespace), resource) = (parts.next(), parts.next(), parts.next())
    else {
        return Vec::new();
    };
    match namespace {
        "S3" => vec![Service::S3],
        "KMS" => vec![Service::Kms],
        "EC2" => match resource {
            Some("Instance" | "Volume" | "Snapshot" | "LaunchTemplate") => {
                vec![Service::Ec2, Service::Ebs]
            }
            _ => vec![Service::Ec2],
        },
        "RDS" => vec![Service::Rds],
        "IAM" => vec![Service::Iam],
        "CloudTrail" => vec![Service::CloudTrail],
        "Logs" | "CloudWatch" => vec![Service::CloudWatch],
        "Config" => vec![Service::Config],
        "SecurityHub" => vec![Service::SecurityHub],
        "GuardDuty" => vec![Service::GuardDuty],
        "Backup" => vec![Service::Backup],
        _ => Vec::new(),
    }
}

/// The props of [`HipaaConfigRules`]; build them with [`HipaaConfigRules::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = HipaaConfigRulesBuilder,
        doc = "Builds [`HipaaConfigRules`]; `recorder` is required."
    ),
    build_method(
        into = Result<HipaaConfigRules>,
        doc = "Validates the props and returns the rule set, or every violation at once."
    )
)]
pub struct HipaaConfigRulesProps {
    #[builder(setter(
        into,
        doc = "The region's recorder: the rules evaluate what it records."
    ))]
    recorder: Ref<ConfigRecorder>,
    #[builder(
        default,
        setter(
            doc = "Deploy only the rules of these services (every service in scope by default). S3, KMS, IAM, CloudTrail, Security Hub and GuardDuty are always kept.",
            fn transform(services: impl IntoIterator<Item = Service>) -> Option<Vec<Service>> {
                Some(services.into_iter().collect())
            }
        )
    )]
    services: Option<Vec<Service>>,
    #[builder(
        default,
        setter(
            doc = "The kinds of the stack's resources: the services that judge them must stay in `services`.",
            fn transform(kinds: impl IntoIterator<Item = ResourceKind>) -> Vec<ResourceKind> {
                kinds.into_iter().collect()
            }
        )
    )]
    covering: Vec<ResourceKind>,
    #[builder(
        default,
        setter(
            doc = "The VPCs allowed an internet gateway (`internet-gateway-authorized-vpc-only`); with none, every attached gateway is flagged.",
            fn transform<I, S>(vpc_ids: I) -> Vec<String>
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                vpc_ids.into_iter().map(Into::into).collect()
            }
        )
    )]
    authorized_vpc_ids: Vec<String>,
    #[builder(
        default = MAX_ACCESS_KEY_AGE_DAYS,
        setter(doc = "`access-keys-rotated`: the oldest an active access key may be, 1 to 90 days (90, the pack's value, by default).")
    )]
    max_access_key_age_days: u32,
    #[builder(
        default = MAX_CREDENTIAL_UNUSED_DAYS,
        setter(doc = "`iam-user-unused-credentials-check`: how long credentials may go unused, 1 to 90 days (90 by default).")
    )]
    max_credential_unused_days: u32,
    #[builder(
        default = MIN_PASSWORD_LENGTH,
        setter(doc = "`iam-password-policy`: the shortest password the policy must demand, 14 to 128 (14 by default).")
    )]
    minimum_password_length: u32,
    #[builder(
        default = MAX_PASSWORD_AGE_DAYS,
        setter(doc = "`iam-password-policy`: the longest a password may live, 1 to 90 days (90 by default).")
    )]
    max_password_age_days: u32,
}

/// The AWS managed rules of the AWS Config conformance pack "Operational Best Practices for
/// HIPAA Security" that the control catalog keeps, deployed as Config rules named as the pack
/// names them, with the pack's scopes and parameters, tagged with the stack.
///
/// The set can be narrowed to the services of the stack (`services`), never below
/// [`REQUIRED_SERVICES`], and never below the services that judge the resource kinds it is told
/// the stack holds (`covering`). Tunable parameters may only be made stricter than the pack's.
///
/// A rule of the same name that already exists is adopted (brought to these settings and
/// tagged) when it is the same managed rule; a rule of that name that is something else, or
/// that another stack of this library manages, is a conflict.
///
/// ```
/// use hipaa_aws::construct::Construct;
/// use hipaa_aws::controls::Service;
/// use hipaa_aws::{ConfigRecorder, HipaaConfigRules, HipaaKey, LogBucket};
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let recorder = ConfigRecorder::builder().delivery_bucket(&logs).build()?;
/// let all = HipaaConfigRules::builder().recorder(&recorder).build()?;
/// assert_eq!(all.rules().len(), 74);
/// let narrowed = HipaaConfigRules::builder()
///     .recorder(&recorder)
///     .services([Service::S3, Service::Kms, Service::Iam, Service::CloudTrail, Service::SecurityHub, Service::GuardDuty])
///     .covering([logs.kind()])
///     .build()?;
/// assert!(narrowed.rules().len() < all.rules().len());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HipaaConfigRules {
    id: LogicalId,
    name: String,
    recorder: Ref<ConfigRecorder>,
    services: BTreeSet<Service>,
    rules: Vec<ManagedRuleSpec>,
}

/// The name of the rule set (and the last part of its logical id).
pub const RULE_SET_NAME: &str = "hipaa-security";

impl HipaaConfigRules {
    /// Starts a builder.
    pub fn builder() -> HipaaConfigRulesBuilder {
        HipaaConfigRulesProps::builder()
    }

    /// The rules deployed, by name.
    pub fn rules(&self) -> &[ManagedRuleSpec] {
        &self.rules
    }

    /// The services whose rules are deployed.
    pub fn services(&self) -> &BTreeSet<Service> {
        &self.services
    }

    pub(super) fn resource_name(&self) -> String {
        format!("config rules {:?}", self.name)
    }
}

fn vpc_id_valid(id: &str) -> bool {
    id.strip_prefix("vpc-").is_some_and(|hex| {
        (8..=17).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

impl From<HipaaConfigRulesProps> for Result<HipaaConfigRules> {
    fn from(props: HipaaConfigRulesProps) -> Self {
        let resource = format!("config rules {RULE_SET_NAME:?}");
        let mut violations = Vec::new();
        let all: BTreeSet<Service> = HIPAA_PACK_RULES.iter().map(|rule| rule.service()).collect();
        let services: BTreeSet<Service> = match &props.services {
            None => all.clone(),
            Some(chosen) => {
                let chosen: BTreeSet<Service> = chosen.iter().copied().collect();
                let dropped: Vec<String> = REQUIRED_SERVICES
                    .iter()
                    .filter(|service| !chosen.contains(service))
                    .map(ToString::to_string)
                    .collect();
                if !dropped.is_empty() {
                    violations.push(Violation::new(
                        &resource,
                        "services",
                        ControlId::ConfigHipaaRulesDeployed,
                        format!(
                            "the rules of {} cannot be left out: they judge the recorder's own bucket and key and account-wide safeguards",
                            dropped.join(", ")
                        ),
                    ));
                }
                chosen
            }
        };
        let mut uncovered: Vec<String> = Vec::new();
        for kind in &props.covering {
            for service in services_judging(*kind) {
                if all.contains(&service) && !services.contains(&service) {
                    uncovered.push(format!("{} ({})", kind.type_name, service));
                }
            }
        }
        uncovered.sort();
        uncovered.dedup();
        if !uncovered.is_empty() {
            violations.push(Violation::new(
                &resource,
                "services",
                ControlId::ConfigHipaaRulesDeployed,
                format!(
                    "the stack holds resources no deployed rule would judge: {}",
                    uncovered.join(", ")
                ),
            ));
        }
        let bad_vpcs: Vec<&String> = props
            .authorized_vpc_ids
            .iter()
            .filter(|id| !vpc_id_valid(id))
            .collect();
        if !bad_vpcs.is_empty() {
            violations.push(Violation::new(
                &resource,
                "authorized_vpc_ids",
                ControlId::InternetGatewayAuthorizedVpcOnly,
                format!("{bad_vpcs:?} are not VPC ids (vpc- then 8 to 17 hexadecimal digits)"),
            ));
        }
        let bounds = [
            (
                "max_access_key_age_days",
                props.max_access_key_age_days,
                1,
                MAX_ACCESS_KEY_AGE_DAYS,
                ControlId::AccessKeysRotated,
            ),
            (
                "max_credential_unused_days",
                props.max_credential_unused_days,
                1,
                MAX_CREDENTIAL_UNUSED_DAYS,
                ControlId::IamUserUnusedCredentialsCheck,
            ),
            (
                "minimum_password_length",
                props.minimum_password_length,
                MIN_PASSWORD_LENGTH,
                MAX_PASSWORD_LENGTH,
                ControlId::IamPasswordPolicy,
            ),
            (
                "max_password_age_days",
                props.max_password_age_days,
                1,
                MAX_PASSWORD_AGE_DAYS,
                ControlId::IamPasswordPolicy,
            ),
        ];
        for (setting, value, low, high, control) in bounds {
            if !(low..=high).contains(&value) {
                violations.push(Violation::new(
                    &resource,
                    setting,
                    control,
                    format!("{value} is outside {low} to {high}: the HIPAA pack's value may only be made stricter"),
                ));
            }
        }
        let overrides: BTreeMap<(ControlId, &str), String> = [
            (
                (ControlId::AccessKeysRotated, "maxAccessKeyAge"),
                props.max_access_key_age_days.to_string(),
            ),
            (
                (
                    ControlId::IamUserUnusedCredentialsCheck,
                    "maxCredentialUsageAge",
                ),
                props.max_credential_unused_days.to_string(),
            ),
            (
                (ControlId::IamPasswordPolicy, "MinimumPasswordLength"),
                props.minimum_password_length.to_string(),
            ),
            (
                (ControlId::IamPasswordPolicy, "MaxPasswordAge"),
                props.max_password_age_days.to_string(),
            ),
        ]
        .into_iter()
        .collect();
        let mut rules: Vec<ManagedRuleSpec> = HIPAA_PACK_RULES
            .iter()
            .filter(|rule| services.contains(&rule.service()))
            .map(|rule| {
                let mut spec = ManagedRuleSpec::from_pack(rule);
                for (name, value) in spec.parameters.iter_mut() {
                    if let Some(wanted) = overrides.get(&(rule.control, name.as_str())) {
                        value.clone_from(wanted);
                    }
                }
                if rule.control == ControlId::InternetGatewayAuthorizedVpcOnly
                    && !props.authorized_vpc_ids.is_empty()
                {
                    spec.parameters.insert(
                        "AuthorizedVpcIds".to_string(),
                        props.authorized_vpc_ids.join(","),
                    );
                }
                spec
            })
            .collect();
        rules.sort_by(|a, b| a.name.cmp(&b.name));
        let rule_set = HipaaConfigRules {
            id: CONFIG_RULES.logical_id(RULE_SET_NAME),
            name: RULE_SET_NAME.to_string(),
            recorder: props.recorder,
            services,
            rules,
        };
        let desired = rule_set.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &rule_set.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(rule_set),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for HipaaConfigRules {
    type State = ConfigRulesState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        CONFIG_RULES
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.recorder.id().clone()]
    }

    fn desired(&self, scope: &Scope<'_>) -> ConfigRulesState {
        let tags = scope.tags_for(&self.id, false);
        ConfigRulesState {
            rules: self
                .rules
                .iter()
                .map(|rule| {
                    (
                        rule.name.clone(),
                        ConfigRuleState {
                            name: rule.name.clone(),
                            arn: None,
                            owner: "AWS".to_string(),
                            source_identifier: rule.identifier.clone(),
                            parameters: rule.parameters.clone(),
                            scope: rule.scope.clone(),
                            state: "ACTIVE".to_string(),
                            description: Some(rule.description.clone()),
                            created_by: None,
                            tags: tags.clone(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn evaluate(&self, state: &ConfigRulesState) -> Vec<Check> {
        let mut checks = evaluate_rules(state, &self.rules);
        let untagged: Vec<&str> = self
            .rules
            .iter()
            .filter(|rule| {
                state
                    .rules
                    .get(&rule.name)
                    .is_none_or(|live| crate::construct::tags_check(&live.tags).failed())
            })
            .map(|rule| rule.name.as_str())
            .collect();
        checks.push(Check::require(
            ControlId::ManagedResourceTagged,
            "tags",
            untagged.is_empty(),
            format!(
                "all {} rules are tagged with their stack and logical id",
                self.rules.len()
            ),
            format!("untagged rules: {}", untagged.join(", ")),
        ));
        checks
    }
}

impl Lifecycle for HipaaConfigRules {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<ConfigRulesState>>> {
        rules::read_for_construct(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &ConfigRulesState) -> Result<ResourceOutputs> {
        rules::create_rules(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<ConfigRulesState>,
        desired: &ConfigRulesState,
        changes: &[SettingChange],
    ) -> Result<()> {
        rules::update_rules(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<ConfigRulesState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "the HIPAA Config rules: deleting them ends the account's continuous compliance evaluation and discards their \
             evaluation history (45 CFR 164.308(a)(1)(ii)(D), 164.312(b)); deleted only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<ConfigRulesState>) -> Result<()> {
        rules::delete_rules(ctx, self, live).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_kinds_map_to_the_services_that_judge_them() {
        assert_eq!(
            services_judging(ResourceKind::new("AWS::RDS::DBInstance", "db")),
            vec![Service::Rds]
        );
        assert_eq!(
            services_judging(ResourceKind::new("AWS::EC2::Instance", "vm")),
            vec![Service::Ec2, Service::Ebs]
        );
        assert_eq!(
            services_judging(ResourceKind::new("AWS::EC2::VPC", "vpc")),
            vec![Service::Ec2]
        );
        assert!(services_judging(ResourceKind::new("AWS::SNS::Topic", "topic")).is_empty());
        assert!(services_judging(ResourceKind::new("Custom", "x")).is_empty());
    }

    #[test]
    fn vpc_ids_are_recognised() {
        assert!(vpc_id_valid("vpc-0a1b2c3d"));
        assert!(vpc_id_valid("vpc-0a1b2c3d4e5f60718"));
        assert!(!vpc_id_valid("vpc-xyz"));
        assert!(!vpc_id_valid("subnet-0a1b2c3d"));
    }

    #[test]
    fn every_service_with_rules_is_required_or_optional() {
        for rule in HIPAA_PACK_RULES {
            let service = rule.service();
            assert!(
                REQUIRED_SERVICES.contains(&service) || OPTIONAL_SERVICES.contains(&service),
                "{service} is neither required nor optional"
            );
        }
    }
}
