//! `smart`: the command-line tool of smart-rs.
//!
//! Today it prints the API catalog and the ontology document, converts RDF between formats,
//! validates patient files and generates sample patients. `serve`, `import` and the
//! management commands come with the storage, HTTP and CLI issues.

mod commands;
mod generate;
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
    /// Check a SMART Classic container (any vendor's) against the spec, or RDF files
    /// against the model: one line per check, then `N passed, N failed`; exit status 1 if
    /// anything failed.
    Verify(verify::VerifyArgs),
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
