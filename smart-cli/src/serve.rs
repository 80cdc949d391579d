//! `smart serve`: the reference container on the embedded default, with sample patients
//! loaded on first start, and (only with `--demo`) a demo user and a demo app.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use smart_http::{Container, ServerConfig};
use smart_samples::Generator;
use smart_store::import::{self, MemoryDocuments, Validation};

/// The options of `smart serve`.
#[derive(Debug)]
pub(crate) struct ServeOptions {
    pub(crate) config: Option<PathBuf>,
    pub(crate) data_dir: Option<PathBuf>,
    pub(crate) bind: Option<SocketAddr>,
    pub(crate) public_url: Option<String>,
    pub(crate) apps_bind: Option<SocketAddr>,
    pub(crate) json_logs: bool,
    pub(crate) sample_patients: u64,
    pub(crate) seed: u64,
    /// Create the demo user and app (if missing) and print their secrets.
    pub(crate) demo: bool,
}

/// The demo background app `smart serve --demo` registers.
pub(crate) const DEMO_APP: &str = "demo-background@apps.smart-rs.local";
/// The demo user `smart serve --demo` creates.
pub(crate) const DEMO_USER: &str = "demo@smart-rs.local";

/// Loads the configuration with the command-line overrides applied.
pub(crate) fn load_config(
    config: Option<&Path>,
    data_dir: Option<&Path>,
    bind: Option<SocketAddr>,
    public_url: Option<&str>,
) -> Result<ServerConfig> {
    let (mut c, warnings) = ServerConfig::load_with_warnings(config)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if let Some(dir) = data_dir {
        c.data_dir = dir.to_owned();
    }
    if let Some(bind) = bind {
        // Without an explicit public URL, the public URL follows the bind address (the
        // usual case on a developer machine).
        if public_url.is_none() && c.public_url == ServerConfig::default().public_url {
            let host = if bind.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                bind.ip().to_string()
            };
            c.public_url = format!("http://{host}:{}", bind.port());
        }
        c.bind = bind;
    }
    if let Some(url) = public_url {
        c.public_url = url.to_owned();
    }
    c.check()?;
    Ok(c)
}

pub(crate) fn serve(options: ServeOptions) -> Result<ExitCode> {
    init_logging(options.json_logs);
    let mut config = load_config(
        options.config.as_deref(),
        options.data_dir.as_deref(),
        options.bind,
        options.public_url.as_deref(),
    )?;
    if let Some(bind) = options.apps_bind {
        // As for the API: without an explicit public URL, it follows the bind address.
        if config.apps.public_url == smart_http::config::AppsConfig::default().public_url {
            let host = if bind.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                bind.ip().to_string()
            };
            config.apps.public_url = format!("http://{host}:{}", bind.port());
        }
        config.apps.bind = bind;
        config.check()?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(config, &options))?;
    Ok(ExitCode::SUCCESS)
}

async fn run(config: ServerConfig, options: &ServeOptions) -> Result<()> {
    let fresh = is_empty_dir(&config.data_dir)?;
    let bind = config.bind;
    let base = config.api_base().to_owned();
    let data_dir = config.data_dir.clone();
    let container = Arc::new(
        Container::open(config)
            .await
            .with_context(|| format!("cannot open the stores under {}", data_dir.display()))?,
    );
    // Bind before generating data, so a port clash fails fast.
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let first_start = if fresh && container.clinical().record_ids().await?.is_empty() {
        Some(first_start(&container, options).await?)
    } else {
        None
    };
    let demo = if options.demo {
        Some(ensure_demo(&container).await?)
    } else {
        None
    };
    let apps = start_apps(&container).await?;
    let call_flags = call_flags(options, &base);
    print_banner(
        &base,
        &data_dir,
        &container,
        first_start,
        demo.as_ref(),
        &call_flags,
    )
    .await?;
    tracing::info!(%bind, "serving");
    let (stop_apps, apps_stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
        let _ = stop_apps.send(());
    };
    let apps_task = apps.map(|listener| {
        tokio::spawn(smart_http::apps::serve(
            container.clone(),
            listener,
            async {
                let _ = apps_stopped.await;
            },
        ))
    });
    let served = smart_http::serve(container.clone(), listener, shutdown).await;
    if let Some(task) = apps_task {
        match task.await {
            Ok(Err(e)) => tracing::warn!(error = %e, "the apps origin failed"),
            Err(e) => tracing::warn!(error = %e, "the apps origin failed"),
            Ok(Ok(())) => {}
        }
    }
    container.close().await;
    served.context("the server failed")
}

/// The bundled apps: registered (or updated, or switched off when `[apps] enabled` is
/// false) and, when on, their origin's listener.
async fn start_apps(container: &Container) -> Result<Option<tokio::net::TcpListener>> {
    let config = container.config().apps.clone();
    let listener = if config.enabled {
        Some(
            tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| {
                    format!("cannot listen on {} for the bundled apps", config.bind)
                })?,
        )
    } else {
        None
    };
    let done = smart_http::apps::register_bundled(container).await?;
    for (id, outcome) in done {
        tracing::debug!(app = id, ?outcome, "bundled app");
    }
    Ok(listener)
}

/// The demo user and app as `--demo` found or created them; the secrets only when
/// created now (they are printed once).
#[derive(Debug, Default)]
struct Demo {
    password: Option<String>,
    consumer_secret: Option<String>,
}

/// Generates and imports sample patients; returns how many.
async fn first_start(container: &Container, options: &ServeOptions) -> Result<usize> {
    let generator = Generator::new(options.seed);
    let bar = ProgressBar::new(options.sample_patients);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("loading sample patients");
    for index in 0..options.sample_patients {
        let patient = generator.generate_patient(index);
        let record = RecordId::new(&patient.record_id)?;
        let mut documents = MemoryDocuments::new();
        for d in &patient.documents {
            documents.insert(
                d.file_name.clone(),
                Some(d.content_type.to_owned()),
                d.bytes.clone(),
            );
        }
        let prepared = import::prepare(&patient.graph, record, Validation::Strict, &documents)
            .with_context(|| format!("sample patient {}", patient.record_id))?;
        import::commit(
            container.clinical().as_ref(),
            container.directory().as_ref(),
            container.blobs().as_ref(),
            &prepared,
        )
        .await
        .with_context(|| format!("storing sample patient {}", patient.record_id))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(usize::try_from(options.sample_patients).unwrap_or(usize::MAX))
}

/// `--demo`: creates the demo user and the demo app unless they exist.
async fn ensure_demo(container: &Container) -> Result<Demo> {
    let admin = container.local_admin().await?;
    let provider = container.provider();
    let mut demo = Demo::default();
    let user = smart_auth::UserId::new(DEMO_USER)?;
    if provider
        .stores()
        .accounts
        .get_account(&user)
        .await?
        .is_none()
    {
        let password = random_token(12)?;
        provider
            .create_account(&admin, DEMO_USER, Some(&password), false)
            .await
            .context("creating the demo user")?;
        demo.password = Some(password);
    }
    let app = smart_auth::AppId::new(DEMO_APP)?;
    if provider.stores().apps.get_app(&app).await?.is_none() {
        let manifest = AppManifest::from_json(
            &serde_json::json!({
                "name": "Demo background app",
                "description": "Created by `smart serve --demo`: reads any record with a per-record token.",
                "author": "smart-rs",
                "id": DEMO_APP,
                "version": "1.0",
                "mode": "background",
                "scope": "record",
            })
            .to_string(),
        )?;
        let credentials = provider
            .register_app(&admin, manifest)
            .await
            .context("registering the demo app")?;
        demo.consumer_secret = Some(credentials.consumer_secret.expose().to_owned());
    }
    Ok(demo)
}

/// The flags `smart call` needs to reach this server, as `serve` was started: the same
/// configuration file and data directory (where the credentials are), and the URL when
/// `serve`'s own flags moved it away from what the configuration says.
fn call_flags(options: &ServeOptions, base: &str) -> String {
    let quoted = |p: &Path| {
        let s = p.display().to_string();
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@".contains(c))
        {
            s
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut flags = String::new();
    if let Some(config) = &options.config {
        flags.push_str(&format!(" --config {}", quoted(config)));
    }
    if let Some(dir) = &options.data_dir {
        flags.push_str(&format!(" --data-dir {}", quoted(dir)));
    }
    let configured = load_config(
        options.config.as_deref(),
        options.data_dir.as_deref(),
        None,
        None,
    )
    .map(|c| c.api_base().to_owned());
    if configured.ok().as_deref() != Some(base) {
        flags.push_str(&format!(" --url {base}"));
    }
    flags
}

async fn print_banner(
    base: &str,
    data_dir: &Path,
    container: &Container,
    first_start: Option<usize>,
    demo: Option<&Demo>,
    call_flags: &str,
) -> Result<()> {
    let records = container.clinical().record_ids().await?;
    let example = records.first().map_or("RECORD_ID", RecordId::as_str);
    println!("smart-rs container listening at {base}");
    println!(
        "  data directory: {} ({} records)",
        data_dir.display(),
        records.len()
    );
    if demo.is_some() {
        println!("  web UI:         {base}/  (sign in with an account, e.g. the demo user)");
    } else {
        println!("  web UI:         {base}/  (sign in with an account: smart users create EMAIL)");
    }
    let apps = &container.config().apps;
    if apps.enabled {
        println!(
            "  bundled apps:   {}/  ({} apps, shown in the web UI's sidebar)",
            apps.base(),
            smart_http::apps::BUNDLED.len()
        );
    }
    println!("  manifest:       curl {base}/manifest");
    if let Some(patients) = first_start {
        println!();
        println!("First start: {patients} sample patients generated and loaded.");
    }
    if let Some(demo) = demo {
        println!();
        println!("Demo (--demo; not for production):");
        match &demo.password {
            Some(password) => println!("  demo user:      {DEMO_USER}  password: {password}"),
            None => println!("  demo user:      {DEMO_USER}  (password printed when created)"),
        }
        println!("  demo app:       {DEMO_APP} (background)");
        println!("    consumer_key: {DEMO_APP}");
        match &demo.consumer_secret {
            Some(secret) => println!("    consumer_secret: {secret}"),
            None => println!("    consumer_secret: (printed when created; smart apps credentials)"),
        }
        println!(
            "  try:            smart call GET /records/{example}/medications/ --app {DEMO_APP}{call_flags}"
        );
    }
    println!("  stop with Ctrl-C");
    Ok(())
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// A random token of `bytes` bytes from the operating system's CSPRNG (smart-auth's
/// generator, as for every other token and secret).
pub(crate) fn random_token(bytes: usize) -> Result<String> {
    smart_auth::random_string(&smart_auth::OsRandom::new(), bytes)
        .map_err(|e| anyhow::anyhow!("no operating-system randomness: {e}"))
}

/// Logs to stderr, as text or JSON lines; `RUST_LOG` overrides the default `info`.
pub(crate) fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests calling twice) is harmless; ignore it.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
