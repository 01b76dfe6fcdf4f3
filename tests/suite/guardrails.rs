//! Organization guardrails against the local endpoint: an organization, an organizational unit
//! and the guardrail policy attached to it.
//!
//! - apply makes the policy with every guardrail and attaches it (read back with the SDK);
//!   verify passes; a second plan changes nothing;
//! - the audit of the management account judges every root and OU with the policies in force
//!   there: the OU holds every guardrail, the root (without the policy) none;
//! - a guardrail removed and the attachment removed behind the library's back are failed by
//!   verify with the control id, and restored by apply; destroy keeps the policy unless
//!   consented.
//!
//! moto stores service control policies but never enforces them: the guardrails are judged by
//! reading the policies back, not by being denied.

use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
use hipaa_aws::audit::Audit;
use hipaa_aws::constructs::organizations::{Guardrail, ALLOW_LIST_SID, LIBRARY_SERVICES};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::stack::Removal;

use crate::support::{account, REGION};

#[tokio::test]
async fn guardrails_are_attached_verified_audited_restored_and_kept() {
    let test = account().await;
    let env = &test.env;
    let organizations = aws_sdk_organizations::Client::new(&test.sdk_config);
    organizations
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("organization");
    let roots = organizations.list_roots().send().await.expect("roots");
    let root = roots.roots()[0].id().expect("root id").to_string();
    let root_arn = roots.roots()[0].arn().expect("root arn").to_string();
    let _ = organizations
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ServiceControlPolicy)
        .send()
        .await;
    let unit = organizations
        .create_organizational_unit()
        .parent_id(&root)
        .name("phi")
        .send()
        .await
        .expect("ou");
    let unit = unit.organizational_unit().expect("ou");
    let (unit_id, unit_arn) = (
        unit.id().expect("id").to_string(),
        unit.arn().expect("arn").to_string(),
    );

    let guardrails = OrganizationGuardrails::builder()
        .name("hipaa-guardrails")
        .break_glass_role("/hipaa-aws/break-glass")
        .attach_to(unit_id.clone())
        .allow_only_services(LIBRARY_SERVICES)
        .build()
        .expect("guardrails");
    let stack = Stack::builder("org")
        .with(guardrails)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");

    let policies = organizations
        .list_policies_for_target()
        .target_id(&unit_id)
        .filter(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .expect("attached");
    let policy = policies
        .policies()
        .iter()
        .find(|p| p.name() == Some("hipaa-guardrails"))
        .expect("the guardrails are attached to the OU");
    let policy_id = policy.id().expect("id").to_string();
    let content = organizations
        .describe_policy()
        .policy_id(&policy_id)
        .send()
        .await
        .expect("policy")
        .policy
        .and_then(|p| p.content)
        .expect("content");
    assert!(
        content.contains(ALLOW_LIST_SID) && content.contains("\"NotAction\""),
        "the allow-list in {content}"
    );
    for guardrail in Guardrail::ALL {
        assert!(
            content.contains(&guardrail.sid()),
            "{guardrail:?} in {content}"
        );
    }
    assert!(content.contains("arn:aws:iam::*:role/hipaa-aws/break-glass"));

    let report = stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{:#?}", report.failures());
    assert!(stack.plan(env).await.expect("plan").is_empty());

    let audit = Audit::builder()
        .regions([REGION])
        .services([Service::Account])
        .build()
        .expect("audit")
        .run(env)
        .await
        .expect("audit");
    let verdicts = |arn: &str| -> Vec<(String, Status)> {
        audit
            .findings()
            .filter(|f| f.resource_arn == arn && f.control == ControlId::ScpGuardrailsInForce)
            .map(|f| (f.setting.clone(), f.status))
            .collect()
    };
    let on_unit = verdicts(&unit_arn);
    assert_eq!(on_unit.len(), Guardrail::ALL.len(), "{on_unit:?}");
    assert!(
        on_unit.iter().all(|(_, status)| *status == Status::Pass),
        "{on_unit:?}"
    );
    let on_root = verdicts(&root_arn);
    assert_eq!(on_root.len(), Guardrail::ALL.len(), "{on_root:?}");
    assert!(
        on_root.iter().all(|(_, status)| *status == Status::Fail),
        "{on_root:?}"
    );

    // Behind the library's back: the CloudTrail guardrail removed, one more service let
    // through the allow-list, then the attachment.
    let mut document: serde_json::Value = serde_json::from_str(&content).expect("json");
    let sid = Guardrail::CloudTrail.sid();
    if let Some(statements) = document["Statement"].as_array_mut() {
        statements.retain(|s| s["Sid"] != sid.as_str());
        for statement in statements.iter_mut() {
            if statement["Sid"] == ALLOW_LIST_SID
                && let Some(not_actions) = statement["NotAction"].as_array_mut()
            {
                not_actions.push(serde_json::Value::from("gamelift:*"));
            }
        }
    }
    organizations
        .update_policy()
        .policy_id(&policy_id)
        .content(document.to_string())
        .send()
        .await
        .expect("weakened");
    organizations
        .detach_policy()
        .policy_id(&policy_id)
        .target_id(&unit_id)
        .send()
        .await
        .expect("detached");
    let report = stack.verify(env).await.expect("verify");
    let failed: Vec<(String, ControlId)> = report
        .failures()
        .into_iter()
        .map(|(_, check)| (check.setting.clone(), check.control))
        .collect();
    assert!(
        failed.contains(&(
            "guardrails.cloudtrail".to_string(),
            ControlId::ScpGuardrailsInForce
        )),
        "{failed:?}"
    );
    assert!(
        failed.contains(&("targets".to_string(), ControlId::ScpGuardrailsAttached)),
        "{failed:?}"
    );
    assert!(
        failed.contains(&(
            "guardrails.service-allow-list".to_string(),
            ControlId::ScpGuardrailsInForce
        )),
        "{failed:?}"
    );
    assert_eq!(failed.len(), 3, "only what was changed fails: {failed:?}");
    stack.apply(env).await.expect("restore");
    assert!(stack.verify(env).await.expect("verify").passed());

    let kept = stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy");
    assert!(
        matches!(kept.resources[0].removal, Removal::Kept(_)),
        "{kept}"
    );
}
