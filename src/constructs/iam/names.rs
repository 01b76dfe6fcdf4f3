//! IAM naming rules, the library's paths, ARNs, and the URL-decoding of the documents IAM
//! returns.

use crate::controls::ControlId;

pub use crate::env::LIBRARY_PATH;
/// The path of the policies that grants make (a role leaves them to their grants).
pub const GRANTS_PATH: &str = "/hipaa-aws/grants/";
/// Longest role name IAM accepts.
pub const MAX_ROLE_NAME: usize = 64;
/// Longest policy name IAM accepts.
pub const MAX_POLICY_NAME: usize = 128;

/// The controls [`iam_name_problem`] judges (see `crate::controls::coverage`).
pub const IAM_NAME_PROBLEM_COVERS: &[ControlId] = &[ControlId::IamNameValid];

/// The problem with an IAM role or policy name, if any: 1 to `max` of letters, digits and
/// `+=,.@_-`.
pub fn iam_name_problem(kind: &str, name: &str, max: usize) -> Option<String> {
    if name.is_empty() || name.len() > max {
        return Some(format!(
            "the {kind} name {name:?} must have 1 to {max} characters"
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
        .map(|bad| {
            format!(
                "the {kind} name {name:?} contains {bad:?}: IAM names use letters, digits and +=,.@_-"
            )
        })
}

/// The problem with an IAM path, if any: `/`, or `/` + segments + `/`, at most 512 characters
/// of printable ASCII.
pub fn iam_path_problem(path: &str) -> Option<String> {
    let printable = path.chars().all(|c| ('!'..='~').contains(&c));
    if path.is_empty()
        || path.len() > 512
        || !path.starts_with('/')
        || !path.ends_with('/')
        || !printable
        || path.contains("//")
    {
        return Some(format!(
            "the path {path:?} must start and end with '/', have no empty segment and at most 512 printable characters"
        ));
    }
    None
}

/// The ARN of a role.
pub fn role_arn(partition: &str, account: &str, path: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account}:role{path}{name}")
}

/// The ARN of a customer-managed policy.
pub fn policy_arn(partition: &str, account: &str, path: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account}:policy{path}{name}")
}

/// A name that fits in `max` characters: `name` itself, or its start and a stable hash.
pub(crate) fn fit_name(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let hash = fnv1a(name);
    let keep = max.saturating_sub(9);
    let start: String = name.chars().take(keep).collect();
    format!("{start}-{:08x}", hash as u32)
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// IAM returns policy documents URL-encoded (RFC 3986); other services return them plain.
pub fn decode_policy_text(text: &str) -> String {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            if let Ok(value) = u8::from_str_radix(hex, 16) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(byte);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_follow_the_iam_rules() {
        assert_eq!(iam_name_problem("role", "app-reader_1.x@y", 64), None);
        assert!(iam_name_problem("role", "", 64).is_some());
        assert!(iam_name_problem("role", &"a".repeat(65), 64).is_some());
        assert!(iam_name_problem("role", "has space", 64).is_some());
        assert_eq!(iam_path_problem("/hipaa-aws/grants/"), None);
        assert!(iam_path_problem("hipaa").is_some());
        assert!(iam_path_problem("/a//b/").is_some());
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let long = "r".repeat(200);
        let fitted = fit_name(&long, 128);
        assert_eq!(fitted.len(), 128);
        assert_eq!(fitted, fit_name(&long, 128));
        assert_eq!(fit_name("short", 128), "short");
    }

    #[test]
    fn decodes_url_encoded_documents() {
        assert_eq!(
            decode_policy_text("%7B%22Version%22%3A%222012-10-17%22%7D"),
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(decode_policy_text("{\"a\":\"100%\"}"), "{\"a\":\"100%\"}");
    }
}
