//! `smart verify`: a conformance checker for any SMART Classic container, in the spirit
//! of the original API Verifier, and for RDF files offline.
//!
//! Output is one line per check (`PASS name: detail`, `FAIL name: reason`, plus `SKIP`
//! for checks this container or record cannot support and `NOTE` for information), then
//! `N passed, N failed`. The exit status is 1 if anything failed.
//!
//! | module | what |
//! |---|---|
//! | [`online`] | the checks against a running container |
//! | [`offline`] | `--file`: RDF files against the model |
//! | [`client`] | the OAuth 1.0a-signing HTTP client |
//! | [`rdf`] | reading responses: root element, response summaries, statements |
//! | [`report`] | the verdict lines and the count |

pub(crate) mod client;
mod offline;
mod online;
mod rdf;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use smart_rdf::validate::Mode;

/// The arguments of `smart verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The container's API base URL (e.g. http://localhost:8000), for online checks.
    #[arg(value_name = "BASE_URL", conflicts_with = "files")]
    base_url: Option<String>,
    /// The OAuth consumer key of an app registered with the container (its app id).
    #[arg(long, requires = "consumer_secret")]
    consumer_key: Option<String>,
    /// The app's consumer secret.
    // Secrets are base64url: one may start with `-` and must not read as a flag.
    #[arg(long, requires = "consumer_key", allow_hyphen_values = true)]
    consumer_secret: Option<String>,
    /// The record to check (default: the first record the container hands a background
    /// app).
    #[arg(long)]
    record: Option<String>,
    /// A 3-legged access token for --record; without it the app must be a background app
    /// and gets a token per record itself.
    #[arg(long, requires_all = ["token_secret", "record"])]
    token: Option<String>,
    /// The access token's secret.
    #[arg(long, requires = "token", allow_hyphen_values = true)]
    token_secret: Option<String>,
    /// The user the access token acts for (enables the user calls: preferences, get_user).
    #[arg(long)]
    user: Option<String>,
    /// Validate these RDF files offline instead (RDF/XML, Turtle, N-Triples, JSON-LD).
    #[arg(long = "file", value_name = "F", num_args = 1.., conflicts_with = "base_url")]
    files: Vec<PathBuf>,
    /// Accept the known defects of the original sample-patient generator (as warnings) in
    /// files. Online data is always checked this way unless --strict.
    #[arg(long, conflicts_with = "strict")]
    lenient: bool,
    /// Report the known generator defects as errors in online data too (files are checked
    /// strictly unless --lenient).
    #[arg(long)]
    strict: bool,
    /// Seconds to wait for each response.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
}

/// Runs `smart verify`.
pub(crate) fn run(args: VerifyArgs) -> Result<ExitCode> {
    let mut report = report::Report::new(std::io::stdout().lock());
    if !args.files.is_empty() {
        let mode = if args.lenient {
            Mode::Lenient
        } else {
            Mode::Strict
        };
        offline::run(&args.files, mode, &mut report);
    } else {
        let Some(base_url) = args.base_url else {
            bail!("give a BASE_URL to check a container, or --file F... to check RDF files");
        };
        let (Some(key), Some(secret)) = (args.consumer_key, args.consumer_secret) else {
            bail!("checking a container needs --consumer-key and --consumer-secret");
        };
        crate::warn_secret_argument(
            "--consumer-secret",
            "the credentials of an app registered only for this check",
        );
        let target = online::Target {
            base_url,
            consumer: client::Credentials {
                consumer_key: key,
                consumer_secret: smart_auth::Secret::new(secret),
                token: None,
            },
            record: args.record,
            token: args.token.map(|token| client::Token {
                token,
                secret: smart_auth::Secret::new(args.token_secret.unwrap_or_default()),
            }),
            user: args.user,
            mode: if args.strict {
                Mode::Strict
            } else {
                Mode::Lenient
            },
            timeout: Duration::from_secs(args.timeout),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        runtime.block_on(online::run(target, &mut report));
    }
    let failed = report.finish()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
