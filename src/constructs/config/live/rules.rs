//! Reading, putting, tagging and deleting Config rules through the AWS Config API.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_config::types::{ConfigRule, Owner, Scope as RuleScope, Source, Tag};
use futures::{StreamExt, TryStreamExt};

use crate::aws_error::AwsResultExt;
use crate::construct::{Construct, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::rules::HipaaConfigRules;
use super::super::state::{ConfigRuleState, ConfigRulesState};

const SERVICE: &str = "config";

/// How many rules' tags are read at once.
const TAG_READS_AT_ONCE: usize = 8;

fn parameters_of(text: Option<&str>) -> BTreeMap<String, String> {
    let Some(text) = text.filter(|text| !text.trim().is_empty()) else {
        return BTreeMap::new();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, value)
            })
            .collect(),
        _ => BTreeMap::from([("(unparsed)".to_string(), text.to_string())]),
    }
}

fn rule_state(rule: &ConfigRule) -> ConfigRuleState {
    let source = rule.source();
    let mut scope: Vec<String> = rule
        .scope()
        .map(|scope| scope.compliance_resource_types().to_vec())
        .unwrap_or_default();
    scope.sort();
    ConfigRuleState {
        name: rule.config_rule_name().unwrap_or_default().to_string(),
        arn: rule.config_rule_arn().map(str::to_string),
        owner: source
            .map(|source| source.owner().as_str().to_string())
            .unwrap_or_default(),
        source_identifier: source
            .and_then(|source| source.source_identifier())
            .unwrap_or_default()
            .to_string(),
        parameters: parameters_of(rule.input_parameters()),
        scope,
        state: rule
            .config_rule_state()
            .map(|state| state.as_str().to_string())
            .unwrap_or_else(|| "UNKNOWN".to_string()),
        description: rule
            .description()
            .filter(|text| !text.is_empty())
            .map(str::to_string),
        created_by: rule.created_by().map(str::to_string),
        tags: BTreeMap::new(),
    }
}

/// Every Config rule of the region (without tags). Works on any account.
pub async fn read_config_rules(env: &Environment) -> Result<ConfigRulesState> {
    let mut rules = BTreeMap::new();
    let mut pages = env.config().describe_config_rules().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeConfigRules", "rules")?;
        for rule in page.config_rules() {
            let state = rule_state(rule);
            rules.insert(state.name.clone(), state);
        }
    }
    Ok(ConfigRulesState { rules })
}

async fn read_tags(env: &Environment, arn: &str) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut next: Option<String> = None;
    loop {
        let page = env
            .config()
            .list_tags_for_resource()
            .resource_arn(arn)
            .set_next_token(next.take())
            .send()
            .await
            .aws(SERVICE, "ListTagsForResource", arn)?;
        for tag in page.tags() {
            if let (Some(key), Some(value)) = (tag.key(), tag.value()) {
                tags.insert(key.to_string(), value.to_string());
            }
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => return Ok(tags),
        }
    }
}

fn outputs(ctx: &Ctx<'_>, rules: &HipaaConfigRules) -> ResourceOutputs {
    ResourceOutputs {
        arn: ctx.scope.arn("config", "config-rule/*"),
        physical_id: rules.name().to_string(),
    }
}

/// Finds the rules of the set by name, with their tags. Rules of the same name are adopted when
/// they are the same managed rule and no other stack manages them; `None` when none exists.
pub(crate) async fn read_for_construct(
    ctx: &Ctx<'_>,
    rules: &HipaaConfigRules,
) -> Result<Option<Live<ConfigRulesState>>> {
    let wanted: BTreeMap<&str, &str> = rules
        .rules()
        .iter()
        .map(|rule| (rule.name.as_str(), rule.identifier.as_str()))
        .collect();
    let found: Vec<ConfigRuleState> = read_config_rules(ctx.env)
        .await?
        .rules
        .into_values()
        .filter(|rule| wanted.contains_key(rule.name.as_str()))
        .collect();
    if found.is_empty() {
        return Ok(None);
    }
    let env = ctx.env;
    let found: Vec<ConfigRuleState> = futures::stream::iter(found)
        .map(|mut rule| async move {
            if let Some(arn) = rule.arn.clone() {
                rule.tags = read_tags(env, &arn).await?;
            }
            Ok::<_, Error>(rule)
        })
        .buffer_unordered(TAG_READS_AT_ONCE)
        .try_collect()
        .await?;
    let wanted_tags = ctx.scope.tags_for(rules.id(), false);
    let mut state = ConfigRulesState::default();
    for mut rule in found {
        let stack = rule.tags.get(STACK_TAG).map(String::as_str);
        let logical_id = rule.tags.get(LOGICAL_ID_TAG).map(String::as_str);
        let ours = stack == Some(ctx.scope.stack) && logical_id == Some(rules.id().as_str());
        if stack.is_some() && !ours {
            return Err(Error::Conflict {
                resource: rules.resource_name(),
                reason: format!(
                    "rule {} is managed by stack {:?} as {:?}; a rule name is unique in the region, so only one stack may deploy the HIPAA rules",
                    rule.name,
                    stack.unwrap_or_default(),
                    logical_id.unwrap_or("(none)")
                ),
            });
        }
        let expected = wanted.get(rule.name.as_str()).copied().unwrap_or_default();
        let same_rule =
            rule.owner == "AWS" && rule.source_identifier == expected && rule.created_by.is_none();
        if !ours && !same_rule {
            return Err(Error::Conflict {
                resource: rules.resource_name(),
                reason: format!(
                    "a rule named {} exists and is not the AWS managed rule {expected} ({} {}{}); rename or remove it",
                    rule.name,
                    rule.owner,
                    rule.source_identifier,
                    rule.created_by
                        .as_deref()
                        .map(|by| format!(", made by {by}"))
                        .unwrap_or_default()
                ),
            });
        }
        rule.tags.retain(|key, _| wanted_tags.contains_key(key));
        state.rules.insert(rule.name.clone(), rule);
    }
    Ok(Some(Live {
        outputs: outputs(ctx, rules),
        state,
    }))
}

fn config_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect()
}

/// Puts one rule; with `tags` only when it is new (updates are tagged apart).
async fn put_rule(
    env: &Environment,
    rule: &ConfigRuleState,
    tags: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    let source = Source::builder()
        .owner(Owner::Aws)
        .source_identifier(&rule.source_identifier)
        .build()
        .map_err(Error::request(SERVICE, "PutConfigRule"))?;
    let mut definition = ConfigRule::builder()
        .config_rule_name(&rule.name)
        .source(source)
        .set_description(rule.description.clone());
    if !rule.scope.is_empty() {
        definition = definition.scope(
            RuleScope::builder()
                .set_compliance_resource_types(Some(rule.scope.clone()))
                .build(),
        );
    }
    if !rule.parameters.is_empty() {
        let parameters = serde_json::to_string(&rule.parameters)
            .map_err(|error| Error::unexpected(SERVICE, "PutConfigRule", error.to_string()))?;
        definition = definition.input_parameters(parameters);
    }
    env.config()
        .put_config_rule()
        .config_rule(definition.build())
        .set_tags(tags.map(config_tags))
        .send()
        .await
        .aws(SERVICE, "PutConfigRule", &rule.name)?;
    Ok(())
}

async fn tag_rule(env: &Environment, arn: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    env.config()
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(config_tags(tags)))
        .send()
        .await
        .aws(SERVICE, "TagResource", arn)?;
    Ok(())
}

/// Puts every rule of the set with its tags. Nothing is read back: PutConfigRule takes the
/// definition and the tags in one call, and the set's outputs do not depend on what AWS
/// assigns (the next plan or verify reads the rules and judges them).
pub(crate) async fn create_rules(
    ctx: &Ctx<'_>,
    rules: &HipaaConfigRules,
    desired: &ConfigRulesState,
) -> Result<ResourceOutputs> {
    for rule in desired.rules.values() {
        put_rule(ctx.env, rule, Some(&rule.tags)).await?;
    }
    Ok(outputs(ctx, rules))
}

/// Puts the rules whose definition differs or that are missing, and tags those whose tags
/// differ.
pub(crate) async fn update_rules(
    ctx: &Ctx<'_>,
    _rules: &HipaaConfigRules,
    live: &Live<ConfigRulesState>,
    desired: &ConfigRulesState,
    changes: &[SettingChange],
) -> Result<()> {
    let mut redefine = BTreeSet::new();
    let mut retag = BTreeSet::new();
    for change in changes {
        let Some(rest) = change.setting.strip_prefix("rule.") else {
            continue;
        };
        match rest.strip_suffix(".tags") {
            Some(name) => retag.insert(name.to_string()),
            None => redefine.insert(rest.to_string()),
        };
    }
    let names: BTreeSet<&String> = redefine.iter().chain(retag.iter()).collect();
    for name in names {
        let Some(rule) = desired.rules.get(name) else {
            continue;
        };
        let redefined = redefine.contains(name);
        match live.state.rules.get(name) {
            None => {
                if redefined {
                    put_rule(ctx.env, rule, Some(&rule.tags)).await?;
                }
            }
            Some(existing) => {
                if redefined {
                    put_rule(ctx.env, rule, None).await?;
                }
                let arn = existing.arn.as_deref().ok_or_else(|| {
                    Error::unexpected(
                        SERVICE,
                        "DescribeConfigRules",
                        format!("rule {name} has no ARN to tag"),
                    )
                })?;
                // A put may drop the tags on some endpoints: tag after every put too.
                tag_rule(ctx.env, arn, &rule.tags).await?;
            }
        }
    }
    Ok(())
}

/// Deletes the rules of the set that exist.
pub(crate) async fn delete_rules(
    ctx: &Ctx<'_>,
    _rules: &HipaaConfigRules,
    live: &Live<ConfigRulesState>,
) -> Result<()> {
    for name in live.state.rules.keys() {
        ctx.env
            .config()
            .delete_config_rule()
            .config_rule_name(name)
            .send()
            .await
            .aws_optional(
                SERVICE,
                "DeleteConfigRule",
                name,
                &["NoSuchConfigRuleException"],
            )?;
    }
    Ok(())
}
