//! `smart generate`, run as a user would: files written, their count and validity,
//! determinism across runs and thread counts, exit status on bad arguments.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn smart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smart"))
        .args(args)
        .output()
        .expect("run smart")
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("smart-generate-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn rdf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("output dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn writes_valid_patients_with_their_documents_and_a_summary() {
    let out = fresh_dir("basic");
    let o = smart(&[
        "generate",
        "--patients",
        "6",
        "--seed",
        "9",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(
        summary.starts_with("6 patients, ") && summary.contains("triples"),
        "{summary}"
    );
    let files = rdf_files(&out);
    assert_eq!(files.len(), 6);
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with('p') && name.ends_with(".xml"), "{name}");
        let id = &name[1..name.len() - 4];
        let docs = out.join(id);
        assert!(
            docs.join("photo.png").is_file(),
            "{} has no photograph",
            docs.display()
        );
    }
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let v = smart(&args);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
}

#[test]
fn same_seed_gives_identical_files_whatever_the_thread_count() {
    let (a, b) = (fresh_dir("det-a"), fresh_dir("det-b"));
    let run = |dir: &Path, threads: &str| {
        let o = smart(&[
            "generate",
            "--patients",
            "5",
            "--seed",
            "4",
            "--threads",
            threads,
            "--format",
            "turtle",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success());
    };
    run(&a, "1");
    run(&b, "2");
    let (fa, fb) = (rdf_files(&a), rdf_files(&b));
    assert_eq!(fa.len(), 5);
    assert!(fa.iter().all(|f| f.extension().is_some_and(|e| e == "ttl")));
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.file_name(), y.file_name());
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

#[test]
fn bad_arguments_and_unwritable_output_fail_with_one_line() {
    // Not a number: clap's usage error.
    let o = smart(&["generate", "--patients", "many", "--out", "/tmp/x"]);
    assert_eq!(o.status.code(), Some(2));
    // Zero patients: our own check.
    let o = smart(&[
        "generate",
        "--patients",
        "0",
        "--out",
        fresh_dir("zero").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--patients"));
    // A path below a regular file cannot be a directory, even for root.
    let file = fresh_dir("blocker");
    std::fs::write(&file, b"not a directory").unwrap();
    let target = file.join("out");
    let o = smart(&[
        "generate",
        "--patients",
        "2",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("smart: cannot create the output directory"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
