//! Reading, creating, updating and deleting backup plans and their selections through the AWS
//! Backup API. [`read_plan_state`] and [`list_plans`] work on any plan of an account.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_backup::types::{
    BackupPlanInput, BackupRule, BackupRuleInput, BackupSelection, Condition, ConditionType,
    CopyAction, Lifecycle,
};

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::{Error, Result};

use super::super::state::{CopyState, PlanState, RuleState, SelectionCondition, SelectionState};
use super::{read_tags, SERVICE};

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];
/// What AWS answers selection calls on a plan that no longer exists ("Cannot find Backup
/// plan"), besides ResourceNotFoundException.
const SELECTION_NOT_FOUND: &[&str] = &[
    "ResourceNotFoundException",
    "InvalidParameterValueException",
];

/// A plan as ListBackupPlans names it.
struct PlanEntry {
    name: String,
    id: String,
    arn: String,
}

async fn plan_entries(env: &Environment) -> Result<Vec<PlanEntry>> {
    let mut entries = Vec::new();
    let mut pages = env.backup().list_backup_plans().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListBackupPlans", "backup plans")?;
        entries.extend(page.backup_plans_list().iter().filter_map(|plan| {
            Some(PlanEntry {
                name: plan.backup_plan_name()?.to_string(),
                id: plan.backup_plan_id()?.to_string(),
                arn: plan.backup_plan_arn()?.to_string(),
            })
        }));
    }
    Ok(entries)
}

/// Reads a plan's rules, selections and all its tags; `None` when no plan has the name.
pub async fn read_plan_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(PlanState, BTreeMap<String, String>)>> {
    let Some(entry) = plan_entries(env)
        .await?
        .into_iter()
        .find(|entry| entry.name == name)
    else {
        return Ok(None);
    };
    let arn = entry.arn.clone();
    let (state, tags) = tokio::join!(plan_state(env, entry), read_tags(env, &arn, name));
    match state? {
        None => Ok(None),
        Some(state) => Ok(Some((state, tags?))),
    }
}

/// Every plan of the environment's region with its rules and selections (no tags).
pub async fn list_plans(env: &Environment) -> Result<Vec<PlanState>> {
    let entries = plan_entries(env).await?;
    let states =
        futures::future::join_all(entries.into_iter().map(|entry| plan_state(env, entry))).await;
    let mut plans = Vec::new();
    for state in states {
        plans.extend(state?);
    }
    Ok(plans)
}

/// A plan's rules and selections; `None` when it vanished since it was listed.
async fn plan_state(env: &Environment, entry: PlanEntry) -> Result<Option<PlanState>> {
    let backup = env.backup();
    let (plan, selections) = tokio::join!(
        backup.get_backup_plan().backup_plan_id(&entry.id).send(),
        read_selections(env, &entry.id, &entry.name)
    );
    let Some(plan) = plan.aws_optional(SERVICE, "GetBackupPlan", &entry.name, NOT_FOUND)? else {
        return Ok(None);
    };
    let rules = plan
        .backup_plan()
        .map(|plan| plan.rules().iter().map(rule_state).collect())
        .unwrap_or_default();
    Ok(Some(PlanState {
        name: entry.name,
        id: entry.id,
        arn: entry.arn,
        region: env.region().to_string(),
        rules,
        selections: selections?,
        tags: BTreeMap::new(),
    }))
}

fn days(lifecycle: Option<&Lifecycle>) -> Option<u32> {
    lifecycle
        .and_then(Lifecycle::delete_after_days)
        .and_then(|days| u32::try_from(days).ok())
}

fn rule_state(rule: &BackupRule) -> RuleState {
    RuleState {
        name: rule.rule_name().to_string(),
        vault_name: rule.target_backup_vault_name().to_string(),
        schedule: rule.schedule_expression().unwrap_or_default().to_string(),
        delete_after_days: days(rule.lifecycle()),
        continuous: rule.enable_continuous_backup().unwrap_or(false),
        copies: rule
            .copy_actions()
            .iter()
            .map(|copy| CopyState {
                destination_vault_arn: copy.destination_backup_vault_arn().to_string(),
                delete_after_days: days(copy.lifecycle()),
            })
            .collect(),
    }
}

async fn read_selections(
    env: &Environment,
    plan_id: &str,
    plan_name: &str,
) -> Result<Vec<SelectionState>> {
    let backup = env.backup();
    let mut ids = Vec::new();
    let mut pages = backup
        .list_backup_selections()
        .backup_plan_id(plan_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Some(page) = page.aws_optional(
            SERVICE,
            "ListBackupSelections",
            plan_name,
            SELECTION_NOT_FOUND,
        )?
        else {
            return Ok(Vec::new());
        };
        ids.extend(
            page.backup_selections_list()
                .iter()
                .filter_map(|selection| selection.selection_id().map(str::to_string)),
        );
    }
    let found = futures::future::join_all(ids.iter().map(|id| {
        backup
            .get_backup_selection()
            .backup_plan_id(plan_id)
            .selection_id(id)
            .send()
    }))
    .await;
    let mut selections = Vec::new();
    for (id, answer) in ids.iter().zip(found) {
        let Some(answer) = answer.aws_optional(
            SERVICE,
            "GetBackupSelection",
            plan_name,
            SELECTION_NOT_FOUND,
        )?
        else {
            continue;
        };
        let Some(selection) = answer.backup_selection() else {
            continue;
        };
        let mut resources = selection.resources().to_vec();
        resources.sort();
        let mut tags: Vec<(String, String)> = selection
            .list_of_tags()
            .iter()
            .map(|tag| {
                (
                    tag.condition_key().to_string(),
                    tag.condition_value().to_string(),
                )
            })
            .collect();
        tags.sort();
        let mut conditions = Vec::new();
        if let Some(given) = selection.conditions() {
            for (operator, parameters) in [
                ("StringEquals", given.string_equals()),
                ("StringNotEquals", given.string_not_equals()),
                ("StringLike", given.string_like()),
                ("StringNotLike", given.string_not_like()),
            ] {
                conditions.extend(parameters.iter().map(|parameter| SelectionCondition {
                    operator: operator.to_string(),
                    key: parameter.condition_key().unwrap_or_default().to_string(),
                    value: parameter.condition_value().unwrap_or_default().to_string(),
                }));
            }
        }
        selections.push(SelectionState {
            id: id.clone(),
            name: selection.selection_name().to_string(),
            role_arn: selection.iam_role_arn().to_string(),
            resources,
            tags,
            not_resources: selection.not_resources().to_vec(),
            conditions,
        });
    }
    selections.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(selections)
}

fn invalid(operation: &'static str, error: impl std::fmt::Display) -> Error {
    Error::unexpected(SERVICE, operation, format!("invalid request: {error}"))
}

fn lifecycle(days: Option<u32>) -> Option<Lifecycle> {
    days.map(|days| {
        Lifecycle::builder()
            .delete_after_days(i64::from(days))
            .build()
    })
}

fn plan_input(desired: &PlanState, operation: &'static str) -> Result<BackupPlanInput> {
    let mut rules = Vec::new();
    for rule in &desired.rules {
        let mut copies = Vec::new();
        for copy in &rule.copies {
            copies.push(
                CopyAction::builder()
                    .destination_backup_vault_arn(&copy.destination_vault_arn)
                    .set_lifecycle(lifecycle(copy.delete_after_days))
                    .build()
                    .map_err(|error| invalid(operation, error))?,
            );
        }
        rules.push(
            BackupRuleInput::builder()
                .rule_name(&rule.name)
                .target_backup_vault_name(&rule.vault_name)
                .schedule_expression(&rule.schedule)
                .set_lifecycle(lifecycle(rule.delete_after_days))
                .enable_continuous_backup(rule.continuous)
                .set_copy_actions(Some(copies))
                .build()
                .map_err(|error| invalid(operation, error))?,
        );
    }
    BackupPlanInput::builder()
        .backup_plan_name(&desired.name)
        .set_rules(Some(rules))
        .build()
        .map_err(|error| invalid(operation, error))
}

/// Creates the plan, tagged, and returns its id and ARN; `None` when a plan of the name
/// already exists (left by an interrupted apply: the caller reads it back and finishes it).
pub(crate) async fn create_plan(
    ctx: &Ctx<'_>,
    desired: &PlanState,
) -> Result<Option<(String, String)>> {
    let tags: HashMap<String, String> = desired.tags.clone().into_iter().collect();
    let created = ctx
        .env
        .backup()
        .create_backup_plan()
        .backup_plan(plan_input(desired, "CreateBackupPlan")?)
        .set_backup_plan_tags(Some(tags))
        .send()
        .await
        .aws_optional(
            SERVICE,
            "CreateBackupPlan",
            &desired.name,
            &["AlreadyExistsException"],
        )?;
    let Some(created) = created else {
        return Ok(None);
    };
    match (created.backup_plan_id(), created.backup_plan_arn()) {
        (Some(id), Some(arn)) => Ok(Some((id.to_string(), arn.to_string()))),
        _ => Err(Error::unexpected(
            SERVICE,
            "CreateBackupPlan",
            "the answer names no plan id or ARN",
        )),
    }
}

/// Creates one selection of the plan.
pub(crate) async fn create_selection(
    ctx: &Ctx<'_>,
    plan_id: &str,
    selection: &SelectionState,
) -> Result<()> {
    let mut conditions = Vec::new();
    for (key, value) in &selection.tags {
        conditions.push(
            Condition::builder()
                .condition_type(ConditionType::Stringequals)
                .condition_key(key)
                .condition_value(value)
                .build()
                .map_err(|error| invalid("CreateBackupSelection", error))?,
        );
    }
    let input = BackupSelection::builder()
        .selection_name(&selection.name)
        .iam_role_arn(&selection.role_arn)
        .set_resources(Some(selection.resources.clone()))
        .set_list_of_tags(Some(conditions))
        .build()
        .map_err(|error| invalid("CreateBackupSelection", error))?;
    ctx.env
        .backup()
        .create_backup_selection()
        .backup_plan_id(plan_id)
        .backup_selection(input)
        .send()
        .await
        .aws(SERVICE, "CreateBackupSelection", &selection.name)?;
    Ok(())
}

async fn delete_selections(ctx: &Ctx<'_>, live: &PlanState) -> Result<()> {
    for selection in &live.selections {
        ctx.env
            .backup()
            .delete_backup_selection()
            .backup_plan_id(&live.id)
            .selection_id(&selection.id)
            .send()
            .await
            .aws_optional(
                SERVICE,
                "DeleteBackupSelection",
                &selection.name,
                SELECTION_NOT_FOUND,
            )?;
    }
    Ok(())
}

/// Brings the changed settings to their desired values: the rules with UpdateBackupPlan,
/// the selections by replacing them (AWS Backup cannot change a selection), tags added.
pub(crate) async fn update_plan(
    ctx: &Ctx<'_>,
    live: &PlanState,
    desired: &PlanState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let backup = ctx.env.backup();
    if changed("rules.") {
        backup
            .update_backup_plan()
            .backup_plan_id(&live.id)
            .backup_plan(plan_input(desired, "UpdateBackupPlan")?)
            .send()
            .await
            .aws(SERVICE, "UpdateBackupPlan", &live.name)?;
    }
    if changed("selections.") {
        delete_selections(ctx, live).await?;
        for selection in &desired.selections {
            create_selection(ctx, &live.id, selection).await?;
        }
    }
    if changed("tags.") {
        let tags: HashMap<String, String> = desired
            .tags
            .iter()
            .filter(|(key, _)| changed(&format!("tags.{key}")))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        backup
            .tag_resource()
            .resource_arn(&live.arn)
            .set_tags(Some(tags))
            .send()
            .await
            .aws(SERVICE, "TagResource", &live.name)?;
    }
    Ok(())
}

/// Deletes the plan's selections, then the plan (gone already is fine). Its recovery points
/// stay in their vaults.
pub(crate) async fn delete_plan(ctx: &Ctx<'_>, live: &PlanState) -> Result<()> {
    delete_selections(ctx, live).await?;
    ctx.env
        .backup()
        .delete_backup_plan()
        .backup_plan_id(&live.id)
        .send()
        .await
        .aws_optional(SERVICE, "DeleteBackupPlan", &live.name, NOT_FOUND)?;
    Ok(())
}
