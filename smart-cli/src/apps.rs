//! `smart apps`: the app registry.
//!
//! Registration is the container's [`Container::register_app`](smart_store::Container::register_app), shared with the web UI's
//! app administration: the checks are the provider's (a valid manifest whose id is not a
//! configured machine consumer key), and a change of mode revokes the app's tokens as the
//! provider's `replace_app` does.

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use smart_core::manifest::AppManifest;
use smart_http::Container;
use smart_store::directory::{App, AppId};

use crate::{Global, context};

/// `smart apps ...`
#[derive(Debug, Subcommand)]
pub(crate) enum AppsCommand {
    /// Register an app from its manifest (a JSON file, or an http:// URL), or update the
    /// manifest of the app with the same id, keeping its secret and data. Prints the app id
    /// and its OAuth consumer credentials.
    Register {
        /// The manifest: a file path or an http:// URL (https is not supported: download
        /// the manifest and pass the file).
        #[arg(value_name = "MANIFEST_FILE_OR_URL")]
        manifest: String,
        /// Enable the app for every user who has not switched it off.
        #[arg(long, conflicts_with = "disable_by_default")]
        enable_by_default: bool,
        /// Only users who switch the app on see it (the default for a new app; an update
        /// keeps the app's setting unless one of these flags is given).
        #[arg(long)]
        disable_by_default: bool,
        /// Draw a new consumer secret for an existing app (the old one stops working).
        #[arg(long)]
        rotate_secret: bool,
        /// Print JSON instead of `key: value` lines.
        #[arg(long)]
        json: bool,
    },
    /// List the registered apps.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove an app with its tokens, approvals, scratchpads and preferences.
    Remove {
        /// The app id.
        id: String,
    },
    /// Print an app's OAuth consumer key and secret.
    Credentials {
        /// The app id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(global: &Global, command: AppsCommand) -> Result<ExitCode> {
    match command {
        AppsCommand::Register {
            manifest,
            enable_by_default,
            disable_by_default,
            rotate_secret,
            json,
        } => {
            // Read and check the manifest before touching the data directory.
            let manifest = load_manifest(&manifest)?;
            let by_default = match (enable_by_default, disable_by_default) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            context::with_container(global, async move |c| {
                let (app, created) = register(c, manifest, by_default, rotate_secret).await?;
                print_credentials(&app, Some(created), json)
            })
        }
        AppsCommand::List { json } => context::with_container(global, async move |c| {
            let apps = c.directory().list_apps().await?;
            if json {
                let list: Vec<_> = apps
                    .iter()
                    .map(|a| {
                        serde_json::json!({
                            "id": a.id.as_str(),
                            "name": a.manifest.name,
                            "mode": a.mode.as_str(),
                            "enabled": a.enabled,
                            "enabled_by_default": a.enabled_by_default,
                        })
                    })
                    .collect();
                outln!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for a in &apps {
                    outln!(
                        "{:<40} {:<10} {:<8} {:<18} {}",
                        a.id.as_str(),
                        a.mode.as_str(),
                        if a.enabled { "enabled" } else { "disabled" },
                        if a.enabled_by_default {
                            "on by default"
                        } else {
                            "off by default"
                        },
                        a.manifest.name
                    );
                }
                outln!("{} apps", apps.len());
            }
            Ok(ExitCode::SUCCESS)
        }),
        AppsCommand::Remove { id } => {
            let id = app_id(&id)?;
            context::with_container(global, async move |c| {
                if c.directory().get_app(&id).await?.is_none() {
                    bail!("no app {id} is registered");
                }
                // The provider's flow also revokes the app's tokens and approvals.
                let who = c
                    .local_admin()
                    .await
                    .context("cannot act as the local admin")?;
                let auth_id = smart_auth::AppId::new(id.as_str())
                    .with_context(|| format!("bad app id {id}"))?;
                c.provider()
                    .delete_app(&who, &auth_id)
                    .await
                    .with_context(|| format!("cannot remove app {id}"))?;
                outln!("removed app {id}");
                Ok(ExitCode::SUCCESS)
            })
        }
        AppsCommand::Credentials { id, json } => {
            let id = app_id(&id)?;
            context::with_container(global, async move |c| {
                let app = c
                    .directory()
                    .get_app(&id)
                    .await?
                    .with_context(|| format!("no app {id} is registered"))?;
                print_credentials(&app, None, json)
            })
        }
    }
}

fn app_id(id: &str) -> Result<AppId> {
    AppId::new(id).with_context(|| format!("bad app id {id:?}"))
}

/// Reads a manifest from a file or an http:// URL and validates it.
fn load_manifest(source: &str) -> Result<AppManifest> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        fetch(source)?
    } else {
        std::fs::read_to_string(source).with_context(|| format!("cannot read {source}"))?
    };
    smart_store::container::read_manifest(&text)
        .with_context(|| format!("{source}: not a valid app manifest"))
}

fn fetch(url: &str) -> Result<String> {
    if url.starts_with("https://") {
        bail!(
            "{url}: https manifests are not supported by this build; download it and pass the file"
        );
    }
    let rt = context::runtime()?;
    rt.block_on(async {
        let response = reqwest::get(url)
            .await
            .with_context(|| format!("cannot fetch {url}"))?;
        let status = response.status();
        if !status.is_success() {
            bail!("cannot fetch {url}: HTTP {status}");
        }
        response
            .text()
            .await
            .with_context(|| format!("cannot read the body of {url}"))
    })
}

/// Registers or updates the app (the container's one registration path, which the web
/// UI's app administration uses too); returns it as stored and whether it is new.
async fn register(
    c: &Container,
    manifest: AppManifest,
    by_default: Option<bool>,
    rotate_secret: bool,
) -> Result<(App, bool)> {
    let id = manifest.id.clone();
    let done = c
        .register_app(manifest, by_default, rotate_secret)
        .await
        .with_context(|| format!("cannot register app {id}"))?;
    Ok((done.app, done.created))
}

fn print_credentials(app: &App, created: Option<bool>, json: bool) -> Result<ExitCode> {
    if json {
        let mut value = serde_json::json!({
            "app_id": app.id.as_str(),
            "consumer_key": app.id.as_str(),
            "consumer_secret": app.consumer_secret,
            "mode": app.mode.as_str(),
            "enabled_by_default": app.enabled_by_default,
        });
        if let Some(created) = created {
            value["created"] = serde_json::Value::Bool(created);
        }
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        outln!("app_id: {}", app.id.as_str());
        if let Some(created) = created {
            outln!("status: {}", if created { "registered" } else { "updated" });
        }
        outln!("consumer_key: {}", app.id.as_str());
        outln!("consumer_secret: {}", app.consumer_secret);
    }
    Ok(ExitCode::SUCCESS)
}
