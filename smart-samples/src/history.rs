//! Allergies, problems, procedures with their imaging studies, smoking status and family
//! history.

use oxrdf::BlankNode;
use smart_core::{dcterms, sp, spcode, vcard};

use crate::Ctx;
use crate::codes::clinical::{
    self, AcuteKind, BREAST_CANCER, Chronic, FAMILY_PROBLEMS, PROSTATE_CANCER, procedures as px,
};
use crate::date::Date;
use crate::docs;
use crate::rdf::Code;
use crate::timeline::VisitKind;

fn member(list: &'static str, id: &str) -> Code {
    Code::member(list, id)
}

/// Allergies (drawn before any prescription, so that none is prescribed against one) or,
/// for most patients, an explicit "no known allergies".
pub(crate) fn allergies(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(4);
    let p = cx.profile.clone();
    let count = if rng.chance(0.3) {
        1 + usize::from(rng.chance(0.3))
    } else {
        0
    };
    let recorded = p.start.plus(rng.range(0, 30)).min(p.today);
    let (mut drug, mut food) = (false, false);
    for _ in 0..count {
        let kind = rng.weighted(&[0.45, 0.1, if p.age < 18.0 { 0.3 } else { 0.15 }, 0.2]);
        let s = cx.b.statement(sp!("Allergy"));
        let severity = ["255604002", "6736007", "24484000", "442452003"]
            [rng.weighted(&[0.5, 0.3, 0.15, 0.05])];
        let severe = matches!(severity, "24484000" | "442452003");
        let (category, reaction) = match kind {
            0 => {
                let allergen = *rng.pick(clinical::DRUG_ALLERGENS);
                cx.drug_allergies.push(allergen.id);
                cx.b.coded(&s, sp!("drugAllergen"), &allergen);
                drug = true;
                let intolerance =
                    matches!(allergen.id, "1191" | "5640" | "2670") && rng.chance(0.5);
                if intolerance {
                    ("59037007", *rng.pick(&clinical::REACTIONS[4..7]))
                } else {
                    ("416098002", *rng.pick(&clinical::REACTIONS[..4]))
                }
            }
            1 => {
                let allergen = *rng.pick(clinical::DRUG_CLASS_ALLERGENS);
                cx.b.coded(&s, sp!("drugClassAllergen"), &allergen);
                drug = true;
                ("416098002", *rng.pick(&clinical::REACTIONS[..3]))
            }
            2 => {
                let allergen = *rng.pick(clinical::FOOD_ALLERGENS);
                cx.b.coded(&s, sp!("otherAllergen"), &allergen);
                food = true;
                ("414285001", *rng.pick(&clinical::REACTIONS[1..6]))
            }
            _ => {
                let allergen = *rng.pick(clinical::ENVIRONMENTAL_ALLERGENS);
                cx.b.coded(&s, sp!("otherAllergen"), &allergen);
                let r = if allergen.id == "2LQ0UUW8IN" {
                    clinical::REACTIONS[1]
                } else {
                    clinical::SNEEZING
                };
                ("426232007", r)
            }
        };
        let reaction = if severe && category != "59037007" && rng.chance(0.5) {
            clinical::ANAPHYLAXIS
        } else {
            reaction
        };
        cx.b.coded(
            &s,
            sp!("category"),
            &member(spcode!("AllergyCategory"), category),
        );
        cx.b.coded(
            &s,
            sp!("severity"),
            &member(spcode!("AllergySeverity"), severity),
        );
        cx.b.coded(&s, sp!("allergicReaction"), &reaction);
        let onset = p
            .birth
            .plus_years(rng.uniform(0.5_f64.min(p.age), p.age))
            .min(p.today);
        cx.b.lit(&s, sp!("startDate"), &onset.iso());
    }
    let exclusions: &[&str] = match (count, drug, food) {
        (0, ..) => &["160244002"],
        (_, false, _) => &["409137002"],
        (_, true, false) if p.age < 18.0 => &["429625007"],
        _ => &[],
    };
    for id in exclusions {
        let s = cx.b.statement(sp!("AllergyExclusion"));
        cx.b.coded(
            &s,
            sp!("allergyExclusionName"),
            &member(spcode!("AllergyExclusion"), id),
        );
        cx.b.lit(&s, dcterms!("date"), &recorded.iso());
    }
}

/// The problem list: chronic conditions (active) and acute illnesses (resolved once over).
pub(crate) fn problems(cx: &mut Ctx) {
    let conditions: Vec<(Chronic, Date)> = cx
        .profile
        .conditions
        .iter()
        .map(|(c, d)| (*c, *d))
        .collect();
    for (c, onset) in conditions {
        let s = cx.b.statement(sp!("Problem"));
        cx.b.coded(&s, sp!("problemName"), &c.code());
        cx.b.lit(&s, sp!("startDate"), &onset.iso());
        cx.b.coded(
            &s,
            sp!("problemStatus"),
            &member(spcode!("ProblemStatus"), "55561003"),
        );
        // The visits at which the problem was addressed: its first one inside the record.
        if let Some(v) = cx
            .visits
            .iter()
            .find(|v| v.date >= onset && v.kind != VisitKind::Preventive)
        {
            if let Some(e) = v.encounter.clone() {
                cx.b.link(&s, sp!("encounters"), &e);
            }
        }
    }
    for i in 0..cx.episodes.len() {
        let ep = cx.episodes[i];
        let s = cx.b.statement(sp!("Problem"));
        cx.b.coded(&s, sp!("problemName"), &ep.acute.code);
        cx.b.lit(&s, sp!("startDate"), &ep.start.iso());
        let over = ep.end < cx.profile.today;
        if over {
            cx.b.lit(&s, sp!("endDate"), &ep.end.iso());
        }
        let status = if over { "413322009" } else { "55561003" };
        cx.b.coded(
            &s,
            sp!("problemStatus"),
            &member(spcode!("ProblemStatus"), status),
        );
        if let Some(v) = cx.visits.iter().find(|v| v.kind == VisitKind::Acute(i)) {
            if let Some(e) = v.encounter.clone() {
                cx.b.link(&s, sp!("encounters"), &e);
            }
        }
    }
}

/// One procedure statement.
fn procedure(cx: &mut Ctx, date: Date, code: Code, notes: &str) {
    let s = cx.b.statement(sp!("Procedure"));
    cx.b.lit(&s, dcterms!("date"), &date.iso());
    cx.b.coded(&s, sp!("procedureName"), &code);
    cx.b.coded(
        &s,
        sp!("procedureStatus"),
        &member(spcode!("ProcedureStatus"), "385658003"),
    );
    cx.b.lit(&s, sp!("notes"), notes);
    let provider = cx.provider();
    cx.b.link(&s, sp!("provider"), &provider);
}

/// An imaging study: modality, title and the series' titles with their image counts.
struct Study {
    modality: &'static str,
    title: &'static str,
    series: &'static [(&'static str, usize)],
}

const CHEST_XRAY: Study = Study {
    modality: "DX",
    title: "Chest X-ray, PA and lateral",
    series: &[("PA", 1), ("Lateral", 1)],
};
const CHEST_CT: Study = Study {
    modality: "CT",
    title: "CT chest with contrast",
    series: &[("Axial", 3), ("Coronal", 2)],
};
const ANKLE_XRAY: Study = Study {
    modality: "DX",
    title: "Ankle X-ray, 3 views",
    series: &[("AP", 1), ("Mortise", 1), ("Lateral", 1)],
};
const LUMBAR_MRI: Study = Study {
    modality: "MR",
    title: "MRI lumbar spine without contrast",
    series: &[("Sagittal T1", 2), ("Sagittal T2", 2), ("Axial T2", 3)],
};
const KNEE_MRI: Study = Study {
    modality: "MR",
    title: "MRI knee without contrast",
    series: &[("Sagittal PD", 2), ("Coronal T1", 2)],
};
const ECHO: Study = Study {
    modality: "US",
    title: "Transthoracic echocardiogram",
    series: &[("Parasternal long axis", 2), ("Apical four chamber", 2)],
};
const RENAL_US: Study = Study {
    modality: "US",
    title: "Renal ultrasound",
    series: &[("Right kidney", 2), ("Left kidney", 2)],
};
const MAMMOGRAM: Study = Study {
    modality: "MG",
    title: "Screening mammogram, bilateral",
    series: &[("Craniocaudal", 2), ("Mediolateral oblique", 2)],
};

/// Procedures of the record and the imaging they produced.
pub(crate) fn procedures_and_imaging(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(5);
    let p = cx.profile.clone();
    let in_record = |rng: &mut crate::rng::Rng| {
        p.start
            .plus(rng.range(0, p.today.since(p.start).max(1) - 1))
    };
    // Earlier surgery, some of it from before the record began.
    let past = |rng: &mut crate::rng::Rng, from_age: f64| {
        p.birth
            .plus_years(rng.uniform(from_age.min(p.age - 0.1), p.age - 0.1))
    };
    if p.age > 6.0 && rng.chance(0.06) {
        let d = past(&mut rng, 5.0);
        procedure(
            cx,
            d,
            px::APPENDECTOMY,
            "Laparoscopic appendectomy for acute appendicitis; uncomplicated recovery.",
        );
    }
    if p.age > 35.0 && rng.chance(if p.female { 0.08 } else { 0.04 }) {
        let d = past(&mut rng, 30.0);
        procedure(
            cx,
            d,
            px::CHOLECYSTECTOMY,
            "Laparoscopic cholecystectomy for symptomatic cholelithiasis.",
        );
    }
    if p.age > 5.0 && rng.chance(0.05) {
        let d = past(&mut rng, 4.0);
        procedure(
            cx,
            d,
            px::TONSILLECTOMY,
            "Tonsillectomy for recurrent tonsillitis.",
        );
    }
    if p.female && p.age > 27.0 && rng.chance(0.12) {
        let d = p
            .birth
            .plus_years(rng.uniform(24.0, (p.age - 1.0).min(40.0)));
        procedure(
            cx,
            d,
            px::CESAREAN,
            "Low transverse cesarean section; healthy infant.",
        );
    }
    if p.age >= 50.0 && rng.chance(0.3) {
        let d = in_record(&mut rng);
        procedure(
            cx,
            d,
            px::COLONOSCOPY,
            "Screening colonoscopy to the cecum; no polyps. Repeat in 10 years.",
        );
    }
    if p.female && p.age >= 40.0 {
        let mut d = p.start.plus(rng.range(0, 300));
        while d < p.today {
            if rng.chance(0.75) {
                procedure(
                    cx,
                    d,
                    px::MAMMOGRAPHY,
                    "Screening mammogram: BI-RADS 1, negative.",
                );
                study(cx, &mut rng, d, &MAMMOGRAM);
            }
            d = d.plus(730);
        }
    }
    if p.has(Chronic::CoronaryDisease) {
        let d = p.conditions[&Chronic::CoronaryDisease].max(p.start);
        procedure(
            cx,
            d,
            px::ECG,
            "12-lead ECG: sinus rhythm, Q waves inferiorly.",
        );
        procedure(
            cx,
            d.plus(7),
            px::CORONARY_ANGIOGRAPHY,
            "Coronary angiography: significant stenosis of the left anterior descending artery.",
        );
        match rng.weighted(&[0.45, 0.15, 0.4]) {
            0 => procedure(
                cx,
                d.plus(7),
                px::PCI,
                "Drug-eluting stent placed in the proximal LAD.",
            ),
            1 => procedure(
                cx,
                d.plus(21),
                px::CABG,
                "Coronary artery bypass grafting, three vessels.",
            ),
            _ => {}
        }
        procedure(
            cx,
            d.plus(2),
            px::ECHOCARDIOGRAPHY,
            "Echocardiogram: left ventricular ejection fraction 50%.",
        );
        study(cx, &mut rng, d.plus(2), &ECHO);
    }
    if p.has(Chronic::HeartFailure) {
        let d = p.conditions[&Chronic::HeartFailure].max(p.start).plus(3);
        procedure(
            cx,
            d,
            px::ECHOCARDIOGRAPHY,
            "Echocardiogram: reduced ejection fraction, 35%.",
        );
        study(cx, &mut rng, d, &ECHO);
    }
    if p.has(Chronic::AtrialFibrillation) {
        let d = p.conditions[&Chronic::AtrialFibrillation].max(p.start);
        procedure(
            cx,
            d,
            px::ECG,
            "12-lead ECG: atrial fibrillation with controlled ventricular response.",
        );
    }
    if p.has(Chronic::Ckd) && rng.chance(0.5) {
        let d = p.conditions[&Chronic::Ckd].max(p.start).plus(14);
        procedure(
            cx,
            d,
            px::ULTRASOUND,
            "Renal ultrasound: small echogenic kidneys, no hydronephrosis.",
        );
        study(cx, &mut rng, d, &RENAL_US);
    }
    if p.has(Chronic::Osteoarthritis) {
        if rng.chance(0.35) {
            let d = in_record(&mut rng);
            procedure(
                cx,
                d,
                px::MRI,
                "MRI of the knee: tricompartmental degenerative change.",
            );
            study(cx, &mut rng, d, &KNEE_MRI);
        }
        if p.age > 55.0 && rng.chance(0.15) {
            let d = in_record(&mut rng);
            let code = if rng.chance(0.5) {
                px::KNEE_REPLACEMENT
            } else {
                px::HIP_REPLACEMENT
            };
            procedure(
                cx,
                d,
                code,
                "Joint replacement for end-stage osteoarthritis.",
            );
        }
    }
    if p.has(Chronic::Depression) {
        let d = p.conditions[&Chronic::Depression].max(p.start);
        procedure(cx, d, px::DEPRESSION_SCREENING, "PHQ-9 administered.");
    }
    for ep in cx.episodes.clone() {
        match ep.acute.kind {
            AcuteKind::Pneumonia => {
                procedure(
                    cx,
                    ep.start,
                    px::CHEST_XRAY,
                    "Chest radiograph: right lower lobe consolidation.",
                );
                study(cx, &mut rng, ep.start, &CHEST_XRAY);
                if rng.chance(0.2) {
                    procedure(
                        cx,
                        ep.start.plus(1),
                        px::CT,
                        "CT chest: lobar consolidation, no abscess or effusion.",
                    );
                    study(cx, &mut rng, ep.start.plus(1), &CHEST_CT);
                }
            }
            AcuteKind::Sprain => study(cx, &mut rng, ep.start, &ANKLE_XRAY),
            AcuteKind::BackPain if rng.chance(0.3) => {
                let d = ep.start.plus(14).min(p.today);
                procedure(
                    cx,
                    d,
                    px::MRI,
                    "MRI lumbar spine: mild disc bulge at L4-L5, no nerve root compression.",
                );
                study(cx, &mut rng, d, &LUMBAR_MRI);
            }
            _ => {}
        }
    }
    let reconciliations: Vec<Date> = cx
        .visits
        .iter()
        .filter(|v| v.kind == VisitKind::FollowUp)
        .map(|v| v.date)
        .collect();
    for d in reconciliations {
        if rng.chance(0.15) {
            procedure(
                cx,
                d,
                px::MED_RECONCILIATION,
                "Medication list reviewed with the patient.",
            );
        }
    }
}

/// An `sp:ImagingStudy` with its series, each an RDF list of `sp:MedicalImage` statements,
/// and a placeholder file per image.
fn study(cx: &mut Ctx, rng: &mut crate::rng::Rng, date: Date, kind: &Study) {
    let s = cx.b.statement(sp!("ImagingStudy"));
    let when = date.at(9 * 60 + 30 * rng.range(0, 16) as u32);
    cx.b.lit(&s, dcterms!("date"), &when);
    cx.b.lit(&s, dcterms!("title"), kind.title);
    cx.b.lit(&s, sp!("accessionNumber"), &format!("IMG{}", rng.digits(8)));
    let modality = member(spcode!("ModalityType"), kind.modality);
    cx.b.coded(&s, sp!("modality"), &modality);
    let study_number = cx
        .attachments
        .iter()
        .filter(|a| a.content_type == "application/dicom")
        .count();
    let study_uid = format!("2.25.{}{}", rng.range(1, 9), rng.digits(20));
    for (series_index, (title, images)) in kind.series.iter().enumerate() {
        let series = cx.b.typed(sp!("Series"));
        cx.b.lit(&series, dcterms!("title"), title);
        cx.b.coded(&series, sp!("modality"), &modality);
        let series_uid = format!("{study_uid}.{}", series_index + 1);
        let mut nodes: Vec<BlankNode> = Vec::new();
        for image in 0..*images {
            let m = cx.b.statement(sp!("MedicalImage"));
            cx.b.link(&m, sp!("imagingStudy"), &s);
            cx.b.lit(&m, dcterms!("date"), &when);
            cx.b.lit(
                &m,
                dcterms!("title"),
                &format!("{} — {title}, image {}", kind.title, image + 1),
            );
            let file = format!(
                "IM-{:04}-{:04}-{:04}.dcm",
                study_number + 1,
                series_index + 1,
                image + 1
            );
            let bytes = docs::dicom_placeholder(&format!("{series_uid}.{}", image + 1));
            docs::file_document(cx, &m, &file, "application/dicom", bytes);
            cx.b.lit(&m, sp!("dicomStudyUID"), &study_uid);
            cx.b.lit(&m, sp!("dicomSeriesUID"), &series_uid);
            cx.b.lit(
                &m,
                sp!("dicomImageUID"),
                &format!("{series_uid}.{}", image + 1),
            );
            nodes.push(m);
        }
        let list = cx.b.list(&nodes);
        cx.b.link(&series, sp!("images"), &list);
        cx.b.link(&s, sp!("series"), &series);
    }
}

/// Smoking status, for patients of twelve and over.
pub(crate) fn social_history(cx: &mut Ctx) {
    if let Some(status) = cx.profile.smoking {
        let s = cx.b.statement(sp!("SocialHistory"));
        cx.b.coded(
            &s,
            sp!("smokingStatus"),
            &member(spcode!("SmokingStatus"), status),
        );
    }
}

/// Family history: both parents (with their heights) for children, whose growth charts
/// use the mid-parental height; a few relatives with heritable problems for adults.
pub(crate) fn family_history(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(6);
    let p = cx.profile.clone();
    let relatives: Vec<(Code, bool)> = if p.age < 18.0 {
        vec![(clinical::MOTHER, true), (clinical::FATHER, false)]
    } else {
        let all = [
            (clinical::MOTHER, true),
            (clinical::FATHER, false),
            (clinical::BROTHER, false),
            (clinical::SISTER, true),
        ];
        let n = rng.range(0, 3) as usize;
        all.iter()
            .copied()
            .filter(|_| rng.chance(0.5))
            .take(n)
            .collect()
    };
    for (relative, female) in relatives {
        let parent = relative.id == clinical::MOTHER.id || relative.id == clinical::FATHER.id;
        let s = cx.b.statement(sp!("FamilyHistory"));
        cx.b.coded(&s, sp!("aboutRelative"), &relative);
        let offset = if parent {
            rng.uniform(22.0, 38.0)
        } else {
            rng.uniform(-8.0, 8.0)
        };
        let bday = p.birth.plus_years(-offset);
        cx.b.lit(&s, vcard!("bday"), &bday.iso());
        let relative_age = p.today.years_since(bday);
        if relative_age > 60.0 && rng.chance((relative_age - 55.0) / 40.0) {
            let death = bday.plus_years(rng.uniform(55.0, relative_age.min(95.0)));
            cx.b.lit(&s, vcard!("deathdate"), &death.min(p.today).iso());
        }
        if p.age < 18.0 {
            let height = if female { 163.0 } else { 176.5 } + rng.gauss(0.0, 6.5);
            let h = cx.b.typed(sp!("VitalSign"));
            cx.b.lit(&h, sp!("value"), &format!("{height:.0}"));
            cx.b.lit(&h, sp!("unit"), "cm");
            cx.b.coded(
                &h,
                sp!("vitalName"),
                &member(spcode!("VitalSign"), "8302-2"),
            );
            cx.b.link(&s, sp!("height"), &h);
        }
        let problems = if relative_age > 35.0 {
            rng.range(if p.age < 18.0 { 0 } else { 1 }, 2)
        } else {
            0
        };
        for _ in 0..problems {
            let code = if rng.chance(0.12) {
                if female {
                    BREAST_CANCER
                } else {
                    PROSTATE_CANCER
                }
            } else {
                *rng.pick(FAMILY_PROBLEMS)
            };
            cx.b.coded(&s, sp!("hasProblem"), &code);
        }
    }
}
