//! `smart`: the command-line tool of smart-rs.
//!
//! Tools that need no container: the API catalog, the ontology document, RDF conversion,
//! validation and sample-patient generation (`commands`, `generate`). Commands that work on
//! a container's stores open them through [`context`] (the same configuration the server
//! reads): `import`, `apps`, `users`, `records`, `audit`, `export`, `tokens`, and `reset`, which
//! wipes a data directory without opening it. `serve` runs the container and `call` sends
//! signed requests to one; `verify` checks files or a running container against the
//! specification.
//!
//! # Map
//!
//! | module | what |
//! |---|---|
//! | [`commands`] | catalog, ontology, conversion, validation |
//! | [`generate`] | sample patients to files |
//! | [`context`] | a container's stores, opened from the server's configuration |
//! | [`serve`] | configuration, the stored admin credential, the server |
//! | [`import`], [`records`], [`apps`], [`users`], [`audit`] | commands on a data directory |
//! | [`call`] | a signed request, like curl for SMART |
//! | [`verify`] | offline checks of files, online checks of a container |
//!
//! # Example
//!
//! ```text
//! smart generate --help
//! smart serve --help
//! ```
//!
//! See the crate's README for the command list.

/// `println!` that returns a closed pipe (`smart records list | head`) as an error
/// instead of panicking; `main` treats that error as success.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod apps;
mod audit;
mod call;
mod commands;
mod context;
mod generate;
mod import;
mod records;
mod serve;
mod users;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The smart-rs command line: a SMART Classic container and its tools.
#[derive(Debug, Parser)]
#[command(name = "smart", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command accepts (the container commands use them).
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The container's data directory [default: the configuration's `data_dir`, else
    /// ./smart-data; the environment variable SMART_DATA_DIR overrides the file].
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// The server configuration file (TOML), as `smart serve` reads it; SMART_*
    /// environment variables apply on top.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// More log output on stderr (-v: info, -vv: debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every REST API call of the catalog (method, path, target, filters).
    Catalog {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the ontology document served at /ontology.
    Ontology {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Rdfxml)]
        format: Format,
    },
    /// Convert an RDF file between formats (input format from the file extension).
    Convert {
        /// Input file.
        input: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Turtle)]
        to: Format,
    },
    /// Validate patient files against the SMART data model; exit status 1 if any has errors.
    ///
    /// Each file is checked as a whole-record file, as `smart import` reads it: statements
    /// without sp:belongsTo belong to the file's record (the digits of its name, or
    /// --record-id); a statement naming another record is an error. A file in a SMART
    /// vocabulary older than 0.6 gets one error naming the terms that show it.
    Validate {
        /// RDF files (RDF/XML, Turtle, N-Triples or JSON-LD, by extension).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Accept the known defects of the original sample-patient generator (as warnings).
        #[arg(long)]
        lenient: bool,
        /// Print warnings too, and the details behind an older-vocabulary error.
        #[arg(long)]
        warnings: bool,
        /// The record id, instead of the file name's digits (only with a single file).
        #[arg(long, value_name = "ID")]
        record_id: Option<String>,
    },
    /// Generate synthetic sample patients: `p<record id>.xml` files plus a folder of
    /// documents per patient, deterministic for a seed.
    Generate {
        /// How many patients.
        #[arg(long, default_value_t = 10)]
        patients: u64,
        /// The seed: the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Rdfxml)]
        format: Format,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Import patient files (RDF/XML, Turtle, N-Triples) into the container: validates
    /// each, stores each patient atomically with its documents, and ends with a summary.
    /// Exit status 1 if any file was rejected; a bad file never stops the others.
    ///
    /// The record id is the digits of the file name (`p967332.xml` is record 967332).
    /// Documents named by `sp:fileName` are read from `<DIR>/<record id>/<file name>`,
    /// where DIR is the file's own directory or --documents. Re-importing a file is
    /// idempotent.
    Import(import::ImportArgs),
    /// Manage registered apps.
    #[command(subcommand)]
    Apps(apps::AppsCommand),
    /// Print the access log: every record API call (time, result, call, user, app,
    /// record), newest first, filtered by the options.
    Audit(audit::AuditArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// List, show and delete patient records.
    #[command(subcommand)]
    Records(records::RecordsCommand),
    /// Export a record as RDF, with public IRIs under the configured public_url.
    Export {
        /// The record id.
        record: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Rdfxml)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Token housekeeping.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Run the container. On first start with an empty data directory it generates and
    /// loads sample patients. With --demo it also creates a demo user and a demo app (if
    /// missing) and prints their credentials and a command to try; never without it.
    /// Ctrl-C stops it gracefully.
    Serve {
        /// The address to listen on (e.g. 127.0.0.1:7000).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        /// The public base URL apps see (default: from the bind address).
        #[arg(long)]
        public_url: Option<String>,
        /// The address of the bundled apps' origin (default 127.0.0.1:7001; their public
        /// URL follows it unless `[apps] public_url` is set).
        #[arg(long)]
        apps_bind: Option<std::net::SocketAddr>,
        /// Log format on stderr.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
        /// Sample patients generated on first start.
        #[arg(long, default_value_t = 25)]
        sample_patients: u64,
        /// The generator's seed for the sample patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Create a demo user and a demo background app (if missing) and print their
        /// secrets: for trying smart-rs out, never for a production container.
        #[arg(long)]
        demo: bool,
    },
    /// Send one OAuth-signed request to a container and print the reply (curl for SMART):
    /// gets a background token for the record of the path unless --token is given.
    Call {
        /// The HTTP method (GET, POST, PUT, DELETE).
        method: String,
        /// The path below the API base, e.g. /records/123/medications/?limit=5.
        path: String,
        /// The app to call as (its id = consumer key).
        #[arg(long)]
        app: String,
        /// The record to get a background token for (default: from the path).
        #[arg(long)]
        record: Option<String>,
        /// The Accept header.
        #[arg(long)]
        accept: Option<String>,
        /// The container's API base (default: the configured public URL).
        #[arg(long)]
        url: Option<String>,
        /// The app's consumer secret (default: read from the container with the admin
        /// credential of the data directory).
        // Secrets are base64url: one may start with `-` and must not read as a flag.
        #[arg(long, allow_hyphen_values = true)]
        consumer_secret: Option<String>,
        /// An access token to use instead of a background token.
        #[arg(long, requires = "token_secret")]
        token: Option<String>,
        /// The access token's secret.
        #[arg(long, requires = "token", allow_hyphen_values = true)]
        token_secret: Option<String>,
        /// A request body from a file (`-` for standard input).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The body's Content-Type (default application/rdf+xml).
        #[arg(long)]
        content_type: Option<String>,
        /// Print the status line and headers before the body.
        #[arg(long, short = 'i')]
        include: bool,
    },
    /// Delete everything stored in the data directory (clinical data, accounts, apps,
    /// tokens, documents, generated secrets). Data kept in PostgreSQL or a remote SPARQL
    /// store is not touched.
    Reset {
        /// Do not ask for confirmation (required when standard input is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Check a SMART Classic container (any vendor's) against the spec, or RDF files
    /// against the model: one line per check, then `N passed, N failed`; exit status 1 if
    /// anything failed.
    Verify(verify::VerifyArgs),
}

/// How `serve` logs.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `smart tokens ...`
#[derive(Debug, Subcommand)]
enum TokensCommand {
    /// Delete expired tokens and nonces older than the timestamp window (expiry is
    /// enforced at every use anyway; this reclaims space).
    Cleanup,
}

/// An RDF serialization.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// RDF/XML
    Rdfxml,
    /// Turtle
    Turtle,
    /// N-Triples
    Ntriples,
    /// JSON-LD
    Jsonld,
}

impl From<Format> for smart_rdf::RdfFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Rdfxml => Self::RdfXml,
            Format::Turtle => Self::Turtle,
            Format::Ntriples => Self::NTriples,
            Format::Jsonld => Self::JsonLd,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs at info by default and can log JSON; it sets up its own logging.
    if !matches!(cli.command, Command::Serve { .. }) {
        init_logging(cli.global.verbose);
    }
    let global = &cli.global;
    let result = match cli.command {
        Command::Catalog { json } => commands::catalog(json),
        Command::Ontology { format } => commands::ontology(format.into()),
        Command::Convert { input, to } => commands::convert(&input, to.into()),
        Command::Validate {
            files,
            lenient,
            warnings,
            record_id,
        } => commands::validate(&files, lenient, warnings, record_id.as_deref()),
        Command::Generate {
            patients,
            seed,
            out,
            format,
            threads,
        } => generate::generate(patients, seed, &out, format.into(), threads),
        Command::Import(args) => import::run(global, &args),
        Command::Apps(command) => apps::run(global, command),
        Command::Audit(args) => audit::run(global, &args),
        Command::Users(command) => users::run(global, command),
        Command::Records(command) => records::run(global, command),
        Command::Export {
            record,
            format,
            out,
        } => records::export(global, &record, format.into(), out.as_deref()),
        Command::Tokens(TokensCommand::Cleanup) => records::tokens_cleanup(global),
        Command::Reset { yes } => records::reset(global, yes),
        Command::Serve {
            bind,
            public_url,
            apps_bind,
            log_format,
            sample_patients,
            seed,
            demo,
        } => serve::serve(serve::ServeOptions {
            config: global.config.clone(),
            data_dir: global.data_dir.clone(),
            bind,
            public_url,
            apps_bind,
            json_logs: matches!(log_format, LogFormat::Json),
            sample_patients,
            seed,
            demo,
        }),
        Command::Call {
            method,
            path,
            app,
            record,
            accept,
            url,
            consumer_secret,
            token,
            token_secret,
            data,
            content_type,
            include,
        } => call::call(call::CallOptions {
            method,
            path,
            app,
            record,
            accept,
            url,
            consumer_secret,
            token: token.zip(token_secret),
            data,
            content_type,
            include_headers: include,
            config: global.config.clone(),
            data_dir: global.data_dir.clone(),
        }),
        Command::Verify(args) => verify::run(args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`smart ontology | head`) is the reader's choice, not a failure.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("smart: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Warns (on stderr) that a secret was given as a command-line argument, where other
/// local users see it in the process list and the shell keeps it in its history.
pub(crate) fn warn_secret_argument(flag: &str, instead: &str) {
    eprintln!(
        "warning: {flag} puts a secret on the command line (visible to other local users in \
         the process list, kept in the shell history); prefer {instead}"
    );
}

/// Logs go to stderr, so that they never mix with a command's output.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
