//! No public path around `build()`: what a user's own construct adds to a library resource's
//! policy is merged and judged at plan and apply like anything else, and a harmless custom
//! construct lives its whole life in a stack. (The compile-time half, that `Construct` is
//! sealed and no lifecycle is callable from outside, is in `tests/ui/door_*.rs`.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use hipaa_aws::construct::{PolicyContribution, ResourceOutputs, Scope};
use hipaa_aws::policy::{Principal, Statement};
use hipaa_aws::prelude::*;
use hipaa_aws::stack::{CustomConstruct, CustomContext};
use hipaa_aws::Construct;

use crate::support::{account, TestAccount};

/// The account a leaky contribution lets in.
const OTHER_ACCOUNT: &str = "999999999999";

/// A custom construct that adds one statement to a key's policy, counting what it is asked to do.
#[derive(Debug)]
struct Contributor {
    name: String,
    key: hipaa_aws::construct::LogicalId,
    principal: Principal,
    calls: Arc<AtomicUsize>,
}

impl CustomConstruct for Contributor {
    fn name(&self) -> &str {
        &self.name
    }

    fn policy_contributions(&self, _scope: &Scope<'_>) -> Vec<PolicyContribution> {
        vec![PolicyContribution {
            target: self.key.clone(),
            statement: Statement::allow()
                .sid("ContributedDecrypt")
                .principal(self.principal.clone())
                .actions(["kms:Decrypt"])
                .resources(["*"]),
        }]
    }

    async fn read(&self, _ctx: &CustomContext<'_>) -> Result<Option<ResourceOutputs>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(None)
    }

    async fn create(&self, ctx: &CustomContext<'_>) -> Result<ResourceOutputs> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(ResourceOutputs {
            arn: format!(
                "arn:aws:ssm:{}:{}:parameter/x",
                ctx.region(),
                ctx.account_id()
            ),
            physical_id: "x".to_string(),
        })
    }

    async fn delete(&self, _ctx: &CustomContext<'_>, _outputs: &ResourceOutputs) -> Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn key_for(account: &TestAccount, stem: &str) -> HipaaKey {
    HipaaKey::builder()
        .alias(format!("{stem}-{}", account.suffix))
        .build()
        .expect("valid key")
}

fn contributor(
    key: &HipaaKey,
    name: &str,
    principal: Principal,
) -> (Contributor, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (
        Contributor {
            name: name.to_string(),
            key: Construct::id(key).clone(),
            principal,
            calls: calls.clone(),
        },
        calls,
    )
}

async fn alias_exists(account: &TestAccount, alias: &str) -> bool {
    let aliases = account
        .kms()
        .list_aliases()
        .send()
        .await
        .expect("list aliases");
    aliases
        .aliases()
        .iter()
        .any(|found| found.alias_name() == Some(alias))
}

/// Asserts `error` refuses the key's policy under the least-privilege control, blaming `blamed`.
fn assert_refused_for(error: &Error, alias: &str, blamed: &str) {
    let violations = match error.violations() {
        Some(violations) => violations,
        None => panic!("refused without violations: {error}"),
    };
    let on_policy: Vec<_> = violations
        .iter()
        .filter(|violation| violation.control == ControlId::KmsKeyPolicyLeastPrivilege)
        .collect();
    assert_eq!(on_policy.len(), 1, "{violations}");
    let violation = on_policy[0];
    assert!(violation.resource.contains(alias), "{violation}");
    assert_eq!(violation.setting, "policy", "{violation}");
    assert!(violation.reason.contains(blamed), "{violation}");
    assert!(violation.reason.contains(OTHER_ACCOUNT), "{violation}");
    let message = error.to_string();
    assert!(
        message.contains("HIPAA_AWS_KMS_KEY_POLICY_LEAST_PRIVILEGE") && message.contains("164.312"),
        "the refusal names the control and its citation: {message}"
    );
}

#[tokio::test]
async fn a_custom_contribution_letting_another_account_decrypt_a_key_refuses_plan_and_apply() {
    let account = account().await;
    let env = &account.env;
    let key = key_for(&account, "door");
    let alias = key.alias().to_string();
    let (leaky, calls) = contributor(
        &key,
        "leaky",
        Principal::aws(format!("arn:aws:iam::{OTHER_ACCOUNT}:root")),
    );
    let stack = Stack::builder("doors-leaky")
        .with(key)
        .with_custom(leaky)
        .build()
        .expect("a stack is composed before its contributions are judged");

    let refused = stack
        .plan(env)
        .await
        .expect_err("plan must refuse the leak");
    assert_refused_for(&refused, &alias, "custom/leaky");
    let refused = stack
        .apply(env)
        .await
        .expect_err("apply must refuse the leak");
    assert_refused_for(&refused, &alias, "custom/leaky");

    assert!(!alias_exists(&account, &alias).await, "a key was created");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the custom construct was run"
    );
}

#[tokio::test]
async fn only_the_leaking_contributor_is_named_and_a_same_account_one_is_accepted() {
    let account = account().await;
    let env = &account.env;
    let key = key_for(&account, "door-two");
    let alias = key.alias().to_string();
    let own_role = format!("arn:aws:iam::{}:role/reader", env.account_id());
    let (fine, _) = contributor(&key, "fine", Principal::aws(own_role.clone()));
    let (leaky, _) = contributor(
        &key,
        "leaky-role",
        Principal::aws(format!("arn:aws:iam::{OTHER_ACCOUNT}:role/reader")),
    );
    let stack = Stack::builder("doors-two")
        .with(key.clone())
        .with_custom(fine)
        .with_custom(leaky)
        .build()
        .expect("valid stack");
    let refused = stack
        .plan(env)
        .await
        .expect_err("plan must refuse the leak");
    assert_refused_for(&refused, &alias, "custom/leaky-role");
    assert!(
        !refused.to_string().contains("custom/fine"),
        "the harmless contributor is not blamed: {refused}"
    );

    // Just inside: a role of this account may be let in.
    let (fine, _) = contributor(&key, "fine", Principal::aws(own_role));
    let stack = Stack::builder("doors-two")
        .with(key)
        .with_custom(fine)
        .build()
        .expect("valid stack");
    let plan = stack
        .plan(env)
        .await
        .expect("a same-account contribution plans");
    assert_eq!(plan.count(Action::Create), 2, "{plan}");
}

/// A harmless resource of the user's own: an S3 bucket made with the SDK.
#[derive(Debug)]
struct MarkerBucket {
    bucket: String,
}

impl MarkerBucket {
    fn client(ctx: &CustomContext<'_>) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(ctx.sdk_config())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    fn outputs(&self) -> ResourceOutputs {
        ResourceOutputs {
            arn: format!("arn:aws:s3:::{}", self.bucket),
            physical_id: self.bucket.clone(),
        }
    }
}

impl CustomConstruct for MarkerBucket {
    fn name(&self) -> &str {
        "marker-bucket"
    }

    async fn read(&self, ctx: &CustomContext<'_>) -> Result<Option<ResourceOutputs>> {
        let found = Self::client(ctx)
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await;
        Ok(found.ok().map(|_| self.outputs()))
    }

    async fn create(&self, ctx: &CustomContext<'_>) -> Result<ResourceOutputs> {
        Self::client(ctx)
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|error| Error::Configuration(format!("create marker bucket: {error}")))?;
        Ok(self.outputs())
    }

    async fn delete(&self, ctx: &CustomContext<'_>, outputs: &ResourceOutputs) -> Result<()> {
        Self::client(ctx)
            .delete_bucket()
            .bucket(&outputs.physical_id)
            .send()
            .await
            .map_err(|error| Error::Configuration(format!("delete marker bucket: {error}")))?;
        Ok(())
    }
}

#[tokio::test]
async fn a_harmless_custom_construct_plans_applies_reads_back_and_is_destroyed_with_the_stack() {
    let account = account().await;
    let env = &account.env;
    let key = key_for(&account, "door-harmless");
    let logs = LogBucket::builder()
        .name(account.bucket("door-logs"))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("door-phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid data bucket");
    let marker = account.bucket("door-marker");
    let stack = Stack::builder("doors-harmless")
        .with(key)
        .with(logs)
        .with(data)
        .with_custom(MarkerBucket {
            bucket: marker.clone(),
        })
        .build()
        .expect("valid stack");

    let plan = stack.plan(env).await.expect("plan");
    assert_eq!(plan.count(Action::Create), 4, "{plan}");
    let applied = stack.apply(env).await.expect("apply");
    assert_eq!(applied.count(Action::Create), 4, "{applied}");
    account
        .s3()
        .head_bucket()
        .bucket(&marker)
        .send()
        .await
        .expect("the custom bucket exists");

    let again = stack.plan(env).await.expect("plan again");
    assert_eq!(again.count(Action::Create), 0, "{again}");
    assert_eq!(again.count(Action::Update), 0, "{again}");
    let verified = stack.verify(env).await.expect("verify");
    assert!(verified.passed(), "{verified}");

    let destroyed = stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy");
    assert!(
        account
            .s3()
            .head_bucket()
            .bucket(&marker)
            .send()
            .await
            .is_err(),
        "the custom bucket is gone: {destroyed}"
    );
}

#[test]
fn a_custom_construct_with_a_bad_name_is_refused_by_build() {
    #[derive(Debug)]
    struct Named(&'static str);
    impl CustomConstruct for Named {
        fn name(&self) -> &str {
            self.0
        }
        async fn read(&self, _ctx: &CustomContext<'_>) -> Result<Option<ResourceOutputs>> {
            Ok(None)
        }
        async fn create(&self, _ctx: &CustomContext<'_>) -> Result<ResourceOutputs> {
            Err(Error::Configuration("never made".to_string()))
        }
        async fn delete(&self, _: &CustomContext<'_>, _: &ResourceOutputs) -> Result<()> {
            Ok(())
        }
    }
    let refused = Stack::builder("doors-names")
        .with_custom(Named("Not Valid"))
        .build()
        .expect_err("a bad name is refused");
    assert!(refused.to_string().contains("Not Valid"), "{refused}");
    Stack::builder("doors-names")
        .with_custom(Named("ok/name_1"))
        .build()
        .expect("a good name is accepted");
}
