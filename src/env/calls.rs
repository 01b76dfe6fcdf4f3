//! A record of every AWS API call the library makes: an SDK interceptor that counts calls and
//! attempts per operation and opens one tracing span per call.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use serde::Serialize;

/// Counts of API calls, by service and operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApiCallStats {
    /// Per `service:Operation`: how many calls (executions) were made.
    pub calls: BTreeMap<String, u64>,
    /// Per `service:Operation`: how many HTTP attempts were sent (calls plus retries).
    pub attempts: BTreeMap<String, u64>,
    /// Per `service:Operation`: how many calls ended in an error.
    pub failures: BTreeMap<String, u64>,
}

impl ApiCallStats {
    /// All calls.
    pub fn total(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Calls that may change something (anything but Get/List/Describe/Head/… reads).
    pub fn mutating(&self) -> u64 {
        self.calls
            .iter()
            .filter(|(operation, _)| is_mutating(operation))
            .map(|(_, count)| count)
            .sum()
    }

    /// The `service:Operation` names of the mutating calls made.
    pub fn mutating_operations(&self) -> Vec<String> {
        self.calls
            .keys()
            .filter(|operation| is_mutating(operation))
            .cloned()
            .collect()
    }

    /// All HTTP attempts, retries included.
    pub fn total_attempts(&self) -> u64 {
        self.attempts.values().sum()
    }

    /// The difference `self - earlier`, for counting the calls of one phase.
    pub fn since(&self, earlier: &ApiCallStats) -> ApiCallStats {
        fn subtract(
            now: &BTreeMap<String, u64>,
            then: &BTreeMap<String, u64>,
        ) -> BTreeMap<String, u64> {
            now.iter()
                .map(|(key, count)| {
                    (
                        key.clone(),
                        count - then.get(key).copied().unwrap_or(0).min(*count),
                    )
                })
                .filter(|(_, count)| *count > 0)
                .collect()
        }
        ApiCallStats {
            calls: subtract(&self.calls, &earlier.calls),
            attempts: subtract(&self.attempts, &earlier.attempts),
            failures: subtract(&self.failures, &earlier.failures),
        }
    }
}

/// True for operations that may change state. Reads are recognised by their verb.
pub fn is_mutating(operation: &str) -> bool {
    let name = operation.rsplit(':').next().unwrap_or(operation);
    const READ_VERBS: [&str; 7] = [
        "Get", "List", "Describe", "Head", "Lookup", "Search", "Select",
    ];
    !READ_VERBS.iter().any(|verb| name.starts_with(verb))
}

/// The shared log; cloning shares it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiCallLog {
    stats: Arc<Mutex<ApiCallStats>>,
}

impl ApiCallLog {
    pub(crate) fn snapshot(&self) -> ApiCallStats {
        match self.stats.lock() {
            Ok(stats) => stats.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn bump(
        &self,
        pick: impl FnOnce(&mut ApiCallStats) -> &mut BTreeMap<String, u64>,
        key: String,
    ) {
        let mut guard = match self.stats.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *pick(&mut guard).entry(key).or_insert(0) += 1;
    }
}

/// The tracing span of one call, kept in the config bag between hooks.
#[derive(Debug, Clone)]
struct CallSpan(tracing::Span);

impl Storable for CallSpan {
    type Storer = StoreReplace<Self>;
}

/// The interceptor added to every client the [`Environment`](crate::Environment) makes.
#[derive(Debug, Clone)]
pub(crate) struct CallRecorder {
    log: ApiCallLog,
}

impl CallRecorder {
    pub(crate) fn new(log: ApiCallLog) -> Self {
        CallRecorder { log }
    }
}

fn operation_key(cfg: &ConfigBag) -> String {
    match cfg.load::<Metadata>() {
        Some(metadata) => format!("{}:{}", metadata.service().to_lowercase(), metadata.name()),
        None => "unknown:Unknown".to_string(),
    }
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "hipaa_aws::CallRecorder"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let key = operation_key(cfg);
        let (service, operation) = key.split_once(':').unwrap_or(("unknown", "Unknown"));
        let span = tracing::debug_span!("aws_call", service, operation);
        span.in_scope(|| tracing::debug!("calling"));
        let mut layer = aws_smithy_types::config_bag::Layer::new("hipaa_aws_call_span");
        layer.store_put(CallSpan(span));
        cfg.push_layer(layer);
        self.log.bump(|stats| &mut stats.calls, key);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.log
            .bump(|stats| &mut stats.attempts, operation_key(cfg));
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let failed = matches!(context.output_or_error(), Some(Err(_)));
        if failed {
            self.log
                .bump(|stats| &mut stats.failures, operation_key(cfg));
        }
        if let Some(CallSpan(span)) = cfg.load::<CallSpan>() {
            let status = context
                .response()
                .map(|response| response.status().as_u16());
            span.in_scope(|| tracing::debug!(?status, failed, "finished"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_not_mutating_and_writes_are() {
        assert!(!is_mutating("s3:GetBucketPolicy"));
        assert!(!is_mutating("kms:ListAliases"));
        assert!(!is_mutating("s3:HeadBucket"));
        assert!(!is_mutating("sts:GetCallerIdentity"));
        assert!(is_mutating("s3:PutBucketPolicy"));
        assert!(is_mutating("kms:CreateKey"));
        assert!(is_mutating("kms:EnableKeyRotation"));
    }

    #[test]
    fn since_subtracts_per_operation() {
        let mut before = ApiCallStats::default();
        before.calls.insert("s3:PutBucketPolicy".into(), 2);
        let mut after = before.clone();
        after.calls.insert("s3:PutBucketPolicy".into(), 3);
        after.calls.insert("s3:GetBucketPolicy".into(), 4);
        let delta = after.since(&before);
        assert_eq!(delta.total(), 5);
        assert_eq!(delta.mutating(), 1);
    }
}
