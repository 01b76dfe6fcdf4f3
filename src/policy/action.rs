//! IAM actions as a type: `service:Name`, or a pattern with `*` and `?` wildcards, or `*` for
//! every action.

use std::fmt;
use std::str::FromStr;

use super::document::PolicyParseError;

/// One action of a policy statement, e.g. `s3:GetObject`, `kms:GenerateDataKey*` or `*`.
///
/// Equality is on the text as written; [`Action::matches`] compares the way IAM does
/// (case-insensitive, with wildcards).
///
/// ```
/// use hipaa_aws::policy::Action;
/// let action: Action = "kms:ReEncrypt*".parse()?;
/// assert_eq!(action.service(), Some("kms"));
/// assert!(action.matches("kms:ReEncryptFrom"));
/// assert!(!action.matches("kms:Decrypt"));
/// assert!("s3:*".parse::<Action>()?.is_service_wildcard());
/// # Ok::<(), hipaa_aws::policy::PolicyParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Action(String);

impl Action {
    /// `*`: every action of every service.
    pub fn everything() -> Action {
        Action("*".to_string())
    }

    /// `service:name` from its parts (no validation beyond what [`Action::parse`] does).
    pub fn new(service: &str, name: &str) -> Action {
        Action(format!("{service}:{name}"))
    }

    /// Parses `*` or `service:name`, where the service prefix is letters, digits and `-`, and the
    /// name is letters, digits, `*` and `?`.
    pub fn parse(text: &str) -> Result<Action, PolicyParseError> {
        let text = text.trim();
        if text == "*" {
            return Ok(Action::everything());
        }
        let Some((service, name)) = text.split_once(':') else {
            return Err(PolicyParseError(format!(
                "action {text:?} is not `*` or `service:name`"
            )));
        };
        let service_ok = !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_'));
        if !service_ok || !name_ok {
            return Err(PolicyParseError(format!(
                "action {text:?} is not `service:name` (letters, digits, `-` and wildcards)"
            )));
        }
        Ok(Action(text.to_string()))
    }

    /// The action as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The service prefix (`s3`), or `None` for `*`.
    pub fn service(&self) -> Option<&str> {
        self.0.split_once(':').map(|(service, _)| service)
    }

    /// The part after the service prefix (`GetObject`), or `*` for `*`.
    pub fn name(&self) -> &str {
        self.0.split_once(':').map(|(_, name)| name).unwrap_or("*")
    }

    /// True for `*` (and for patterns such as `*:*` that match every action).
    pub fn is_everything(&self) -> bool {
        self.0.chars().all(|c| c == '*' || c == ':')
    }

    /// True for `service:*`: every action of one service.
    pub fn is_service_wildcard(&self) -> bool {
        !self.is_everything() && self.name().chars().all(|c| c == '*')
    }

    /// True when the action contains `*` or `?`.
    pub fn has_wildcard(&self) -> bool {
        self.0.contains(['*', '?'])
    }

    /// True when this action (a pattern) covers `concrete`, as IAM compares them:
    /// case-insensitively, `*` for any run of characters and `?` for one.
    pub fn matches(&self, concrete: &str) -> bool {
        super::glob::glob_matches(&self.0, concrete)
    }

    /// True when this action and `other` can both match some action (either covers the other,
    /// or both are patterns that share a match, such as `s3:*Object` and `s3:Get*`).
    pub fn overlaps(&self, other: &Action) -> bool {
        super::glob::globs_overlap(&self.0, &other.0)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Action {
    type Err = PolicyParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Action::parse(text)
    }
}

impl From<Action> for String {
    fn from(action: Action) -> String {
        action.0
    }
}

impl From<&Action> for String {
    fn from(action: &Action) -> String {
        action.0.clone()
    }
}

impl AsRef<str> for Action {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_classifies_actions() -> Result<(), PolicyParseError> {
        assert!(Action::parse("*")?.is_everything());
        assert!(!Action::parse("*")?.is_service_wildcard());
        assert!(Action::parse("s3:*")?.is_service_wildcard());
        assert!(!Action::parse("s3:Get*")?.is_service_wildcard());
        assert!(Action::parse("s3:Get*")?.has_wildcard());
        assert_eq!(Action::parse("s3:GetObject")?.name(), "GetObject");
        assert!(Action::parse("s3").is_err());
        assert!(Action::parse("s3:").is_err());
        assert!(Action::parse("s 3:Get").is_err());
        Ok(())
    }

    #[test]
    fn matches_like_iam() -> Result<(), PolicyParseError> {
        assert!(Action::parse("kms:*")?.matches("kms:Decrypt"));
        assert!(Action::parse("KMS:decrypt")?.matches("kms:Decrypt"));
        assert!(Action::parse("kms:Re?ncrypt*")?.matches("kms:ReEncryptTo"));
        assert!(!Action::parse("kms:Encrypt")?.matches("kms:Decrypt"));
        assert!(Action::parse("*")?.matches("anything:AtAll"));
        assert!(Action::parse("kms:ReEncrypt*")?.overlaps(&Action::parse("kms:ReEncryptFrom")?));
        assert!(Action::parse("kms:Re*")?.overlaps(&Action::parse("kms:ReEncrypt*")?));
        assert!(!Action::parse("kms:Gen*")?.overlaps(&Action::parse("kms:ReEncrypt*")?));
        Ok(())
    }
}
