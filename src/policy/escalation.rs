//! Privilege escalation and permission management: actions that, on unscoped resources, let a
//! holder give itself (or anyone) more access than it was granted: pass any role to a service,
//! rewrite or attach policies, mint keys, trust itself, grant itself a KMS key, open a bucket
//! policy, or share snapshots of PHI with another account.

use super::actions_covered::targets_reached;
use super::document::{Effect, Statement};

/// The actions [`escalation_actions`] looks for (patterns count as every action they match).
pub const ESCALATION_ACTIONS: &[&str] = &[
    "iam:PassRole",
    "iam:Attach*Policy",
    "iam:Put*Policy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "sts:AssumeRole",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "s3:PutBucketPolicy",
    "rds:ModifyDBSnapshotAttribute",
    "ec2:ModifySnapshotAttribute",
];

/// The escalation actions an Allow statement may grant (through `Action` patterns or
/// `NotAction`), whatever its resources; empty for a Deny.
pub fn escalation_actions(statement: &Statement) -> Vec<&'static str> {
    if statement.effect != Effect::Allow {
        return Vec::new();
    }
    targets_reached(statement, ESCALATION_ACTIONS)
}

/// Why a `iam:PassRole` on unscoped resources stays an escalation with or without
/// `iam:PassedToService`: the condition names the service, not the role, so any role of the
/// account (an administrator's included) can still be passed.
pub fn pass_role_note(statement: &Statement) -> &'static str {
    if statement.has_condition_key("iam:PassedToService") {
        " (iam:PassedToService limits the service, not which role is passed)"
    } else {
        " (without iam:PassedToService: to any service)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_not_action_reach_escalation_actions() {
        let reach = |actions: &[&str]| {
            escalation_actions(&Statement::allow().actions(actions.iter().copied()))
        };
        assert_eq!(reach(&["iam:PassRole"]), vec!["iam:PassRole"]);
        assert_eq!(reach(&["iam:Put*"]), vec!["iam:Put*Policy"]);
        assert_eq!(reach(&["iam:AttachRolePolicy"]), vec!["iam:Attach*Policy"]);
        assert!(reach(&["iam:*"]).len() >= 6);
        assert_eq!(reach(&["*"]).len(), ESCALATION_ACTIONS.len());
        assert_eq!(reach(&["kms:Create*"]), vec!["kms:CreateGrant"]);
        assert_eq!(reach(&["s3:PutBucket*"]), vec!["s3:PutBucketPolicy"]);
        assert_eq!(
            reach(&["ec2:Modify*Attribute"]),
            vec!["ec2:ModifySnapshotAttribute"]
        );
        assert_eq!(
            reach(&["rds:ModifyDB*"]),
            vec!["rds:ModifyDBSnapshotAttribute"]
        );
        assert_eq!(reach(&["sts:Assume*"]), vec!["sts:AssumeRole"]);
        assert!(reach(&["iam:Get*", "iam:List*", "s3:GetObject", "kms:Decrypt"]).is_empty());
        assert!(reach(&["iam:PassRoles"]).is_empty());
        let not_s3 = Statement::allow().not_actions(["s3:*"]);
        assert_eq!(
            escalation_actions(&not_s3).len(),
            ESCALATION_ACTIONS.len() - 1
        );
        let deny = Statement::deny().actions(["*"]);
        assert!(escalation_actions(&deny).is_empty());
    }
}
