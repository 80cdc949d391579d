//! The patient's visits: well-child checks, annual physicals, follow-ups of chronic
//! conditions and visits for acute illnesses. Each visit is an `sp:Encounter` statement;
//! the vital signs, labs, notes and prescriptions of that day hang off it.

use oxrdf::BlankNode;
use smart_core::{sp, spcode, vcard};

use crate::Ctx;
use crate::codes::clinical::{ACUTE, Acute, AcuteKind, Chronic};
use crate::date::{Date, YEAR};
use crate::rdf::{Builder, Code};
use crate::rng::Rng;

/// Why a visit happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VisitKind {
    /// A well-child check or an adult's annual physical.
    Preventive,
    /// A scheduled follow-up of chronic conditions.
    FollowUp,
    /// A visit for an acute illness: the index of the episode in [`Ctx::episodes`].
    Acute(usize),
}

/// One visit.
#[derive(Debug, Clone)]
pub(crate) struct Visit {
    pub(crate) date: Date,
    /// Minutes after midnight (UTC) when it started.
    pub(crate) minutes: u32,
    pub(crate) kind: VisitKind,
    /// `spcode:EncounterType` identifier.
    pub(crate) encounter_type: &'static str,
    /// The `sp:Encounter` statement, once written.
    pub(crate) encounter: Option<BlankNode>,
    /// Blood pressure measured, for notes.
    pub(crate) bp: Option<(i64, i64)>,
    /// Weight in kg measured, for notes.
    pub(crate) weight: Option<f64>,
}

/// One acute illness.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Episode {
    pub(crate) acute: Acute,
    pub(crate) start: Date,
    pub(crate) end: Date,
}

/// Ages (years) of the well-child checks.
const WELL_CHILD: &[f64] = &[
    0.01, 0.08, 0.17, 0.33, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0,
    10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
];

/// Plans the visits and acute episodes, sorted by date.
pub(crate) fn plan(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(1);
    let p = &cx.profile;
    let mut visits: Vec<Visit> = Vec::new();
    let push = |visits: &mut Vec<Visit>, rng: &mut Rng, date: Date, kind, encounter_type| {
        let date = date.max(p.start.max(p.birth.plus(1))).min(p.today);
        visits.push(Visit {
            date,
            minutes: 8 * 60 + 15 * rng.range(0, 36) as u32,
            kind,
            encounter_type,
            encounter: None,
            bp: None,
            weight: None,
        });
    };
    // Preventive visits: the well-child schedule while under 18, then yearly physicals.
    for &age in WELL_CHILD {
        let date = p.birth.plus_years(age).plus(rng.range(-4, 6));
        if date >= p.start && date < p.today && age < p.age {
            push(
                &mut visits,
                &mut rng,
                date,
                VisitKind::Preventive,
                "ambulatory",
            );
        }
    }
    let mut year = 18.0_f64.max(p.age_on(p.start).ceil());
    while year < p.age {
        let date = p.birth.plus_years(year).plus(rng.range(-20, 40));
        if date >= p.start && date < p.today {
            push(
                &mut visits,
                &mut rng,
                date,
                VisitKind::Preventive,
                "ambulatory",
            );
        }
        year += 1.0;
    }
    // Follow-ups of chronic conditions: quarterly for diabetes and anticoagulation,
    // twice a year for the others that need monitoring.
    let mut date = p.start.plus(45);
    while date < p.today {
        let quarterly = p.has_on(Chronic::Diabetes2, date)
            || p.has_on(Chronic::Diabetes1, date)
            || p.has_on(Chronic::AtrialFibrillation, date);
        let monitored = quarterly
            || [
                Chronic::Hypertension,
                Chronic::Hyperlipidemia,
                Chronic::Hypothyroidism,
                Chronic::Ckd,
                Chronic::HeartFailure,
                Chronic::CoronaryDisease,
                Chronic::Depression,
                Chronic::Copd,
                Chronic::Asthma,
                Chronic::Anemia,
            ]
            .iter()
            .any(|c| p.has_on(*c, date));
        let step = if quarterly { 91 } else { 182 };
        if monitored {
            let near_physical = visits
                .iter()
                .any(|v| v.kind == VisitKind::Preventive && (v.date.since(date)).abs() < 30);
            if !near_physical {
                let ty = if rng.chance(0.08) {
                    "virtual"
                } else {
                    "ambulatory"
                };
                let shifted = date.plus(rng.range(-10, 10));
                push(&mut visits, &mut rng, shifted, VisitKind::FollowUp, ty);
            }
        }
        date = date.plus(step);
    }
    // A diagnosis visit for every condition that begins inside the record, so that its
    // first labs (an HbA1c for a new diabetic) and first prescription have a visit.
    for onset in p.conditions.values() {
        let seen = visits
            .iter()
            .any(|v| v.kind == VisitKind::FollowUp && v.date.since(*onset).abs() <= 3);
        if *onset >= p.start && *onset <= p.today && !seen {
            push(
                &mut visits,
                &mut rng,
                *onset,
                VisitKind::FollowUp,
                "ambulatory",
            );
        }
    }
    // Acute illnesses: young children are ill most often.
    let years = p.today.since(p.start) as f64 / YEAR;
    let rate = if p.age < 6.0 {
        1.3
    } else if p.age < 18.0 {
        0.6
    } else {
        0.45
    };
    let count = ((years * rate + rng.uniform(-0.5, 1.5)).round().max(0.0) as usize).min(8);
    let mut episodes = Vec::new();
    for _ in 0..count {
        let start = p
            .start
            .plus(rng.range(0, p.today.since(p.start).max(1) - 1));
        let age = p.age_on(start);
        let eligible: Vec<&Acute> = ACUTE
            .iter()
            .filter(|a| (a.ages.0..a.ages.1).contains(&age))
            .collect();
        if eligible.is_empty() || start.since(p.birth) < 30 {
            continue;
        }
        let acute = **rng.pick(&eligible);
        let end = start
            .plus(rng.range(acute.days.0, acute.days.1))
            .min(p.today);
        let ty = match acute.kind {
            AcuteKind::Pneumonia => {
                ["ambulatory", "emergency", "inpatient"][rng.weighted(&[0.4, 0.4, 0.2])]
            }
            AcuteKind::Sprain => ["ambulatory", "emergency"][rng.weighted(&[0.6, 0.4])],
            _ => "ambulatory",
        };
        let index = episodes.len();
        episodes.push(Episode { acute, start, end });
        push(&mut visits, &mut rng, start, VisitKind::Acute(index), ty);
    }
    visits.sort_by_key(|v| (v.date, v.minutes));
    cx.visits = visits;
    cx.episodes = episodes;
}

/// Writes every visit's `sp:Encounter` statement.
pub(crate) fn encounters(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(2);
    for i in 0..cx.visits.len() {
        let v = cx.visits[i].clone();
        let e = cx.b.statement(sp!("Encounter"));
        let ty = Code::member(spcode!("EncounterType"), v.encounter_type);
        cx.b.coded(&e, sp!("encounterType"), &ty);
        cx.b.lit(&e, sp!("startDate"), &v.date.at(v.minutes));
        let end = match v.encounter_type {
            "inpatient" => v.date.plus(rng.range(2, 6)).at(11 * 60),
            "emergency" => v.date.at(v.minutes + 60 * rng.range(2, 6) as u32),
            _ => v.date.at(v.minutes + 20 + 5 * rng.range(0, 6) as u32),
        };
        cx.b.lit(&e, sp!("endDate"), &end);
        let hospital = matches!(v.encounter_type, "inpatient" | "emergency");
        let facility = cx.b.typed(sp!("Organization"));
        cx.b.lit(
            &facility,
            vcard!("organization-name"),
            if hospital {
                "Sample General Hospital"
            } else {
                "Sample Community Health Center"
            },
        );
        let adr = cx.b.typed(vcard!("Address"));
        cx.b.ty(&adr, vcard!("Work"));
        cx.b.lit(
            &adr,
            vcard!("street-address"),
            if hospital {
                "1 Hospital Drive"
            } else {
                "200 Main Street"
            },
        );
        cx.b.lit(&adr, vcard!("locality"), "Boston");
        cx.b.lit(&adr, vcard!("region"), "MA");
        cx.b.lit(&adr, vcard!("postal-code"), "02114");
        cx.b.link(&facility, vcard!("adr"), &adr);
        cx.b.link(&e, sp!("facility"), &facility);
        let provider = cx.provider();
        cx.b.link(&e, sp!("provider"), &provider);
        cx.visits[i].encounter = Some(e);
    }
}

/// The patient's primary-care clinician, as a new `sp:Provider` node.
pub(crate) fn provider(b: &mut Builder, given: &str, family: &str, npi: &str) -> BlankNode {
    let p = b.typed(sp!("Provider"));
    let n = b.typed(vcard!("Name"));
    b.lit(&n, vcard!("given-name"), given);
    b.lit(&n, vcard!("family-name"), family);
    b.lit(&n, vcard!("honorific-suffix"), "MD");
    b.link(&p, vcard!("n"), &n);
    b.lit(&p, sp!("npiNumber"), npi);
    p
}
