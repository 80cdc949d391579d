//! Who the patient is: sex, age, body size, smoking, and which chronic conditions they
//! have since when. Conditions are drawn from rough US prevalences by age and sex, raised
//! by the risk factors the patient already has (obesity, smoking, diabetes, ...), so that
//! the combinations look like real problem lists.

use std::collections::BTreeMap;

use crate::codes::clinical::Chronic;
use crate::date::Date;
use crate::person::{self, Name};
use crate::rng::Rng;

/// How far back an adult's record goes, in years. Children's records start at birth.
pub(crate) const ADULT_RECORD_YEARS: f64 = 4.0;

/// The facts every part of the record is derived from.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub(crate) name: Name,
    pub(crate) female: bool,
    pub(crate) birth: Date,
    /// The last day of the record ("today" for this generation run).
    pub(crate) today: Date,
    /// The first day of the record.
    pub(crate) start: Date,
    /// Age today, in years.
    pub(crate) age: f64,
    /// Weeks of gestation at birth, for children.
    pub(crate) gestational_weeks: Option<f64>,
    /// The patient's constant height centile, as a z-score.
    pub(crate) height_z: f64,
    /// The patient's constant weight-for-age centile, as a z-score (children).
    pub(crate) weight_z: f64,
    /// The head-circumference z-score (children under 3).
    pub(crate) head_z: f64,
    /// Adult body mass index.
    pub(crate) bmi: f64,
    /// `spcode:SmokingStatus` identifier, for patients of 12 and over.
    pub(crate) smoking: Option<&'static str>,
    /// Chronic conditions and their onset dates.
    pub(crate) conditions: BTreeMap<Chronic, Date>,
    /// The patient's usual blood-pressure offset from the norm (systolic, diastolic).
    pub(crate) bp_offset: (f64, f64),
}

impl Profile {
    /// True if the patient has `c` on `date`.
    pub(crate) fn has_on(&self, c: Chronic, date: Date) -> bool {
        self.conditions.get(&c).is_some_and(|onset| *onset <= date)
    }

    /// True if the patient has `c` at all.
    pub(crate) fn has(&self, c: Chronic) -> bool {
        self.conditions.contains_key(&c)
    }

    /// Age in years on `date`.
    pub(crate) fn age_on(&self, date: Date) -> f64 {
        date.years_since(self.birth)
    }

    /// True for current smokers.
    pub(crate) fn smokes(&self) -> bool {
        matches!(self.smoking, Some("449868002" | "428041000124106"))
    }
}

/// Draws a profile.
pub(crate) fn draw(rng: &mut Rng, today: Date) -> Profile {
    let female = rng.chance(0.51);
    // A third of the patients are children, a tenth under three, so the pediatric apps
    // (growth charts, blood-pressure centiles) have plenty to show.
    let age = match rng.weighted(&[0.10, 0.23, 0.67]) {
        0 => rng.uniform(0.05, 3.0),
        1 => rng.uniform(3.0, 18.0),
        _ => 18.0 + 72.0 * rng.unit() * (0.4 + 0.6 * rng.unit()),
    };
    let birth = today.plus_years(-age);
    let start = if age < 18.0 {
        birth
    } else {
        today.plus_years(-ADULT_RECORD_YEARS)
    };
    let preterm = rng.chance(0.09);
    let gestational_weeks = (age < 18.0).then(|| {
        if preterm {
            rng.uniform(30.0, 37.0)
        } else {
            rng.uniform(37.0, 41.9)
        }
    });
    let height_z = rng.normal().clamp(-2.5, 2.5);
    let weight_z =
        (0.5 * height_z + 0.9 * rng.normal() + if preterm { -0.6 } else { 0.2 }).clamp(-2.5, 3.0);
    let bmi = rng.gauss(27.0 + (age - 45.0) * 0.03, 5.0).clamp(17.5, 48.0);
    let smoking = (age >= 12.0).then(|| {
        let w = if age < 18.0 {
            [0.02, 0.0, 0.01, 0.96, 0.01]
        } else {
            [0.12, 0.03, 0.25, 0.55, 0.05]
        };
        [
            "449868002",
            "266927001",
            "8517006",
            "266919005",
            "428041000124106",
        ][rng.weighted(&w)]
    });
    let mut p = Profile {
        name: person::name(rng, female),
        female,
        birth,
        today,
        start,
        age,
        gestational_weeks,
        height_z,
        weight_z,
        head_z: (0.6 * height_z + 0.8 * rng.normal()).clamp(-2.5, 2.5),
        bmi,
        smoking,
        conditions: BTreeMap::new(),
        bp_offset: (rng.gauss(0.0, 6.0), rng.gauss(0.0, 4.0)),
    };
    for c in Chronic::ALL {
        let prob = prevalence(&p, c);
        if prob > 0.0 && rng.chance(prob) {
            let onset = onset(rng, &p, c);
            p.conditions.insert(c, onset);
        }
    }
    p
}

/// The youngest age at which we give a condition.
fn min_age(c: Chronic) -> f64 {
    match c {
        Chronic::AtopicDermatitis => 0.3,
        Chronic::Asthma | Chronic::Obesity => 2.0,
        Chronic::AllergicRhinitis | Chronic::Diabetes1 => 3.0,
        Chronic::Depression | Chronic::Anxiety | Chronic::Migraine | Chronic::Anemia => 12.0,
        Chronic::Hypertension | Chronic::Hyperlipidemia | Chronic::Hypothyroidism => 18.0,
        Chronic::Diabetes2 => 25.0,
        Chronic::Ckd | Chronic::Copd | Chronic::Osteoarthritis | Chronic::CoronaryDisease => 40.0,
        Chronic::AtrialFibrillation | Chronic::HeartFailure | Chronic::Osteoporosis => 50.0,
    }
}

/// The chance that this patient has `c`, given what is already drawn.
fn prevalence(p: &Profile, c: Chronic) -> f64 {
    let a = p.age;
    if a < min_age(c) {
        return 0.0;
    }
    let obese = p.has(Chronic::Obesity);
    let risk = |base: f64, factor: f64, present: bool| if present { base * factor } else { base };
    let band = |young: f64, middle: f64, old: f64| {
        if a < 40.0 {
            young
        } else if a < 60.0 {
            middle
        } else {
            old
        }
    };
    match c {
        Chronic::Obesity => {
            if a < 18.0 {
                if p.weight_z > 1.64 { 0.9 } else { 0.0 }
            } else if p.bmi >= 30.0 {
                0.85
            } else {
                0.0
            }
        }
        Chronic::Hypertension => risk(band(0.08, 0.33, 0.6), 1.6, obese).min(0.9),
        Chronic::Diabetes2 => risk(band(0.04, 0.14, 0.24), 2.0, obese),
        Chronic::Diabetes1 => {
            if a < 40.0 {
                0.006
            } else {
                0.0
            }
        }
        Chronic::Hyperlipidemia => risk(
            band(0.1, 0.3, 0.45),
            2.0,
            p.has(Chronic::Diabetes2) || p.has(Chronic::CoronaryDisease),
        )
        .min(0.9),
        Chronic::Asthma => 0.08,
        Chronic::Hypothyroidism => {
            let base = (0.02 + 0.002 * (a - 18.0)).min(0.15);
            if p.female { base } else { base / 3.0 }
        }
        Chronic::CoronaryDisease => {
            let base = if a < 55.0 {
                0.04
            } else if a < 70.0 {
                0.12
            } else {
                0.2
            };
            let base = if p.female { base * 0.6 } else { base };
            risk(risk(base, 1.6, p.smokes()), 1.5, p.has(Chronic::Diabetes2))
        }
        Chronic::Ckd => risk(
            if a < 60.0 {
                0.05
            } else if a < 70.0 {
                0.12
            } else {
                0.3
            },
            2.2,
            p.has(Chronic::Diabetes2) || p.has(Chronic::Hypertension),
        )
        .min(0.6),
        Chronic::Depression => {
            if p.female {
                0.11
            } else {
                0.06
            }
        }
        Chronic::Anxiety => {
            if p.female {
                0.09
            } else {
                0.05
            }
        }
        Chronic::AtrialFibrillation => risk(
            if a < 65.0 {
                0.02
            } else if a < 80.0 {
                0.07
            } else {
                0.12
            },
            1.5,
            p.has(Chronic::Hypertension),
        ),
        Chronic::Copd => risk(if a < 60.0 { 0.03 } else { 0.07 }, 3.5, p.smokes()).min(0.4),
        Chronic::HeartFailure => risk(
            if a < 65.0 { 0.01 } else { 0.05 },
            3.0,
            p.has(Chronic::CoronaryDisease),
        ),
        Chronic::Osteoarthritis => risk(band(0.0, 0.12, 0.3), 1.5, obese),
        Chronic::Osteoporosis => {
            if p.female {
                if a < 65.0 { 0.08 } else { 0.25 }
            } else if a >= 65.0 {
                0.04
            } else {
                0.0
            }
        }
        Chronic::AllergicRhinitis => 0.1,
        Chronic::Anemia => {
            let base = if p.female && a < 50.0 {
                0.07
            } else if a >= 65.0 {
                0.08
            } else {
                0.02
            };
            risk(base, 4.0, p.has(Chronic::Ckd))
        }
        Chronic::Migraine => {
            if (12.0..60.0).contains(&a) {
                if p.female { 0.12 } else { 0.05 }
            } else {
                0.0
            }
        }
        Chronic::AtopicDermatitis => {
            if a < 12.0 {
                0.1
            } else {
                0.02
            }
        }
    }
}

/// When the condition began: some time between the youngest age we allow for it and a
/// month ago; conditions that come with age begin late, those of childhood early.
fn onset(rng: &mut Rng, p: &Profile, c: Chronic) -> Date {
    let min = min_age(c).max(match c {
        // Complications follow their cause.
        Chronic::Ckd | Chronic::HeartFailure => p.age - 12.0,
        _ => 0.0,
    });
    let latest = (p.age - 0.1).max(min);
    // Skewed towards recent onset, so many conditions start inside the record and their
    // diagnosis, first treatment and first labs are all visible.
    let span = latest - min;
    let years_before = span * rng.unit() * rng.unit();
    let age = (latest - years_before).max(min);
    // Never later than a month ago, so a new condition has had its first visit, labs and
    // prescription by "today".
    p.birth
        .plus_years(age)
        .min(p.today.plus(-30))
        .max(p.birth.plus(1))
}
