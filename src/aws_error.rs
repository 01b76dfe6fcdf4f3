//! Turning SDK errors into [`Error::Aws`] with the service, operation, AWS code, message and
//! request id, keeping the SDK error as the `source()`.

// With no service feature enabled only the STS call of the environment uses these helpers.
#![cfg_attr(
    not(any(
        feature = "kms",
        feature = "s3",
        feature = "ec2",
        feature = "iam",
        feature = "logs",
        feature = "cloudtrail",
        feature = "cloudwatch",
        feature = "rds",
        feature = "config",
        feature = "securityhub",
        feature = "guardduty"
    )),
    allow(dead_code)
)]

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::request_id::RequestId;

use crate::error::{AwsError, Error, Result};

/// Builds the crate error for a failed SDK call.
pub(crate) fn aws_error<E>(
    service: &'static str,
    operation: &'static str,
    resource: Option<&str>,
    error: SdkError<E, HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(str::to_string).unwrap_or_else(|| {
        match &error {
            SdkError::ConstructionFailure(_) => "ConstructionFailure",
            SdkError::TimeoutError(_) => "TimeoutError",
            SdkError::DispatchFailure(_) => "DispatchFailure",
            SdkError::ResponseError(_) => "ResponseError",
            SdkError::ServiceError(_) => "UnknownServiceError",
            _ => "UnknownError",
        }
        .to_string()
    });
    let message = match error.message() {
        Some(message) => one_line(message),
        None => error_chain(&error),
    };
    let request_id = error.request_id().map(str::to_string);
    Error::Aws(Box::new(AwsError {
        service,
        operation,
        code,
        message,
        request_id,
        resource: resource.map(str::to_string),
        source: Box::new(error),
    }))
}

/// The longest message an [`AwsError`] keeps; the whole error stays its `source()`.
pub(crate) const MAX_MESSAGE_CHARS: usize = 240;

/// Text on one line: runs of whitespace (newlines included) become one space, and text past
/// [`MAX_MESSAGE_CHARS`] is cut with an ellipsis.
pub(crate) fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= MAX_MESSAGE_CHARS {
        joined
    } else {
        let cut: String = joined.chars().take(MAX_MESSAGE_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// The messages of an error and its sources, `: `-separated on one line: what
/// `DisplayErrorContext` says, without the debug dump it appends.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(text)) {
            parts.push(text.to_string());
        }
        current = error.source();
    }
    one_line(&parts.join(": "))
}

/// The AWS error code of a failed call, if AWS answered with one.
pub(crate) fn error_code<E: ProvideErrorMetadata>(
    error: &SdkError<E, HttpResponse>,
) -> Option<&str> {
    error.code()
}

/// Adds `.aws(...)` and `.aws_optional(...)` to SDK call results.
pub(crate) trait AwsResultExt<T> {
    /// Maps a failure to [`Error::Aws`].
    fn aws(self, service: &'static str, operation: &'static str, resource: &str) -> Result<T>;

    /// Maps the listed "does not exist" error codes to `Ok(None)`, other failures to
    /// [`Error::Aws`].
    fn aws_optional(
        self,
        service: &'static str,
        operation: &'static str,
        resource: &str,
        missing_codes: &[&str],
    ) -> Result<Option<T>>;
}

impl<T, E> AwsResultExt<T> for std::result::Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn aws(self, service: &'static str, operation: &'static str, resource: &str) -> Result<T> {
        self.map_err(|error| aws_error(service, operation, Some(resource), error))
    }

    fn aws_optional(
        self,
        service: &'static str,
        operation: &'static str,
        resource: &str,
        missing_codes: &[&str],
    ) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                let missing = error_code(&error).is_some_and(|code| missing_codes.contains(&code))
                    || (missing_codes.contains(&"404") && is_http_status(&error, 404));
                if missing {
                    Ok(None)
                } else {
                    Err(aws_error(service, operation, Some(resource), error))
                }
            }
        }
    }
}

/// True when AWS answered with this HTTP status (for errors without a code, such as S3 HEAD).
fn is_http_status<E>(error: &SdkError<E, HttpResponse>, status: u16) -> bool {
    error
        .raw_response()
        .is_some_and(|response| response.status().as_u16() == status)
}

#[cfg(test)]
mod tests {
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::{aws_error, MAX_MESSAGE_CHARS};

    fn assert_one_line(text: &str) {
        assert!(!text.contains('\n'), "more than one line: {text}");
        assert!(
            !text.contains("SdkError") && !text.contains("ConnectorError {"),
            "debug dump: {text}"
        );
    }

    #[test]
    fn a_dispatch_failure_displays_on_one_line_and_keeps_the_dump_in_debug() {
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)\n    while connecting",
        );
        let sdk: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let error = aws_error("sts", "GetCallerIdentity", Some("account"), sdk);
        let text = error.to_string();
        assert_one_line(&text);
        assert!(
            text.starts_with("AWS sts GetCallerIdentity failed for account: DispatchFailure: "),
            "{text}"
        );
        assert!(
            text.contains("Connection refused (os error 111) while connecting"),
            "{text}"
        );
        assert!(
            text.ends_with("(no request id: AWS was not reached)"),
            "{text}"
        );
        assert!(
            format!("{error:?}").contains("ConnectorError"),
            "the dump left Debug"
        );
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn a_service_error_names_code_message_and_request_id_on_one_line() {
        let long_message = format!(
            "User is not authorized\nto perform sts:GetCallerIdentity {}",
            "x".repeat(600)
        );
        let meta = ErrorMetadata::builder()
            .code("AccessDenied")
            .message(long_message)
            .build();
        let mut response = HttpResponse::new(
            StatusCode::try_from(403_u16).unwrap_or_else(|e| panic!("{e}")),
            SdkBody::from("<ErrorResponse>raw body marker</ErrorResponse>"),
        );
        response.headers_mut().insert("x-amzn-requestid", "req-123");
        let sdk = SdkError::service_error(GetCallerIdentityError::generic(meta), response);
        let error = aws_error("sts", "GetCallerIdentity", None, sdk);
        let text = error.to_string();
        assert_one_line(&text);
        assert!(
            text.starts_with(
                "AWS sts GetCallerIdentity failed: AccessDenied: User is not authorized to perform"
            ),
            "{text}"
        );
        assert!(text.ends_with("(request id req-123)"), "{text}");
        assert!(!text.contains("raw body marker"), "{text}");
        let message = error
            .aws()
            .map(|aws| aws.message.chars().count())
            .unwrap_or(0);
        assert_eq!(message, MAX_MESSAGE_CHARS, "the message is cut to its cap");
        assert!(
            format!("{error:?}").contains("raw body marker"),
            "the raw response left Debug"
        );
    }
}
