//! `smart`: the command-line tool of smart-rs.
//!
//! Today it prints the API catalog and the ontology document, converts RDF between formats,
//! validates patient files and generates sample patients. `serve`, `import` and the
//! management commands come with the storage, HTTP and CLI issues.

mod call;
mod commands;
mod generate;
mod serve;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// The smart-rs command line: a SMART Classic container and its tools.
#[derive(Debug, Parser)]
#[command(name = "smart", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    Validate {
        /// RDF files (RDF/XML, Turtle, N-Triples or JSON-LD, by extension).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Accept the known defects of the original sample-patient generator (as warnings).
        #[arg(long)]
        lenient: bool,
        /// Print warnings too.
        #[arg(long)]
        warnings: bool,
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
    /// Run the container. On first start with an empty data directory it generates and
    /// loads sample patients, creates a demo user and a demo app, and prints their
    /// credentials.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// The address to listen on (e.g. 127.0.0.1:7000).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        /// The public base URL apps see (default: from the bind address).
        #[arg(long)]
        public_url: Option<String>,
        /// Log format on stderr.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
        /// Sample patients generated on first start.
        #[arg(long, default_value_t = 25)]
        sample_patients: u64,
        /// The generator's seed for the sample patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Send one OAuth-signed request to a container and print the reply (curl for SMART).
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
        #[arg(long)]
        consumer_secret: Option<String>,
        /// An access token to use instead of a background token.
        #[arg(long, requires = "token_secret")]
        token: Option<String>,
        /// The access token's secret.
        #[arg(long, requires = "token")]
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
        #[command(flatten)]
        store: StoreArgs,
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

/// Options every command that opens the stores takes.
#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// The configuration file (TOML; see the smart-http `config` docs; `SMART_*` variables override it).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The data directory (default `./smart-data`, or `SMART_DATA_DIR`).
    #[arg(long)]
    data_dir: Option<PathBuf>,
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
    let result = match cli.command {
        Command::Catalog { json } => commands::catalog(json),
        Command::Ontology { format } => commands::ontology(format.into()),
        Command::Convert { input, to } => commands::convert(&input, to.into()),
        Command::Validate {
            files,
            lenient,
            warnings,
        } => commands::validate(&files, lenient, warnings),
        Command::Generate {
            patients,
            seed,
            out,
            format,
            threads,
        } => generate::generate(patients, seed, &out, format.into(), threads),
        Command::Serve {
            store,
            bind,
            public_url,
            log_format,
            sample_patients,
            seed,
        } => serve::serve(serve::ServeOptions {
            config: store.config,
            data_dir: store.data_dir,
            bind,
            public_url,
            json_logs: matches!(log_format, LogFormat::Json),
            sample_patients,
            seed,
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
            store,
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
            config: store.config,
            data_dir: store.data_dir,
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
