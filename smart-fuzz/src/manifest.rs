//! App manifests (`PUT /apps/{id}/manifest`, `smart apps register`): JSON read and checked
//! by [`AppManifest::from_json`] and [`AppManifest::validate`].

use smart_core::manifest::{AppManifest, ManifestError};

/// One manifest document. Invariants: reading never panics; a refusal lists at least one
/// problem, each with a message, and its kind is the first problem's; an accepted
/// manifest written back as JSON reads back equal, with the same verdict of the rules,
/// and [`AppManifest::from_json_validated`] agrees with reading then validating.
pub fn check_manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let read = AppManifest::from_json(&text);
    let validated = AppManifest::from_json_validated(&text);
    let manifest = match read {
        Ok(manifest) => manifest,
        Err(e) => {
            check_error(&e);
            assert_eq!(validated.err(), Some(e), "from_json_validated disagrees");
            return;
        }
    };
    let verdict = manifest.validate();
    if let Err(e) = &verdict {
        check_error(e);
    }
    match (&verdict, &validated) {
        (Ok(()), Ok(v)) => assert_eq!(v, &manifest),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("from_json_validated disagrees with from_json + validate"),
    }
    let json = manifest.to_json();
    let again = AppManifest::from_json(&json)
        .unwrap_or_else(|e| panic!("our own manifest JSON does not read back: {e}\n{json}"));
    assert_eq!(again, manifest, "the JSON round trip changed the manifest");
    assert_eq!(
        again.validate(),
        verdict,
        "the round trip changed the verdict"
    );
    assert_eq!(again.to_json(), json, "writing is not deterministic");
}

fn check_error(e: &ManifestError) {
    let problems = e.problems();
    assert!(!problems.is_empty(), "an error without problems");
    assert_eq!(e.kind(), problems[0].kind);
    for p in problems {
        assert!(!p.message.trim().is_empty(), "a problem without a message");
    }
    assert!(e.to_string().starts_with("invalid manifest"), "{e}");
}
