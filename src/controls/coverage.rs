//! Which evaluator judges which control: each evaluator function declares the controls it
//! covers (a `<NAME>_COVERS` constant beside it), [`evaluators`] lists them, and the tests
//! check that together they judge every control of [`ControlId::ALL`] except those listed in
//! [`NOT_JUDGED`], each with the reason. A new control therefore cannot land without an
//! evaluator (or an explicit reason why nothing in the library judges it).

use std::collections::BTreeSet;

use super::ControlId;

/// One evaluator function and the controls it judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluator {
    /// The function's path under the crate, e.g. `constructs::s3::evaluate_bucket`.
    pub name: &'static str,
    /// Every control the function can emit a check (or a refusal) for.
    pub covers: &'static [ControlId],
}

/// The evaluators every construct shares (tags, declared keys, replacement, the BAA).
const SHARED: &[Evaluator] = &[
    Evaluator {
        name: "construct::tags_check",
        covers: crate::construct::TAGS_CHECK_COVERS,
    },
    Evaluator {
        name: "construct::declared_key_checks",
        covers: crate::construct::DECLARED_KEY_CHECKS_COVERS,
    },
    Evaluator {
        name: "construct::Construct::replace",
        covers: crate::construct::REPLACE_COVERS,
    },
    Evaluator {
        name: "env::BaaAttestation::violations",
        covers: crate::env::BAA_COVERS,
    },
];

/// The controls nothing in the library judges, each with the reason. The tests fail when this
/// list is not exactly the set of controls no evaluator covers.
pub const NOT_JUDGED: &[(ControlId, &str)] = &[
    (
        ControlId::VpcVpn2TunnelsUp,
        "judged by the AWS Config managed rule VPC_VPN_2_TUNNELS_UP that HipaaConfigRules deploys; the library neither makes nor reads VPN connections",
    ),
    (
        ControlId::Ec2InstanceManagedBySsm,
        "judged by the AWS Config managed rule EC2_INSTANCE_MANAGED_BY_SSM that HipaaConfigRules deploys; the library has no Systems Manager client",
    ),
    (
        ControlId::Ec2InstanceAge,
        "no maximum instance age can be configured yet, so no evaluator has a limit to judge against",
    ),
    (
        ControlId::Ec2EnclaveHostExposure,
        "the library reads no Nitro Enclave options of instances, so it cannot tell an enclave host",
    ),
    (
        ControlId::KmsEnclaveAttestation,
        "the library reads no Nitro Enclave attestation conditions or images",
    ),
    (
        ControlId::S3BucketPolicyGranteeCheck,
        "the rule (removed from the pack on 2022-06-17) needs the account's own list of allowed grantees, which the library takes no input for; public grantees are judged by S3_BUCKET_PUBLIC_READ/WRITE_PROHIBITED",
    ),
];

/// Every evaluator of the features compiled in, with the controls it judges.
pub fn evaluators() -> Vec<Evaluator> {
    #[allow(unused_mut)] // with no service feature only the shared evaluators remain
    let mut all: Vec<Evaluator> = SHARED.to_vec();
    #[cfg(feature = "kms")]
    all.extend_from_slice(crate::constructs::kms::EVALUATORS);
    #[cfg(feature = "s3")]
    all.extend_from_slice(crate::constructs::s3::EVALUATORS);
    #[cfg(feature = "ec2")]
    all.extend_from_slice(crate::constructs::ec2::EVALUATORS);
    #[cfg(feature = "iam")]
    all.extend_from_slice(crate::constructs::iam::EVALUATORS);
    #[cfg(feature = "logs")]
    all.extend_from_slice(crate::constructs::logs::EVALUATORS);
    #[cfg(feature = "cloudtrail")]
    all.extend_from_slice(crate::constructs::cloudtrail::EVALUATORS);
    #[cfg(feature = "cloudwatch")]
    all.extend_from_slice(crate::constructs::cloudwatch::EVALUATORS);
    #[cfg(feature = "rds")]
    all.extend_from_slice(crate::constructs::rds::EVALUATORS);
    #[cfg(feature = "config")]
    all.extend_from_slice(crate::constructs::config::EVALUATORS);
    #[cfg(feature = "securityhub")]
    all.extend_from_slice(crate::constructs::securityhub::EVALUATORS);
    #[cfg(feature = "guardduty")]
    all.extend_from_slice(crate::constructs::guardduty::EVALUATORS);
    #[cfg(feature = "backup")]
    all.extend_from_slice(crate::constructs::backup::EVALUATORS);
    #[cfg(feature = "organizations")]
    all.extend_from_slice(crate::constructs::organizations::EVALUATORS);
    #[cfg(feature = "audit")]
    all.extend_from_slice(crate::audit::EVALUATORS);
    all
}

/// The evaluator of this name, if compiled in.
pub fn evaluator(name: &str) -> Option<Evaluator> {
    evaluators().into_iter().find(|e| e.name == name)
}

/// The controls at least one evaluator judges.
pub fn covered() -> BTreeSet<ControlId> {
    evaluators()
        .iter()
        .flat_map(|e| e.covers.iter().copied())
        .collect()
}

/// The controls of [`ControlId::ALL`] no compiled-in evaluator judges.
pub fn uncovered() -> Vec<ControlId> {
    let covered = covered();
    ControlId::ALL
        .iter()
        .copied()
        .filter(|id| !covered.contains(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluator_names_are_unique() {
        let mut seen = BTreeSet::new();
        for evaluator in evaluators() {
            assert!(seen.insert(evaluator.name), "{} twice", evaluator.name);
            assert!(
                !evaluator.covers.is_empty(),
                "{} covers nothing",
                evaluator.name
            );
        }
    }

    #[test]
    fn not_judged_lists_each_control_once_with_a_reason() {
        let mut seen = BTreeSet::new();
        for (id, reason) in NOT_JUDGED {
            assert!(seen.insert(*id), "{id} listed twice");
            assert!(reason.len() > 20, "{id} needs a reason");
        }
    }

    /// With every service compiled in, the evaluators together judge every control but the
    /// ones listed as judged by nothing, and none of those is judged after all.
    #[cfg(feature = "full")]
    #[test]
    fn coverage_union_is_all_controls_but_the_listed_ones() {
        let uncovered: BTreeSet<ControlId> = uncovered().into_iter().collect();
        let listed: BTreeSet<ControlId> = NOT_JUDGED.iter().map(|(id, _)| *id).collect();
        let missing: Vec<&ControlId> = uncovered.difference(&listed).collect();
        let judged_after_all: Vec<&ControlId> = listed.difference(&uncovered).collect();
        assert!(
            missing.is_empty(),
            "controls no evaluator covers (declare them in a COVERS or in NOT_JUDGED with the reason): {missing:?}"
        );
        assert!(
            judged_after_all.is_empty(),
            "controls in NOT_JUDGED that an evaluator covers: {judged_after_all:?}"
        );
        let union: BTreeSet<ControlId> = covered().union(&listed).copied().collect();
        let all: BTreeSet<ControlId> = ControlId::ALL.iter().copied().collect();
        assert_eq!(union, all);
    }
}
