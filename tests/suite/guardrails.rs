//! Organization guardrails against the local endpoint: an organization, an organizational unit
//! and the guardrail policy attached to it.
//!
//! - apply makes the policy with every guardrail and the service allow-list, and attaches it
//!   (read back with the SDK); verify passes; a second plan changes nothing;
//! - the audit of the management account judges every root and OU with the policies in force
//!   there: the OU holds every guardrail, the root (without the policy) none;
//! - a guardrail removed, a service let through the allow-list and the attachment removed
//!   behind the library's back are failed by verify with the control id, and restored by apply;
//!   destroy keeps the policy unless consented;
//! - a member account's audit judges no service control policy (it cannot read them), while
//!   its management account's judges the root.
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

#[tokio::test]
async fn a_member_account_audit_judges_no_service_control_policy_while_its_management_account_does()
{
    let management = account().await;
    let organizations = aws_sdk_organizations::Client::new(&management.sdk_config);
    organizations
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("organization");
    let roots = organizations.list_roots().send().await.expect("roots");
    let root_arn = roots.roots()[0].arn().expect("root arn").to_string();
    let created = organizations
        .create_account()
        .account_name("clinic")
        .email("clinic@example.com")
        .send()
        .await
        .expect("member account");
    let member = created
        .create_account_status
        .and_then(|status| status.account_id)
        .expect("member id");
    let audit = |env: Environment| async move {
        Audit::builder()
            .regions([REGION])
            .services([Service::Account])
            .build()
            .expect("audit")
            .run(&env)
            .await
            .expect("audit")
    };
    let scp_findings = |report: &hipaa_aws::audit::AuditReport| -> Vec<(String, Status)> {
        report
            .findings()
            .filter(|f| {
                matches!(
                    f.control,
                    ControlId::ScpGuardrailsInForce | ControlId::ScpGuardrailsAttached
                )
            })
            .map(|f| (f.resource_arn.clone(), f.status))
            .collect()
    };

    // The management account judges its root: no guardrail is in force there.
    let report = audit(management.env.clone()).await;
    let found = scp_findings(&report);
    assert!(
        found
            .iter()
            .any(|(arn, status)| arn == &root_arn && *status == Status::Fail),
        "{found:?}"
    );

    // A member account cannot read the organization's policies: it judges none, and never
    // passes one.
    let config = crate::support::endpoint()
        .await
        .sdk_config_for_account(&member, REGION)
        .await
        .expect("member config");
    let env = Environment::audit_builder()
        .sdk_config(config)
        .build()
        .await
        .expect("member environment");
    let report = audit(env).await;
    assert_eq!(
        scp_findings(&report),
        [],
        "nothing judged in a member account"
    );
}
