//! Example: parse a SMART patient file and print its triple count per format.
//!
//! Run with `cargo run -p example-validate-file -- PATIENT.xml`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: example-validate-file PATIENT.xml")?;
    let bytes = std::fs::read(&path)?;
    let graph = smart_rdf::parse(&bytes, smart_rdf::RdfFormat::RdfXml, None)?;
    println!("{path}: {} triples", graph.len());
    Ok(())
}
