//! Serves the SMART REST API over the vendor's own clinical store.
//!
//! Run: `cargo run -p example-vendor-store -- 127.0.0.1:7401` (Ctrl-C stops it).

use example_vendor_store::serve::vendor_container;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7401".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    let addr = listener.local_addr()?;
    let demo = vendor_container(format!("http://{addr}")).await?;
    println!("SMART API at http://{addr} (record {})", demo.record);
    println!("app {} secret {}", demo.app, demo.secret);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    smart_http::serve(demo.container.clone(), listener, shutdown).await?;
    demo.container.close().await;
    Ok(())
}
