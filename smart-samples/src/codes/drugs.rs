//! Drugs we prescribe: RxNorm clinical (SCD) and branded (SBD) drugs, each with the usual
//! adult instructions, dose and frequency, and how dispensings are counted.

use super::rxnorm;
use crate::rdf::Code;

/// A prescribable drug and how it is taken.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drug {
    /// The RxNorm SCD/SBD.
    pub(crate) code: Code,
    /// The instructions (SIG).
    pub(crate) sig: &'static str,
    /// Amount per dose: value and UCUM unit.
    pub(crate) dose: (&'static str, &'static str),
    /// Doses per day, when scheduled (none for "as needed").
    pub(crate) per_day: Option<&'static str>,
    /// The unit a pharmacy dispenses in.
    pub(crate) dispense_unit: &'static str,
    /// Dispensed units used per day, to size each fill.
    pub(crate) units_per_day: f64,
    /// The RxNorm ingredient an allergy to which rules the drug out.
    pub(crate) ingredient: Option<&'static str>,
}

/// A drug taken by tablet or capsule.
const fn oral(code: Code, sig: &'static str, per_day: &'static str, n: f64) -> Drug {
    Drug {
        code,
        sig,
        dose: ("1", "{tablet}"),
        per_day: Some(per_day),
        dispense_unit: "{tablet}",
        units_per_day: n,
        ingredient: None,
    }
}

impl Drug {
    const fn capsule(mut self) -> Self {
        self.dose.1 = "{capsule}";
        self.dispense_unit = "{capsule}";
        self
    }

    const fn contains(mut self, ingredient: &'static str) -> Self {
        self.ingredient = Some(ingredient);
        self
    }
}

/// Once-daily tablets.
const DAILY: &str = "Take 1 tablet by mouth once daily";

pub(crate) const LISINOPRIL_10: Drug = oral(
    rxnorm!("314076", "lisinopril 10 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const LISINOPRIL_20: Drug = oral(
    rxnorm!("314077", "lisinopril 20 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const AMLODIPINE_5: Drug = oral(
    rxnorm!("197361", "amlodipine 5 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const HCTZ_25: Drug = oral(
    rxnorm!("310798", "hydrochlorothiazide 25 MG Oral Tablet"),
    "Take 1 tablet by mouth every morning",
    "1",
    1.0,
);
pub(crate) const METFORMIN_ER_500: Drug = oral(
    rxnorm!(
        "860975",
        "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"
    ),
    "Take 2 tablets by mouth once daily with the evening meal",
    "1",
    2.0,
);
pub(crate) const LIRAGLUTIDE: Drug = Drug {
    code: rxnorm!("897122", "3 ML liraglutide 6 MG/ML Pen Injector"),
    sig: "Inject 1.2 mg subcutaneously once daily",
    dose: ("1.2", "mg"),
    per_day: Some("1"),
    dispense_unit: "{pen}",
    units_per_day: 1.0 / 15.0,
    ingredient: None,
};
pub(crate) const INSULIN_70_30: Drug = Drug {
    code: rxnorm!(
        "106892",
        "insulin isophane, human 70 UNT/ML / insulin regular, human 30 UNT/ML Injectable Suspension [Humulin]"
    ),
    sig: "Inject 20 units subcutaneously twice daily before breakfast and supper",
    dose: ("20", "[iU]"),
    per_day: Some("2"),
    dispense_unit: "mL",
    units_per_day: 0.4,
    ingredient: None,
};
pub(crate) const ATORVASTATIN_80: Drug = oral(
    rxnorm!("259255", "atorvastatin 80 MG Oral Tablet"),
    "Take 1 tablet by mouth once daily at bedtime",
    "1",
    1.0,
);
pub(crate) const SIMVASTATIN_20: Drug = oral(
    rxnorm!("312961", "simvastatin 20 MG Oral Tablet"),
    "Take 1 tablet by mouth once daily in the evening",
    "1",
    1.0,
);
pub(crate) const SIMVASTATIN_10: Drug = oral(
    rxnorm!("314231", "simvastatin 10 MG Oral Tablet"),
    "Take 1 tablet by mouth once daily in the evening",
    "1",
    1.0,
);
pub(crate) const ALBUTEROL_MDI: Drug = Drug {
    code: rxnorm!(
        "745679",
        "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"
    ),
    sig: "Inhale 2 puffs every 4 to 6 hours as needed for wheezing or shortness of breath",
    dose: ("2", "{puff}"),
    per_day: None,
    dispense_unit: "{inhaler}",
    units_per_day: 1.0 / 60.0,
    ingredient: None,
};
pub(crate) const FLUTICASONE_MDI: Drug = Drug {
    code: rxnorm!(
        "895994",
        "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"
    ),
    sig: "Inhale 2 puffs twice daily; rinse mouth after use",
    dose: ("2", "{puff}"),
    per_day: Some("2"),
    dispense_unit: "{inhaler}",
    units_per_day: 1.0 / 30.0,
    ingredient: None,
};
pub(crate) const LEVOTHYROXINE_75: Drug = oral(
    rxnorm!("966247", "levothyroxine sodium 0.075 MG Oral Tablet"),
    "Take 1 tablet by mouth every morning on an empty stomach",
    "1",
    1.0,
);
pub(crate) const SERTRALINE_100: Drug = oral(
    rxnorm!("312938", "sertraline 100 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const CITALOPRAM_20: Drug = oral(
    rxnorm!("200371", "citalopram 20 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const FLUOXETINE_20: Drug = oral(
    rxnorm!("310385", "fluoxetine 20 MG Oral Capsule"),
    "Take 1 capsule by mouth every morning",
    "1",
    1.0,
)
.capsule();
pub(crate) const WARFARIN_5: Drug = oral(
    rxnorm!("855332", "warfarin sodium 5 MG Oral Tablet"),
    "Take 1 tablet by mouth daily in the evening or as directed by the anticoagulation clinic",
    "1",
    1.0,
);
pub(crate) const DIGOXIN_0125: Drug = oral(
    rxnorm!("197604", "digoxin 0.125 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const ASPIRIN_81: Drug = oral(
    rxnorm!("243670", "aspirin 81 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
)
.contains("1191");
pub(crate) const CLOPIDOGREL_75: Drug = oral(
    rxnorm!("309362", "clopidogrel 75 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const NITROGLYCERIN_SPRAY: Drug = Drug {
    code: rxnorm!("705129", "nitroglycerin 0.4 MG/ACTUAT Mucosal Spray"),
    sig: "Spray 1 dose under the tongue at onset of chest pain; may repeat every 5 minutes, up to 3 doses",
    dose: ("1", "{spray}"),
    per_day: None,
    dispense_unit: "{bottle}",
    units_per_day: 1.0 / 180.0,
    ingredient: None,
};
pub(crate) const FUROSEMIDE_40: Drug = oral(
    rxnorm!("313988", "furosemide 40 MG Oral Tablet"),
    "Take 1 tablet by mouth every morning",
    "1",
    1.0,
);
pub(crate) const CARVEDILOL_625: Drug = oral(
    rxnorm!("200031", "carvedilol 6.25 MG Oral Tablet"),
    "Take 1 tablet by mouth twice daily with food",
    "2",
    2.0,
);
pub(crate) const NAPROXEN_220: Drug = oral(
    rxnorm!("849574", "naproxen sodium 220 MG Oral Tablet"),
    "Take 1 tablet by mouth every 12 hours as needed for pain, with food",
    "2",
    2.0,
);
pub(crate) const ACETAMINOPHEN_325: Drug = oral(
    rxnorm!("313782", "acetaminophen 325 MG Oral Tablet"),
    "Take 2 tablets by mouth every 6 hours as needed for pain or fever",
    "4",
    6.0,
)
.contains("161");
pub(crate) const ACETAMINOPHEN_160_CHEW: Drug = oral(
    rxnorm!("313820", "acetaminophen 160 MG Chewable Tablet"),
    "Chew 1 tablet every 6 hours as needed for pain or fever",
    "4",
    4.0,
)
.contains("161");
pub(crate) const IBUPROFEN_200: Drug = oral(
    rxnorm!("310965", "ibuprofen 200 MG Oral Tablet"),
    "Take 2 tablets by mouth every 6 to 8 hours as needed for pain, with food",
    "3",
    6.0,
)
.contains("5640");
pub(crate) const ALENDRONATE_10: Drug = oral(
    rxnorm!("904419", "alendronic acid 10 MG Oral Tablet"),
    "Take 1 tablet by mouth every morning with a full glass of water; stay upright for 30 minutes",
    "1",
    1.0,
);
pub(crate) const CETIRIZINE_5: Drug = oral(
    rxnorm!("1014676", "cetirizine hydrochloride 5 MG Oral Tablet"),
    DAILY,
    "1",
    1.0,
);
pub(crate) const LORATADINE_5_CHEW: Drug = oral(
    rxnorm!("665078", "loratadine 5 MG Chewable Tablet"),
    "Chew 1 tablet once daily",
    "1",
    1.0,
);
pub(crate) const FERROUS_SULFATE_325: Drug = oral(
    rxnorm!("310325", "ferrous sulfate 325 MG Oral Tablet"),
    "Take 1 tablet by mouth once daily with orange juice",
    "1",
    1.0,
);
pub(crate) const AMOXICILLIN_250: Drug = oral(
    rxnorm!("308182", "amoxicillin 250 MG Oral Capsule"),
    "Take 1 capsule by mouth three times daily for 10 days",
    "3",
    3.0,
)
.capsule()
.contains("723");
pub(crate) const AMOXICILLIN_500: Drug = oral(
    rxnorm!("308192", "amoxicillin 500 MG Oral Tablet"),
    "Take 1 tablet by mouth three times daily until finished",
    "3",
    3.0,
)
.contains("723");
pub(crate) const AMOX_CLAV: Drug = oral(
    rxnorm!(
        "562251",
        "amoxicillin 250 MG / clavulanate 125 MG Oral Tablet"
    ),
    "Take 1 tablet by mouth three times daily until finished",
    "3",
    3.0,
)
.contains("723");
pub(crate) const PENICILLIN_V_250: Drug = oral(
    rxnorm!("834061", "penicillin V potassium 250 MG Oral Tablet"),
    "Take 1 tablet by mouth four times daily for 10 days",
    "4",
    4.0,
)
.contains("7980");
pub(crate) const CEFUROXIME_250: Drug = oral(
    rxnorm!("309097", "cefuroxime 250 MG Oral Tablet"),
    "Take 1 tablet by mouth twice daily until finished",
    "2",
    2.0,
);
pub(crate) const CIPROFLOXACIN_500: Drug = oral(
    rxnorm!("309309", "ciprofloxacin 500 MG Oral Tablet"),
    "Take 1 tablet by mouth twice daily until finished",
    "2",
    2.0,
)
.contains("2551");

/// The penicillins among the allergens: an allergy to one rules out all of them.
const PENICILLINS: &[&str] = &["723", "733", "7980"];

impl Drug {
    /// True if an allergy to one of these RxNorm ingredients rules this drug out: the
    /// drug's own ingredient, or any penicillin for a penicillin.
    pub(crate) fn excluded_by(&self, allergic_to: &[&str]) -> bool {
        self.ingredient.is_some_and(|i| {
            allergic_to.contains(&i)
                || (PENICILLINS.contains(&i) && allergic_to.iter().any(|a| PENICILLINS.contains(a)))
        })
    }
}
