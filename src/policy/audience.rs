//! Who a resource-policy statement applies to: everyone (`*`, a principal list holding `*` of
//! any type, or an Allow by `NotPrincipal`, which is everyone but a few), or named principals.

use super::document::{Effect, Principal, Statement};

/// True when the principal is everyone: `"*"`, or `*` among the values of any principal type
/// (`{"AWS": ["arn:…", "*"]}` is everyone too).
pub fn principal_is_everyone(principal: &Principal) -> bool {
    match principal {
        Principal::Everyone => true,
        Principal::Typed(map) => map
            .values()
            .any(|values| values.iter().any(|value| value.trim() == "*")),
    }
}

/// True when an Allow statement applies to everyone: a principal that is everyone, or
/// `NotPrincipal` (everyone but the listed principals).
pub fn allow_is_for_everyone(statement: &Statement) -> bool {
    statement.effect == Effect::Allow
        && (statement.not_principal.is_some()
            || statement
                .principal
                .as_ref()
                .is_some_and(principal_is_everyone))
}

/// True when a Deny statement applies to every caller: its principal is `*` (or `{"AWS": "*"}`)
/// and it has no `NotPrincipal` exempting anyone.
pub fn deny_is_for_everyone(statement: &Statement) -> bool {
    statement.effect == Effect::Deny
        && statement.not_principal.is_none()
        && statement
            .principal
            .as_ref()
            .is_some_and(principal_is_everyone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn lists_holding_a_star_and_not_principal_are_everyone() {
        let mut map = BTreeMap::new();
        map.insert(
            "AWS".to_string(),
            vec![
                "arn:aws:iam::111122223333:root".to_string(),
                "*".to_string(),
            ],
        );
        assert!(principal_is_everyone(&Principal::Typed(map)));
        assert!(!principal_is_everyone(&Principal::aws(
            "arn:aws:iam::111122223333:root"
        )));
        let mut service = BTreeMap::new();
        service.insert("Service".to_string(), vec!["*".to_string()]);
        assert!(principal_is_everyone(&Principal::Typed(service)));
        let not_principal =
            Statement::allow().not_principal(Principal::aws("arn:aws:iam::111122223333:root"));
        assert!(allow_is_for_everyone(&not_principal));
        let deny_but = Statement::deny()
            .principal(Principal::Everyone)
            .not_principal(Principal::aws("arn:aws:iam::111122223333:root"));
        assert!(!deny_is_for_everyone(&deny_but));
        assert!(deny_is_for_everyone(
            &Statement::deny().principal(Principal::any_aws())
        ));
    }
}
