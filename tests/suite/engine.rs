//! The deployment engine: drift, safe destroy, progress events, cycles, and fault tolerance
//! (apply under injected faults, and applies killed at ten points then run again).

use std::collections::BTreeSet;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use hipaa_aws::construct::{Construct, LogicalId, ResourceOutputs};
use hipaa_aws::prelude::*;
use hipaa_aws::stack::{
    CustomConstruct, CustomContext, Event, Operation, Removal, ResourceStatus, VerifyReport,
};

use crate::support::{account, TestAccount};
use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};

fn foundation(account: &TestAccount, stack: &str) -> (Stack, Vec<LogicalId>) {
    let phi_key = HipaaKey::builder()
        .alias(format!("{stack}-phi-{}", account.suffix))
        .build()
        .expect("key");
    let log_key = HipaaKey::builder()
        .alias(format!("{stack}-logs-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket(&format!("{stack}-logs")))
        .key(&log_key)
        .build()
        .expect("log bucket");
    let phi = EncryptedBucket::builder()
        .name(account.bucket(&format!("{stack}-phi")))
        .key(&phi_key)
        .access_logs(&logs)
        .build()
        .expect("phi bucket");
    let ids = vec![
        Construct::id(&phi_key).clone(),
        Construct::id(&log_key).clone(),
        Construct::id(&logs).clone(),
        Construct::id(&phi).clone(),
    ];
    let stack = Stack::builder(stack)
        .with(phi)
        .with(logs)
        .with(log_key)
        .with(phi_key)
        .build()
        .expect("stack");
    (stack, ids)
}

/// Keys (not pending deletion) and buckets that carry this stack's tag.
async fn managed_resources(account: &TestAccount, stack: &str) -> (usize, usize) {
    let kms = account.kms();
    let mut keys = 0;
    let listed = kms.list_keys().limit(1000).send().await.expect("list keys");
    for key in listed.keys() {
        let id = key.key_id().expect("key id");
        let state = kms
            .describe_key()
            .key_id(id)
            .send()
            .await
            .expect("describe")
            .key_metadata
            .expect("metadata");
        if state.key_state().map(|s| s.as_str()) == Some("PendingDeletion") {
            continue;
        }
        let tags = kms
            .list_resource_tags()
            .key_id(id)
            .send()
            .await
            .expect("tags");
        if tags
            .tags()
            .iter()
            .any(|t| t.tag_key() == "hipaa-aws:stack" && t.tag_value() == stack)
        {
            keys += 1;
        }
    }
    let s3 = account.s3();
    let buckets = s3.list_buckets().send().await.expect("list buckets");
    let buckets = buckets
        .buckets()
        .iter()
        .filter(|b| {
            b.name()
                .is_some_and(|name| name.starts_with(stack) && name.ends_with(&account.suffix))
        })
        .count();
    (keys, buckets)
}

/// Suspends the versioning of the account's bucket `stem` behind the library's back.
async fn suspend_versioning(account: &TestAccount, stem: &str) {
    account
        .s3()
        .put_bucket_versioning()
        .bucket(account.bucket(stem))
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .expect("suspend");
}

#[tokio::test]
async fn drift_lists_each_changed_setting_with_the_control_it_breaks() {
    let account = account().await;
    let env = &account.env;
    let (stack, ids) = foundation(&account, "drift");
    stack.apply(env).await.expect("apply");
    assert!(stack.drift(env).await.expect("drift").is_empty());

    suspend_versioning(&account, "drift-phi").await;
    let kms = account.kms();
    let key_id = kms
        .describe_key()
        .key_id(format!("alias/drift-phi-{}", account.suffix))
        .send()
        .await
        .expect("describe key")
        .key_metadata
        .expect("metadata")
        .key_id()
        .to_string();
    kms.update_key_description()
        .key_id(key_id)
        .description("changed by hand")
        .send()
        .await
        .expect("describe by hand");

    let drift = stack.drift(env).await.expect("drift");
    let versioning = drift
        .of(&ids[3])
        .into_iter()
        .find(|d| d.setting == "versioning")
        .unwrap_or_else(|| panic!("versioning drift not found:\n{drift}"));
    assert_eq!(versioning.actual.as_deref(), Some("Suspended"));
    assert_eq!(versioning.expected, "Enabled");
    assert_eq!(
        versioning.controls,
        vec![ControlId::S3BucketVersioningEnabled]
    );
    let description = drift
        .of(&ids[0])
        .into_iter()
        .find(|d| d.setting == "description")
        .unwrap_or_else(|| panic!("description drift not found:\n{drift}"));
    assert!(
        description.controls.is_empty(),
        "a description breaks no control"
    );
    assert_eq!(drift.drifts.len(), 2, "{drift}");
    assert!(drift.to_string().contains("S3_BUCKET_VERSIONING_ENABLED"));

    // Plan shows how apply restores it; apply does; drift is gone.
    let plan = stack.plan(env).await.expect("plan");
    assert_eq!(plan.count(Action::Update), 2, "{plan}");
    stack.apply(env).await.expect("restore");
    assert!(stack.drift(env).await.expect("drift").is_empty());
}

/// The verdicts of a verify report, comparable across reports.
fn verdicts(report: &VerifyReport) -> Vec<(String, ControlId, String, Status)> {
    let mut verdicts: Vec<_> = report
        .checks()
        .map(|(resource, check)| {
            (
                resource.id.as_str().to_string(),
                check.control,
                check.setting.clone(),
                check.status,
            )
        })
        .collect();
    verdicts.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    verdicts
}

#[tokio::test]
async fn apply_and_verify_reuses_the_reads_only_when_apply_wrote_nothing() {
    let account = account().await;
    let env = &account.env;
    let (stack, _) = foundation(&account, "reuse");
    stack.apply(env).await.expect("apply");

    // Nothing to write: verify judges what apply read, with no call of its own, and finds
    // exactly what a verify of its own finds.
    let (applied, reused) = stack
        .apply_and_verify(env, &ApplyOptions::new())
        .await
        .expect("apply and verify");
    assert_eq!(applied.api_calls.mutating(), 0, "{applied}");
    assert_eq!(reused.api_calls.total(), 0, "{:?}", reused.api_calls);
    let fresh = stack.verify(env).await.expect("verify");
    assert!(fresh.api_calls.total() > 0);
    assert!(fresh.passed(), "{fresh}");
    assert_eq!(verdicts(&reused), verdicts(&fresh));

    // After a write, verify reads everything again: it sees the restored versioning.
    suspend_versioning(&account, "reuse-phi").await;
    let (applied, verified) = stack
        .apply_and_verify(env, &ApplyOptions::new())
        .await
        .expect("apply and verify");
    assert!(applied.api_calls.mutating() > 0, "{applied}");
    assert!(
        verified.api_calls.total() >= fresh.api_calls.total(),
        "{:?}",
        verified.api_calls
    );
    assert!(verified.passed(), "{verified}");
    assert_eq!(verdicts(&verified), verdicts(&fresh));
}

#[tokio::test]
async fn destroy_keeps_phi_logs_and_keys_unless_each_is_named() {
    let account = account().await;
    let env = &account.env;
    let (stack, ids) = foundation(&account, "destroy");
    stack.apply(env).await.expect("apply");
    let phi_bucket = account.bucket("destroy-phi");
    // The TLS-only policy denies this plain-HTTP request to the local endpoint, as AWS would:
    // lift it for the upload, and let apply put it back.
    let s3 = account.s3();
    s3.delete_bucket_policy()
        .bucket(&phi_bucket)
        .send()
        .await
        .expect("lift the policy");
    s3.put_object()
        .bucket(&phi_bucket)
        .key("patient-1.json")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"{\"mrn\":\"1\"}",
        ))
        .send()
        .await
        .expect("put object");
    stack.apply(env).await.expect("policy restored");

    let unknown = stack
        .destroy(env, &DestroyOptions::new().consent_to("no-such-bucket"))
        .await;
    assert!(
        matches!(unknown, Err(Error::Stack { .. })),
        "a consent naming nothing is refused"
    );

    let report = stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy");
    assert!(report.deleted().is_empty(), "{report}");
    for id in &ids {
        let resource = report.resource(id).expect("in report");
        assert!(matches!(resource.removal, Removal::Kept(_)), "{report}");
    }
    let kept = |report: &hipaa_aws::DestroyReport, id: &LogicalId, why: &str| {
        let resource = report.resource(id).expect("in report");
        assert!(
            matches!(&resource.removal, Removal::Kept(reason) if reason.contains(why)),
            "{id} not kept because {why:?}:\n{report}"
        );
    };
    // The PHI bucket holds an object; everything it needs stays with it.
    kept(&report, &ids[3], "holds PHI objects");
    kept(&report, &ids[0], "is kept and depends on it");
    kept(&report, &ids[2], "is kept and depends on it");
    kept(&report, &ids[1], "is kept and depends on it");
    assert_eq!(
        managed_resources(&account, "destroy").await,
        (2, 2),
        "nothing was deleted"
    );

    // The TLS-only policy denies plain-HTTP object deletions on the local endpoint, as AWS
    // would: the destroy stops and names the objects it could not delete, never looping.
    let refused = stack
        .destroy(env, &DestroyOptions::new().consent_to(phi_bucket.clone()))
        .await
        .expect_err("plain-HTTP deletes are denied by the TLS-only policy");
    assert!(
        refused.to_string().contains("could not be deleted"),
        "{refused}"
    );
    s3.delete_bucket_policy()
        .bucket(&phi_bucket)
        .send()
        .await
        .expect("lift the policy");

    // Consent to the PHI bucket only: it goes. The log bucket keeps its evidence, its key stays
    // with it, and the PHI key needs its own consent.
    let report = stack
        .destroy(env, &DestroyOptions::new().consent_to(phi_bucket.clone()))
        .await
        .expect("destroy");
    assert_eq!(
        report.resource(&ids[3]).map(|r| r.removal.clone()),
        Some(Removal::Deleted),
        "{report}"
    );
    kept(&report, &ids[2], "six years");
    kept(&report, &ids[1], "is kept and depends on it");
    kept(
        &report,
        &ids[0],
        "scheduled for deletion with its 30-day window",
    );
    assert_eq!(managed_resources(&account, "destroy").await, (2, 1));

    // Consent to everything: the log bucket is emptied and deleted, keys are scheduled for
    // deletion with their 30-day window, never deleted at once.
    // The local endpoint delivered the PHI bucket's access logs into the log bucket: those
    // deletions need the TLS-only policy lifted too.
    s3.delete_bucket_policy()
        .bucket(account.bucket("destroy-logs"))
        .send()
        .await
        .expect("lift the policy");
    let mut everything = DestroyOptions::new();
    for id in &ids {
        everything = everything.consent_to(id.as_str());
    }
    let report = stack.destroy(env, &everything).await.expect("destroy");
    assert_eq!(report.kept().len(), 0, "{report}");
    assert_eq!(managed_resources(&account, "destroy").await, (0, 0));
    let key = account
        .kms()
        .describe_key()
        .key_id(format!("alias/destroy-phi-{}", account.suffix))
        .send()
        .await
        .expect("the key still exists, pending deletion")
        .key_metadata
        .expect("metadata");
    assert_eq!(key.key_state().map(|s| s.as_str()), Some("PendingDeletion"));
    // The endpoint does not report the window itself; the deletion date shows it: 30 days out.
    let deletion = key.deletion_date().expect("deletion date").secs();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let days = (deletion - now) as f64 / 86_400.0;
    assert!((29.9..=30.1).contains(&days), "deletion in {days} days");

    // Applying again revives the keys (cancelling the deletion) instead of making twins.
    let applied = stack.apply(env).await.expect("re-apply");
    assert_eq!(applied.count(Action::Update), 2, "{applied}");
    assert_eq!(managed_resources(&account, "destroy").await, (2, 2));
}

#[tokio::test]
async fn apply_reports_progress_events_for_every_resource() {
    let account = account().await;
    let (stack, ids) = foundation(&account, "events");
    let mut receiver = stack.subscribe();
    stack.apply(&account.env).await.expect("apply");
    let mut events = Vec::new();
    while let Ok(event) = receiver.try_recv() {
        events.push(event);
    }
    assert!(matches!(
        events.first(),
        Some(Event::Started {
            operation: Operation::Apply,
            resources: 4,
            ..
        })
    ));
    let created: BTreeSet<&LogicalId> = events
        .iter()
        .filter_map(|event| match event {
            Event::Resource {
                id,
                status: ResourceStatus::Created,
                ..
            } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(created, ids.iter().collect());
    match events.last() {
        Some(Event::Finished {
            operation: Operation::Apply,
            counts,
            succeeded: true,
            ..
        }) => {
            assert_eq!(counts, &vec![("created".to_string(), 4)]);
        }
        other => panic!("no Finished event last: {other:?}"),
    }
}

/// A custom construct that only exists to show how the stack treats dependencies.
#[derive(Debug, Clone)]
struct Node {
    name: String,
    needs: Vec<LogicalId>,
}

impl CustomConstruct for Node {
    fn name(&self) -> &str {
        &self.name
    }
    fn dependencies(&self) -> Vec<LogicalId> {
        self.needs.clone()
    }
    async fn read(&self, _ctx: &CustomContext<'_>) -> Result<Option<ResourceOutputs>> {
        Ok(None)
    }
    async fn create(&self, _ctx: &CustomContext<'_>) -> Result<ResourceOutputs> {
        Ok(ResourceOutputs {
            arn: String::new(),
            physical_id: String::new(),
        })
    }
    async fn delete(&self, _: &CustomContext<'_>, _: &ResourceOutputs) -> Result<()> {
        Ok(())
    }
}

#[test]
fn a_dependency_cycle_is_refused_at_stack_build_with_the_cycle_named() {
    let id = |name: &str| LogicalId::new("custom", name);
    let node = |name: &str, needs: &[&str]| Node {
        name: name.to_string(),
        needs: needs.iter().map(|n| id(n)).collect(),
    };
    let error = Stack::builder("cycle")
        .with_custom(node("trail", &["bucket"]))
        .with_custom(node("bucket", &["key"]))
        .with_custom(node("key", &["trail"]))
        .with_custom(node("other", &[]))
        .build()
        .map(|_| ())
        .expect_err("cycle refused");
    let message = error.to_string();
    assert!(
        message.contains(
            "dependency cycle: custom/trail -> custom/bucket -> custom/key -> custom/trail"
        ),
        "{message}"
    );
}

fn fast_retries(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(200))
}

async fn env_through(
    account: &TestAccount,
    proxy: &FaultProxy,
    attempts: u32,
) -> Result<Environment> {
    let config = account
        .sdk_config
        .clone()
        .into_builder()
        .endpoint_url(proxy.url())
        .build();
    Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .sdk_config(config)
        .tag("team", "tests")
        .retry_config(fast_retries(attempts))
        .build()
        .await
}

/// The (resource kind, control, setting, status) of every check, for comparing two accounts.
fn outcome(report: &hipaa_aws::VerifyReport) -> Vec<(String, ControlId, String, Status)> {
    report
        .checks()
        .map(|(resource, check)| {
            (
                resource.kind.to_string(),
                check.control,
                check.setting.clone(),
                check.status,
            )
        })
        .collect()
}

#[tokio::test]
async fn apply_under_twenty_percent_injected_faults_converges_to_the_clean_state() {
    let clean = account().await;
    let (clean_stack, _) = foundation(&clean, "faults");
    clean_stack.apply(&clean.env).await.expect("clean apply");
    let clean_outcome = outcome(&clean_stack.verify(&clean.env).await.expect("verify"));

    let faulty = account().await;
    let proxy = FaultProxy::start(
        &crate::support::endpoint().await.url(),
        FaultPlan::random(0x5EED, 0.2),
    )
    .expect("fault proxy");
    let env = env_through(&faulty, &proxy, 10)
        .await
        .expect("environment through the proxy");
    let (stack, _) = foundation(&faulty, "faults");
    let applied = stack
        .apply(&env)
        .await
        .expect("apply under faults converges");
    let attempts = applied.api_calls.total_attempts();
    assert!(
        attempts > applied.api_calls.total(),
        "faults forced retries"
    );
    assert!(
        proxy.stats.faults() >= 5,
        "too few faults injected: {:?}",
        proxy.stats
    );

    let report = stack.verify(&faulty.env).await.expect("verify");
    assert!(report.passed(), "{report}");
    assert_eq!(
        outcome(&report),
        clean_outcome,
        "same final state as the clean apply"
    );
    let plan = stack.plan(&faulty.env).await.expect("plan");
    assert!(plan.is_empty(), "{plan}\n{applied}");
    assert_eq!(
        managed_resources(&faulty, "faults").await,
        (2, 2),
        "no duplicate resource"
    );
}

#[tokio::test]
async fn an_apply_killed_at_ten_points_is_completed_by_running_it_again() {
    for point in 0..10_u64 {
        let account = account().await;
        // The cut falls on request 2 + 6k; odd points lose the answer after the endpoint acted.
        let cut_at = 2 + point * 6;
        let after_forwarding = point % 2 == 1;
        let proxy = FaultProxy::start(
            &crate::support::endpoint().await.url(),
            FaultPlan::cut(cut_at, after_forwarding),
        )
        .expect("fault proxy");
        let (stack, _) = foundation(&account, "killed");
        if let Ok(env) = env_through(&account, &proxy, 1).await {
            let killed = stack.apply(&env).await;
            assert!(
                killed.is_err(),
                "point {point}: the apply was not interrupted"
            );
        }
        drop(proxy);

        let resumed = stack
            .apply(&account.env)
            .await
            .unwrap_or_else(|e| panic!("point {point}: resume failed: {e}"));
        let plan = stack.plan(&account.env).await.expect("plan");
        assert!(
            plan.is_empty(),
            "point {point}: not converged:\n{plan}\n{resumed}"
        );
        let report = stack.verify(&account.env).await.expect("verify");
        assert!(report.passed(), "point {point}: {report}");
        assert_eq!(
            managed_resources(&account, "killed").await,
            (2, 2),
            "point {point} (cut at request {cut_at}, after forwarding: {after_forwarding}): duplicates or orphans"
        );
    }
}
