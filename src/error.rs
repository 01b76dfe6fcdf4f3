//! The crate's one error type and the violations a refused spec carries.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::controls::{format_citations, Citation, ControlId};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A spec breaks one or more controls; every violation is listed.
    #[error("refused: {0}")]
    Invalid(Violations),

    /// An AWS call failed: one line naming the service, operation, AWS code, message and
    /// request id. The SDK error (with its debug dump) is the `source()`.
    #[error(transparent)]
    Aws(Box<AwsError>),

    /// Live state forbids the change: a name owned by someone else, a resource another stack
    /// manages, a key that cannot be used.
    #[error("conflict on {resource}: {reason}")]
    Conflict {
        /// The resource in question.
        resource: String,
        /// What is in the way.
        reason: String,
    },

    /// The change was refused by a safety rule of this library (for instance, a replacement or
    /// a deletion without the caller's explicit consent). Nothing was changed.
    #[error("refused on {resource}: {reason} [{control}; {citations}]", citations = format_citations(control.citations()))]
    Refused {
        /// The resource in question.
        resource: String,
        /// Why it was refused and how to consent.
        reason: String,
        /// The control the refusal protects.
        control: ControlId,
    },

    /// The stack as composed cannot be planned (a missing dependency, a duplicate id, a cycle).
    #[error("stack {stack}: {reason}")]
    Stack {
        /// The stack's name.
        stack: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The AWS configuration (credentials, region, endpoint) could not be loaded.
    #[error("AWS configuration: {0}")]
    Configuration(String),

    /// The local AWS endpoint could not be installed or started.
    #[error("local AWS endpoint: {0}")]
    LocalEndpoint(String),

    /// A request could not be built from the values given (for instance a required field that
    /// came out empty). Nothing was sent.
    #[error("could not build the {service} {operation} request: {detail}")]
    Request {
        /// The service, e.g. `kms`.
        service: &'static str,
        /// The operation, e.g. `TagResource`.
        operation: &'static str,
        /// What was wrong.
        detail: String,
    },

    /// AWS answered with something this library could not interpret.
    #[error("unexpected response from {service} {operation}: {detail}")]
    UnexpectedResponse {
        /// The service, e.g. `s3`.
        service: &'static str,
        /// The operation, e.g. `GetBucketPolicy`.
        operation: &'static str,
        /// What was wrong with it.
        detail: String,
    },
}

impl Error {
    /// The violations, when this is [`Error::Invalid`].
    pub fn violations(&self) -> Option<&Violations> {
        match self {
            Error::Invalid(violations) => Some(violations),
            _ => None,
        }
    }

    /// The AWS failure, when this is [`Error::Aws`].
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            Error::Aws(error) => Some(error),
            _ => None,
        }
    }

    // Used by every service module that tags or builds requests; every feature that has one
    // implies `kms` or `iam`.
    #[cfg_attr(not(any(feature = "kms", feature = "iam")), allow(dead_code))]
    pub(crate) fn request(
        service: &'static str,
        operation: &'static str,
    ) -> impl FnOnce(aws_smithy_types::error::operation::BuildError) -> Error {
        move |error| Error::Request {
            service,
            operation,
            detail: error.to_string(),
        }
    }

    pub(crate) fn unexpected(
        service: &'static str,
        operation: &'static str,
        detail: impl Into<String>,
    ) -> Error {
        Error::UnexpectedResponse {
            service,
            operation,
            detail: detail.into(),
        }
    }
}

/// An AWS call that failed: which service and operation, the AWS error code and message, and the
/// request id to quote to AWS support. The SDK error is the `source()`.
#[derive(Debug)]
pub struct AwsError {
    /// The service, e.g. `s3`.
    pub service: &'static str,
    /// The operation, e.g. `PutBucketEncryption`.
    pub operation: &'static str,
    /// The AWS error code, e.g. `AccessDenied`; for failures before AWS answered, the kind of
    /// failure (`DispatchFailure`, `TimeoutError`, …).
    pub code: String,
    /// The AWS error message.
    pub message: String,
    /// The request id, when AWS answered.
    pub request_id: Option<String>,
    /// The resource the call was about, when known.
    pub resource: Option<String>,
    pub(crate) source: Box<dyn std::error::Error + Send + Sync + 'static>,
}

impl AwsError {
    /// True when AWS denied the call (an authorization failure rather than a fault).
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code.as_str(),
            "AccessDenied"
                | "AccessDeniedException"
                | "UnauthorizedOperation"
                | "AuthorizationError"
                | "UnauthorizedAccess"
                | "AuthFailure"
                | "Forbidden"
        )
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AWS {} {} failed", self.service, self.operation)?;
        if let Some(resource) = &self.resource {
            write!(f, " for {resource}")?;
        }
        write!(f, ": {}: {}", self.code, self.message)?;
        match &self.request_id {
            Some(id) => write!(f, " (request id {id})"),
            None => write!(f, " (no request id: AWS was not reached)"),
        }
    }
}

impl std::error::Error for AwsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// One reason a spec (or live state) breaks a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The resource, e.g. `s3 bucket "acme-phi"`.
    pub resource: String,
    /// The setting, e.g. `lifecycle.expiration_days`.
    pub setting: String,
    /// The control broken.
    pub control: ControlId,
    /// Why, in one line.
    pub reason: String,
}

impl Violation {
    /// A violation of `control` by `setting` of `resource`.
    pub fn new(
        resource: impl Into<String>,
        setting: impl Into<String>,
        control: ControlId,
        reason: impl Into<String>,
    ) -> Violation {
        Violation {
            resource: resource.into(),
            setting: setting.into(),
            control,
            reason: reason.into(),
        }
    }

    /// The HIPAA citations of the control broken.
    pub fn citations(&self) -> &'static [Citation] {
        self.control.citations()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} [{}; {}]",
            self.resource,
            self.setting,
            self.reason,
            self.control,
            format_citations(self.citations())
        )
    }
}

/// A non-empty list of violations, all those found at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// `None` when the list is empty.
    pub fn from_vec(violations: Vec<Violation>) -> Option<Violations> {
        if violations.is_empty() {
            None
        } else {
            Some(Violations(violations))
        }
    }

    /// `Ok(())` for an empty list, else [`Error::Invalid`] with all of them.
    pub fn into_result(violations: Vec<Violation>) -> Result<()> {
        match Self::from_vec(violations) {
            None => Ok(()),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }

    /// The violations, never empty.
    pub fn as_slice(&self) -> &[Violation] {
        &self.0
    }

    /// How many there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: the list is never empty. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The distinct controls broken, in order of first appearance.
    pub fn controls(&self) -> Vec<ControlId> {
        let mut controls = Vec::new();
        for violation in &self.0 {
            if !controls.contains(&violation.control) {
                controls.push(violation.control);
            }
        }
        controls
    }

    /// True when some violation breaks `control`.
    pub fn contains(&self, control: ControlId) -> bool {
        self.0.iter().any(|v| v.control == control)
    }

    /// Iterates over the violations.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(f, "{count} violation{}", if count == 1 { "" } else { "s" })?;
        for violation in &self.0 {
            write!(f, "\n  - {violation}")?;
        }
        Ok(())
    }
}
