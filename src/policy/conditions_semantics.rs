//! Does a condition really restrict? A condition narrows an Allow only when it must hold for
//! every request: a positive operator without `IfExists` (true when the key is absent), without
//! a set qualifier (`ForAllValues:` is true for an absent key; `ForAnyValue:` on a key of one
//! value is only a spelling of the plain operator, so neither is trusted), never `Null` or a
//! negated operator, and with values that name something (no bare wildcard, no `/0` network).

use super::arn::is_unscoped_resource;
use super::condition::{Comparison, ConditionOperator};
use super::document::Statement;

/// Condition keys that, with fixed values, make an Allow to everyone non-public (as S3's own
/// public-policy evaluation treats them).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:sourceip",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Keys whose values are ARNs (judged by [`is_unscoped_resource`]).
const ARN_KEYS: &[&str] = &["aws:sourcearn", "aws:principalarn", "s3:dataaccesspointarn"];

/// Keys whose value must be exactly one named thing: a wildcard in it reaches others.
const EXACT_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "s3:dataaccesspointaccount",
];

/// A plain positive operator: no set qualifier, no `IfExists`, not negated, not `Null`.
/// `None` for operators this library does not know (never trusted).
pub fn positive_comparison(operator: &str) -> Option<Comparison> {
    let parsed = ConditionOperator::parse(operator.trim()).ok()?;
    if parsed.set.is_some() || parsed.if_exists {
        return None;
    }
    match parsed.comparison {
        comparison @ (Comparison::StringEquals
        | Comparison::StringEqualsIgnoreCase
        | Comparison::StringLike
        | Comparison::ArnEquals
        | Comparison::ArnLike
        | Comparison::IpAddress
        | Comparison::Bool
        | Comparison::NumericEquals
        | Comparison::NumericLessThan
        | Comparison::NumericLessThanEquals
        | Comparison::DateLessThan
        | Comparison::DateLessThanEquals
        | Comparison::DateGreaterThan
        | Comparison::DateGreaterThanEquals
        | Comparison::NumericGreaterThan
        | Comparison::NumericGreaterThanEquals
        | Comparison::BinaryEquals
        | Comparison::DateEquals) => Some(comparison),
        _ => None,
    }
}

fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?'])
}

/// True when an address block is narrower than a /8 (IPv4) or a /32 (IPv6): anything wider is
/// a large part of the internet, not a network of the owner.
fn narrow_network(value: &str) -> bool {
    let value = value.trim();
    let Some((address, bits)) = value.split_once('/') else {
        return !value.is_empty() && !has_wildcard(value);
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    if address.contains(':') {
        bits >= 32
    } else {
        bits >= 8
    }
}

/// True when one condition (operator, key, values) limits an Allow to named accounts,
/// organizations, networks or resources, so that it is not public.
pub fn condition_restricts(operator: &str, key: &str, values: &[String]) -> bool {
    let Some(comparison) = positive_comparison(operator) else {
        return false;
    };
    let key = key.trim().to_ascii_lowercase();
    if !RESTRICTING_KEYS.contains(&key.as_str()) || values.is_empty() {
        return false;
    }
    let fits = match key.as_str() {
        "aws:sourceip" => comparison == Comparison::IpAddress,
        k if ARN_KEYS.contains(&k) => matches!(
            comparison,
            Comparison::ArnEquals
                | Comparison::ArnLike
                | Comparison::StringEquals
                | Comparison::StringLike
        ),
        _ => matches!(
            comparison,
            Comparison::StringEquals | Comparison::StringEqualsIgnoreCase | Comparison::StringLike
        ),
    };
    fits && values.iter().all(|value| {
        let value = value.trim();
        match key.as_str() {
            "aws:sourceip" => narrow_network(value),
            k if ARN_KEYS.contains(&k) => !is_unscoped_resource(value),
            k if EXACT_KEYS.contains(&k) => !value.is_empty() && !has_wildcard(value),
            _ => !value.is_empty() && !value.chars().all(|c| c == '*' || c == '?'),
        }
    })
}

/// True when some condition of the statement really restricts it (see [`condition_restricts`]).
pub fn statement_is_restricted(statement: &Statement) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        keys.iter()
            .any(|(key, values)| condition_restricts(operator, key, values))
    })
}

/// True when the statement has a condition with a positive operator (see
/// [`positive_comparison`]) from `comparisons` on one of `keys` whose every value equals
/// `account_id` (for account keys) or is an ARN of `account_id` without wildcards in its
/// account (for ARN keys): what scopes a service or everyone to this account.
pub fn scoped_to_account(
    statement: &Statement,
    account_id: &str,
    keys: &[&str],
    comparisons: &[Comparison],
) -> bool {
    statement.conditions.iter().any(|(operator, by_key)| {
        positive_comparison(operator).is_some_and(|comparison| comparisons.contains(&comparison))
            && by_key.iter().any(|(key, values)| {
                keys.iter()
                    .any(|wanted| key.trim().eq_ignore_ascii_case(wanted))
                    && !values.is_empty()
                    && values
                        .iter()
                        .all(|value| value_names_account(value.trim(), account_id))
            })
    })
}

/// True when `value` is the account id itself, or an ARN whose account field is it.
pub fn value_names_account(value: &str, account_id: &str) -> bool {
    if account_id.is_empty() {
        return false;
    }
    if value == account_id {
        return true;
    }
    let fields: Vec<&str> = value.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", _, _, _, account, _] => *account == account_id,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restricts(operator: &str, key: &str, value: &str) -> bool {
        condition_restricts(operator, key, &[value.to_string()])
    }

    #[test]
    fn only_positive_operators_restrict() {
        assert!(restricts(
            "StringEquals",
            "aws:SourceAccount",
            "111122223333"
        ));
        assert!(!restricts(
            "StringNotEquals",
            "aws:SourceAccount",
            "111122223333"
        ));
        assert!(!restricts(
            "StringEqualsIfExists",
            "aws:SourceAccount",
            "111122223333"
        ));
        assert!(!restricts(
            "ForAnyValue:StringEquals",
            "aws:SourceAccount",
            "111122223333"
        ));
        assert!(!restricts(
            "ForAllValues:StringEquals",
            "aws:SourceAccount",
            "111122223333"
        ));
        assert!(!restricts("Null", "aws:SourceAccount", "false"));
        assert!(!restricts("StringLike", "aws:SourceAccount", "1111*"));
        assert!(!restricts("StringEquals", "aws:SourceAccount", "*"));
        assert!(!restricts("StringEquals", "s3:prefix", "home/"));
    }

    #[test]
    fn networks_and_arns_must_name_something() {
        assert!(restricts("IpAddress", "aws:SourceIp", "203.0.113.0/24"));
        assert!(restricts("IpAddress", "aws:SourceIp", "10.0.0.0/8"));
        assert!(!restricts("IpAddress", "aws:SourceIp", "0.0.0.0/1"));
        assert!(!restricts("IpAddress", "aws:SourceIp", "0.0.0.0/0"));
        assert!(!restricts("NotIpAddress", "aws:SourceIp", "203.0.113.0/24"));
        assert!(!restricts("IpAddress", "aws:SourceIp", "::/0"));
        assert!(restricts("ArnEquals", "aws:SourceArn", "arn:aws:s3:::acme"));
        assert!(!restricts("ArnLike", "aws:SourceArn", "arn:aws:s3:::acme*"));
        assert!(!restricts(
            "ArnLike",
            "aws:SourceArn",
            "arn:aws:cloudtrail:us-east-1:*:trail/x"
        ));
    }

    #[test]
    fn account_scope_needs_the_right_operator_and_this_account() {
        let account = "111122223333";
        let keys = ["aws:SourceAccount", "aws:SourceArn"];
        let ops = [Comparison::StringEquals, Comparison::ArnEquals];
        let with = |op: &str, key: &str, value: &str| {
            Statement::allow().condition(op, key, [value.to_string()])
        };
        assert!(scoped_to_account(
            &with("StringEquals", "aws:SourceAccount", account),
            account,
            &keys,
            &ops
        ));
        assert!(!scoped_to_account(
            &with("StringEquals", "aws:SourceAccount", "444455556666"),
            account,
            &keys,
            &ops
        ));
        assert!(!scoped_to_account(
            &with("StringNotEquals", "aws:SourceAccount", account),
            account,
            &keys,
            &ops
        ));
        assert!(!scoped_to_account(
            &with("StringLike", "aws:SourceAccount", account),
            account,
            &keys,
            &ops
        ));
        assert!(!scoped_to_account(
            &with("StringEqualsIfExists", "aws:SourceAccount", account),
            account,
            &keys,
            &ops
        ));
        assert!(scoped_to_account(
            &with(
                "ArnEquals",
                "aws:SourceArn",
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"
            ),
            account,
            &keys,
            &ops
        ));
        assert!(!scoped_to_account(
            &with(
                "ArnEquals",
                "aws:SourceArn",
                "arn:aws:cloudtrail:us-east-1:*:trail/t"
            ),
            account,
            &keys,
            &ops
        ));
    }
}
