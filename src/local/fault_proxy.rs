//! A fault-injecting HTTP proxy on loopback, between the SDK and the local endpoint: for a
//! chosen fraction of requests (decided by a seeded generator, so a run is reproducible) it
//! answers with throttling errors in the service's own protocol, HTTP 500 or 503, or resets the
//! connection; or, from a chosen request on, it cuts the network (before the request reaches the
//! endpoint, or after the endpoint executed it, so the client never learns the outcome). It can
//! also hold every request for a fixed time, standing in for the round trip to a real region
//! (the stack benchmark uses that).
//!
//! Used by the test suite (faults, cuts, denials) and the stack benchmark (latency); behind
//! the `local` feature with the endpoint it stands in front of.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;

use crate::error::{Error, Result};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

/// What the proxy does to which requests.
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    /// Seed of the generator that picks faulty requests and their kind.
    pub seed: u64,
    /// Fraction (0 to 1) of requests that get a fault instead of reaching the endpoint.
    pub fault_rate: f64,
    /// From this request number on (1-based), the network is cut.
    pub cut_after: Option<u64>,
    /// With `cut_after`, whether the request at the cut still reaches the endpoint (its answer
    /// is lost), as when a connection drops after the server acted.
    pub cut_after_forwarding: bool,
    /// Requests whose body contains this text are denied (HTTP 403, AccessDenied).
    pub deny_containing: Option<&'static str>,
    /// Requests whose path and query contain this text are denied (HTTP 403, AccessDenied):
    /// how a test fails one REST call by name, e.g. `?versioning` for GetBucketVersioning.
    pub deny_path_containing: Option<&'static str>,
    /// The first request whose path and query contain the text gets this HTTP 200 body instead
    /// of reaching the endpoint (later ones go through): a stale answer, as from a read that
    /// raced a write.
    pub answer_once: Option<(&'static str, &'static str)>,
    /// How long every request is held before it is forwarded.
    pub latency: std::time::Duration,
}

impl FaultPlan {
    /// Faults on `rate` of the requests, from `seed`.
    pub fn random(seed: u64, rate: f64) -> FaultPlan {
        FaultPlan {
            seed,
            fault_rate: rate,
            cut_after: None,
            cut_after_forwarding: false,
            deny_containing: None,
            deny_path_containing: None,
            answer_once: None,
            latency: std::time::Duration::ZERO,
        }
    }

    /// The network is cut at request `n` (which is lost before or after the endpoint acts).
    pub fn cut(n: u64, after_forwarding: bool) -> FaultPlan {
        FaultPlan {
            seed: 0,
            fault_rate: 0.0,
            cut_after: Some(n),
            cut_after_forwarding: after_forwarding,
            deny_containing: None,
            deny_path_containing: None,
            answer_once: None,
            latency: std::time::Duration::ZERO,
        }
    }

    /// Every request whose body contains `text` is denied; nothing else is touched.
    pub fn deny(text: &'static str) -> FaultPlan {
        FaultPlan {
            seed: 0,
            fault_rate: 0.0,
            cut_after: None,
            cut_after_forwarding: false,
            deny_containing: Some(text),
            deny_path_containing: None,
            answer_once: None,
            latency: std::time::Duration::ZERO,
        }
    }

    /// Every request whose path and query contain `text` is denied; nothing else is touched.
    pub fn deny_path(text: &'static str) -> FaultPlan {
        FaultPlan {
            deny_path_containing: Some(text),
            ..FaultPlan::random(0, 0.0)
        }
    }

    /// The first request whose path and query contain `text` is answered with `body`.
    pub fn answer_once(text: &'static str, body: &'static str) -> FaultPlan {
        FaultPlan {
            answer_once: Some((text, body)),
            ..FaultPlan::random(0, 0.0)
        }
    }

    /// No faults; every request is held `latency` before it is forwarded.
    pub fn latency(latency: std::time::Duration) -> FaultPlan {
        FaultPlan {
            latency,
            ..FaultPlan::random(0, 0.0)
        }
    }
}

/// Counts of what the proxy did.
#[derive(Debug, Default)]
pub struct FaultStats {
    /// Requests received.
    pub requests: AtomicU64,
    /// Requests answered with a throttling error.
    pub throttled: AtomicU64,
    /// Requests answered with HTTP 500 or 503.
    pub server_errors: AtomicU64,
    /// Connections reset instead of answered.
    pub resets: AtomicU64,
    /// Requests lost to the network cut.
    pub cut: AtomicU64,
    /// Requests denied or answered by path (`deny_path_containing`, `answer_once`).
    pub by_path: AtomicU64,
    /// Every request's method, path and query, in order (what a test asserts was never sent).
    pub seen: std::sync::Mutex<Vec<String>>,
}

impl FaultStats {
    /// Injected faults: throttles, server errors and resets.
    pub fn faults(&self) -> u64 {
        self.throttled.load(Ordering::SeqCst)
            + self.server_errors.load(Ordering::SeqCst)
            + self.resets.load(Ordering::SeqCst)
    }
}

/// A running proxy; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    /// What it did so far.
    pub stats: Arc<FaultStats>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (a loopback URL) on its own thread and runtime. Refuses
    /// an upstream that is not a loopback socket address.
    pub fn start(upstream: &str, plan: FaultPlan) -> Result<FaultProxy> {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .ok()
            .filter(|address: &SocketAddr| address.ip().is_loopback())
            .ok_or_else(|| {
                Error::Configuration(format!(
                    "fault proxy upstream {upstream:?}: the proxy forwards only to a loopback socket address such as http://127.0.0.1:5000"
                ))
            })?;
        let local = |error: std::io::Error| {
            Error::Configuration(format!("fault proxy: no loopback listener: {error}"))
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(local)?;
        listener.set_nonblocking(true).map_err(local)?;
        let address = listener.local_addr().map_err(local)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(local)?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(local)?
        };
        let stats = Arc::new(FaultStats::default());
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread_stats = Arc::clone(&stats);
        std::thread::spawn(move || {
            runtime.block_on(serve(listener, upstream, plan, thread_stats, stopped));
        });
        Ok(FaultProxy {
            address,
            stats,
            _shutdown: shutdown,
        })
    }

    /// The proxy's URL, to use as the SDK endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    upstream: SocketAddr,
    plan: FaultPlan,
    stats: Arc<FaultStats>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let counter = Arc::new(AtomicU64::new(0));
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let client = client.clone();
        let stats = Arc::clone(&stats);
        let counter = Arc::clone(&counter);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                handle(
                    request,
                    n,
                    upstream,
                    plan,
                    client.clone(),
                    Arc::clone(&stats),
                )
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// SplitMix64 of the seed and the request number: the same request number always gets the
/// same decision.
fn draw(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by the fault proxy")
    }
}

impl std::error::Error for Reset {}

async fn handle(
    request: Request<Incoming>,
    n: u64,
    upstream: SocketAddr,
    plan: FaultPlan,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    stats: Arc<FaultStats>,
) -> Result<Response<Full<Bytes>>, Reset> {
    stats.requests.fetch_add(1, Ordering::SeqCst);
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(|_| Reset)?.to_bytes();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    if let Ok(mut seen) = stats.seen.lock() {
        seen.push(format!("{} {target}", parts.method));
    }
    if plan
        .deny_path_containing
        .is_some_and(|text| target.contains(text))
    {
        stats.by_path.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new(Full::new(Bytes::from_static(
            b"<Error><Code>AccessDenied</Code><Message>denied by the fault proxy</Message><RequestId>denied</RequestId></Error>",
        )));
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Ok(response);
    }
    if let Some((text, answer)) = plan.answer_once
        && target.contains(text)
        && stats.by_path.fetch_add(1, Ordering::SeqCst) == 0
    {
        let mut response = Response::new(Full::new(Bytes::from_static(answer.as_bytes())));
        if let Ok(value) = hyper::header::HeaderValue::from_str("application/xml") {
            response
                .headers_mut()
                .insert(hyper::header::CONTENT_TYPE, value);
        }
        return Ok(response);
    }
    if plan
        .deny_containing
        .is_some_and(|text| String::from_utf8_lossy(&body).contains(text))
    {
        let mut response = Response::new(Full::new(Bytes::from_static(
            b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied by the fault proxy</Message></Error><RequestId>denied</RequestId></ErrorResponse>",
        )));
        *response.status_mut() = StatusCode::FORBIDDEN;
        return Ok(response);
    }
    let cut = plan.cut_after.is_some_and(|at| n >= at);
    if cut && !(plan.cut_after_forwarding && plan.cut_after == Some(n)) {
        stats.cut.fetch_add(1, Ordering::SeqCst);
        return Err(Reset);
    }
    if !cut && plan.fault_rate > 0.0 {
        let roll = draw(plan.seed, n);
        if (roll % 10_000) as f64 / 10_000.0 < plan.fault_rate {
            return match (roll >> 32) % 4 {
                0 => {
                    stats.throttled.fetch_add(1, Ordering::SeqCst);
                    Ok(throttle(&parts.headers, &body))
                }
                1 => {
                    stats.server_errors.fetch_add(1, Ordering::SeqCst);
                    Ok(status(StatusCode::INTERNAL_SERVER_ERROR))
                }
                2 => {
                    stats.server_errors.fetch_add(1, Ordering::SeqCst);
                    Ok(status(StatusCode::SERVICE_UNAVAILABLE))
                }
                _ => {
                    stats.resets.fetch_add(1, Ordering::SeqCst);
                    Err(Reset)
                }
            };
        }
    }
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let uri: hyper::Uri = format!("http://{upstream}{path}")
        .parse()
        .map_err(|_| Reset)?;
    let mut forward = Request::builder().method(parts.method.clone()).uri(uri);
    for (name, value) in &parts.headers {
        if name != hyper::header::HOST {
            forward = forward.header(name, value);
        }
    }
    let forward = forward
        .header(hyper::header::HOST, upstream.to_string())
        .body(Full::new(body))
        .map_err(|_| Reset)?;
    let response = client.request(forward).await.map_err(|_| Reset)?;
    if cut {
        // The endpoint acted; the client never hears about it.
        stats.cut.fetch_add(1, Ordering::SeqCst);
        return Err(Reset);
    }
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|_| Reset)?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}

/// A throttling error in the protocol the request speaks, so the SDK classifies it as one.
fn throttle(headers: &hyper::HeaderMap, body: &[u8]) -> Response<Full<Bytes>> {
    let text = String::from_utf8_lossy(body);
    let (code, content_type, payload) = if headers.contains_key("x-amz-target") {
        (
            StatusCode::BAD_REQUEST,
            "application/x-amz-json-1.1",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded (injected)"}"#.to_string(),
        )
    } else if text.contains("Version=2016-11-15") {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "text/xml",
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded (injected)</Message></Error></Errors><RequestID>injected</RequestID></Response>".to_string(),
        )
    } else if text.contains("Action=") {
        (
            StatusCode::BAD_REQUEST,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded (injected)</Message></Error><RequestId>injected</RequestId></ErrorResponse>".to_string(),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "application/xml",
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate (injected)</Message><RequestId>injected</RequestId></Error>".to_string(),
        )
    };
    let mut response = Response::new(Full::new(Bytes::from(payload)));
    *response.status_mut() = code;
    if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}
