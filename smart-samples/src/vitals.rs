//! Vital sign sets. Children grow along their own centile (a constant z-score against
//! median curves by sex), so growth charts show smooth, plausible curves; blood pressure
//! follows age, sex and height as in the pediatric tables, and every child's blood
//! pressure comes with a height in the same set, which the centile app needs. Adults'
//! pressures follow their hypertension and its treatment.

use smart_core::{sp, spcode};

use crate::Ctx;
use crate::codes::clinical::{AcuteKind, Chronic};
use crate::rdf::Code;
use crate::timeline::VisitKind;

/// Median length/height (cm) by age (years): boys, girls. Our own rounding of the usual
/// growth-reference medians (WHO to 2 years, CDC after).
const HEIGHT: &[(f64, f64, f64)] = &[
    (0.0, 49.9, 49.1),
    (0.25, 61.4, 59.8),
    (0.5, 67.6, 65.7),
    (0.75, 72.0, 70.1),
    (1.0, 75.7, 74.0),
    (1.5, 82.3, 80.7),
    (2.0, 87.1, 86.4),
    (3.0, 96.1, 95.1),
    (4.0, 103.3, 102.7),
    (6.0, 116.0, 115.1),
    (8.0, 127.3, 126.6),
    (10.0, 137.8, 138.6),
    (12.0, 149.1, 151.1),
    (13.0, 156.0, 156.4),
    (14.0, 163.2, 159.8),
    (15.0, 169.0, 161.7),
    (16.0, 173.0, 162.5),
    (18.0, 176.1, 163.2),
    (120.0, 176.5, 163.3),
];
/// Median weight (kg) by age (years): boys, girls.
const WEIGHT: &[(f64, f64, f64)] = &[
    (0.0, 3.3, 3.2),
    (0.25, 6.4, 5.8),
    (0.5, 7.9, 7.3),
    (0.75, 8.9, 8.2),
    (1.0, 9.6, 8.9),
    (1.5, 10.9, 10.2),
    (2.0, 12.2, 11.5),
    (3.0, 14.3, 13.9),
    (4.0, 16.3, 16.1),
    (6.0, 20.7, 20.2),
    (8.0, 25.6, 25.0),
    (10.0, 31.9, 31.9),
    (12.0, 40.0, 40.5),
    (14.0, 51.0, 47.8),
    (16.0, 60.8, 51.9),
    (18.0, 67.2, 54.0),
    (120.0, 70.0, 56.0),
];
/// Median head circumference (cm) by age (years), birth to three: boys, girls.
const HEAD: &[(f64, f64, f64)] = &[
    (0.0, 34.5, 33.9),
    (0.25, 40.5, 39.5),
    (0.5, 43.3, 42.2),
    (0.75, 45.0, 43.8),
    (1.0, 46.1, 45.0),
    (1.5, 47.4, 46.2),
    (2.0, 48.3, 47.2),
    (3.0, 49.5, 48.5),
    (120.0, 49.6, 48.6),
];

/// Linear interpolation in a `(age, boys, girls)` table.
fn median(table: &[(f64, f64, f64)], age: f64, female: bool) -> f64 {
    let pick = |r: &(f64, f64, f64)| if female { r.2 } else { r.1 };
    let Some(i) = table.iter().position(|r| r.0 > age) else {
        return table.last().map_or(0.0, pick);
    };
    if i == 0 {
        return pick(&table[0]);
    }
    let (a, b) = (&table[i - 1], &table[i]);
    let t = (age - a.0) / (b.0 - a.0);
    pick(a) + t * (pick(b) - pick(a))
}

/// Median systolic and diastolic pressure of a child at the median height, by age.
fn child_bp(age: f64, female: bool) -> (f64, f64) {
    let sys = if age < 10.0 {
        85.0 + 1.9 * (age - 1.0)
    } else if female {
        102.0 + 1.3 * (age - 10.0)
    } else {
        102.0 + 2.4 * (age - 10.0)
    };
    let dia = if age < 6.0 {
        40.0 + 3.2 * (age - 1.0)
    } else {
        56.0 + (age - 6.0).min(11.0)
    };
    (sys, dia)
}

/// Writes the vital sign set of every in-person visit.
pub(crate) fn vital_sets(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(3);
    for i in 0..cx.visits.len() {
        let v = cx.visits[i].clone();
        let Some(encounter) = v.encounter.clone() else {
            continue;
        };
        if v.encounter_type == "virtual" {
            continue;
        }
        let p = &cx.profile;
        let age = p.age_on(v.date);
        let child = age < 18.0;
        let ill = match v.kind {
            VisitKind::Acute(e) => Some(cx.episodes[e].acute.kind),
            _ => None,
        };
        let febrile = matches!(
            ill,
            Some(AcuteKind::Pneumonia | AcuteKind::StrepThroat | AcuteKind::Otitis)
        ) && rng.chance(0.7);

        let b = &mut cx.b;
        let set = b.statement(sp!("VitalSignSet"));
        b.lit(&set, smart_core::dcterms!("date"), &v.date.at(v.minutes));
        b.link(&set, sp!("encounter"), &encounter);

        // Height: every child visit, adults at physicals and now and then otherwise.
        let height = if child {
            median(HEIGHT, age, p.female) * (1.0 + 0.04 * p.height_z) + rng.gauss(0.0, 0.4)
        } else {
            let shrink = if age > 60.0 { 0.1 * (age - 60.0) } else { 0.0 };
            median(HEIGHT, 30.0, p.female) * (1.0 + 0.04 * p.height_z) - shrink
                + rng.gauss(0.0, 0.3)
        };
        let weight = if child {
            median(WEIGHT, age, p.female)
                * (1.0 + (0.09 + 0.006 * age) * p.weight_z)
                * (1.0 + rng.gauss(0.0, 0.01))
        } else {
            let years_to_today = p.today.since(v.date) as f64 / 365.0;
            let bmi = p.bmi - 0.3 * years_to_today + rng.gauss(0.0, 0.25);
            bmi * (height / 100.0) * (height / 100.0)
        };
        let measure_height = child || v.kind == VisitKind::Preventive || rng.chance(0.4);
        if measure_height {
            // Infants are measured lying down.
            let code = if age < 2.0 { "8306-3" } else { "8302-2" };
            b.vital(&set, sp!("height"), code, &format!("{height:.1}"), "cm");
        }
        b.vital(&set, sp!("weight"), "3141-9", &format!("{weight:.1}"), "kg");
        if measure_height && age >= 2.0 {
            let bmi = weight / (height / 100.0 * height / 100.0);
            b.vital(
                &set,
                sp!("bodyMassIndex"),
                "39156-5",
                &format!("{bmi:.1}"),
                "kg/m2",
            );
        }
        if age < 3.0 {
            let head = median(HEAD, age, p.female) * (1.0 + 0.03 * p.head_z) + rng.gauss(0.0, 0.2);
            b.vital(
                &set,
                sp!("headCircumference"),
                "8287-5",
                &format!("{head:.1}"),
                "cm",
            );
        }
        let hr_base = if age < 1.0 {
            130.0
        } else if age < 3.0 {
            115.0
        } else if age < 6.0 {
            100.0
        } else if age < 12.0 {
            88.0
        } else {
            74.0
        };
        let hr = rng
            .gauss(hr_base + if febrile { 15.0 } else { 0.0 }, 6.0)
            .round();
        b.vital(
            &set,
            sp!("heartRate"),
            "8867-4",
            &format!("{hr:.0}"),
            "{beats}/min",
        );
        let rr_base = if age < 1.0 {
            36.0
        } else if age < 3.0 {
            28.0
        } else if age < 12.0 {
            21.0
        } else {
            15.0
        };
        let rr = rng
            .gauss(rr_base + if febrile { 4.0 } else { 0.0 }, 1.5)
            .round();
        b.vital(
            &set,
            sp!("respiratoryRate"),
            "9279-1",
            &format!("{rr:.0}"),
            "{breaths}/min",
        );
        let temp = if febrile {
            rng.uniform(38.1, 39.6)
        } else {
            rng.gauss(36.8, 0.2)
        };
        b.vital(
            &set,
            sp!("temperature"),
            "8310-5",
            &format!("{temp:.1}"),
            "Cel",
        );
        let lungs = p.has_on(Chronic::Copd, v.date) || ill == Some(AcuteKind::Pneumonia);
        if lungs || rng.chance(0.5) {
            let spo2 = if lungs {
                rng.uniform(89.0, 95.0)
            } else {
                rng.uniform(96.0, 100.0)
            };
            b.vital(
                &set,
                sp!("oxygenSaturation"),
                "2710-2",
                &format!("{spo2:.0}"),
                "%{HemoglobinSaturation}",
            );
        }
        // Blood pressure from age three; a child's always comes with a height (above).
        let mut bp = None;
        if age >= 3.0 {
            let (sys, dia) = if child {
                let (s, d) = child_bp(age, p.female);
                let obese = if p.has_on(Chronic::Obesity, v.date) {
                    5.0
                } else {
                    0.0
                };
                (
                    s + 1.2 * p.height_z + 0.6 * p.bp_offset.0 + obese + rng.gauss(0.0, 4.0),
                    d + 0.6 * p.height_z + 0.6 * p.bp_offset.1 + rng.gauss(0.0, 4.0),
                )
            } else if p.has_on(Chronic::Hypertension, v.date) {
                // Treatment starts a few weeks after diagnosis (see medications).
                let treated = p.conditions[&Chronic::Hypertension].plus(30) <= v.date;
                let (s, d) = if treated {
                    (134.0, 83.0)
                } else {
                    (152.0, 95.0)
                };
                (
                    s + p.bp_offset.0 + rng.gauss(0.0, 6.0),
                    d + p.bp_offset.1 + rng.gauss(0.0, 4.0),
                )
            } else {
                (
                    (104.0 + 0.35 * age + p.bp_offset.0 + rng.gauss(0.0, 5.0)).min(138.0),
                    (68.0 + 0.12 * age + p.bp_offset.1 + rng.gauss(0.0, 4.0)).min(88.0),
                )
            };
            let (sys, dia) = (sys.round() as i64, dia.round() as i64);
            let dia = dia.min(sys - 20);
            let bp_node = b.typed(sp!("BloodPressure"));
            b.vital(
                &bp_node,
                sp!("systolic"),
                "8480-6",
                &sys.to_string(),
                "mm[Hg]",
            );
            b.vital(
                &bp_node,
                sp!("diastolic"),
                "8462-4",
                &dia.to_string(),
                "mm[Hg]",
            );
            let position = ["33586001", "40199007", "10904000"][rng.weighted(&[0.85, 0.1, 0.05])];
            let site = ["368209003", "368208006"][rng.weighted(&[0.7, 0.3])];
            let method = ["auscultation", "machine"][rng.weighted(&[0.5, 0.5])];
            b.coded(
                &bp_node,
                sp!("bodyPosition"),
                &Code::member(spcode!("BloodPressureBodyPosition"), position),
            );
            b.coded(
                &bp_node,
                sp!("bodySite"),
                &Code::member(spcode!("BloodPressureBodySite"), site),
            );
            b.coded(
                &bp_node,
                sp!("method"),
                &Code::member(spcode!("BloodPressureMethod"), method),
            );
            b.link(&set, sp!("bloodPressure"), &bp_node);
            bp = Some((sys, dia));
        }
        cx.visits[i].bp = bp;
        cx.visits[i].weight = Some(weight);
    }
}
