//! The files of the apps origin, embedded in the binary from `smart-http/apps/`.
//!
//! Each file has its content type from its extension and an ETag from its SHA-256 (strong,
//! computed once). Pages, scripts and styles are revalidated on every use
//! (`Cache-Control: no-cache` with the ETag), so a new binary is picked up at once; the
//! growth tables, which never change, are cached for a day.

use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// One embedded file.
#[derive(Debug)]
#[non_exhaustive]
pub struct File {
    /// The path on the apps origin, e.g. `/lib/smart-connect.js`.
    pub path: &'static str,
    /// The content.
    pub bytes: &'static [u8],
}

macro_rules! embed {
    ($($p:literal),* $(,)?) => {
        &[$(File {
            path: concat!("/", $p),
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/apps/", $p)),
        }),*]
    };
}

/// Every file, by path. A unit test checks that it lists every file under `apps/` (but the
/// developers' README) and no other.
pub static FILES: &[File] = embed![
    "index.html",
    "lib/smart-connect.js",
    "shared/app.css",
    "shared/kit.js",
    "summary/index.html",
    "summary/app.js",
    "summary/icon.svg",
    "medications/index.html",
    "medications/app.js",
    "medications/icon.svg",
    "vitals/index.html",
    "vitals/app.js",
    "vitals/icon.svg",
    "labs/index.html",
    "labs/app.js",
    "labs/icon.svg",
    "problems/index.html",
    "problems/app.js",
    "problems/icon.svg",
    "allergies/index.html",
    "allergies/app.js",
    "allergies/icon.svg",
    "notes/index.html",
    "notes/app.js",
    "notes/icon.svg",
    "preferences/index.html",
    "preferences/app.js",
    "preferences/icon.svg",
    "growth/ATTRIBUTION.txt",
    "growth/LICENSE.txt",
    "growth/bmifa_boys_0_2_zscores.json",
    "growth/bmifa_boys_2_20_zscores.cdc.json",
    "growth/bmifa_girls_0_2_zscores.json",
    "growth/bmifa_girls_2_20_zscores.cdc.json",
    "growth/lhfa_boys_0_5_zscores.json",
    "growth/lhfa_boys_2_20_zscores.cdc.json",
    "growth/lhfa_girls_0_5_zscores.json",
    "growth/lhfa_girls_2_20_zscores.cdc.json",
    "growth/wfa_boys_0_5_zscores.json",
    "growth/wfa_boys_2_20_zscores.cdc.json",
    "growth/wfa_girls_0_5_zscores.json",
    "growth/wfa_girls_2_20_zscores.cdc.json",
];

/// The file served at `path` (`/` and `/dir/` serve their `index.html`).
pub fn find(path: &str) -> Option<&'static File> {
    let want = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    FILES.iter().find(|f| f.path == want)
}

impl File {
    /// The media type, from the extension.
    pub fn content_type(&self) -> &'static str {
        match self.path.rsplit('.').next() {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            Some("json") => "application/json",
            Some("png") => "image/png",
            _ => "text/plain; charset=utf-8",
        }
    }

    /// How browsers may cache it.
    pub fn cache_control(&self) -> &'static str {
        if self.path.starts_with("/growth/") {
            "public, max-age=86400"
        } else {
            "no-cache"
        }
    }

    /// The strong ETag (quoted), from the content's SHA-256.
    pub fn etag(&self) -> &'static str {
        static TAGS: OnceLock<Vec<String>> = OnceLock::new();
        let tags = TAGS.get_or_init(|| {
            FILES
                .iter()
                .map(|f| {
                    let digest = Sha256::digest(f.bytes);
                    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                    format!("\"{hex}\"")
                })
                .collect()
        });
        FILES
            .iter()
            .position(|f| std::ptr::eq(f, self))
            .and_then(|i| tags.get(i))
            .map_or("\"\"", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.push(format!("/{}", rel.replace('\\', "/")));
            }
        }
    }

    #[test]
    fn every_file_under_apps_is_embedded_and_nothing_else() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("apps");
        let mut on_disk = Vec::new();
        walk(&root, &root, &mut on_disk);
        on_disk.retain(|p| p != "/README.md");
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|f| f.path.to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn types_and_tags() {
        let lib = find("/lib/smart-connect.js").unwrap();
        assert_eq!(lib.content_type(), "text/javascript; charset=utf-8");
        assert_eq!(
            find("/").unwrap().content_type(),
            "text/html; charset=utf-8"
        );
        assert!(lib.etag().starts_with('"') && lib.etag().len() == 26);
        assert_ne!(lib.etag(), find("/").unwrap().etag());
        assert!(find("/../Cargo.toml").is_none());
    }
}
