//! The IAM credential report: generated on request, then fetched with bounded polling (the
//! report is built asynchronously by IAM; a few seconds at most in practice).

use std::time::Duration;

use aws_sdk_iam::types::ReportStateType;

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::{Error, Result};

const SERVICE: &str = "iam";
/// The row the report gives the root user.
pub const ROOT_USER_ROW: &str = "<root_account>";
/// How many times the report's state is asked for before giving up.
const MAX_POLLS: u32 = 10;

/// One row of the credential report (the columns the controls use).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialReportRow {
    /// The user name (`<root_account>` for the root user).
    pub user: String,
    /// The user has a console password.
    pub password_enabled: bool,
    /// The user has an MFA device.
    pub mfa_active: bool,
    /// Its first and second access keys are active.
    pub access_keys_active: [bool; 2],
}

/// Generates the report if needed and reads it, polling with growing pauses (50 ms doubling,
/// at most 10 times) while IAM builds it.
pub async fn read_credential_report(env: &Environment) -> Result<Vec<CredentialReportRow>> {
    let iam = env.iam();
    let mut pause = Duration::from_millis(50);
    for _ in 0..MAX_POLLS {
        let state = iam
            .generate_credential_report()
            .send()
            .await
            .aws(SERVICE, "GenerateCredentialReport", "account")?
            .state;
        if state == Some(ReportStateType::Complete) {
            let report = iam.get_credential_report().send().await.aws_optional(
                SERVICE,
                "GetCredentialReport",
                "account",
                &["ReportInProgress", "ReportNotPresent", "ReportExpired"],
            )?;
            if let Some(content) = report.and_then(|report| report.content) {
                return Ok(parse_report(&String::from_utf8_lossy(content.as_ref())));
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
    Err(Error::unexpected(
        SERVICE,
        "GetCredentialReport",
        format!("the credential report was not ready after {MAX_POLLS} polls"),
    ))
}

/// Parses the CSV of the report (no field of the columns used holds a comma).
pub fn parse_report(text: &str) -> Vec<CredentialReportRow> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let columns: Vec<&str> = header.split(',').collect();
    let index = |name: &str| columns.iter().position(|column| *column == name);
    let (user, password, mfa, key1, key2) = (
        index("user"),
        index("password_enabled"),
        index("mfa_active"),
        index("access_key_1_active"),
        index("access_key_2_active"),
    );
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let text = |at: Option<usize>| at.and_then(|i| fields.get(i)).copied().unwrap_or("");
            let flag = |at: Option<usize>| text(at) == "true";
            CredentialReportRow {
                user: text(user).to_string(),
                password_enabled: flag(password),
                mfa_active: flag(mfa),
                access_keys_active: [flag(key1), flag(key2)],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_root_row() {
        let rows = parse_report(
            "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n\
             <root_account>,arn:aws:iam::1:root,not_supported,false,true,false\n",
        );
        assert_eq!(rows[0].user, ROOT_USER_ROW);
        assert_eq!(rows[0].access_keys_active, [true, false]);
        assert!(!rows[0].mfa_active);
    }
}
