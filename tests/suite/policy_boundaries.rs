//! The edges of every verdict that judges a policy document, through every path that judges
//! it: `build()` refusals where a construct can express the form; one verify of a stack whose
//! key policy, bucket policy, managed policy and role trust were changed behind the library's
//! back by direct SDK calls; one account audit of IAM policies, roles, KMS keys and buckets made
//! by direct SDK calls. Each disguised form has a case just outside (fails) and just inside
//! (passes).
//!
//! Forms: actions as patterns (`s3:*Object`, `s3:G*`, `kms:*crypt*`, `kms:Re*`, `iam:Put*`,
//! `kms:Create*`, `*:*`, `NotAction`); resources with wildcards inside a segment (bucket name,
//! key id, region, role path); privilege escalation on unscoped resources (`iam:PassRole` with
//! and without `iam:PassedToService`, `iam:Attach*Policy`, `sts:AssumeRole`,
//! `s3:PutBucketPolicy`, snapshot sharing); resource policies (`NotPrincipal`, `*` in a list,
//! `StringNotEquals`, `IfExists`, TLS denies narrowed by another condition or covering only
//! `s3:Get*`); key policies (principals of another account, services scoped with the wrong
//! operator or account, `kms:CreateGrant` without `kms:GrantIsForAWSResource`); trust policies
//! (services without `aws:SourceAccount`, federated principals without `aud`/`sub`,
//! `sts:ExternalId` by `StringLike`).
//!
//! What the local endpoint cannot represent: moto stores these documents as given and evaluates
//! none of them, so the live cases prove the reading and judging of each form, not that AWS
//! would let the request through. SNS topic policies are judged by verify only (the audit does
//! not scan topics); their disguised forms are unit cases of `constructs::cloudwatch`.

use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::construct::LogicalId;
use hipaa_aws::policy::{PolicyDocument, Principal, Statement};
use hipaa_aws::prelude::*;
use hipaa_aws::VerifyReport;
use serde_json::json;

use crate::support::findings::expect_finding;
use crate::support::refusals::refused_controls;
use crate::support::{account, TestAccount, REGION};

const OTHER_ACCOUNT: &str = "444455556666";

async fn audit(env: &Environment) -> AuditReport {
    Audit::builder()
        .regions([REGION])
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

fn document(statements: serde_json::Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

// ------------------------------------------------------------------------------ IAM, audit

/// A customer-managed policy made by hand; returns its ARN.
async fn managed_policy(
    account: &TestAccount,
    name: &str,
    statements: serde_json::Value,
) -> String {
    account
        .env
        .iam()
        .create_policy()
        .policy_name(name)
        .policy_document(document(statements))
        .send()
        .await
        .unwrap_or_else(|error| panic!("policy {name}: {error:?}"))
        .policy
        .and_then(|policy| policy.arn)
        .expect("policy arn")
}

/// A role made by hand with this trust (and optionally one inline policy); returns its ARN.
async fn role(
    account: &TestAccount,
    name: &str,
    trust: serde_json::Value,
    inline: Option<serde_json::Value>,
) -> String {
    let iam = account.env.iam();
    let arn = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(document(trust))
        .send()
        .await
        .unwrap_or_else(|error| panic!("role {name}: {error:?}"))
        .role
        .map(|role| role.arn)
        .expect("role arn");
    if let Some(statements) = inline {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("inline")
            .policy_document(document(statements))
            .send()
            .await
            .expect("inline policy");
    }
    arn
}

fn allow(action: serde_json::Value, resource: serde_json::Value) -> serde_json::Value {
    json!([{"Effect": "Allow", "Action": action, "Resource": resource}])
}

struct IamCases {
    /// (name, policy ARN, escalation verdict)
    escalation: Vec<(&'static str, String, Status)>,
    /// (name, policy ARN, blocked-KMS verdict, data-wildcard verdict)
    patterns: Vec<(&'static str, String, Status, Status)>,
    admin_by_pattern: String,
    admin_by_not_action: String,
    /// (name, role ARN, trust verdict)
    trusts: Vec<(&'static str, String, Status)>,
    inline_escalation: String,
    inline_clean: String,
}

async fn iam_cases(account: &TestAccount) -> IamCases {
    use Status::{Fail, Pass};
    let id = account.env.account_id().to_string();
    let role_arn = format!("arn:aws:iam::{id}:role/app");
    let escalation_forms: Vec<(&'static str, serde_json::Value, Status)> = vec![
        (
            "esc-passrole-star",
            allow(json!("iam:PassRole"), json!("*")),
            Fail,
        ),
        (
            "esc-passrole-to-service",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]),
            Fail,
        ),
        (
            "esc-passrole-path-wildcard",
            allow(
                json!("iam:PassRole"),
                json!(format!("arn:aws:iam::{id}:role/service-role/*")),
            ),
            Fail,
        ),
        (
            "esc-passrole-named",
            allow(json!("iam:PassRole"), json!(role_arn.clone())),
            Pass,
        ),
        (
            "esc-put-pattern",
            allow(json!("iam:Put*"), json!("*")),
            Fail,
        ),
        (
            "esc-attach-any-role",
            allow(
                json!("iam:AttachRolePolicy"),
                json!(format!("arn:aws:iam::{id}:role/*")),
            ),
            Fail,
        ),
        (
            "esc-attach-named",
            allow(json!("iam:AttachRolePolicy"), json!(role_arn.clone())),
            Pass,
        ),
        (
            "esc-policy-versions",
            allow(
                json!(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]),
                json!("*"),
            ),
            Fail,
        ),
        (
            "esc-access-keys",
            allow(json!("iam:CreateAccessKey"), json!("*")),
            Fail,
        ),
        (
            "esc-trust-rewrite",
            allow(json!("iam:UpdateAssumeRolePolicy"), json!("*")),
            Fail,
        ),
        (
            "esc-assume-any",
            allow(json!("sts:AssumeRole"), json!("*")),
            Fail,
        ),
        (
            "esc-assume-named",
            allow(json!("sts:AssumeRole"), json!(role_arn.clone())),
            Pass,
        ),
        (
            "esc-kms-create-pattern",
            allow(json!("kms:Create*"), json!("*")),
            Fail,
        ),
        (
            "esc-key-policy",
            allow(
                json!("kms:PutKeyPolicy"),
                json!(format!("arn:aws:kms:{REGION}:{id}:key/*")),
            ),
            Fail,
        ),
        (
            "esc-bucket-policy-any",
            allow(json!("s3:PutBucketPolicy"), json!("arn:aws:s3:::*")),
            Fail,
        ),
        (
            "esc-bucket-policy-prefix",
            allow(json!("s3:PutBucketPolicy"), json!("arn:aws:s3:::phi-*")),
            Fail,
        ),
        (
            "esc-bucket-policy-named",
            allow(json!("s3:PutBucketPolicy"), json!("arn:aws:s3:::phi-data")),
            Pass,
        ),
        (
            "esc-db-snapshots",
            allow(json!("rds:ModifyDB*"), json!("*")),
            Fail,
        ),
        (
            "esc-ebs-snapshots",
            allow(
                json!("ec2:ModifySnapshotAttribute"),
                json!(format!("arn:aws:ec2:{REGION}::snapshot/*")),
            ),
            Fail,
        ),
        (
            "esc-not-action",
            json!([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]),
            Fail,
        ),
        (
            "esc-read-only",
            allow(json!(["iam:Get*", "iam:List*"]), json!("*")),
            Pass,
        ),
        (
            "esc-passrole-substring",
            allow(json!("iam:PassRoles*"), json!("*")),
            Pass,
        ),
    ];
    let mut escalation = Vec::new();
    for (name, statements, verdict) in escalation_forms {
        let arn = managed_policy(account, &format!("{name}-{}", account.suffix), statements).await;
        escalation.push((name, arn, verdict));
    }
    let key = format!("arn:aws:kms:{REGION}:{id}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let pattern_forms: Vec<(&'static str, serde_json::Value, Status, Status)> = vec![
        (
            "kms-crypt-pattern-any",
            allow(json!("kms:*crypt*"), json!("*")),
            Fail,
            Fail,
        ),
        (
            "kms-crypt-pattern-key",
            allow(json!("kms:*crypt*"), json!(key.clone())),
            Pass,
            Pass,
        ),
        (
            "kms-re-pattern-keys",
            allow(
                json!("kms:Re*"),
                json!(format!("arn:aws:kms:{REGION}:{id}:key/*")),
            ),
            Fail,
            Fail,
        ),
        (
            "kms-decrypt-key-prefix",
            allow(
                json!("kms:Decrypt"),
                json!(format!("arn:aws:kms:{REGION}:{id}:key/12*")),
            ),
            Fail,
            Fail,
        ),
        (
            "kms-decrypt-any-region",
            allow(
                json!("kms:Decrypt"),
                json!(format!("arn:aws:kms:*:{id}:key/1234")),
            ),
            Fail,
            Fail,
        ),
        (
            "kms-describe-any",
            allow(json!("kms:Describe*"), json!("*")),
            Pass,
            Pass,
        ),
        (
            "s3-objects-bucket-prefix",
            allow(json!("s3:*Object"), json!("arn:aws:s3:::phi-*/*")),
            Pass,
            Fail,
        ),
        (
            "s3-objects-one-char",
            allow(json!("s3:GetObject"), json!("arn:aws:s3:::phi-dat?/*")),
            Pass,
            Fail,
        ),
        (
            "s3-objects-named",
            allow(json!("s3:*Object"), json!("arn:aws:s3:::phi-data/*")),
            Pass,
            Pass,
        ),
    ];
    let mut patterns = Vec::new();
    for (name, statements, kms, data) in pattern_forms {
        let arn = managed_policy(account, &format!("{name}-{}", account.suffix), statements).await;
        patterns.push((name, arn, kms, data));
    }
    let admin_by_pattern = managed_policy(
        account,
        &format!("admin-pattern-{}", account.suffix),
        allow(json!("*:*"), json!("*")),
    )
    .await;
    let admin_by_not_action = managed_policy(
        account,
        &format!("admin-not-action-{}", account.suffix),
        json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
    )
    .await;

    let service = |condition: serde_json::Value| {
        json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole", "Condition": condition}])
    };
    let foreign = |condition: serde_json::Value| {
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")},
            "Action": "sts:AssumeRole", "Condition": condition}])
    };
    let provider = format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com");
    let federated = |condition: serde_json::Value| {
        json!([{"Effect": "Allow", "Principal": {"Federated": provider.clone()},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}])
    };
    let aud = "token.actions.githubusercontent.com:aud";
    let sub = "token.actions.githubusercontent.com:sub";
    let trust_forms: Vec<(&'static str, serde_json::Value, Status)> = vec![
        (
            "trust-service-bare",
            json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
            Fail,
        ),
        (
            "trust-service-this-account",
            service(json!({"StringEquals": {"aws:SourceAccount": id.clone()}})),
            Pass,
        ),
        (
            "trust-service-other-account",
            service(json!({"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}})),
            Fail,
        ),
        (
            "trust-service-if-exists",
            service(json!({"StringEqualsIfExists": {"aws:SourceAccount": id.clone()}})),
            Fail,
        ),
        (
            "trust-service-not-equals",
            service(json!({"StringNotEquals": {"aws:SourceAccount": OTHER_ACCOUNT}})),
            Fail,
        ),
        (
            "trust-external-id-like",
            foreign(json!({"StringLike": {"sts:ExternalId": "*"}})),
            Fail,
        ),
        (
            "trust-external-id-equals",
            foreign(json!({"StringEquals": {"sts:ExternalId": "acme-7f3c"}})),
            Pass,
        ),
        (
            "trust-federated-aud-only",
            federated(json!({"StringEquals": {aud: "sts.amazonaws.com"}})),
            Fail,
        ),
        (
            "trust-federated-aud-sub",
            federated(
                json!({"StringEquals": {aud: "sts.amazonaws.com"}, "StringLike": {sub: "repo:acme/app:*"}}),
            ),
            Pass,
        ),
        (
            "trust-federated-sub-any",
            federated(
                json!({"StringEquals": {aud: "sts.amazonaws.com"}, "StringLike": {sub: "*"}}),
            ),
            Fail,
        ),
    ];
    let mut trusts = Vec::new();
    for (name, trust, verdict) in trust_forms {
        let arn = role(account, &format!("{name}-{}", account.suffix), trust, None).await;
        trusts.push((name, arn, verdict));
    }
    let scoped_service = service(json!({"StringEquals": {"aws:SourceAccount": id.clone()}}));
    let inline_escalation = role(
        account,
        &format!("inline-esc-{}", account.suffix),
        scoped_service.clone(),
        Some(
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]),
        ),
    )
    .await;
    let inline_clean = role(
        account,
        &format!("inline-clean-{}", account.suffix),
        scoped_service,
        Some(allow(json!("iam:PassRole"), json!(role_arn))),
    )
    .await;
    IamCases {
        escalation,
        patterns,
        admin_by_pattern,
        admin_by_not_action,
        trusts,
        inline_escalation,
        inline_clean,
    }
}

fn judge_iam(report: &AuditReport, cases: &IamCases) {
    use ControlId as C;
    use Status::{Fail, Pass};
    for (name, arn, verdict) in &cases.escalation {
        let reason = expect_finding(report, C::IamNoPrivilegeEscalation, arn, *verdict);
        assert!(
            *verdict == Pass || reason.contains("allows"),
            "{name}: {reason}"
        );
    }
    for (name, arn, kms, data) in &cases.patterns {
        let _ = name;
        expect_finding(report, C::IamCustomerPolicyBlockedKmsActions, arn, *kms);
        expect_finding(report, C::IamNoWildcardResourceOnDataActions, arn, *data);
    }
    expect_finding(
        report,
        C::IamPolicyNoStatementsWithAdminAccess,
        &cases.admin_by_pattern,
        Fail,
    );
    expect_finding(
        report,
        C::IamPolicyNoStatementsWithAdminAccess,
        &cases.admin_by_not_action,
        Fail,
    );
    for (name, arn, verdict) in &cases.trusts {
        let reason = expect_finding(report, C::IamRoleTrustRestricted, arn, *verdict);
        if *verdict == Fail && name.starts_with("trust-service") {
            assert!(reason.contains("aws:SourceAccount"), "{name}: {reason}");
        }
    }
    let reason = expect_finding(
        report,
        C::IamNoPrivilegeEscalation,
        &cases.inline_escalation,
        Fail,
    );
    assert!(reason.contains("iam:PassedToService"), "{reason}");
    expect_finding(
        report,
        C::IamNoPrivilegeEscalation,
        &cases.inline_clean,
        Pass,
    );
    expect_finding(report, C::IamRoleTrustRestricted, &cases.inline_clean, Pass);
}

// ------------------------------------------------------------------------------ KMS, audit

/// A customer-managed key made by hand with this policy; returns its ARN.
async fn key(account: &TestAccount, statements: serde_json::Value) -> String {
    account
        .kms()
        .create_key()
        .policy(document(statements))
        .send()
        .await
        .expect("key")
        .key_metadata
        .map(|metadata| metadata.arn.unwrap_or_default())
        .expect("key arn")
}

struct KeyCases {
    /// (name, key ARN, key-policy verdict)
    keys: Vec<(&'static str, String, Status)>,
}

async fn key_cases(account: &TestAccount) -> KeyCases {
    use Status::{Fail, Pass};
    let id = account.env.account_id().to_string();
    let root = json!({"Sid": "Admin", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{id}:root")},
        "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:Put*", "kms:Enable*"],
        "Resource": "*"});
    let with = |statement: serde_json::Value| json!([root.clone(), statement]);
    let service = |condition: serde_json::Value| {
        json!({"Sid": "Logs", "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": condition})
    };
    let context = json!({"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::phi-logs/*"});
    let forms: Vec<(&'static str, serde_json::Value, Status)> = vec![
        ("key-root-admin-only", json!([root.clone()]), Pass),
        (
            "key-default-kms-star",
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:*", "Resource": "*"}]),
            Fail,
        ),
        (
            "key-foreign-principal",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")}, "Action": "kms:Decrypt", "Resource": "*"}),
            ),
            Fail,
        ),
        (
            "key-everyone-callers-here",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": id.clone()}}}),
            ),
            Pass,
        ),
        (
            "key-everyone-org",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}),
            ),
            Fail,
        ),
        (
            "key-not-principal",
            with(
                json!({"Effect": "Allow", "NotPrincipal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:Decrypt", "Resource": "*"}),
            ),
            Fail,
        ),
        (
            "key-service-bare",
            with(
                json!({"Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": {"StringLike": context.clone()}}),
            ),
            Fail,
        ),
        (
            "key-service-not-equals",
            with(service(
                json!({"StringNotEquals": {"aws:SourceAccount": OTHER_ACCOUNT}, "StringLike": context.clone()}),
            )),
            Fail,
        ),
        (
            "key-service-other-account",
            with(service(
                json!({"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}, "StringLike": context.clone()}),
            )),
            Fail,
        ),
        (
            "key-service-if-exists",
            with(service(
                json!({"StringEqualsIfExists": {"aws:SourceAccount": id.clone()}, "StringLike": context.clone()}),
            )),
            Fail,
        ),
        (
            "key-service-this-account",
            with(service(
                json!({"StringEquals": {"aws:SourceAccount": id.clone()}, "StringLike": context.clone()}),
            )),
            Pass,
        ),
        (
            "key-grant-bare",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:CreateGrant", "Resource": "*"}),
            ),
            Fail,
        ),
        (
            "key-grant-pattern",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:Create*", "Resource": "*"}),
            ),
            Fail,
        ),
        (
            "key-grant-for-aws",
            with(
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}),
            ),
            Pass,
        ),
    ];
    let mut keys = Vec::new();
    for (name, statements, verdict) in forms {
        keys.push((name, key(account, statements).await, verdict));
    }
    KeyCases { keys }
}

fn judge_keys(report: &AuditReport, cases: &KeyCases) {
    for (name, arn, verdict) in &cases.keys {
        let reason = expect_finding(report, ControlId::KmsKeyPolicyLeastPrivilege, arn, *verdict);
        assert!(!reason.is_empty(), "{name}");
    }
}

// ------------------------------------------------------------------------------ S3, audit

struct BucketCases {
    /// (bucket, public-read verdict, public-write verdict)
    public: Vec<(String, Status, Status)>,
    /// (bucket, TLS-only verdict, TLS-1.2 verdict)
    tls: Vec<(String, Status, Status)>,
}

async fn bucket(account: &TestAccount, stem: &str, statements: serde_json::Value) -> String {
    let name = account.bucket(stem);
    let s3 = account.s3();
    s3.create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("bucket");
    let statements = statements
        .to_string()
        .replace("BUCKET", &format!("arn:aws:s3:::{name}"));
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(document(
            serde_json::from_str(&statements).expect("statements"),
        ))
        .send()
        .await
        .unwrap_or_else(|error| panic!("policy of {name}: {error:?}"));
    name
}

async fn bucket_cases(account: &TestAccount) -> BucketCases {
    use Status::{Fail, Pass};
    let id = account.env.account_id().to_string();
    let everyone = |action: serde_json::Value, condition: serde_json::Value| {
        json!([{"Effect": "Allow", "Principal": "*", "Action": action,
            "Resource": "BUCKET/*", "Condition": condition}])
    };
    let public_forms: Vec<(&str, serde_json::Value, Status, Status)> = vec![
        (
            "pub-objects",
            everyone(json!("s3:*Object"), json!({})),
            Fail,
            Fail,
        ),
        (
            "pub-g-pattern",
            everyone(json!("s3:G*"), json!({})),
            Fail,
            Pass,
        ),
        (
            "pub-not-equals",
            everyone(
                json!("s3:GetObject"),
                json!({"StringNotEquals": {"aws:SourceAccount": OTHER_ACCOUNT}}),
            ),
            Fail,
            Pass,
        ),
        (
            "pub-if-exists",
            everyone(
                json!("s3:PutObject"),
                json!({"StringEqualsIfExists": {"aws:SourceAccount": id.clone()}}),
            ),
            Pass,
            Fail,
        ),
        (
            "pub-any-value",
            everyone(
                json!("s3:GetObject"),
                json!({"ForAnyValue:StringEquals": {"aws:SourceAccount": id.clone()}}),
            ),
            Fail,
            Pass,
        ),
        (
            "pub-null",
            everyone(
                json!("s3:GetObject"),
                json!({"Null": {"aws:SourceAccount": "false"}}),
            ),
            Fail,
            Pass,
        ),
        (
            "pub-scoped",
            everyone(
                json!("s3:*Object"),
                json!({"StringEquals": {"aws:SourceAccount": id.clone()}}),
            ),
            Pass,
            Pass,
        ),
        (
            "pub-not-principal",
            json!([{"Effect": "Allow", "NotPrincipal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "s3:GetObject", "Resource": "BUCKET/*"}]),
            Fail,
            Pass,
        ),
        (
            "pub-star-in-list",
            json!([{"Effect": "Allow", "Principal": {"AWS": [format!("arn:aws:iam::{id}:root"), "*"]}, "Action": "s3:PutObject", "Resource": "BUCKET/*"}]),
            Pass,
            Fail,
        ),
        (
            "pub-named",
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "s3:*Object", "Resource": "BUCKET/*"}]),
            Pass,
            Pass,
        ),
    ];
    let mut public = Vec::new();
    for (stem, statements, read, write) in public_forms {
        public.push((bucket(account, stem, statements).await, read, write));
    }
    let deny = |action: serde_json::Value, condition: serde_json::Value| {
        json!({"Effect": "Deny", "Principal": "*", "Action": action,
            "Resource": ["BUCKET", "BUCKET/*"], "Condition": condition})
    };
    let http = json!({"Bool": {"aws:SecureTransport": "false"}});
    let old_tls = json!({"NumericLessThan": {"s3:TlsVersion": "1.2"}});
    let tls_forms: Vec<(&str, serde_json::Value, Status, Status)> = vec![
        (
            "tls-full",
            json!([
                deny(json!("s3:*"), http.clone()),
                deny(json!("s3:*"), old_tls.clone())
            ]),
            Pass,
            Pass,
        ),
        (
            "tls-if-exists",
            json!([
                deny(
                    json!("*"),
                    json!({"BoolIfExists": {"aws:SecureTransport": "false"}})
                ),
                deny(
                    json!("*"),
                    json!({"NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}})
                )
            ]),
            Pass,
            Pass,
        ),
        (
            "tls-narrowed-ip",
            json!([
                deny(
                    json!("s3:*"),
                    json!({"Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
                ),
                deny(
                    json!("s3:*"),
                    json!({"NumericLessThan": {"s3:TlsVersion": "1.2"}, "StringEquals": {"aws:SourceVpc": "vpc-12345678"}})
                )
            ]),
            Fail,
            Fail,
        ),
        (
            "tls-get-only",
            json!([
                deny(json!("s3:Get*"), http.clone()),
                deny(json!("s3:Get*"), old_tls.clone())
            ]),
            Fail,
            Fail,
        ),
        (
            "tls-old-bound",
            json!([
                deny(json!("s3:*"), http.clone()),
                deny(
                    json!("s3:*"),
                    json!({"NumericLessThan": {"s3:TlsVersion": "1.1"}})
                )
            ]),
            Pass,
            Fail,
        ),
        (
            "tls-one-principal",
            json!([{"Effect": "Deny", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "s3:*", "Resource": ["BUCKET", "BUCKET/*"], "Condition": http.clone()}]),
            Fail,
            Fail,
        ),
    ];
    let mut tls = Vec::new();
    for (stem, statements, only, version) in tls_forms {
        tls.push((bucket(account, stem, statements).await, only, version));
    }
    BucketCases { public, tls }
}

fn judge_buckets(report: &AuditReport, cases: &BucketCases) {
    use ControlId as C;
    let arn = |name: &str| format!("arn:aws:s3:::{name}");
    for (name, read, write) in &cases.public {
        expect_finding(report, C::S3BucketPublicReadProhibited, &arn(name), *read);
        expect_finding(report, C::S3BucketPublicWriteProhibited, &arn(name), *write);
    }
    for (name, only, version) in &cases.tls {
        expect_finding(report, C::S3BucketSslRequestsOnly, &arn(name), *only);
        expect_finding(report, C::S3TlsMinimumVersion, &arn(name), *version);
    }
}

/// Every disguised policy form, made by hand in one account and judged by one audit.
#[tokio::test]
async fn policy_audit_judges_disguised_policies_at_their_boundaries() {
    let account = account().await;
    let iam = iam_cases(&account).await;
    let (keys, buckets) = tokio::join!(key_cases(&account), bucket_cases(&account));
    let report = audit(&account.env).await;
    judge_iam(&report, &iam);
    judge_keys(&report, &keys);
    judge_buckets(&report, &buckets);
}

// ------------------------------------------------------------------------------ verify

fn failed(report: &VerifyReport, id: &LogicalId) -> Vec<(ControlId, String)> {
    report
        .resource(id)
        .unwrap_or_else(|| panic!("{id} in the report:\n{report}"))
        .checks
        .iter()
        .filter(|check| check.status == Status::Fail)
        .map(|check| (check.control, check.reason.clone()))
        .collect()
}

fn has_failed(found: &[(ControlId, String)], control: ControlId, words: &str) -> bool {
    found
        .iter()
        .any(|(failed, reason)| *failed == control && reason.contains(words))
}

/// A key, a PHI bucket, a role with a managed policy, applied; then the key policy, the bucket
/// policy, the managed policy and the role's trust changed by hand in disguised forms, and
/// judged by one verify.
#[tokio::test]
async fn policy_verify_reports_disguised_policies_changed_behind_the_library() {
    let account = account().await;
    let env = &account.env;
    let id = env.account_id().to_string();
    let key = HipaaKey::builder()
        .alias(format!("pol-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("pol-logs"))
        .key(&key)
        .build()
        .expect("log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("pol-phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("data bucket");
    let policy = ManagedPolicy::builder()
        .name(format!("pol-read-{}", account.suffix))
        .statement(
            Statement::allow()
                .sid("ReadAppParameters")
                .actions(["ssm:GetParameter"])
                .resources([format!("arn:aws:ssm:{REGION}:{id}:parameter/app/*")]),
        )
        .build()
        .expect("policy");
    let role = HipaaRole::builder()
        .name(format!("pol-app-{}", account.suffix))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .managed_policy(&policy)
        .build()
        .expect("role");
    let ids = (
        key.reference().id().clone(),
        data.reference().id().clone(),
        policy.reference().id().clone(),
        role.reference().id().clone(),
    );
    let (data_name, policy_name, role_name, key_alias) = (
        data.name().to_string(),
        policy.name().to_string(),
        role.name().to_string(),
        key.alias().to_string(),
    );
    let stack = Stack::builder("policies")
        .with(role)
        .with(policy)
        .with(data)
        .with(logs)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    assert!(
        before.passed(),
        "the library's own policies pass:\n{before}"
    );

    // The key policy: a foreign principal and a grant not limited to AWS resources added.
    let kms = account.kms();
    let key_id = kms
        .describe_key()
        .key_id(&key_alias)
        .send()
        .await
        .expect("describe key")
        .key_metadata
        .map(|metadata| metadata.key_id)
        .expect("key id");
    let current = kms
        .get_key_policy()
        .key_id(&key_id)
        .policy_name("default")
        .send()
        .await
        .expect("key policy")
        .policy
        .expect("a key policy");
    let mut current: serde_json::Value = serde_json::from_str(&current).expect("key policy json");
    let statements = current["Statement"].as_array_mut().expect("statements");
    statements.push(json!({"Sid": "PartnerDecrypt", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")},
        "Action": "kms:Decrypt", "Resource": "*"}));
    statements.push(json!({"Sid": "AnyGrant", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{id}:root")},
        "Action": "kms:Create*", "Resource": "*"}));
    kms.put_key_policy()
        .key_id(&key_id)
        .policy_name("default")
        .policy(current.to_string())
        .send()
        .await
        .expect("tampered key policy");

    // The bucket policy: the TLS deny narrowed to one network, objects opened by NotPrincipal.
    let bucket_arn = format!("arn:aws:s3:::{data_name}");
    let tampered = PolicyDocument::new(vec![
        Statement::deny()
            .sid("DenyHttpFromOneNetwork")
            .principal(Principal::Everyone)
            .actions(["s3:*"])
            .resources([bucket_arn.clone(), format!("{bucket_arn}/*")])
            .condition("Bool", "aws:SecureTransport", ["false"])
            .condition("IpAddress", "aws:SourceIp", ["203.0.113.0/24"]),
        Statement::allow()
            .sid("EveryoneButRoot")
            .not_principal(Principal::aws(format!("arn:aws:iam::{id}:root")))
            .actions(["s3:*Object"])
            .resources([format!("{bucket_arn}/*")]),
    ]);
    let s3 = account.s3();
    s3.delete_public_access_block()
        .bucket(&data_name)
        .send()
        .await
        .expect("public access block removed");
    s3.put_bucket_policy()
        .bucket(&data_name)
        .policy(tampered.to_json())
        .send()
        .await
        .expect("tampered bucket policy");

    // The managed policy: a new default version that may rewrite any policy.
    let iam = env.iam();
    let policy_arn = format!("arn:aws:iam::{id}:policy/hipaa-aws/{policy_name}");
    let policy_arn = match iam.get_policy().policy_arn(&policy_arn).send().await {
        Ok(_) => policy_arn,
        Err(_) => format!("arn:aws:iam::{id}:policy/{policy_name}"),
    };
    iam.create_policy_version()
        .policy_arn(&policy_arn)
        .policy_document(document(
            json!([{"Sid": "ReadAppParameters", "Effect": "Allow",
            "Action": ["ssm:GetParameter", "iam:Put*"], "Resource": "*"}]),
        ))
        .set_as_default(true)
        .send()
        .await
        .expect("tampered policy version");

    // The role's trust: the service without aws:SourceAccount.
    iam.update_assume_role_policy()
        .role_name(&role_name)
        .policy_document(document(json!([{"Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}])))
        .send()
        .await
        .expect("tampered trust");

    let report = stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let (key_id, data_id, policy_id, role_id) = &ids;
    let key_failures = failed(&report, key_id);
    assert!(
        has_failed(
            &key_failures,
            ControlId::KmsKeyPolicyLeastPrivilege,
            OTHER_ACCOUNT
        ),
        "{key_failures:?}"
    );
    assert!(
        has_failed(
            &key_failures,
            ControlId::KmsKeyPolicyLeastPrivilege,
            "kms:GrantIsForAWSResource"
        ),
        "{key_failures:?}"
    );
    let data_failures = failed(&report, data_id);
    for control in [
        ControlId::S3BucketSslRequestsOnly,
        ControlId::S3BucketPublicReadProhibited,
        ControlId::S3BucketPublicWriteProhibited,
    ] {
        assert!(
            data_failures.iter().any(|(failed, _)| *failed == control),
            "{control}: {data_failures:?}"
        );
    }
    let policy_failures = failed(&report, policy_id);
    assert!(
        has_failed(
            &policy_failures,
            ControlId::IamNoPrivilegeEscalation,
            "iam:Put*"
        ),
        "{policy_failures:?}"
    );
    let role_failures = failed(&report, role_id);
    assert!(
        has_failed(
            &role_failures,
            ControlId::IamRoleTrustRestricted,
            "aws:SourceAccount"
        ),
        "{role_failures:?}"
    );
}

// ------------------------------------------------------------------------------ build()

fn managed(statement: Statement) -> hipaa_aws::Result<ManagedPolicy> {
    ManagedPolicy::builder()
        .name("p")
        .statement(statement)
        .build()
}

#[test]
fn policy_build_refuses_escalation_and_patterns_on_unscoped_resources() {
    use ControlId as C;
    let role_arn = "arn:aws:iam::111122223333:role/app";
    let refused: Vec<(&str, Statement, ControlId)> = vec![
        (
            "PassRole on *",
            Statement::allow()
                .actions(["iam:PassRole"])
                .resources(["*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "PassRole to one service on *",
            Statement::allow()
                .actions(["iam:PassRole"])
                .resources(["*"])
                .condition(
                    "StringEquals",
                    "iam:PassedToService",
                    ["ecs-tasks.amazonaws.com"],
                ),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "PassRole on a role path",
            Statement::allow()
                .actions(["iam:PassRole"])
                .resources(["arn:aws:iam::111122223333:role/app-*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "iam:Put* on *",
            Statement::allow().actions(["iam:Put*"]).resources(["*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "iam:Attach*Policy on any role",
            Statement::allow()
                .actions(["iam:Attach*Policy"])
                .resources(["arn:aws:iam::111122223333:role/*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "kms:Create* on every key",
            Statement::allow()
                .actions(["kms:Create*"])
                .resources(["arn:aws:kms:us-east-1:111122223333:key/*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "sts:AssumeRole on *",
            Statement::allow()
                .actions(["sts:AssumeRole"])
                .resources(["*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "s3:PutBucketPolicy on a bucket prefix",
            Statement::allow()
                .actions(["s3:PutBucketPolicy"])
                .resources(["arn:aws:s3:::phi-*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "snapshot sharing",
            Statement::allow()
                .actions([
                    "rds:ModifyDBSnapshotAttribute",
                    "ec2:ModifySnapshotAttribute",
                ])
                .resources(["*"]),
            C::IamNoPrivilegeEscalation,
        ),
        (
            "kms:*crypt* on *",
            Statement::allow().actions(["kms:*crypt*"]).resources(["*"]),
            C::IamCustomerPolicyBlockedKmsActions,
        ),
        (
            "kms:Re* on every key",
            Statement::allow()
                .actions(["kms:Re*"])
                .resources(["arn:aws:kms:us-east-1:111122223333:key/*"]),
            C::IamCustomerPolicyBlockedKmsActions,
        ),
        (
            "Decrypt on a key prefix",
            Statement::allow()
                .actions(["kms:Decrypt"])
                .resources(["arn:aws:kms:us-east-1:111122223333:key/12*"]),
            C::IamCustomerPolicyBlockedKmsActions,
        ),
        (
            "Decrypt in any region",
            Statement::allow()
                .actions(["kms:Decrypt"])
                .resources(["arn:aws:kms:*:111122223333:key/1234"]),
            C::IamCustomerPolicyBlockedKmsActions,
        ),
        (
            "objects of a bucket prefix",
            Statement::allow()
                .actions(["s3:*Object"])
                .resources(["arn:aws:s3:::phi-*/*"]),
            C::IamNoWildcardResourceOnDataActions,
        ),
        (
            "objects of a one-character wildcard",
            Statement::allow()
                .actions(["s3:GetObject"])
                .resources(["arn:aws:s3:::phi-dat?/*"]),
            C::IamNoWildcardResourceOnDataActions,
        ),
        (
            "*:* on *",
            Statement::allow().actions(["*:*"]).resources(["*"]),
            C::IamPolicyNoStatementsWithAdminAccess,
        ),
        (
            "NotAction on *",
            Statement::allow().not_actions(["iam:*"]).resources(["*"]),
            C::IamPolicyNoStatementsWithAdminAccess,
        ),
    ];
    for (case, statement, control) in refused {
        let controls = refused_controls(case, managed(statement.clone()));
        assert!(controls.contains(&control), "{case}: {controls:?}");
        let role = HipaaRole::builder()
            .name("app")
            .trust(Trust::service("ecs-tasks.amazonaws.com"))
            .build()
            .expect("role");
        let grant = Grant::custom(&role, "custom", vec![statement], &[]);
        let controls = refused_controls(case, grant);
        assert!(controls.contains(&control), "grant {case}: {controls:?}");
    }
    let accepted: Vec<(&str, Statement)> = vec![
        (
            "PassRole on one role",
            Statement::allow()
                .actions(["iam:PassRole"])
                .resources([role_arn]),
        ),
        (
            "AssumeRole on one role",
            Statement::allow()
                .actions(["sts:AssumeRole"])
                .resources([role_arn]),
        ),
        (
            "PutBucketPolicy on one bucket",
            Statement::allow()
                .actions(["s3:PutBucketPolicy"])
                .resources(["arn:aws:s3:::phi-data"]),
        ),
        (
            "kms:*crypt* on one key",
            Statement::allow()
                .actions(["kms:*crypt*"])
                .resources(["arn:aws:kms:us-east-1:111122223333:key/1234"]),
        ),
        (
            "objects of one bucket",
            Statement::allow()
                .actions(["s3:*Object"])
                .resources(["arn:aws:s3:::phi-data/*"]),
        ),
        (
            "IAM reads on *",
            Statement::allow()
                .actions(["iam:Get*", "iam:List*"])
                .resources(["*"]),
        ),
        (
            "a look-alike action",
            Statement::allow()
                .actions(["iam:PassRoles*"])
                .resources(["*"]),
        ),
    ];
    for (case, statement) in accepted {
        if let Err(error) = managed(statement) {
            panic!("{case}: refused: {error}");
        }
    }
}

#[test]
fn policy_build_writes_trusts_and_key_policies_that_pass_their_own_checks() {
    use hipaa_aws::policy::{key_policy_problems, validate_trust_policy};
    // Every service trust carries aws:SourceAccount of the stack's account.
    let role = HipaaRole::builder()
        .name("app")
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .build()
        .expect("a service trust builds");
    let _ = role;
    let trust = Trust::service("ecs-tasks.amazonaws.com");
    let scope = hipaa_aws::construct::Scope::for_build();
    let document = trust.policy(&scope);
    assert!(
        validate_trust_policy(&document, scope.account_id).is_empty(),
        "{document}"
    );
    assert_eq!(
        document.statements[0].condition_values("StringEquals", "aws:SourceAccount"),
        Some(&[scope.account_id.to_string()][..])
    );
    // The base key policy passes the key-policy analysis: CreateGrant only for AWS resources.
    let base = PolicyDocument::new(hipaa_aws::constructs::kms::base_key_policy(&scope, 30));
    assert!(
        key_policy_problems(&base, scope.account_id).is_empty(),
        "{base}"
    );
    assert!(
        base.statements
            .iter()
            .filter(|s| hipaa_aws::policy::statement_may_apply_to(s, "kms:CreateGrant"))
            .all(|s| s
                .condition_values("Bool", "kms:GrantIsForAWSResource")
                .is_some()),
        "{base}"
    );
    // Just outside: the same policy as another account's key fails.
    assert!(!key_policy_problems(&base, "444455556666").is_empty());
}
