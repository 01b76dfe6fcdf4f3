//! A local AWS endpoint for tests and examples: moto in server mode on loopback, installed on
//! first use into a cache folder and started on a free port.
//!
//! Nothing here ever points at a non-loopback address. The endpoint process ends with the
//! program that started it (it watches its standard input), unless it is detached on purpose.
//!
//! ```no_run
//! # async fn example() -> hipaa_aws::Result<()> {
//! use hipaa_aws::local::LocalEndpoint;
//! let endpoint = LocalEndpoint::start().await?;
//! let config = endpoint.sdk_config("us-east-1").await;
//! # Ok(()) }
//! ```

pub mod fault_proxy;
mod install;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::config::Credentials;
use aws_types::SdkConfig;

use crate::error::{Error, Result};

pub use install::{cache_dir, ensure_installed, MOTO_VERSION};

/// How long the endpoint may take to answer after it is started.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// The access key the local endpoint is called with (it accepts any).
pub const LOCAL_ACCESS_KEY: &str = "testing";

/// Options for starting the endpoint.
#[derive(Debug, Clone, Default)]
pub struct LocalEndpointOptions {
    /// Load the AWS managed IAM policies (slower IAM start; needed to audit attachments of
    /// managed policies).
    pub iam_managed_policies: bool,
    /// Keep running after this program exits (the example leaves what it made to inspect).
    pub detached: bool,
}

/// A running local endpoint.
#[derive(Debug)]
pub struct LocalEndpoint {
    address: SocketAddr,
    child: Option<Child>,
    log_path: PathBuf,
    detached: bool,
}

impl LocalEndpoint {
    /// Installs moto if needed and starts it on a free loopback port.
    pub async fn start() -> Result<LocalEndpoint> {
        Self::start_with(LocalEndpointOptions::default()).await
    }

    /// Like [`LocalEndpoint::start`], with options.
    pub async fn start_with(options: LocalEndpointOptions) -> Result<LocalEndpoint> {
        tokio::task::spawn_blocking(move || Self::start_blocking(&options))
            .await
            .map_err(|error| Error::LocalEndpoint(format!("the start task failed: {error}")))?
    }

    /// The blocking form of [`LocalEndpoint::start_with`].
    pub fn start_blocking(options: &LocalEndpointOptions) -> Result<LocalEndpoint> {
        let python = ensure_installed()?;
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port()?;
            let address = SocketAddr::from(([127, 0, 0, 1], port));
            let log_path = cache_dir()?.join(format!("moto-{port}.log"));
            let log = std::fs::File::create(&log_path).map_err(|error| {
                Error::LocalEndpoint(format!("cannot write {}: {error}", log_path.display()))
            })?;
            let log_err = log.try_clone().map_err(|error| {
                Error::LocalEndpoint(format!("cannot write {}: {error}", log_path.display()))
            })?;
            let script = write_launcher()?;
            let mut command = Command::new(&python);
            command.arg(&script).arg("--port").arg(port.to_string());
            if !options.detached {
                // The endpoint ends when this program's end of its stdin closes.
                command.arg("--watch-stdin");
            }
            command
                .stdin(if options.detached {
                    Stdio::null()
                } else {
                    Stdio::piped()
                })
                .stdout(log)
                .stderr(log_err)
                .env(
                    "MOTO_IAM_LOAD_MANAGED_POLICIES",
                    if options.iam_managed_policies {
                        "true"
                    } else {
                        "false"
                    },
                )
                .env_remove("AWS_ENDPOINT_URL");
            let child = command.spawn().map_err(|error| {
                Error::LocalEndpoint(format!("cannot start {}: {error}", python.display()))
            })?;
            let mut endpoint = LocalEndpoint {
                address,
                child: Some(child),
                log_path,
                detached: false,
            };
            match endpoint.wait_until_ready() {
                Ok(()) => {
                    // A detached endpoint outlives this program on purpose.
                    endpoint.detached = options.detached;
                    return Ok(endpoint);
                }
                Err(error) => last_error = error,
            }
        }
        Err(Error::LocalEndpoint(format!(
            "moto did not start after 3 attempts: {last_error}"
        )))
    }

    /// An endpoint already running at `url` (one left by an earlier run, or one named by
    /// `AWS_ENDPOINT_URL`), if something listens there. Only loopback URLs are accepted.
    pub fn existing(url: &str) -> Result<LocalEndpoint> {
        let address = parse_loopback_url(url)?;
        TcpStream::connect_timeout(&address, Duration::from_secs(2))
            .map_err(|error| Error::LocalEndpoint(format!("nothing answers at {url}: {error}")))?;
        Ok(LocalEndpoint {
            address,
            child: None,
            log_path: PathBuf::new(),
            detached: true,
        })
    }

    fn wait_until_ready(&mut self) -> std::result::Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut pause = Duration::from_millis(50);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!(
                    "the process exited with {status}; see {}",
                    self.log_path.display()
                ));
            }
            if http_status(self.address, "GET", "/moto-api/") == Some(200) {
                return Ok(());
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(500));
        }
        Err(format!(
            "no answer within {}s; see {}",
            STARTUP_TIMEOUT.as_secs(),
            self.log_path.display()
        ))
    }

    /// The endpoint URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The process id, when this handle started the process.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// True when the process outlives this handle (started detached, or found running).
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// Where the endpoint writes its log: warnings and errors, and one line per request only when
    /// `HIPAA_AWS_ENDPOINT_LOG_REQUESTS=1` was set for the process that started it.
    pub fn log_path(&self) -> &std::path::Path {
        &self.log_path
    }

    /// An SDK configuration for the endpoint's default account (123456789012) in `region`:
    /// static test credentials, nothing read from the environment or profiles.
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(self.url())
            .credentials_provider(Credentials::new(
                LOCAL_ACCESS_KEY,
                LOCAL_ACCESS_KEY,
                None,
                None,
                "hipaa-aws-local-endpoint",
            ))
            .load()
            .await
    }

    /// An SDK configuration for another account id, reached through STS AssumeRole (the
    /// endpoint keeps each account's resources apart), so tests can run side by side.
    pub async fn sdk_config_for_account(
        &self,
        account_id: &str,
        region: &str,
    ) -> Result<SdkConfig> {
        let base = self.sdk_config(region).await;
        let sts = aws_sdk_sts::Client::new(&base);
        let credentials = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account_id}:role/hipaa-aws-test"))
            .role_session_name("hipaa-aws-test")
            .send()
            .await
            .map_err(|error| {
                crate::aws_error::aws_error("sts", "AssumeRole", Some(account_id), error)
            })?
            .credentials
            .ok_or_else(|| Error::unexpected("sts", "AssumeRole", "no credentials"))?;
        Ok(base
            .into_builder()
            .credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(
                Credentials::new(
                    credentials.access_key_id(),
                    credentials.secret_access_key(),
                    Some(credentials.session_token().to_string()),
                    None,
                    "hipaa-aws-local-endpoint-assumed",
                ),
            ))
            .build())
    }

    /// Forgets every resource in every account (`POST /moto-api/reset`).
    pub fn reset(&self) -> Result<()> {
        match http_status(self.address, "POST", "/moto-api/reset") {
            Some(200) => Ok(()),
            other => Err(Error::LocalEndpoint(format!("reset answered {other:?}"))),
        }
    }

    /// Stops owning the process: it keeps running after this handle is dropped. Returns its
    /// pid, when this handle started it. (A process started without `detached` still ends when
    /// this program exits, because it watches its stdin.)
    pub fn detach(mut self) -> Option<u32> {
        self.detached = true;
        self.pid()
    }
}

impl Drop for LocalEndpoint {
    fn drop(&mut self) {
        if self.detached {
            return;
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            // A quiet run leaves an empty log: not kept, so the cache does not fill with one
            // file per run. A log with anything in it (a warning, a failed start) stays.
            if std::fs::metadata(&self.log_path).is_ok_and(|log| log.len() == 0) {
                let _ = std::fs::remove_file(&self.log_path);
            }
        }
    }
}

/// The launcher and its compatibility layer, one module per job (see `endpoint/server.py`),
/// written into the cache folder and run from there.
const LAUNCHER_MODULES: [(&str, &str); 8] = [
    ("server.py", include_str!("endpoint/server.py")),
    ("fixes.py", include_str!("endpoint/fixes.py")),
    (
        "missing_operations.py",
        include_str!("endpoint/missing_operations.py"),
    ),
    ("cbor.py", include_str!("endpoint/cbor.py")),
    ("rpc_v2.py", include_str!("endpoint/rpc_v2.py")),
    ("emulations.py", include_str!("endpoint/emulations.py")),
    ("speed.py", include_str!("endpoint/speed.py")),
    ("backup.py", include_str!("endpoint/backup.py")),
];

/// Writes the launcher's modules (only those that changed) and returns the path of its main
/// script. Each file is written to a temporary name first and renamed, so concurrent starts
/// never run a half-written module.
fn write_launcher() -> Result<PathBuf> {
    let folder = cache_dir()?.join(format!("hipaa_aws_endpoint-{MOTO_VERSION}"));
    std::fs::create_dir_all(&folder).map_err(|error| {
        Error::LocalEndpoint(format!("cannot create {}: {error}", folder.display()))
    })?;
    for (name, text) in LAUNCHER_MODULES {
        let path = folder.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
            continue;
        }
        let staging = path.with_extension(format!("py.{}", std::process::id()));
        std::fs::write(&staging, text)
            .and_then(|()| std::fs::rename(&staging, &path))
            .map_err(|error| {
                Error::LocalEndpoint(format!("cannot write {}: {error}", path.display()))
            })?;
    }
    Ok(folder.join("server.py"))
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|error| Error::LocalEndpoint(format!("no free loopback port: {error}")))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| Error::LocalEndpoint(format!("no free loopback port: {error}")))
}

/// Accepts only `http://127.0.0.1:<port>` and `http://localhost:<port>`.
fn parse_loopback_url(url: &str) -> Result<SocketAddr> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| Error::LocalEndpoint(format!("{url} is not an http:// URL")))?;
    let authority = rest.trim_end_matches('/');
    let (host, port) = authority
        .rsplit_once(':')
        .ok_or_else(|| Error::LocalEndpoint(format!("{url} has no port")))?;
    if host != "127.0.0.1" && host != "localhost" {
        return Err(Error::LocalEndpoint(format!(
            "{url} is not a loopback address; the local endpoint is only ever used on loopback"
        )));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| Error::LocalEndpoint(format!("{url} has no valid port")))?;
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}

/// The HTTP status of a bodiless request, or `None` when nothing answers.
fn http_status(address: SocketAddr, method: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request =
        format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0_u8; 32];
    let read = stream.read(&mut head).ok()?;
    let line = std::str::from_utf8(head.get(..read)?).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_accepted() {
        assert!(parse_loopback_url("http://127.0.0.1:5000").is_ok());
        assert!(parse_loopback_url("http://localhost:5000/").is_ok());
        assert!(parse_loopback_url("http://10.0.0.1:5000").is_err());
        assert!(parse_loopback_url("https://127.0.0.1:5000").is_err());
        assert!(parse_loopback_url("http://127.0.0.1").is_err());
    }
}
