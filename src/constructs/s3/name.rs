//! The S3 general purpose bucket naming rules.

use crate::controls::ControlId;

/// The controls [`bucket_name_problems`] judges (see `crate::controls::coverage`).
pub const BUCKET_NAME_PROBLEMS_COVERS: &[ControlId] = &[ControlId::S3BucketNameValid];

/// Every way `name` breaks the S3 naming rules for general purpose buckets, empty when valid.
pub fn bucket_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let length = name.len();
    if !(3..=63).contains(&length) {
        problems.push(format!(
            "has {length} characters; a bucket name has 3 to 63"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        problems.push(format!(
            "contains {bad:?}; only lowercase letters, digits, '.' and '-' are allowed"
        ));
    }
    let first_and_last_ok =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !first_and_last_ok(name.chars().next()) || !first_and_last_ok(name.chars().last()) {
        problems.push("must begin and end with a lowercase letter or digit".to_string());
    }
    if name.contains("..") {
        problems.push("must not contain two adjacent periods".to_string());
    }
    if name.contains(".-") || name.contains("-.") {
        problems.push("must not have a period next to a hyphen".to_string());
    }
    if looks_like_ipv4(name) {
        problems.push("must not be formatted as an IP address".to_string());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            problems.push(format!(
                "must not start with the reserved prefix {prefix:?}"
            ));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            problems.push(format!("must not end with the reserved suffix {suffix:?}"));
        }
    }
    if name.contains('.') {
        problems.push(
            "contains '.': virtual-hosted TLS certificates do not cover dotted names, so requests would fail TLS validation or fall back to path-style"
                .to_string(),
        );
    }
    problems
}

fn looks_like_ipv4(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            !part.is_empty() && part.len() <= 3 && part.chars().all(|c| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::bucket_name_problems;

    #[test]
    fn accepts_ordinary_names() {
        assert!(bucket_name_problems("acme-phi-2026").is_empty());
        assert!(bucket_name_problems("abc").is_empty());
    }

    #[test]
    fn refuses_each_rule_breach() {
        for bad in [
            "ab",
            "Acme",
            "acme_phi",
            "-acme",
            "acme-",
            "acme..phi",
            "acme.-phi",
            "192.168.1.1",
            "xn--acme",
            "sthree-acme",
            "acme-s3alias",
            "acme--ol-s3",
            "acme.phi",
            &"a".repeat(64),
        ] {
            assert!(!bucket_name_problems(bad).is_empty(), "{bad} accepted");
        }
    }
}
