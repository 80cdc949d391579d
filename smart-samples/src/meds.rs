//! Medications and their fulfillments. Each chronic condition gets its usual first-line
//! drugs (some patients step up to a second drug later), each acute illness its short
//! course; nothing is prescribed that the patient is allergic to. Chronic medications
//! are refilled every 30 or 90 days with a per-patient adherence, so refill gaps (which
//! the medication-possession apps compute) vary between patients.

use smart_core::{dcterms, sp, vcard};

use crate::codes::clinical::{AcuteKind, Chronic};
use crate::codes::drugs::{self as d, Drug};
use crate::date::Date;
use crate::rng::Rng;
use crate::{Ctx, Prescription};

/// A drug course to write.
struct Course {
    drug: Drug,
    start: Date,
    /// Last day, for courses that end.
    end: Option<Date>,
}

/// Writes every medication with its fulfillments.
pub(crate) fn medications(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(9);
    let p = cx.profile.clone();
    let allergies = cx.drug_allergies.clone();
    let mut courses: Vec<Course> = Vec::new();
    let add = |courses: &mut Vec<Course>, drug: Drug, start: Date, end: Option<Date>| {
        let taken = courses
            .iter()
            .any(|c| c.drug.code.id == drug.code.id && c.end.is_none());
        if start <= p.today && !taken && !drug.excluded_by(&allergies) {
            courses.push(Course { drug, start, end });
        }
    };
    for (&c, &onset) in &p.conditions {
        let start = onset.plus(rng.range(7, 28)).min(p.today);
        let later = |rng: &mut Rng| start.plus(rng.range(180, 700));
        let child = p.age_on(start) < 12.0;
        match c {
            Chronic::Hypertension => {
                let options = [d::LISINOPRIL_10, d::AMLODIPINE_5, d::HCTZ_25];
                let first = rng.below(3) as usize;
                add(&mut courses, options[first], start, None);
                if rng.chance(0.35) {
                    let second = options[(first + 1 + rng.below(2) as usize) % 3];
                    let when = later(&mut rng);
                    add(&mut courses, second, when, None);
                }
            }
            Chronic::Diabetes2 => {
                add(&mut courses, d::METFORMIN_ER_500, start, None);
                if rng.chance(0.35) {
                    let drug = if rng.chance(0.5) {
                        d::LIRAGLUTIDE
                    } else {
                        d::INSULIN_70_30
                    };
                    let when = later(&mut rng);
                    add(&mut courses, drug, when, None);
                }
            }
            Chronic::Diabetes1 => add(&mut courses, d::INSULIN_70_30, onset, None),
            Chronic::Hyperlipidemia => {
                let statin = *rng.pick(&[d::ATORVASTATIN_80, d::SIMVASTATIN_20, d::SIMVASTATIN_10]);
                add(&mut courses, statin, start, None);
            }
            Chronic::Asthma | Chronic::Copd => {
                add(&mut courses, d::ALBUTEROL_MDI, start, None);
                if c == Chronic::Copd || rng.chance(0.5) {
                    add(&mut courses, d::FLUTICASONE_MDI, start, None);
                }
            }
            Chronic::Hypothyroidism => add(&mut courses, d::LEVOTHYROXINE_75, start, None),
            Chronic::Ckd if !p.has(Chronic::Hypertension) => {
                add(&mut courses, d::LISINOPRIL_10, start, None)
            }
            Chronic::Depression if rng.chance(0.75) => {
                let ssri = *rng.pick(&[d::SERTRALINE_100, d::CITALOPRAM_20, d::FLUOXETINE_20]);
                add(&mut courses, ssri, start, None);
            }
            Chronic::Anxiety if !p.has(Chronic::Depression) && rng.chance(0.5) => {
                add(&mut courses, d::SERTRALINE_100, start, None);
            }
            Chronic::AtrialFibrillation => {
                add(&mut courses, d::WARFARIN_5, start, None);
                if rng.chance(0.4) {
                    add(&mut courses, d::DIGOXIN_0125, start, None);
                }
            }
            Chronic::CoronaryDisease => {
                add(&mut courses, d::ASPIRIN_81, start, None);
                if rng.chance(0.5) {
                    add(&mut courses, d::CLOPIDOGREL_75, start, None);
                }
                if rng.chance(0.5) {
                    add(&mut courses, d::NITROGLYCERIN_SPRAY, start, None);
                }
                if !p.has(Chronic::Hyperlipidemia) {
                    add(&mut courses, d::ATORVASTATIN_80, start, None);
                }
            }
            Chronic::HeartFailure => {
                add(&mut courses, d::FUROSEMIDE_40, start, None);
                add(&mut courses, d::CARVEDILOL_625, start, None);
                add(&mut courses, d::LISINOPRIL_20, start, None);
            }
            Chronic::Osteoarthritis => {
                // NSAIDs harm failing kidneys.
                let drug = if p.has(Chronic::Ckd) || rng.chance(0.4) {
                    d::ACETAMINOPHEN_325
                } else {
                    d::NAPROXEN_220
                };
                add(&mut courses, drug, start, None);
            }
            Chronic::Osteoporosis => add(&mut courses, d::ALENDRONATE_10, start, None),
            Chronic::AllergicRhinitis => {
                let drug = if child {
                    d::LORATADINE_5_CHEW
                } else {
                    d::CETIRIZINE_5
                };
                add(&mut courses, drug, start, None);
            }
            Chronic::Anemia => add(&mut courses, d::FERROUS_SULFATE_325, start, None),
            Chronic::Migraine => add(&mut courses, d::IBUPROFEN_200, start, None),
            _ => {}
        }
    }
    for ep in cx.episodes.clone() {
        let child = p.age_on(ep.start) < 12.0;
        let fallback = d::CEFUROXIME_250;
        let choice = |options: &[Drug]| {
            options
                .iter()
                .copied()
                .find(|drug| !drug.excluded_by(&allergies))
                .unwrap_or(fallback)
        };
        let (drug, days) = match ep.acute.kind {
            AcuteKind::StrepThroat => (choice(&[d::PENICILLIN_V_250, d::AMOXICILLIN_250]), 10),
            AcuteKind::Otitis => (choice(&[d::AMOXICILLIN_250]), 10),
            AcuteKind::Uti if child => (choice(&[d::AMOX_CLAV]), 7),
            AcuteKind::Uti => (choice(&[d::CIPROFLOXACIN_500]), 5),
            AcuteKind::Pneumonia if child => (choice(&[d::AMOXICILLIN_250]), 10),
            AcuteKind::Pneumonia => (choice(&[d::AMOXICILLIN_500]), 10),
            AcuteKind::Sprain | AcuteKind::BackPain => (
                choice(&[d::IBUPROFEN_200, d::NAPROXEN_220, d::ACETAMINOPHEN_325]),
                10,
            ),
            AcuteKind::Viral if rng.chance(0.4) => {
                let options = if child {
                    [d::ACETAMINOPHEN_160_CHEW]
                } else {
                    [d::ACETAMINOPHEN_325]
                };
                (choice(&options), 5)
            }
            AcuteKind::Viral => continue,
        };
        if ep.start >= p.start {
            courses.push(Course {
                drug,
                start: ep.start,
                end: Some(ep.start.plus(days - 1)),
            });
        }
    }
    let adherence = rng.uniform(0.0, 1.0);
    for course in courses {
        write_course(cx, &mut rng, &course, adherence);
    }
}

fn write_course(cx: &mut Ctx, rng: &mut Rng, course: &Course, adherence: f64) {
    let p = &cx.profile;
    let (today, record_start) = (p.today, p.start);
    let drug = &course.drug;
    let b = &mut cx.b;
    let m = b.statement(sp!("Medication"));
    b.coded(&m, sp!("drugName"), &drug.code);
    b.lit(&m, sp!("instructions"), drug.sig);
    b.lit(&m, sp!("startDate"), &course.start.iso());
    let end = course.end.filter(|e| *e <= today);
    if let Some(e) = end {
        b.lit(&m, sp!("endDate"), &e.iso());
    }
    b.value_unit(&m, sp!("quantity"), drug.dose.0, drug.dose.1);
    if let Some(f) = drug.per_day {
        b.value_unit(&m, sp!("frequency"), f, "/d");
    }
    cx.prescriptions.push(Prescription {
        title: drug.code.title,
        start: course.start,
        end: course.end,
        rxcui: drug.code.id,
    });
    // Dispensings inside the record: one for a short course, refills for chronic use.
    let supply = match course.end {
        Some(e) => e.since(course.start) + 1,
        None if rng.chance(0.6) => 90,
        None => 30,
    };
    let mut date = course.start.max(record_start).plus(rng.range(0, 2));
    let last = course.end.unwrap_or(today).min(today);
    let pharmacy = (
        rng.below(PHARMACIES.len() as u64) as usize,
        format!("{}", 1_000_000 + rng.below(9_000_000)),
    );
    while date <= last {
        let f = cx.b.statement(sp!("Fulfillment"));
        cx.b.lit(&f, dcterms!("date"), &date.iso());
        cx.b.lit(&f, sp!("dispenseDaysSupply"), &supply.to_string());
        let amount = (drug.units_per_day * supply as f64).ceil().max(1.0);
        cx.b.value_unit(
            &f,
            sp!("quantityDispensed"),
            &format!("{amount:.0}"),
            drug.dispense_unit,
        );
        cx.b.link(&f, sp!("medication"), &m);
        cx.b.link(&m, sp!("fulfillment"), &f);
        let ph = cx.b.typed(sp!("Pharmacy"));
        let (name, street) = PHARMACIES[pharmacy.0];
        cx.b.lit(&ph, vcard!("organization-name"), name);
        cx.b.lit(&ph, sp!("ncpdpId"), &pharmacy.1);
        let adr = cx.b.typed(vcard!("Address"));
        cx.b.lit(&adr, vcard!("street-address"), street);
        cx.b.lit(&adr, vcard!("locality"), "Boston");
        cx.b.lit(&adr, vcard!("region"), "MA");
        cx.b.link(&ph, vcard!("adr"), &adr);
        cx.b.link(&f, sp!("pharmacy"), &ph);
        let provider = cx.provider();
        cx.b.link(&f, sp!("provider"), &provider);
        if course.end.is_some() {
            break;
        }
        // Late refills: a few days for most, now and then a lapse of weeks.
        let late = rng.range(0, (adherence * 12.0) as i64)
            + if rng.chance(adherence * 0.08) {
                rng.range(20, 60)
            } else {
                0
            };
        date = date.plus(supply + late - rng.range(0, 3));
    }
}

/// Pharmacies: name and street.
const PHARMACIES: &[(&str, &str)] = &[
    ("Sample Corner Pharmacy", "12 Beacon Street"),
    ("Sample Family Drugstore", "480 Centre Street"),
    ("Sample Health Mail-Order Pharmacy", "900 Commerce Way"),
];
