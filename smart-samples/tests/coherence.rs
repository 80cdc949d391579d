//! Clinical coherence of generated patients, read back from their RDF as an app would:
//! diabetics are treated and monitored, young children have head circumferences, every
//! child's blood pressure has a height beside it, fulfillments link both ways, dates stay
//! between birth and "today".

mod common;

use common::{Facts, facts, years_between};
use smart_samples::Generator;

const PATIENTS: u64 = 200;

/// The seed under test: 7, or `SMART_SAMPLES_SEED` to try others.
fn seed() -> u64 {
    std::env::var("SMART_SAMPLES_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
}

fn all() -> Vec<(String, Facts, String)> {
    let g = Generator::new(seed());
    (0..PATIENTS)
        .map(|i| {
            let p = g.generate_patient(i);
            (p.record_id.clone(), facts(&p.graph), g.today())
        })
        .collect()
}

#[test]
fn coherent_patients() {
    let patients = all();
    let (mut diabetics, mut toddlers, mut children_with_bp) = (0, 0, 0);
    for (id, f, today) in &patients {
        let age = years_between(&f.birthday, today);
        // Diabetics take metformin or insulin and have HbA1c results.
        if f.problems
            .iter()
            .any(|p| p.starts_with("Diabetes mellitus"))
        {
            diabetics += 1;
            assert!(
                f.medications
                    .iter()
                    .any(|m| m.contains("metformin") || m.contains("insulin")),
                "{id}: diabetic without metformin or insulin: {:?}",
                f.medications
            );
            assert!(
                f.labs.contains_key("4548-4"),
                "{id}: diabetic without HbA1c"
            );
        }
        if f.problems.iter().any(|p| p == "Essential hypertension") {
            assert!(
                f.medications
                    .iter()
                    .any(|m| ["lisinopril", "amlodipine", "hydrochlorothiazide"]
                        .iter()
                        .any(|d| m.contains(d))),
                "{id}: hypertensive without an antihypertensive: {:?}",
                f.medications
            );
        }
        for v in &f.vitals {
            let age_then = years_between(&f.birthday, &v.date);
            assert!(
                v.date.as_str() >= f.birthday.as_str() && v.date[..10] <= *today.as_str(),
                "{id}: vitals dated {} outside life",
                v.date
            );
            if age_then < 3.0 {
                toddlers += 1;
                assert!(
                    v.head.is_some(),
                    "{id}: no head circumference at {}",
                    v.date
                );
            }
            if age_then < 18.0 && v.systolic.is_some() {
                children_with_bp += 1;
                assert!(
                    v.height.is_some(),
                    "{id}: child's BP without height at {}",
                    v.date
                );
            }
            if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
                assert!(
                    s > d && (60.0..220.0).contains(&s) && (25.0..130.0).contains(&d),
                    "{id}: BP {s}/{d}"
                );
            }
        }
        // Growth is monotone for children (allowing for measurement noise).
        let heights: Vec<f64> = f
            .vitals
            .iter()
            .filter(|v| years_between(&f.birthday, &v.date) < 16.0)
            .filter_map(|v| v.height)
            .collect();
        for w in heights.windows(2) {
            assert!(
                w[1] > w[0] - 2.0,
                "{id}: height fell from {} to {}",
                w[0],
                w[1]
            );
        }
        for (forward, back) in &f.fulfillment_links {
            assert!(forward & back, "{id}: a fulfillment not linked both ways");
        }
        for values in f.labs.values() {
            for (date, value) in values {
                assert!(value.is_finite(), "{id}: lab value not a number");
                assert!(
                    date.as_str() >= f.birthday.as_str() && date[..10] <= *today.as_str(),
                    "{id}: lab dated {date}"
                );
            }
        }
        assert!(age >= 0.0);
    }
    assert!(
        diabetics >= 5 && toddlers >= 50 && children_with_bp >= 50,
        "{diabetics} {toddlers} {children_with_bp}"
    );
}

#[test]
fn conditions_follow_age() {
    for (id, f, today) in all() {
        let age = years_between(&f.birthday, &today);
        if age < 18.0 {
            for adult_only in [
                "Essential hypertension",
                "Diabetes mellitus type 2",
                "Coronary arteriosclerosis",
                "Osteoporosis",
            ] {
                assert!(
                    !f.problems.iter().any(|p| p == adult_only),
                    "{id}: child aged {age:.1} with {adult_only}"
                );
            }
        }
    }
}

#[test]
#[ignore = "prints patients for a human to read: cargo test -p smart-samples --test coherence -- --ignored --nocapture"]
fn print_summaries() {
    for (id, f, _) in all().into_iter().take(12) {
        println!("== {id} {} born {}", f.gender, f.birthday);
        println!("problems: {:?}\nmeds: {:?}", f.problems, f.medications);
        for (code, values) in &f.labs {
            let v: Vec<String> = values
                .iter()
                .map(|(d, v)| format!("{}={v}", &d[..10]))
                .collect();
            println!("lab {code}: {}", v.join(" "));
        }
        for v in &f.vitals {
            println!(
                "  vitals {} h={:?} hc={:?} bp={:?}/{:?}",
                &v.date[..10],
                v.height,
                v.head,
                v.systolic,
                v.diastolic
            );
        }
        let counts: Vec<String> = f
            .types
            .iter()
            .map(|(t, n)| format!("{}={n}", t.rsplit(['#', '/']).next().unwrap_or("")))
            .collect();
        println!("types: {}", counts.join(" "));
    }
}
