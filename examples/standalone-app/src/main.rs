//! `example-standalone-app`: serves the medication list app.
//!
//! Usage: `example-standalone-app BIND CONTAINER_API_BASE APP_ID` with the consumer secret
//! in `SMART_CONSUMER_SECRET`, e.g.
//! `SMART_CONSUMER_SECRET=… example-standalone-app 127.0.0.1:7002 http://127.0.0.1:7000 med-list@apps.smart-rs.local`
//! after registering `examples/standalone-app/manifest.json` with `smart apps register`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bind, container, app_id] = args.as_slice() else {
        eprintln!(
            "usage: example-standalone-app BIND CONTAINER_API_BASE APP_ID (secret in SMART_CONSUMER_SECRET)"
        );
        return ExitCode::from(2);
    };
    let Ok(consumer_secret) = std::env::var("SMART_CONSUMER_SECRET") else {
        eprintln!("set SMART_CONSUMER_SECRET to the app's consumer secret");
        return ExitCode::from(2);
    };
    let config = example_standalone_app::AppConfig {
        container: container.clone(),
        app_id: app_id.clone(),
        consumer_secret,
    };
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {bind}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("medication list app on http://{bind}/ for the container at {container}");
    let app = example_standalone_app::router(config);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
