//! Lab results and panels. Values follow the patient's conditions and treatment: a
//! diabetic's HbA1c falls after metformin starts, a statin lowers LDL, levothyroxine
//! normalises TSH, CKD lowers eGFR (and creatinine rises with it); panel members are drawn
//! together so they agree (total cholesterol is LDL + HDL + TG/5, hematocrit follows
//! hemoglobin). Monitoring labs come with follow-up visits, screening with physicals,
//! cultures and urinalysis with the illnesses that call for them.

use oxrdf::BlankNode;
use smart_core::{dcterms, sp, spcode};

use crate::Ctx;
use crate::codes::clinical::{AcuteKind, Chronic};
use crate::codes::labs::{self as l, Lab, TextLab};
use crate::date::Date;
use crate::profile::Profile;
use crate::rdf::Code;
use crate::rng::Rng;
use crate::timeline::VisitKind;

/// Days from diagnosis until treatment takes effect on the labs.
const TREATMENT_LAG: i64 = 45;

/// True if `c` was diagnosed and treated long enough before `date` to show in the labs.
fn treated(p: &Profile, c: Chronic, date: Date) -> bool {
    p.conditions
        .get(&c)
        .is_some_and(|d| d.plus(TREATMENT_LAG) <= date)
}

/// The lab results drawn at one visit.
struct Draw<'a> {
    p: &'a Profile,
    date: Date,
    child: bool,
    results: Vec<(Lab, f64)>,
}

impl Draw<'_> {
    fn add(&mut self, lab: Lab, value: f64) {
        let min = 10f64.powi(-(lab.decimals as i32));
        self.results.push((lab, value.max(min)));
    }

    fn hba1c(&self, rng: &mut Rng) -> f64 {
        let p = self.p;
        let diabetic = [Chronic::Diabetes2, Chronic::Diabetes1]
            .into_iter()
            .find(|c| p.has_on(*c, self.date));
        match diabetic {
            Some(c) if treated(p, c, self.date) => rng.gauss(7.3, 0.6),
            Some(_) => rng.gauss(8.8, 0.9),
            None if p.has(Chronic::Obesity) => rng.gauss(5.8, 0.25),
            None => rng.gauss(5.3, 0.25),
        }
        .clamp(4.2, 13.0)
    }

    fn glucose(&mut self, rng: &mut Rng) {
        let a1c = self.hba1c(rng);
        // The ADAG relation of average glucose to HbA1c, drawn fasting (a little lower).
        let g = if a1c > 6.4 {
            28.7 * a1c - 46.7 - 15.0 + rng.gauss(0.0, 12.0)
        } else {
            rng.gauss(90.0, 7.0)
        };
        self.add(l::GLUCOSE, g);
    }

    fn egfr(&self, rng: &mut Rng) -> f64 {
        let p = self.p;
        let age = p.age_on(self.date);
        if p.has_on(Chronic::Ckd, self.date) {
            let years = self.date.since(p.conditions[&Chronic::Ckd]) as f64 / 365.0;
            (48.0 - 2.0 * years + rng.gauss(0.0, 4.0)).clamp(18.0, 59.0)
        } else {
            (100.0 - 0.7 * (age - 40.0).max(0.0) + rng.gauss(0.0, 8.0)).clamp(62.0, 130.0)
        }
    }

    fn metabolic(&mut self, rng: &mut Rng, comprehensive: bool) {
        let p = self.p;
        self.glucose(rng);
        let ckd = p.has_on(Chronic::Ckd, self.date);
        let egfr = self.egfr(rng);
        let creatinine = if self.child {
            0.2 + 0.035 * p.age_on(self.date) + rng.gauss(0.0, 0.04)
        } else {
            (if p.female { 78.0 } else { 100.0 }) / egfr + rng.gauss(0.0, 0.03)
        };
        let bun = if ckd {
            rng.gauss(32.0, 6.0)
        } else {
            rng.gauss(14.0, 3.5)
        };
        self.add(l::BUN, bun);
        self.add(l::CREATININE, creatinine);
        self.add(l::SODIUM, rng.gauss(140.0, 1.8));
        let k = if ckd { 4.9 } else { 4.2 };
        self.add(l::POTASSIUM, rng.gauss(k, 0.3));
        self.add(l::CHLORIDE, rng.gauss(103.0, 2.0));
        self.add(l::CO2, rng.gauss(if ckd { 21.0 } else { 25.0 }, 1.8));
        self.add(l::CALCIUM, rng.gauss(9.5, 0.3));
        if !self.child {
            self.add(l::EGFR, egfr);
        }
        if comprehensive {
            self.add(l::ALBUMIN, rng.gauss(4.2, 0.3));
            self.add(l::PROTEIN, rng.gauss(7.1, 0.4));
            self.add(l::ALT, rng.gauss(24.0, 8.0));
            self.add(l::AST, rng.gauss(22.0, 6.0));
            self.add(l::ALK_PHOS, rng.gauss(75.0, 18.0));
            self.add(l::BILIRUBIN, rng.gauss(0.6, 0.2));
        }
    }

    fn lipids(&mut self, rng: &mut Rng) {
        let p = self.p;
        let on_statin = treated(p, Chronic::Hyperlipidemia, self.date)
            || treated(p, Chronic::CoronaryDisease, self.date);
        let ldl = if on_statin {
            rng.gauss(96.0, 14.0)
        } else if p.has_on(Chronic::Hyperlipidemia, self.date) {
            rng.gauss(172.0, 18.0)
        } else {
            rng.gauss(108.0, 18.0).min(158.0)
        };
        let metabolic = p.has(Chronic::Diabetes2) || p.has(Chronic::Obesity);
        let hdl =
            rng.gauss(if p.female { 58.0 } else { 47.0 }, 8.0) - if metabolic { 6.0 } else { 0.0 };
        let tg = rng
            .gauss(if metabolic { 185.0 } else { 115.0 }, 35.0)
            .max(40.0);
        self.add(l::CHOLESTEROL, (ldl + hdl + tg / 5.0).round());
        self.add(l::HDL, hdl.round());
        self.add(l::LDL, ldl.round());
        self.add(l::TRIGLYCERIDE, tg.round());
    }

    fn cbc(&mut self, rng: &mut Rng, infection: bool) {
        let p = self.p;
        let anemic = p.has_on(Chronic::Anemia, self.date);
        let hb = if anemic {
            rng.gauss(10.3, 0.5)
        } else if self.child {
            rng.gauss(12.4, 0.6)
        } else if p.female {
            rng.gauss(13.5, 0.7)
        } else {
            rng.gauss(15.0, 0.8)
        };
        let mcv = if anemic {
            rng.gauss(77.0, 3.0)
        } else if self.child {
            rng.gauss(80.0, 3.0)
        } else {
            rng.gauss(89.0, 3.5)
        };
        let hct = hb * 2.95 + rng.gauss(0.0, 0.6);
        self.add(
            l::WBC,
            if infection {
                rng.gauss(14.5, 2.5)
            } else {
                rng.gauss(7.0, 1.4)
            },
        );
        self.add(l::RBC, hct / mcv * 10.0);
        self.add(l::HEMOGLOBIN, hb);
        self.add(l::HEMATOCRIT, hct);
        self.add(l::MCV, mcv);
        self.add(l::PLATELETS, rng.gauss(260.0, 45.0));
    }
}

/// Children's reference ranges where they differ from adults' (CBC).
fn range(lab: &Lab, child: bool) -> (f64, f64) {
    if !child {
        return (lab.low, lab.high);
    }
    match lab.code.id {
        "718-7" => (11.0, 14.5),
        "4544-3" => (33.0, 43.0),
        "787-2" => (72.0, 88.0),
        "6690-2" => (5.0, 15.0),
        "789-8" => (3.9, 5.3),
        "777-3" => (150.0, 450.0),
        "2160-0" => (0.2, 0.9),
        _ => (lab.low, lab.high),
    }
}

/// Writes every lab result and panel.
pub(crate) fn lab_results(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(10);
    let p = cx.profile.clone();
    for v in cx.visits.clone() {
        if v.encounter_type == "virtual" {
            continue;
        }
        let date = v.date;
        let age = p.age_on(date);
        let child = age < 18.0;
        let has = |c| p.has_on(c, date);
        let diabetic = has(Chronic::Diabetes2) || has(Chronic::Diabetes1);
        let mut panels: Vec<(Option<Code>, Draw<'_>)> = Vec::new();
        let mut text: Vec<(TextLab, bool)> = Vec::new();
        let draw = || Draw {
            p: &p,
            date,
            child,
            results: Vec::new(),
        };
        let mut single = draw();
        match v.kind {
            VisitKind::Preventive if child => {
                if diabetic {
                    let a1c = single.hba1c(&mut rng);
                    single.add(l::HBA1C, a1c);
                }
                if (0.9..1.4).contains(&age) || (9.0..11.5).contains(&age) && rng.chance(0.5) {
                    let mut d = draw();
                    d.cbc(&mut rng, false);
                    panels.push((Some(l::PANEL_CBC), d));
                }
                if (9.0..11.5).contains(&age) && rng.chance(0.5) {
                    let mut d = draw();
                    d.lipids(&mut rng);
                    panels.push((Some(l::PANEL_LIPID), d));
                }
            }
            VisitKind::Preventive => {
                let mut d = draw();
                d.metabolic(&mut rng, true);
                panels.push((Some(l::PANEL_CMP), d));
                if rng.chance(0.6) || has(Chronic::Anemia) {
                    let mut d = draw();
                    d.cbc(&mut rng, false);
                    panels.push((Some(l::PANEL_CBC), d));
                }
                if age >= 40.0 || has(Chronic::Hyperlipidemia) || diabetic || rng.chance(0.3) {
                    let mut d = draw();
                    d.lipids(&mut rng);
                    panels.push((Some(l::PANEL_LIPID), d));
                    if age >= 35.0 && rng.chance(0.6) {
                        let risk =
                            has(Chronic::CoronaryDisease) || p.has(Chronic::Obesity) || p.smokes();
                        single.add(
                            l::HS_CRP,
                            if risk {
                                rng.gauss(3.4, 1.2)
                            } else {
                                rng.gauss(1.1, 0.6)
                            },
                        );
                    }
                }
                if diabetic || (age >= 45.0 && rng.chance(0.3)) {
                    let a1c = single.hba1c(&mut rng);
                    single.add(l::HBA1C, a1c);
                }
                if diabetic {
                    let ratio = if rng.chance(0.4) {
                        rng.gauss(70.0, 30.0)
                    } else {
                        rng.gauss(14.0, 6.0)
                    };
                    single.add(l::MICROALBUMIN, ratio);
                }
                if !p.female && age >= 50.0 && rng.chance(0.5) {
                    single.add(l::PSA, rng.gauss(0.9 + 0.03 * (age - 50.0), 0.4));
                }
                if rng.chance(0.3) {
                    text.extend([
                        (l::URINE_PROTEIN, has(Chronic::Ckd)),
                        (l::URINE_GLUCOSE, diabetic && rng.chance(0.3)),
                        (l::URINE_KETONES, false),
                    ]);
                    single.add(l::URINE_PH, rng.gauss(6.0, 0.5));
                }
            }
            VisitKind::FollowUp => {
                if diabetic {
                    let a1c = single.hba1c(&mut rng);
                    single.add(l::HBA1C, a1c);
                    single.glucose(&mut rng);
                }
                if has(Chronic::Ckd)
                    || has(Chronic::HeartFailure)
                    || (has(Chronic::Hypertension) && rng.chance(0.5))
                {
                    let mut d = draw();
                    d.metabolic(&mut rng, false);
                    panels.push((Some(l::PANEL_BMP), d));
                }
                if has(Chronic::Hyperlipidemia) && rng.chance(0.4) {
                    let mut d = draw();
                    d.lipids(&mut rng);
                    panels.push((Some(l::PANEL_LIPID), d));
                }
                if has(Chronic::Hypothyroidism) && rng.chance(0.7) {
                    let tsh = if treated(&p, Chronic::Hypothyroidism, date) {
                        rng.gauss(2.2, 0.7)
                    } else {
                        rng.gauss(9.5, 2.5)
                    };
                    single.add(l::TSH, tsh);
                }
                if treated(&p, Chronic::AtrialFibrillation, date) {
                    let inr = rng.gauss(2.5, 0.35);
                    single.add(l::INR, inr);
                    single.add(l::PT, 12.0 * inr);
                }
                if has(Chronic::HeartFailure) && rng.chance(0.6) {
                    single.add(l::NT_PROBNP, rng.gauss(1400.0, 450.0));
                }
                if has(Chronic::Anemia) {
                    let mut d = draw();
                    d.cbc(&mut rng, false);
                    panels.push((Some(l::PANEL_CBC), d));
                    single.add(l::FERRITIN, rng.gauss(11.0, 4.0));
                }
            }
            VisitKind::Acute(e) => match cx.episodes[e].acute.kind {
                AcuteKind::StrepThroat => text.push((l::THROAT_CULTURE, true)),
                AcuteKind::Viral if cx.episodes[e].acute.code.id == "195662009" => {
                    text.push((l::THROAT_CULTURE, false))
                }
                AcuteKind::Uti => {
                    text.extend([
                        (l::URINE_NITRITE, true),
                        (l::URINE_LEUKOCYTE_ESTERASE, true),
                        (l::URINE_PROTEIN, false),
                    ]);
                    single.add(l::URINE_PH, rng.gauss(6.5, 0.5));
                    text.push((l::URINE_CULTURE, true));
                }
                AcuteKind::Pneumonia => {
                    let mut d = draw();
                    d.cbc(&mut rng, true);
                    panels.push((Some(l::PANEL_CBC), d));
                }
                _ => {}
            },
        }
        let when = date.at(v.minutes + 15);
        let mut urinalysis = Vec::new();
        for (panel, d) in &panels {
            let nodes: Vec<BlankNode> = d
                .results
                .iter()
                .map(|(lab, value)| quantitative(cx, &mut rng, &when, lab, *value, child))
                .collect();
            if let Some(code) = panel {
                write_panel(cx, code, &nodes);
            }
        }
        for (lab, value) in &single.results {
            let node = quantitative(cx, &mut rng, &when, lab, *value, child);
            if lab.code.id == l::URINE_PH.code.id {
                urinalysis.push(node);
            }
        }
        for (lab, abnormal) in text {
            let node = narrative(cx, &mut rng, &when, &lab, abnormal);
            if lab.code.id != l::URINE_CULTURE.code.id && lab.code.id != l::THROAT_CULTURE.code.id {
                urinalysis.push(node);
            }
        }
        if !urinalysis.is_empty() {
            write_panel(cx, &l::PANEL_UA, &urinalysis);
        }
    }
}

fn write_panel(cx: &mut Ctx, code: &Code, results: &[BlankNode]) {
    let panel = cx.b.statement(sp!("LabPanel"));
    cx.b.coded(&panel, sp!("labName"), code);
    for r in results {
        cx.b.link(&panel, sp!("labResult"), r);
    }
}

/// The parts every lab result has: name, date, accession number, status.
fn result(cx: &mut Ctx, rng: &mut Rng, when: &str, code: &Code) -> BlankNode {
    let r = cx.b.statement(sp!("LabResult"));
    cx.b.coded(&r, sp!("labName"), code);
    cx.b.lit(&r, dcterms!("date"), when);
    cx.b.lit(&r, sp!("accessionNumber"), &format!("A{}", rng.digits(9)));
    cx.b.coded(
        &r,
        sp!("labStatus"),
        &Code::member(spcode!("LabResultStatus"), "final"),
    );
    r
}

fn interpretation(cx: &mut Ctx, r: &BlankNode, abnormal: bool) {
    let id = if abnormal { "abnormal" } else { "normal" };
    cx.b.coded(
        r,
        sp!("abnormalInterpretation"),
        &Code::member(spcode!("LabResultInterpretation"), id),
    );
}

fn quantitative(
    cx: &mut Ctx,
    rng: &mut Rng,
    when: &str,
    lab: &Lab,
    value: f64,
    child: bool,
) -> BlankNode {
    let r = result(cx, rng, when, &lab.code);
    let (low, high) = range(lab, child);
    let decimals = lab.decimals;
    let value = format!("{value:.decimals$}");
    let shown: f64 = value.parse().unwrap_or(0.0);
    let b = &mut cx.b;
    let q = b.typed(sp!("QuantitativeResult"));
    b.value_unit(&q, sp!("valueAndUnit"), &value, lab.unit);
    let range = b.typed(sp!("ValueRange"));
    b.value_unit(
        &range,
        sp!("minimum"),
        &format!("{low:.decimals$}"),
        lab.unit,
    );
    b.value_unit(
        &range,
        sp!("maximum"),
        &format!("{high:.decimals$}"),
        lab.unit,
    );
    b.link(&q, sp!("normalRange"), &range);
    b.link(&r, sp!("quantitativeResult"), &q);
    interpretation(cx, &r, shown < low || shown > high);
    r
}

fn narrative(cx: &mut Ctx, rng: &mut Rng, when: &str, lab: &TextLab, abnormal: bool) -> BlankNode {
    let r = result(cx, rng, when, &lab.code);
    let n = cx.b.typed(sp!("NarrativeResult"));
    cx.b.lit(
        &n,
        sp!("value"),
        if abnormal { lab.abnormal } else { lab.normal },
    );
    cx.b.link(&r, sp!("narrativeResult"), &n);
    interpretation(cx, &r, abnormal);
    r
}
