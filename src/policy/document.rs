//! IAM policy documents as Rust types that serialize to IAM JSON and parse it back.
//!
//! Parsing accepts every form IAM accepts (a single string or a list, `"*"` or `{"AWS": "*"}`,
//! booleans and numbers in conditions); serializing writes one canonical form (a single value as
//! a string, several as a list, condition values as strings), so `parse(serialize(p)) == p`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The policy language version every document uses.
pub const POLICY_VERSION: &str = "2012-10-17";

/// A policy document: a version and its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Always `2012-10-17` for documents this library writes.
    pub version: String,
    /// The optional policy id.
    pub id: Option<String>,
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Grants what the statement names.
    Allow,
    /// Forbids what the statement names, whatever else allows it.
    Deny,
}

/// Who a resource policy statement applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: everyone, anonymous callers included.
    Everyone,
    /// `{"AWS": [...], "Service": [...], ...}`. `{"AWS": "*"}` also means everyone.
    Typed(BTreeMap<String, Vec<String>>),
}

impl Principal {
    /// `{"AWS": arn}`.
    pub fn aws(arn: impl Into<String>) -> Principal {
        Self::typed("AWS", arn)
    }

    /// `{"AWS": "*"}`: everyone, written in the form S3 server access logging accepts.
    pub fn any_aws() -> Principal {
        Self::typed("AWS", "*")
    }

    /// `{"Service": name}`, e.g. `cloudtrail.amazonaws.com`.
    pub fn service(name: impl Into<String>) -> Principal {
        Self::typed("Service", name)
    }

    fn typed(kind: &str, value: impl Into<String>) -> Principal {
        let mut map = BTreeMap::new();
        map.insert(kind.to_string(), vec![value.into()]);
        Principal::Typed(map)
    }

    /// True for `"*"` and for `{"AWS": "*"}` (both mean everyone).
    pub fn is_everyone(&self) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Typed(map) => map
                .get("AWS")
                .is_some_and(|values| values.iter().any(|v| v == "*")),
        }
    }

    /// The values of one principal type, e.g. the service names.
    pub fn values(&self, kind: &str) -> &[String] {
        match self {
            Principal::Everyone => &[],
            Principal::Typed(map) => map.get(kind).map(Vec::as_slice).unwrap_or(&[]),
        }
    }
}

/// Condition operators to keys to values, e.g. `{"Bool": {"aws:SecureTransport": ["false"]}}`.
pub type Conditions = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement id.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// Who it applies to (resource policies only).
    pub principal: Option<Principal>,
    /// Everyone but these (rarely wise; parsed so audits can flag it).
    pub not_principal: Option<Principal>,
    /// The actions, e.g. `s3:GetObject`.
    pub actions: Vec<String>,
    /// Every action but these (refused in allows by the library's validation).
    pub not_actions: Vec<String>,
    /// The resource ARNs.
    pub resources: Vec<String>,
    /// Every resource but these.
    pub not_resources: Vec<String>,
    /// The conditions.
    pub conditions: Conditions,
}

impl Statement {
    /// An empty Allow statement.
    pub fn allow() -> Statement {
        Self::new(Effect::Allow)
    }

    /// An empty Deny statement.
    pub fn deny() -> Statement {
        Self::new(Effect::Deny)
    }

    fn new(effect: Effect) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            actions: Vec::new(),
            not_actions: Vec::new(),
            resources: Vec::new(),
            not_resources: Vec::new(),
            conditions: Conditions::new(),
        }
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Statement {
        self.sid = Some(sid.into());
        self
    }

    /// Sets the principal.
    pub fn principal(mut self, principal: Principal) -> Statement {
        self.principal = Some(principal);
        self
    }

    /// Adds actions.
    pub fn actions<I, S>(mut self, actions: I) -> Statement
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds `NotAction` entries (every action but these; refused in Allow statements by the
    /// library's validation, parsed so audits can flag it).
    pub fn not_actions<I, S>(mut self, actions: I) -> Statement
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds `NotResource` entries (every resource but these).
    pub fn not_resources<I, S>(mut self, resources: I) -> Statement
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_resources
            .extend(resources.into_iter().map(Into::into));
        self
    }

    /// Sets `NotPrincipal` (everyone but this principal).
    pub fn not_principal(mut self, principal: Principal) -> Statement {
        self.not_principal = Some(principal);
        self
    }

    /// The actions as types; text that is not an action is left out.
    pub fn typed_actions(&self) -> Vec<super::Action> {
        self.actions
            .iter()
            .filter_map(|text| super::Action::parse(text).ok())
            .collect()
    }

    /// Adds resources.
    pub fn resources<I, S>(mut self, resources: I) -> Statement
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.resources.extend(resources.into_iter().map(Into::into));
        self
    }

    /// Adds a condition `operator: {key: values}`.
    pub fn condition<I, S>(mut self, operator: &str, key: &str, values: I) -> Statement
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.conditions
            .entry(operator.to_string())
            .or_default()
            .entry(key.to_string())
            .or_default()
            .extend(values.into_iter().map(Into::into));
        self
    }

    /// The values of a condition, if present.
    pub fn condition_values(&self, operator: &str, key: &str) -> Option<&[String]> {
        self.conditions
            .get(operator)
            .and_then(|keys| keys.get(key))
            .map(Vec::as_slice)
    }
}

impl PolicyDocument {
    /// A document of these statements, version `2012-10-17`.
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument {
            version: POLICY_VERSION.to_string(),
            id: None,
            statements,
        }
    }

    /// Parses IAM JSON (as AWS returns it; URL-encoded documents must be decoded first).
    pub fn from_json(text: &str) -> Result<PolicyDocument, PolicyParseError> {
        let value: Value =
            serde_json::from_str(text).map_err(|error| PolicyParseError(error.to_string()))?;
        Self::from_value(&value)
    }

    /// Parses an IAM JSON value.
    pub fn from_value(value: &Value) -> Result<PolicyDocument, PolicyParseError> {
        let object = value
            .as_object()
            .ok_or_else(|| PolicyParseError("a policy document is a JSON object".into()))?;
        let version = match object.get("Version") {
            Some(Value::String(version)) => version.clone(),
            None => "2008-10-17".to_string(),
            Some(_) => return Err(PolicyParseError("Version is not a string".into())),
        };
        let id = object.get("Id").and_then(Value::as_str).map(str::to_string);
        let statements = match object.get("Statement") {
            Some(Value::Array(items)) => items
                .iter()
                .map(parse_statement)
                .collect::<Result<Vec<_>, _>>()?,
            Some(single @ Value::Object(_)) => vec![parse_statement(single)?],
            None => Vec::new(),
            Some(_) => {
                return Err(PolicyParseError(
                    "Statement is not an object or list".into(),
                ))
            }
        };
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }

    /// The canonical IAM JSON value.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("Version".into(), Value::String(self.version.clone()));
        if let Some(id) = &self.id {
            object.insert("Id".into(), Value::String(id.clone()));
        }
        object.insert(
            "Statement".into(),
            Value::Array(self.statements.iter().map(statement_value).collect()),
        );
        Value::Object(object)
    }

    /// Compact canonical IAM JSON.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// A form for comparing two documents: statements sorted, lists sorted and deduplicated.
    /// Two documents with the same meaning but written differently compare equal.
    pub fn normalized(&self) -> PolicyDocument {
        let mut statements: Vec<Statement> = self
            .statements
            .iter()
            .map(|statement| {
                let mut statement = statement.clone();
                for list in [
                    &mut statement.actions,
                    &mut statement.not_actions,
                    &mut statement.resources,
                    &mut statement.not_resources,
                ] {
                    list.sort();
                    list.dedup();
                }
                if let Some(Principal::Typed(map)) = &mut statement.principal {
                    for values in map.values_mut() {
                        values.sort();
                        values.dedup();
                    }
                }
                if statement
                    .principal
                    .as_ref()
                    .is_some_and(Principal::is_everyone)
                {
                    statement.principal = Some(Principal::Everyone);
                }
                for keys in statement.conditions.values_mut() {
                    for values in keys.values_mut() {
                        values.sort();
                        values.dedup();
                    }
                }
                statement
            })
            .collect();
        statements.sort_by_key(|statement| statement_value(statement).to_string());
        PolicyDocument {
            version: self.version.clone(),
            id: self.id.clone(),
            statements,
        }
    }

    /// True when both documents mean the same (see [`PolicyDocument::normalized`]).
    pub fn same_as(&self, other: &PolicyDocument) -> bool {
        self.normalized() == other.normalized()
    }

    /// The statement with this id.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements
            .iter()
            .find(|statement| statement.sid.as_deref() == Some(sid))
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        PolicyDocument::from_value(&value).map_err(serde::de::Error::custom)
    }
}

/// The text is not a policy document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IAM policy document: {0}")]
pub struct PolicyParseError(pub String);

fn string_list(value: &Value, field: &str) -> Result<Vec<String>, PolicyParseError> {
    match value {
        Value::String(text) => Ok(vec![text.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                scalar_text(item)
                    .ok_or_else(|| PolicyParseError(format!("{field} holds a non-string")))
            })
            .collect(),
        other => scalar_text(other)
            .map(|text| vec![text])
            .ok_or_else(|| PolicyParseError(format!("{field} is not a string or a list"))),
    }
}

/// Condition values may be strings, booleans or numbers; all are kept as their text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn parse_principal(value: &Value) -> Result<Principal, PolicyParseError> {
    match value {
        Value::String(text) if text == "*" => Ok(Principal::Everyone),
        Value::Object(map) => {
            let mut typed = BTreeMap::new();
            for (kind, values) in map {
                typed.insert(kind.clone(), string_list(values, "Principal")?);
            }
            Ok(Principal::Typed(typed))
        }
        _ => Err(PolicyParseError(
            "Principal is not \"*\" or an object".into(),
        )),
    }
}

fn parse_statement(value: &Value) -> Result<Statement, PolicyParseError> {
    let object = value
        .as_object()
        .ok_or_else(|| PolicyParseError("a statement is a JSON object".into()))?;
    let effect = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err(PolicyParseError("Effect is not Allow or Deny".into())),
    };
    let list = |field: &str| -> Result<Vec<String>, PolicyParseError> {
        object
            .get(field)
            .map(|value| string_list(value, field))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let mut conditions = Conditions::new();
    if let Some(condition) = object.get("Condition") {
        let operators = condition
            .as_object()
            .ok_or_else(|| PolicyParseError("Condition is not an object".into()))?;
        for (operator, keys) in operators {
            let keys = keys.as_object().ok_or_else(|| {
                PolicyParseError(format!("Condition {operator} is not an object"))
            })?;
            let entry = conditions.entry(operator.clone()).or_default();
            for (key, values) in keys {
                entry.insert(key.clone(), string_list(values, "Condition")?);
            }
        }
    }
    Ok(Statement {
        sid: object
            .get("Sid")
            .and_then(Value::as_str)
            .map(str::to_string),
        effect,
        principal: object.get("Principal").map(parse_principal).transpose()?,
        not_principal: object
            .get("NotPrincipal")
            .map(parse_principal)
            .transpose()?,
        actions: list("Action")?,
        not_actions: list("NotAction")?,
        resources: list("Resource")?,
        not_resources: list("NotResource")?,
        conditions,
    })
}

fn list_value(values: &[String]) -> Value {
    match values {
        [single] => Value::String(single.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    }
}

fn principal_value(principal: &Principal) -> Value {
    match principal {
        Principal::Everyone => Value::String("*".into()),
        Principal::Typed(map) => Value::Object(
            map.iter()
                .map(|(kind, values)| (kind.clone(), list_value(values)))
                .collect(),
        ),
    }
}

fn statement_value(statement: &Statement) -> Value {
    let mut object = Map::new();
    if let Some(sid) = &statement.sid {
        object.insert("Sid".into(), Value::String(sid.clone()));
    }
    let effect = match statement.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    object.insert("Effect".into(), Value::String(effect.into()));
    if let Some(principal) = &statement.principal {
        object.insert("Principal".into(), principal_value(principal));
    }
    if let Some(principal) = &statement.not_principal {
        object.insert("NotPrincipal".into(), principal_value(principal));
    }
    for (field, values) in [
        ("Action", &statement.actions),
        ("NotAction", &statement.not_actions),
        ("Resource", &statement.resources),
        ("NotResource", &statement.not_resources),
    ] {
        if !values.is_empty() {
            object.insert(field.into(), list_value(values));
        }
    }
    if !statement.conditions.is_empty() {
        let conditions = statement
            .conditions
            .iter()
            .map(|(operator, keys)| {
                let keys = keys
                    .iter()
                    .map(|(key, values)| (key.clone(), list_value(values)))
                    .collect();
                (operator.clone(), Value::Object(keys))
            })
            .collect();
        object.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_iam_form_and_writes_one_canonical_form() -> Result<(), PolicyParseError> {
        let text = r#"{
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Condition": {"Bool": {"aws:SecureTransport": false}}
            }
        }"#;
        let parsed = PolicyDocument::from_json(text)?;
        let statement = &parsed.statements[0];
        assert_eq!(statement.effect, Effect::Deny);
        assert!(statement
            .principal
            .as_ref()
            .is_some_and(Principal::is_everyone));
        assert_eq!(
            statement.condition_values("Bool", "aws:SecureTransport"),
            Some(&["false".to_string()][..])
        );
        let again = PolicyDocument::from_json(&parsed.to_json())?;
        assert_eq!(again, parsed);
        Ok(())
    }

    #[test]
    fn normalized_documents_ignore_order_and_principal_spelling() {
        let a = PolicyDocument::new(vec![Statement::deny()
            .principal(Principal::Everyone)
            .actions(["s3:*"])
            .resources(["b/*", "b"])]);
        let b = PolicyDocument::new(vec![Statement::deny()
            .principal(Principal::any_aws())
            .actions(["s3:*"])
            .resources(["b", "b/*"])]);
        assert!(a.same_as(&b));
        let c = PolicyDocument::new(vec![Statement::allow()
            .principal(Principal::any_aws())
            .actions(["s3:*"])
            .resources(["b", "b/*"])]);
        assert!(!a.same_as(&c));
    }

    #[test]
    fn rejects_what_is_not_a_policy() {
        assert!(PolicyDocument::from_json("[]").is_err());
        assert!(PolicyDocument::from_json(r#"{"Statement":[{"Effect":"Maybe"}]}"#).is_err());
        assert!(PolicyDocument::from_json("not json").is_err());
    }
}
