//! IAM live cases: users, groups and roles made by hand and the password policy at its
//! length boundary, judged by one audit per account.

use hipaa_aws::audit::AuditReport;
use hipaa_aws::controls::Service;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, Case, Path};
use crate::support::{account, TestAccount};

/// Every finding of `control` in the report, whatever the resource (account-level controls).
fn of_control(report: &AuditReport, control: C) -> Vec<Check> {
    report
        .findings()
        .filter(|f| f.control == control)
        .map(|f| Check {
            control: f.control,
            setting: f.setting.clone(),
            status: f.status,
            reason: f.reason.clone(),
        })
        .collect()
}

async fn password_policy(account: &TestAccount, length: i32) {
    aws_sdk_iam::Client::new(&account.sdk_config)
        .update_account_password_policy()
        .minimum_password_length(length)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .expect("password policy");
}

/// Users, groups and roles made by hand, and the password policy at its length boundary
/// (14 in one account, 13 in another): one audit per account.
pub(super) async fn family() -> Vec<Case> {
    const F: &str = "iam";
    let (main, other) = tokio::join!(account(), account());
    let iam = aws_sdk_iam::Client::new(&main.sdk_config);
    for user in ["conf-loner", "conf-member"] {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .expect("user");
    }
    for group in ["conf-empty", "conf-staff"] {
        iam.create_group()
            .group_name(group)
            .send()
            .await
            .expect("group");
    }
    iam.add_user_to_group()
        .group_name("conf-staff")
        .user_name("conf-member")
        .send()
        .await
        .expect("membership");
    let id = main.env.account_id().to_string();
    let trusts = [
        ("conf-open", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#.to_string()),
        (
            "conf-service",
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{id}"}}}}}}]}}"#),
        ),
    ];
    for (role, trust) in &trusts {
        iam.create_role()
            .role_name(*role)
            .assume_role_policy_document(trust)
            .send()
            .await
            .expect("role");
    }
    tokio::join!(password_policy(&main, 14), password_policy(&other, 13));
    let (report, other_report) = tokio::join!(
        audit(&main.env, &[Service::Iam]),
        audit(&other.env, &[Service::Iam])
    );
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::{id}:{kind}/{name}");
    let live = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks)
    };
    vec![
        live(
            "audit: a user in a group",
            C::IamUserGroupMembershipCheck,
            Status::Pass,
            found(&report, &arn("user", "conf-member")),
        ),
        live(
            "audit: a user in no group",
            C::IamUserGroupMembershipCheck,
            Status::Fail,
            found(&report, &arn("user", "conf-loner")),
        ),
        live(
            "audit: a user without MFA",
            C::IamUserMfaEnabled,
            Status::Fail,
            found(&report, &arn("user", "conf-loner")),
        ),
        live(
            "audit: a group with a user",
            C::IamGroupHasUsersCheck,
            Status::Pass,
            found(&report, &arn("group", "conf-staff")),
        ),
        live(
            "audit: an empty group",
            C::IamGroupHasUsersCheck,
            Status::Fail,
            found(&report, &arn("group", "conf-empty")),
        ),
        live(
            "audit: a role trusting every AWS principal",
            C::IamRoleTrustRestricted,
            Status::Fail,
            found(&report, &arn("role", "conf-open")),
        ),
        live(
            "audit: a role trusting one service of the account",
            C::IamRoleTrustRestricted,
            Status::Pass,
            found(&report, &arn("role", "conf-service")),
        ),
        live(
            "audit: password policy of 14 characters",
            C::IamPasswordPolicy,
            Status::Pass,
            of_control(&report, C::IamPasswordPolicy),
        )
        .edge(),
        live(
            "audit: password policy of 13 characters",
            C::IamPasswordPolicy,
            Status::Fail,
            of_control(&other_report, C::IamPasswordPolicy),
        )
        .edge(),
        live(
            "audit: root without MFA",
            C::RootAccountMfaEnabled,
            Status::Fail,
            of_control(&report, C::RootAccountMfaEnabled),
        ),
        live(
            "audit: root without access keys",
            C::IamRootAccessKeyCheck,
            Status::Pass,
            of_control(&report, C::IamRootAccessKeyCheck),
        ),
    ]
}
