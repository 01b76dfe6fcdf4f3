//! The AWS managed rules of the AWS Config conformance pack "Operational Best Practices for HIPAA
//! Security" that the control catalog keeps (every control with an AWS Config rule that is still
//! in the pack), with the rule names, scopes and parameter values the pack's template deploys
//! (the table is in `pack`), and the rules as they are to be deployed.

mod pack;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::controls::{format_citations, ControlId};

pub use pack::{pack_rule, PackRule, HIPAA_PACK_RULES};

/// AWS Config limits a rule description to this many characters.
const MAX_DESCRIPTION: usize = 256;

/// One AWS managed rule as it is to be deployed: the pack's rule with the parameter values in
/// force (the pack's defaults, or stricter values the caller chose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedRuleSpec {
    /// The control the rule checks.
    pub control: ControlId,
    /// The rule name.
    pub name: String,
    /// The AWS managed rule identifier.
    pub identifier: String,
    /// The resource types it is scoped to (sorted; empty for no scope).
    pub scope: Vec<String>,
    /// Its input parameters.
    pub parameters: BTreeMap<String, String>,
    /// The description written on the rule: the control and its HIPAA citations.
    pub description: String,
}

impl ManagedRuleSpec {
    /// The rule as the pack deploys it.
    pub fn from_pack(rule: &PackRule) -> ManagedRuleSpec {
        let control = rule.control.control();
        let mut scope: Vec<String> = rule.scope.iter().map(|t| t.to_string()).collect();
        scope.sort();
        let mut description = format!(
            "hipaa-aws {}: {} ({})",
            control.code,
            control.title,
            format_citations(control.citations)
        );
        if description.chars().count() > MAX_DESCRIPTION {
            description = description
                .chars()
                .take(MAX_DESCRIPTION - 1)
                .collect::<String>()
                + "…";
        }
        ManagedRuleSpec {
            control: rule.control,
            name: rule.name.to_string(),
            identifier: rule.identifier().to_string(),
            scope,
            parameters: rule
                .parameters
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            description,
        }
    }
}

/// Every rule of the pack with the pack's parameters: what an audit of any account expects.
pub fn hipaa_pack_rules() -> Vec<ManagedRuleSpec> {
    HIPAA_PACK_RULES
        .iter()
        .map(ManagedRuleSpec::from_pack)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_active_config_rule_of_the_catalog_has_exactly_one_pack_rule() {
        let expected: BTreeSet<ControlId> = ControlId::ALL
            .iter()
            .copied()
            .filter(|id| {
                let control = id.control();
                control.config_rule.is_some() && control.config_rule_removed.is_none()
            })
            .collect();
        let listed: Vec<ControlId> = HIPAA_PACK_RULES.iter().map(|rule| rule.control).collect();
        let unique: BTreeSet<ControlId> = listed.iter().copied().collect();
        assert_eq!(listed.len(), unique.len(), "a control is listed twice");
        assert_eq!(unique, expected);
    }

    #[test]
    fn rule_names_are_unique_kebab_case_and_descriptions_fit() {
        let mut names = BTreeSet::new();
        for rule in hipaa_pack_rules() {
            assert!(names.insert(rule.name.clone()), "duplicate {}", rule.name);
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.name
            );
            assert!(!rule.identifier.is_empty());
            assert!(rule.description.chars().count() <= MAX_DESCRIPTION);
        }
    }

    #[test]
    fn the_pack_parameters_are_those_of_the_template() {
        let password = pack_rule(ControlId::IamPasswordPolicy).map(ManagedRuleSpec::from_pack);
        let password = password.as_ref().map(|rule| &rule.parameters);
        assert_eq!(
            password
                .and_then(|p| p.get("MinimumPasswordLength"))
                .map(String::as_str),
            Some("14")
        );
        assert_eq!(
            pack_rule(ControlId::IncomingSshDisabled).map(|rule| rule.name),
            Some("restricted-ssh")
        );
        assert_eq!(
            pack_rule(ControlId::RestrictedIncomingTraffic).map(|rule| rule.parameters.len()),
            Some(5)
        );
    }
}
