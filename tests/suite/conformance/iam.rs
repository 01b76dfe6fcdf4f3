//! IAM: users, groups, roles, managed policies, the root user and the password policy on
//! compliant states and their mutations (evaluator path), names and session lengths at
//! `build()`, and the role's policies-as-declared check. Policy-document cases are kept
//! modest here: the policy analysis has its own cases.

use std::collections::BTreeMap;

use hipaa_aws::construct::{Construct, Scope};
use hipaa_aws::constructs::iam::{
    evaluate_group, evaluate_managed_policy, evaluate_password_policy, evaluate_role,
    evaluate_root, evaluate_user, iam_name_problem, AccessKeyState, CredentialRequirements,
    GroupState, ManagedPolicyState, PasswordPolicyState, PasswordRequirements, RoleState,
    RootState, UserState, MAX_ROLE_NAME,
};
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::Case;

const F: &str = "iam";
const ACCOUNT: &str = "111122223333";
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn doc(statements: &str) -> PolicyDocument {
    PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
    ))
    .expect("valid policy")
}

fn allow(action: &str, resource: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#
    ))
}

const READ_ONE_BUCKET: (&str, &str) = ("s3:GetObject", "arn:aws:s3:::acme-phi/*");

fn trust_service() -> PolicyDocument {
    doc(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{ACCOUNT}"}}}}}}"#
    ))
}

fn role() -> RoleState {
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/reader");
    RoleState {
        name: "app".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/app"),
        path: "/".into(),
        description: "app".into(),
        trust_policy: Some(trust_service()),
        max_session_duration_secs: 3_600,
        permissions_boundary: None,
        managed_policies: vec![arn.clone()],
        attached_documents: BTreeMap::from([(
            arn,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        )]),
        inline_policies: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

fn judge_role(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut RoleState),
) -> Case {
    let mut state = role();
    change(&mut state);
    Case::eval(
        F,
        "constructs::iam::evaluate_role",
        name,
        control,
        expected,
        evaluate_role(&state),
    )
}

fn policy_case(name: &str, control: C, expected: Status, document: Option<PolicyDocument>) -> Case {
    let state = ManagedPolicyState {
        name: "p".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/p"),
        path: "/".into(),
        document,
        default_version: "v1".into(),
        version_count: 1,
        tags: BTreeMap::new(),
    };
    Case::eval(
        F,
        "constructs::iam::evaluate_managed_policy",
        name,
        control,
        expected,
        evaluate_managed_policy(&state),
    )
}

fn user() -> UserState {
    UserState {
        name: "alice".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
        groups: vec!["staff".into()],
        attached_documents: BTreeMap::new(),
        inline_policies: BTreeMap::new(),
        console_password: true,
        password_last_used_secs: Some(NOW - DAY),
        created_secs: Some(NOW - 400 * DAY),
        mfa_devices: 1,
        access_keys: vec![AccessKeyState {
            id: "AKIA1".into(),
            active: true,
            created_secs: Some(NOW - 10 * DAY),
            last_used_secs: Some(NOW - DAY),
        }],
    }
}

fn judge_user(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut UserState),
) -> Case {
    let mut state = user();
    change(&mut state);
    let requirements = CredentialRequirements {
        max_access_key_age_days: 90,
        max_unused_days: 90,
    };
    Case::eval(
        F,
        "constructs::iam::evaluate_user",
        name,
        control,
        expected,
        evaluate_user(&state, NOW, &requirements),
    )
}

fn group(users: &[&str], inline: bool) -> GroupState {
    GroupState {
        name: "staff".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/staff"),
        users: users.iter().map(|u| u.to_string()).collect(),
        attached_documents: BTreeMap::new(),
        inline_policies: if inline {
            BTreeMap::from([(
                "extra".to_string(),
                allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1),
            )])
        } else {
            BTreeMap::new()
        },
    }
}

fn password() -> PasswordPolicyState {
    PasswordPolicyState {
        minimum_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase: true,
        require_lowercase: true,
        allow_users_to_change: true,
        max_age_days: Some(90),
        reuse_prevention: Some(24),
        hard_expiry: false,
    }
}

fn judge_password(
    name: &str,
    expected: Status,
    change: impl FnOnce(&mut PasswordPolicyState),
) -> Case {
    let mut state = password();
    change(&mut state);
    Case::eval(
        F,
        "constructs::iam::evaluate_password_policy",
        name,
        C::IamPasswordPolicy,
        expected,
        evaluate_password_policy(Some(&state), &PasswordRequirements::default()),
    )
}

fn root(name: &str, control: C, expected: Status, state: RootState) -> Case {
    Case::eval(
        F,
        "constructs::iam::evaluate_root",
        name,
        control,
        expected,
        evaluate_root(&state),
    )
}

fn name_case(name: &str, expected: Status) -> Case {
    let problem = iam_name_problem("role", name, MAX_ROLE_NAME);
    let checks = vec![Check::require(
        C::IamNameValid,
        "name",
        problem.is_none(),
        "valid IAM name",
        problem.unwrap_or_default(),
    )];
    Case::eval(
        F,
        "constructs::iam::iam_name_problem",
        format!("role name {name:?}"),
        C::IamNameValid,
        expected,
        checks,
    )
    .edge()
}

fn hours(hours: u32) -> hipaa_aws::Result<HipaaRole> {
    HipaaRole::builder()
        .name("app")
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .max_session_hours(hours)
        .build()
}

/// The library's role, read back with one policy attached behind its back (or not).
fn as_declared(name: &str, expected: Status, extra: bool) -> Case {
    let role = hours(1).expect("valid role");
    let mut state = role.desired(&Scope::for_build());
    if extra {
        let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string();
        state.managed_policies.push(arn.clone());
        state.attached_documents.insert(arn, None);
    }
    let checks = role.evaluate(&state);
    Case::eval(
        F,
        "constructs::iam::HipaaRole::policies_as_declared",
        name,
        C::IamRolePoliciesAsDeclared,
        expected,
        checks
            .into_iter()
            .filter(|c| c.control == C::IamRolePoliciesAsDeclared)
            .collect(),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let hw = |mfa, keys, virtual_mfa| RootState {
        mfa_enabled: mfa,
        access_keys_present: keys,
        virtual_mfa,
    };
    let mut cases = vec![
        // Roles.
        judge_role("no inline policy", C::IamNoInlinePolicyCheck, Pass, |_| {}),
        judge_role("an inline policy", C::IamNoInlinePolicyCheck, Fail, |s| {
            s.inline_policies
                .insert("extra".into(), allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1));
        }),
        judge_role(
            "trusts one service of this account",
            C::IamRoleTrustRestricted,
            Pass,
            |_| {},
        ),
        judge_role("trusts everyone", C::IamRoleTrustRestricted, Fail, |s| {
            s.trust_policy = Some(doc(
                r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#,
            ));
        }),
        judge_role(
            "trust policy unread",
            C::IamRoleTrustRestricted,
            Error,
            |s| s.trust_policy = None,
        ),
        judge_role(
            "attached policy unread",
            C::IamPolicyNoStatementsWithAdminAccess,
            Error,
            |s| {
                for document in s.attached_documents.values_mut() {
                    *document = None;
                }
            },
        ),
        judge_role(
            "inline policy decrypting with one key",
            C::IamInlinePolicyBlockedKmsActions,
            Pass,
            |s| {
                s.inline_policies.insert(
                    "kms".into(),
                    allow("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234"),
                );
            },
        ),
        judge_role(
            "inline policy decrypting with every key",
            C::IamInlinePolicyBlockedKmsActions,
            Fail,
            |s| {
                s.inline_policies
                    .insert("kms".into(), allow("kms:Decrypt", "*"));
            },
        ),
        judge_role(
            "inline policy on a key of any account",
            C::IamInlinePolicyBlockedKmsActions,
            Fail,
            |s| {
                s.inline_policies.insert(
                    "kms".into(),
                    allow("kms:Decrypt", "arn:aws:kms:us-east-1:*:key/*"),
                );
            },
        )
        .edge(),
        judge_role(
            "inline policy with Action * on *",
            C::IamPolicyNoStatementsWithAdminAccess,
            Fail,
            |s| {
                s.inline_policies.insert("admin".into(), allow("*", "*"));
            },
        ),
        // An inline policy is held to every identity-policy control a managed one is (Prowler's
        // iam_inline_policy_no_wildcard_marketplace_subscribe found the gap in the race).
        judge_role(
            "inline policy with aws-marketplace:* on *",
            C::IamNoWildcardMarketplaceSubscribe,
            Fail,
            |s| {
                s.inline_policies
                    .insert("market".into(), allow("aws-marketplace:*", "*"));
            },
        )
        .edge(),
        judge_role(
            "inline policy with aws-marketplace:Sub* on *",
            C::IamNoWildcardMarketplaceSubscribe,
            Fail,
            |s| {
                s.inline_policies
                    .insert("market".into(), allow("aws-marketplace:Sub*", "*"));
            },
        )
        .edge(),
        judge_role(
            "inline policy viewing marketplace subscriptions on *",
            C::IamNoWildcardMarketplaceSubscribe,
            Pass,
            |s| {
                s.inline_policies.insert(
                    "market".into(),
                    allow("aws-marketplace:ViewSubscriptions", "*"),
                );
            },
        )
        .edge(),
        judge_role(
            "inline policy reading objects of every bucket",
            C::IamNoWildcardResourceOnDataActions,
            Fail,
            |s| {
                s.inline_policies
                    .insert("data".into(), allow("s3:GetObject", "*"));
            },
        )
        .edge(),
        judge_role(
            "inline policy reading objects of one bucket",
            C::IamNoWildcardResourceOnDataActions,
            Pass,
            |s| {
                s.inline_policies
                    .insert("data".into(), allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1));
            },
        )
        .edge(),
        // Customer-managed policies.
        policy_case(
            "reads one bucket",
            C::IamPolicyNoStatementsWithAdminAccess,
            Pass,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        ),
        policy_case(
            "Action * on *",
            C::IamPolicyNoStatementsWithAdminAccess,
            Fail,
            Some(allow("*", "*")),
        ),
        policy_case(
            "reads one bucket (full access)",
            C::IamPolicyNoStatementsWithFullAccess,
            Pass,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        ),
        policy_case(
            "s3:* on one bucket",
            C::IamPolicyNoStatementsWithFullAccess,
            Fail,
            Some(allow("s3:*", "arn:aws:s3:::acme-phi/*")),
        ),
        policy_case(
            "kms:Decrypt on one key",
            C::IamCustomerPolicyBlockedKmsActions,
            Pass,
            Some(allow(
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:111122223333:key/1234",
            )),
        ),
        policy_case(
            "kms:Decrypt on *",
            C::IamCustomerPolicyBlockedKmsActions,
            Fail,
            Some(allow("kms:Decrypt", "*")),
        ),
        policy_case(
            "kms:ReEncryptFrom on *",
            C::IamCustomerPolicyBlockedKmsActions,
            Fail,
            Some(allow("kms:ReEncryptFrom", "*")),
        ),
        policy_case(
            "kms:*crypt* on *",
            C::IamCustomerPolicyBlockedKmsActions,
            Fail,
            Some(allow("kms:*crypt*", "*")),
        )
        .edge(),
        policy_case(
            "kms:Re* on *",
            C::IamCustomerPolicyBlockedKmsActions,
            Fail,
            Some(allow("kms:Re*", "*")),
        )
        .edge(),
        policy_case(
            "kms:Decrypt on a key of any region",
            C::IamCustomerPolicyBlockedKmsActions,
            Fail,
            Some(allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*")),
        )
        .edge(),
        policy_case(
            "s3:Get* on *",
            C::IamNoWildcardResourceOnDataActions,
            Fail,
            Some(allow("s3:Get*", "*")),
        )
        .edge(),
        policy_case(
            "s3:GetObject on a wildcard bucket name",
            C::IamNoWildcardResourceOnDataActions,
            Fail,
            Some(allow("s3:GetObject", "arn:aws:s3:::acme-*/*")),
        )
        .edge(),
        // Privilege escalation: permission management on unscoped resources, also as patterns.
        policy_case(
            "no escalation action: reading one bucket",
            C::IamNoPrivilegeEscalation,
            Pass,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        ),
        policy_case(
            "iam:PassRole on one role (just inside)",
            C::IamNoPrivilegeEscalation,
            Pass,
            Some(allow(
                "iam:PassRole",
                &format!("arn:aws:iam::{ACCOUNT}:role/app-task"),
            )),
        )
        .edge(),
        policy_case(
            "iam:PassRole on roles by pattern (just outside)",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow(
                "iam:PassRole",
                &format!("arn:aws:iam::{ACCOUNT}:role/app-*"),
            )),
        )
        .edge(),
        policy_case(
            "iam:PassRole on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("iam:PassRole", "*")),
        ),
        policy_case(
            "iam:Put*Policy pattern on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("iam:Put*", "*")),
        )
        .edge(),
        policy_case(
            "iam:Attach*Policy pattern on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("iam:Attach*Policy", "*")),
        )
        .edge(),
        policy_case(
            "iam:CreatePolicyVersion on one policy",
            C::IamNoPrivilegeEscalation,
            Pass,
            Some(allow(
                "iam:CreatePolicyVersion",
                &format!("arn:aws:iam::{ACCOUNT}:policy/app-read"),
            )),
        )
        .edge(),
        policy_case(
            "sts:AssumeRole on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("sts:AssumeRole", "*")),
        ),
        policy_case(
            "kms:CreateGrant on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("kms:CreateGrant", "*")),
        ),
        policy_case(
            "s3:PutBucketPolicy on every bucket",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("s3:PutBucketPolicy", "arn:aws:s3:::*")),
        ),
        policy_case(
            "ec2:ModifySnapshotAttribute on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("ec2:ModifySnapshotAttribute", "*")),
        ),
        policy_case(
            "rds:ModifyDBSnapshotAttribute on *",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(allow("rds:ModifyDBSnapshotAttribute", "*")),
        ),
        policy_case(
            "NotAction of one read on * (reaches every escalation action)",
            C::IamNoPrivilegeEscalation,
            Fail,
            Some(doc(
                r#"{"Effect":"Allow","NotAction":"s3:GetObject","Resource":"*"}"#,
            )),
        )
        .edge(),
        policy_case(
            "iam:* on * (full access to a service)",
            C::IamPolicyNoStatementsWithFullAccess,
            Fail,
            Some(allow("iam:*", "*")),
        ),
        policy_case(
            "no marketplace action",
            C::IamNoWildcardMarketplaceSubscribe,
            Pass,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        ),
        policy_case(
            "aws-marketplace:Subscribe on *",
            C::IamNoWildcardMarketplaceSubscribe,
            Fail,
            Some(allow("aws-marketplace:Subscribe", "*")),
        ),
        policy_case(
            "data action on one bucket",
            C::IamNoWildcardResourceOnDataActions,
            Pass,
            Some(allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1)),
        ),
        policy_case(
            "s3:GetObject on *",
            C::IamNoWildcardResourceOnDataActions,
            Fail,
            Some(allow("s3:GetObject", "*")),
        ),
        policy_case(
            "document unread",
            C::IamPolicyNoStatementsWithAdminAccess,
            Error,
            None,
        ),
        // Users.
        judge_user(
            "permissions from groups",
            C::IamUserNoPoliciesCheck,
            Pass,
            |_| {},
        ),
        judge_user(
            "a policy attached to the user",
            C::IamUserNoPoliciesCheck,
            Fail,
            |s| {
                s.inline_policies
                    .insert("own".into(), allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1));
            },
        ),
        judge_user(
            "inline policy on a user",
            C::IamNoInlinePolicyCheck,
            Fail,
            |s| {
                s.inline_policies
                    .insert("own".into(), allow(READ_ONE_BUCKET.0, READ_ONE_BUCKET.1));
            },
        ),
        judge_user(
            "no inline policy on the user",
            C::IamNoInlinePolicyCheck,
            Pass,
            |_| {},
        ),
        judge_user(
            "inline policy on a user with aws-marketplace:* on *",
            C::IamNoWildcardMarketplaceSubscribe,
            Fail,
            |s| {
                s.inline_policies
                    .insert("market".into(), allow("aws-marketplace:*", "*"));
            },
        )
        .edge(),
        judge_user(
            "member of a group",
            C::IamUserGroupMembershipCheck,
            Pass,
            |_| {},
        ),
        judge_user("in no group", C::IamUserGroupMembershipCheck, Fail, |s| {
            s.groups.clear()
        }),
        judge_user("has MFA", C::IamUserMfaEnabled, Pass, |_| {}),
        judge_user("no MFA", C::IamUserMfaEnabled, Fail, |s| s.mfa_devices = 0),
        judge_user(
            "console with MFA",
            C::MfaEnabledForIamConsoleAccess,
            Pass,
            |_| {},
        ),
        judge_user(
            "console without MFA",
            C::MfaEnabledForIamConsoleAccess,
            Fail,
            |s| s.mfa_devices = 0,
        ),
        judge_user(
            "no console password, no MFA",
            C::MfaEnabledForIamConsoleAccess,
            Pass,
            |s| {
                s.mfa_devices = 0;
                s.console_password = false;
            },
        ),
        judge_user(
            "inactive old key is not judged",
            C::AccessKeysRotated,
            Pass,
            |s| {
                s.access_keys[0].active = false;
                s.access_keys[0].created_secs = Some(NOW - 500 * DAY);
            },
        ),
    ];
    for (age, expected) in [
        (90 * DAY, Pass),
        (90 * DAY + 1, Fail),
        (89 * DAY, Pass),
        (91 * DAY, Fail),
    ] {
        cases.push(
            judge_user(
                &format!("access key {age} s old"),
                C::AccessKeysRotated,
                expected,
                |s| {
                    s.access_keys[0].created_secs = Some(NOW - age);
                    s.access_keys[0].last_used_secs = Some(NOW - DAY);
                },
            )
            .edge(),
        );
    }
    for (idle, expected) in [(90 * DAY, Pass), (90 * DAY + 1, Fail)] {
        cases.push(
            judge_user(
                &format!("password unused {idle} s"),
                C::IamUserUnusedCredentialsCheck,
                expected,
                |s| s.password_last_used_secs = Some(NOW - idle),
            )
            .edge(),
        );
        cases.push(
            judge_user(
                &format!("access key unused {idle} s"),
                C::IamUserUnusedCredentialsCheck,
                expected,
                |s| s.access_keys[0].last_used_secs = Some(NOW - idle),
            )
            .edge(),
        );
    }
    cases.push(judge_user(
        "never-used password of an old user",
        C::IamUserUnusedCredentialsCheck,
        Fail,
        |s| s.password_last_used_secs = None,
    ));
    // Groups.
    cases.extend([
        Case::eval(
            F,
            "constructs::iam::evaluate_group",
            "group with a user",
            C::IamGroupHasUsersCheck,
            Pass,
            evaluate_group(&group(&["alice"], false)),
        ),
        Case::eval(
            F,
            "constructs::iam::evaluate_group",
            "empty group",
            C::IamGroupHasUsersCheck,
            Fail,
            evaluate_group(&group(&[], false)),
        ),
        Case::eval(
            F,
            "constructs::iam::evaluate_group",
            "group with an inline policy",
            C::IamNoInlinePolicyCheck,
            Fail,
            evaluate_group(&group(&["alice"], true)),
        ),
        Case::eval(
            F,
            "constructs::iam::evaluate_group",
            "group without inline policy",
            C::IamNoInlinePolicyCheck,
            Pass,
            evaluate_group(&group(&["alice"], false)),
        ),
        Case::eval(
            F,
            "constructs::iam::evaluate_group",
            "group with an inline aws-marketplace:* policy",
            C::IamNoWildcardMarketplaceSubscribe,
            Fail,
            evaluate_group(&{
                let mut group = group(&["alice"], false);
                group
                    .inline_policies
                    .insert("market".into(), allow("aws-marketplace:*", "*"));
                group
            }),
        )
        .edge(),
    ]);
    // Root.
    cases.extend([
        root(
            "root without keys",
            C::IamRootAccessKeyCheck,
            Pass,
            hw(true, false, Some(false)),
        ),
        root(
            "root with keys",
            C::IamRootAccessKeyCheck,
            Fail,
            hw(true, true, Some(false)),
        ),
        root(
            "root with MFA",
            C::RootAccountMfaEnabled,
            Pass,
            hw(true, false, Some(false)),
        ),
        root(
            "root without MFA",
            C::RootAccountMfaEnabled,
            Fail,
            hw(false, false, Some(false)),
        ),
        root(
            "root with a hardware device",
            C::RootAccountHardwareMfaEnabled,
            Pass,
            hw(true, false, Some(false)),
        ),
        root(
            "root with a virtual device",
            C::RootAccountHardwareMfaEnabled,
            Fail,
            hw(true, false, Some(true)),
        ),
        root(
            "root MFA kind unreadable",
            C::RootAccountHardwareMfaEnabled,
            Error,
            hw(true, false, None),
        ),
        root(
            "no root MFA, kind unreadable",
            C::RootAccountHardwareMfaEnabled,
            Fail,
            hw(false, false, None),
        ),
    ]);
    // Password policy: every requirement at its boundary.
    cases.extend([
        judge_password("the HIPAA pack's policy", Pass, |_| {}),
        judge_password("14 characters", Pass, |s| s.minimum_length = 14).edge(),
        judge_password("13 characters", Fail, |s| s.minimum_length = 13).edge(),
        judge_password("expires after 90 days", Pass, |s| s.max_age_days = Some(90)).edge(),
        judge_password("expires after 91 days", Fail, |s| s.max_age_days = Some(91)).edge(),
        judge_password("never expires", Fail, |s| s.max_age_days = None),
        judge_password("remembers 24 passwords", Pass, |s| {
            s.reuse_prevention = Some(24)
        })
        .edge(),
        judge_password("remembers 23 passwords", Fail, |s| {
            s.reuse_prevention = Some(23)
        })
        .edge(),
        judge_password("no symbol required", Fail, |s| s.require_symbols = false),
        judge_password("no digit required", Fail, |s| s.require_numbers = false),
        judge_password("no uppercase required", Fail, |s| {
            s.require_uppercase = false
        }),
        judge_password("no lowercase required", Fail, |s| {
            s.require_lowercase = false
        }),
        Case::eval(
            F,
            "constructs::iam::evaluate_password_policy",
            "no password policy",
            C::IamPasswordPolicy,
            Fail,
            evaluate_password_policy(None, &PasswordRequirements::default()),
        ),
    ]);
    // Session length, names, declared policies.
    for (secs, expected) in [(3_599, Fail), (3_600, Pass), (43_200, Pass), (43_201, Fail)] {
        cases.push(
            judge_role(
                &format!("maximum session {secs} s"),
                C::IamRoleMaxSessionDuration,
                expected,
                |s| s.max_session_duration_secs = secs,
            )
            .edge(),
        );
    }
    for (h, expected) in [(0, Fail), (1, Pass), (12, Pass), (13, Fail)] {
        cases.push(
            Case::build(
                F,
                format!("build: {h}-hour sessions"),
                C::IamRoleMaxSessionDuration,
                expected,
                hours(h),
            )
            .edge(),
        );
    }
    for (name, expected) in [
        ("app", Pass),
        ("a", Pass),
        ("", Fail),
        (&"r".repeat(64)[..], Pass),
        (&"r".repeat(65)[..], Fail),
        ("app role", Fail),
        ("app+=,.@_-", Pass),
    ] {
        cases.push(name_case(name, expected));
    }
    cases.push(Case::build(
        F,
        "build: a role name with a slash",
        C::IamNameValid,
        Fail,
        HipaaRole::builder()
            .name("app/x")
            .trust(Trust::service("ecs-tasks.amazonaws.com"))
            .build(),
    ));
    cases.push(Case::build(
        F,
        "build: a valid role name",
        C::IamNameValid,
        Pass,
        hours(1),
    ));
    cases.push(as_declared("attached policies as declared", Pass, false));
    cases.push(as_declared(
        "a policy attached behind the library's back",
        Fail,
        true,
    ));
    cases
}
