//! Condition operators and conditions as types. A [`Statement`](super::Statement) stores its
//! conditions in IAM's own shape (operator → key → values); these types build and read them.

use std::fmt;
use std::str::FromStr;

use super::document::{PolicyParseError, Statement};

/// The comparison of a condition operator, without its set qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Comparison {
    /// `StringEquals`
    StringEquals,
    /// `StringNotEquals`
    StringNotEquals,
    /// `StringEqualsIgnoreCase`
    StringEqualsIgnoreCase,
    /// `StringNotEqualsIgnoreCase`
    StringNotEqualsIgnoreCase,
    /// `StringLike`
    StringLike,
    /// `StringNotLike`
    StringNotLike,
    /// `NumericEquals`
    NumericEquals,
    /// `NumericNotEquals`
    NumericNotEquals,
    /// `NumericLessThan`
    NumericLessThan,
    /// `NumericLessThanEquals`
    NumericLessThanEquals,
    /// `NumericGreaterThan`
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`
    NumericGreaterThanEquals,
    /// `DateEquals`
    DateEquals,
    /// `DateNotEquals`
    DateNotEquals,
    /// `DateLessThan`
    DateLessThan,
    /// `DateLessThanEquals`
    DateLessThanEquals,
    /// `DateGreaterThan`
    DateGreaterThan,
    /// `DateGreaterThanEquals`
    DateGreaterThanEquals,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    BinaryEquals,
    /// `IpAddress`
    IpAddress,
    /// `NotIpAddress`
    NotIpAddress,
    /// `ArnEquals`
    ArnEquals,
    /// `ArnLike`
    ArnLike,
    /// `ArnNotEquals`
    ArnNotEquals,
    /// `ArnNotLike`
    ArnNotLike,
    /// `Null`
    Null,
}

const COMPARISONS: &[(Comparison, &str)] = &[
    (Comparison::StringEquals, "StringEquals"),
    (Comparison::StringNotEquals, "StringNotEquals"),
    (Comparison::StringEqualsIgnoreCase, "StringEqualsIgnoreCase"),
    (
        Comparison::StringNotEqualsIgnoreCase,
        "StringNotEqualsIgnoreCase",
    ),
    (Comparison::StringLike, "StringLike"),
    (Comparison::StringNotLike, "StringNotLike"),
    (Comparison::NumericEquals, "NumericEquals"),
    (Comparison::NumericNotEquals, "NumericNotEquals"),
    (Comparison::NumericLessThan, "NumericLessThan"),
    (Comparison::NumericLessThanEquals, "NumericLessThanEquals"),
    (Comparison::NumericGreaterThan, "NumericGreaterThan"),
    (
        Comparison::NumericGreaterThanEquals,
        "NumericGreaterThanEquals",
    ),
    (Comparison::DateEquals, "DateEquals"),
    (Comparison::DateNotEquals, "DateNotEquals"),
    (Comparison::DateLessThan, "DateLessThan"),
    (Comparison::DateLessThanEquals, "DateLessThanEquals"),
    (Comparison::DateGreaterThan, "DateGreaterThan"),
    (Comparison::DateGreaterThanEquals, "DateGreaterThanEquals"),
    (Comparison::Bool, "Bool"),
    (Comparison::BinaryEquals, "BinaryEquals"),
    (Comparison::IpAddress, "IpAddress"),
    (Comparison::NotIpAddress, "NotIpAddress"),
    (Comparison::ArnEquals, "ArnEquals"),
    (Comparison::ArnLike, "ArnLike"),
    (Comparison::ArnNotEquals, "ArnNotEquals"),
    (Comparison::ArnNotLike, "ArnNotLike"),
    (Comparison::Null, "Null"),
];

impl Comparison {
    /// The operator's IAM name.
    pub fn as_str(self) -> &'static str {
        COMPARISONS
            .iter()
            .find(|(comparison, _)| *comparison == self)
            .map(|(_, name)| *name)
            .unwrap_or("Null")
    }
}

/// How a multivalued key is compared: any of its values, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetQualifier {
    /// `ForAnyValue:`
    ForAnyValue,
    /// `ForAllValues:`
    ForAllValues,
}

/// A condition operator: an optional set qualifier, a comparison, and `IfExists`.
///
/// ```
/// use hipaa_aws::policy::{Comparison, ConditionOperator};
/// let op: ConditionOperator = "ForAnyValue:StringLikeIfExists".parse()?;
/// assert_eq!(op.comparison, Comparison::StringLike);
/// assert!(op.if_exists);
/// assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
/// # Ok::<(), hipaa_aws::policy::PolicyParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConditionOperator {
    /// `ForAnyValue:` / `ForAllValues:`, if any.
    pub set: Option<SetQualifier>,
    /// The comparison.
    pub comparison: Comparison,
    /// `…IfExists`: true when the key is absent.
    pub if_exists: bool,
}

impl ConditionOperator {
    /// A plain operator.
    pub const fn plain(comparison: Comparison) -> ConditionOperator {
        ConditionOperator {
            set: None,
            comparison,
            if_exists: false,
        }
    }

    /// Parses an IAM operator name.
    pub fn parse(text: &str) -> Result<ConditionOperator, PolicyParseError> {
        let (set, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, text)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let comparison = COMPARISONS
            .iter()
            .find(|(_, name)| *name == rest)
            .map(|(comparison, _)| *comparison)
            .ok_or_else(|| PolicyParseError(format!("unknown condition operator {text:?}")))?;
        Ok(ConditionOperator {
            set,
            comparison,
            if_exists,
        })
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.comparison.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl FromStr for ConditionOperator {
    type Err = PolicyParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ConditionOperator::parse(text)
    }
}

/// One condition: an operator, a condition key and its values.
///
/// ```
/// use hipaa_aws::policy::{Condition, Statement};
/// let statement = Statement::allow()
///     .actions(["kms:Decrypt"])
///     .resources(["arn:aws:kms:us-east-1:111122223333:key/1234"])
///     .when(Condition::string_equals("kms:ViaService", ["s3.us-east-1.amazonaws.com"]));
/// assert_eq!(
///     statement.condition_values("StringEquals", "kms:ViaService"),
///     Some(&["s3.us-east-1.amazonaws.com".to_string()][..])
/// );
/// assert_eq!(statement.typed_conditions().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator.
    pub operator: ConditionOperator,
    /// The condition key, e.g. `aws:SourceArn`.
    pub key: String,
    /// The values (any of them may match).
    pub values: Vec<String>,
}

impl Condition {
    /// A condition from its parts.
    pub fn new<I, S>(operator: ConditionOperator, key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Condition {
            operator,
            key: key.to_string(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `StringEquals`.
    pub fn string_equals<I, S>(key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(
            ConditionOperator::plain(Comparison::StringEquals),
            key,
            values,
        )
    }

    /// `StringLike`.
    pub fn string_like<I, S>(key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(
            ConditionOperator::plain(Comparison::StringLike),
            key,
            values,
        )
    }

    /// `ArnEquals`.
    pub fn arn_equals<I, S>(key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(ConditionOperator::plain(Comparison::ArnEquals), key, values)
    }

    /// `ArnLike`.
    pub fn arn_like<I, S>(key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(ConditionOperator::plain(Comparison::ArnLike), key, values)
    }

    /// `ArnNotEquals` (in a Deny: everyone but these principals).
    pub fn arn_not_equals<I, S>(key: &str, values: I) -> Condition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(
            ConditionOperator::plain(Comparison::ArnNotEquals),
            key,
            values,
        )
    }

    /// `Bool`.
    pub fn bool(key: &str, value: bool) -> Condition {
        Self::new(
            ConditionOperator::plain(Comparison::Bool),
            key,
            [value.to_string()],
        )
    }

    /// `NumericLessThan`.
    pub fn numeric_less_than(key: &str, value: impl fmt::Display) -> Condition {
        Self::new(
            ConditionOperator::plain(Comparison::NumericLessThan),
            key,
            [value.to_string()],
        )
    }
}

impl Statement {
    /// Adds a typed condition.
    pub fn when(self, condition: Condition) -> Statement {
        let operator = condition.operator.to_string();
        self.condition(&operator, &condition.key, condition.values)
    }

    /// The conditions as types (operators this library does not know are left out).
    pub fn typed_conditions(&self) -> Vec<Condition> {
        self.conditions
            .iter()
            .filter_map(|(operator, keys)| {
                ConditionOperator::parse(operator)
                    .ok()
                    .map(|operator| (operator, keys))
            })
            .flat_map(|(operator, keys)| {
                keys.iter().map(move |(key, values)| Condition {
                    operator,
                    key: key.clone(),
                    values: values.clone(),
                })
            })
            .collect()
    }

    /// True when some condition (any operator) tests `key`, compared case-insensitively.
    pub fn has_condition_key(&self, key: &str) -> bool {
        self.conditions
            .values()
            .any(|keys| keys.keys().any(|k| k.eq_ignore_ascii_case(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_round_trip() -> Result<(), PolicyParseError> {
        for text in [
            "StringEquals",
            "ArnLike",
            "Bool",
            "ForAllValues:StringEquals",
            "NumericLessThanIfExists",
            "ForAnyValue:ArnNotLikeIfExists",
            "Null",
        ] {
            assert_eq!(ConditionOperator::parse(text)?.to_string(), text);
        }
        assert!(ConditionOperator::parse("StringMaybe").is_err());
        Ok(())
    }
}
