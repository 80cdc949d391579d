//! Immunizations on the routine US schedule: the childhood series by age, then yearly
//! influenza, Tdap, zoster and pneumococcal vaccines for adults. A few doses are refused
//! or deferred, with the reason.

use smart_core::{dcterms, sp, spcode};

use crate::Ctx;
use crate::codes::vaccines::{self as v, Vaccine};
use crate::date::Date;
use crate::rdf::Code;
use crate::rng::Rng;

/// Reasons a dose was not given, with their weights.
const REFUSALS: &[(&str, f64)] = &[
    ("patientOrParentRefused", 0.45),
    ("vaccineUnavailable", 0.15),
    ("providerDeferred", 0.15),
    ("previouslyVaccinated", 0.1),
    ("contraindicated", 0.05),
    ("possiblePriorAllergyOrReaction", 0.05),
    ("documentedImmunityOrPreviousDisease", 0.05),
];

/// Writes the patient's immunizations.
pub(crate) fn immunizations(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(11);
    let p = cx.profile.clone();
    let mut doses: Vec<(Date, Vaccine)> = Vec::new();
    for (age, vaccine) in v::CHILDHOOD {
        let date = p.birth.plus_years(*age).plus(rng.range(0, 14));
        if date >= p.start && date <= p.today {
            doses.push((date, *vaccine));
        }
    }
    // Influenza every autumn from six months of age, less reliably for adults.
    let (first_year, _, _) = p.start.civil();
    let (last_year, _, _) = p.today.civil();
    let uptake = if p.age < 18.0 {
        0.75
    } else if p.age >= 65.0 {
        0.7
    } else {
        0.45
    };
    for year in first_year..=last_year {
        let date = Date::ymd(year, 10, 1).plus(rng.range(0, 50));
        let old_enough = p.age_on(date) >= 0.5;
        if date >= p.start && date <= p.today && old_enough && rng.chance(uptake) {
            let product = if rng.chance(0.5) {
                v::FLU_PF
            } else {
                v::FLU_INJ
            };
            doses.push((date, product));
        }
    }
    let in_record = |rng: &mut Rng| {
        p.start
            .plus(rng.range(0, p.today.since(p.start).max(1) - 1))
    };
    if p.age >= 19.0 {
        if rng.chance(0.25) {
            let d = in_record(&mut rng);
            doses.push((d, v::TDAP));
        }
        if p.age >= 60.0 && rng.chance(0.35) {
            let d = in_record(&mut rng);
            doses.push((d, v::ZOSTER_LIVE));
        }
        if p.age >= 66.0 && rng.chance(0.6) {
            let d = in_record(&mut rng).max(p.birth.plus_years(65.0));
            doses.push((d, v::PPSV23));
        }
        let diabetic = p.has(crate::codes::clinical::Chronic::Diabetes2);
        if diabetic && p.age < 60.0 && rng.chance(0.4) {
            let start = in_record(&mut rng);
            for offset in [0, 30, 180] {
                doses.push((start.plus(offset).min(p.today), v::HEPB_ADULT));
            }
        }
    }
    doses.sort_by_key(|d| d.0);
    let weights: Vec<f64> = REFUSALS.iter().map(|r| r.1).collect();
    for (date, vaccine) in doses {
        let s = cx.b.statement(sp!("Immunization"));
        cx.b.lit(&s, dcterms!("date"), &date.iso());
        cx.b.coded(&s, sp!("productName"), &vaccine.product);
        for group in vaccine.groups {
            cx.b.coded(&s, sp!("productClass"), group);
        }
        let refused = rng.chance(0.04);
        let status = if refused {
            "notAdministered"
        } else {
            "doseGiven"
        };
        let status = Code::member(spcode!("ImmunizationAdministrationStatus"), status);
        cx.b.coded(&s, sp!("administrationStatus"), &status);
        if refused {
            let reason = REFUSALS[rng.weighted(&weights)].0;
            let reason = Code::member(spcode!("ImmunizationRefusalReason"), reason);
            cx.b.coded(&s, sp!("refusalReason"), &reason);
        }
    }
}
