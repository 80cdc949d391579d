//! Laboratory tests: LOINC codes (long common names), UCUM units and adult reference
//! ranges as commonly reported by US laboratories; and the LOINC panels that group them.

use super::loinc;
use crate::rdf::Code;

/// A quantitative test.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lab {
    /// The LOINC test.
    pub(crate) code: Code,
    /// The UCUM unit.
    pub(crate) unit: &'static str,
    /// The normal range, lower bound.
    pub(crate) low: f64,
    /// The normal range, upper bound.
    pub(crate) high: f64,
    /// Decimal places reported.
    pub(crate) decimals: usize,
}

const fn lab(code: Code, unit: &'static str, low: f64, high: f64, decimals: usize) -> Lab {
    Lab {
        code,
        unit,
        low,
        high,
        decimals,
    }
}

pub(crate) const HBA1C: Lab = lab(
    loinc!("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
    "%",
    4.0,
    5.6,
    1,
);
pub(crate) const GLUCOSE: Lab = lab(
    loinc!("2345-7", "Glucose [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    70.0,
    99.0,
    0,
);
pub(crate) const CHOLESTEROL: Lab = lab(
    loinc!("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    125.0,
    200.0,
    0,
);
pub(crate) const HDL: Lab = lab(
    loinc!(
        "2085-9",
        "Cholesterol in HDL [Mass/volume] in Serum or Plasma"
    ),
    "mg/dL",
    40.0,
    90.0,
    0,
);
pub(crate) const LDL: Lab = lab(
    loinc!(
        "13457-7",
        "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation"
    ),
    "mg/dL",
    0.0,
    100.0,
    0,
);
pub(crate) const TRIGLYCERIDE: Lab = lab(
    loinc!("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    0.0,
    150.0,
    0,
);
pub(crate) const CREATININE: Lab = lab(
    loinc!("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    0.6,
    1.3,
    2,
);
pub(crate) const BUN: Lab = lab(
    loinc!("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    7.0,
    20.0,
    0,
);
pub(crate) const SODIUM: Lab = lab(
    loinc!("2951-2", "Sodium [Moles/volume] in Serum or Plasma"),
    "mmol/L",
    135.0,
    145.0,
    0,
);
pub(crate) const POTASSIUM: Lab = lab(
    loinc!("2823-3", "Potassium [Moles/volume] in Serum or Plasma"),
    "mmol/L",
    3.5,
    5.1,
    1,
);
pub(crate) const CHLORIDE: Lab = lab(
    loinc!("2075-0", "Chloride [Moles/volume] in Serum or Plasma"),
    "mmol/L",
    98.0,
    107.0,
    0,
);
pub(crate) const CO2: Lab = lab(
    loinc!(
        "2028-9",
        "Carbon dioxide, total [Moles/volume] in Serum or Plasma"
    ),
    "mmol/L",
    22.0,
    29.0,
    0,
);
pub(crate) const CALCIUM: Lab = lab(
    loinc!("17861-6", "Calcium [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    8.5,
    10.2,
    1,
);
pub(crate) const ALBUMIN: Lab = lab(
    loinc!("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    "g/dL",
    3.5,
    5.0,
    1,
);
pub(crate) const PROTEIN: Lab = lab(
    loinc!("2885-2", "Protein [Mass/volume] in Serum or Plasma"),
    "g/dL",
    6.0,
    8.3,
    1,
);
pub(crate) const ALT: Lab = lab(
    loinc!(
        "1742-6",
        "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    "U/L",
    7.0,
    56.0,
    0,
);
pub(crate) const AST: Lab = lab(
    loinc!(
        "1920-8",
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    "U/L",
    10.0,
    40.0,
    0,
);
pub(crate) const ALK_PHOS: Lab = lab(
    loinc!(
        "6768-6",
        "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    "U/L",
    44.0,
    147.0,
    0,
);
pub(crate) const BILIRUBIN: Lab = lab(
    loinc!("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    "mg/dL",
    0.1,
    1.2,
    1,
);
pub(crate) const TSH: Lab = lab(
    loinc!("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"),
    "m[IU]/L",
    0.4,
    4.0,
    2,
);
pub(crate) const EGFR: Lab = lab(
    loinc!(
        "33914-3",
        "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)"
    ),
    "mL/min/{1.73_m2}",
    60.0,
    120.0,
    0,
);
pub(crate) const MICROALBUMIN: Lab = lab(
    loinc!("14959-1", "Microalbumin/Creatinine [Mass Ratio] in Urine"),
    "mg/g",
    0.0,
    30.0,
    0,
);
pub(crate) const HEMOGLOBIN: Lab = lab(
    loinc!("718-7", "Hemoglobin [Mass/volume] in Blood"),
    "g/dL",
    12.0,
    17.5,
    1,
);
pub(crate) const HEMATOCRIT: Lab = lab(
    loinc!(
        "4544-3",
        "Hematocrit [Volume Fraction] of Blood by Automated count"
    ),
    "%",
    36.0,
    50.0,
    1,
);
pub(crate) const WBC: Lab = lab(
    loinc!(
        "6690-2",
        "Leukocytes [#/volume] in Blood by Automated count"
    ),
    "10*3/uL",
    4.5,
    11.0,
    1,
);
pub(crate) const RBC: Lab = lab(
    loinc!(
        "789-8",
        "Erythrocytes [#/volume] in Blood by Automated count"
    ),
    "10*6/uL",
    4.2,
    5.9,
    2,
);
pub(crate) const PLATELETS: Lab = lab(
    loinc!("777-3", "Platelets [#/volume] in Blood by Automated count"),
    "10*3/uL",
    150.0,
    400.0,
    0,
);
pub(crate) const MCV: Lab = lab(
    loinc!("787-2", "MCV [Entire volume] by Automated count"),
    "fL",
    80.0,
    100.0,
    0,
);
pub(crate) const FERRITIN: Lab = lab(
    loinc!("2276-4", "Ferritin [Mass/volume] in Serum or Plasma"),
    "ng/mL",
    20.0,
    250.0,
    0,
);
pub(crate) const HS_CRP: Lab = lab(
    loinc!(
        "30522-7",
        "C reactive protein [Mass/volume] in Serum or Plasma by High sensitivity method"
    ),
    "mg/L",
    0.0,
    3.0,
    1,
);
pub(crate) const INR: Lab = lab(
    loinc!("6301-6", "INR in Platelet poor plasma by Coagulation assay"),
    "{INR}",
    0.8,
    1.2,
    1,
);
pub(crate) const PT: Lab = lab(
    loinc!("5902-2", "Prothrombin time (PT)"),
    "s",
    11.0,
    13.5,
    1,
);
pub(crate) const NT_PROBNP: Lab = lab(
    loinc!(
        "33762-6",
        "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma"
    ),
    "pg/mL",
    0.0,
    125.0,
    0,
);
pub(crate) const PSA: Lab = lab(
    loinc!(
        "2857-1",
        "Prostate specific Ag [Mass/volume] in Serum or Plasma"
    ),
    "ng/mL",
    0.0,
    4.0,
    2,
);
pub(crate) const URINE_PH: Lab = lab(
    loinc!("5803-2", "pH of Urine by Test strip"),
    "[pH]",
    5.0,
    8.0,
    1,
);

/// A test reported as text (ordinal dipstick results, culture findings).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextLab {
    /// The LOINC test.
    pub(crate) code: Code,
    /// The normal answer.
    pub(crate) normal: &'static str,
    /// An abnormal answer, for when the patient has the matching problem.
    pub(crate) abnormal: &'static str,
}

pub(crate) const URINE_PROTEIN: TextLab = TextLab {
    code: loinc!("20454-5", "Protein [Presence] in Urine by Test strip"),
    normal: "Negative",
    abnormal: "1+",
};
pub(crate) const URINE_GLUCOSE: TextLab = TextLab {
    code: loinc!("25428-4", "Glucose [Presence] in Urine by Test strip"),
    normal: "Negative",
    abnormal: "2+",
};
pub(crate) const URINE_NITRITE: TextLab = TextLab {
    code: loinc!("5802-4", "Nitrite [Presence] in Urine by Test strip"),
    normal: "Negative",
    abnormal: "Positive",
};
pub(crate) const URINE_LEUKOCYTE_ESTERASE: TextLab = TextLab {
    code: loinc!(
        "5799-2",
        "Leukocyte esterase [Presence] in Urine by Test strip"
    ),
    normal: "Negative",
    abnormal: "2+",
};
pub(crate) const URINE_KETONES: TextLab = TextLab {
    code: loinc!("2514-8", "Ketones [Presence] in Urine by Test strip"),
    normal: "Negative",
    abnormal: "Trace",
};
pub(crate) const URINE_CULTURE: TextLab = TextLab {
    code: loinc!("630-4", "Bacteria identified in Urine by Culture"),
    normal: "No growth at 48 hours",
    abnormal: "Greater than 100,000 CFU/mL Escherichia coli",
};
pub(crate) const THROAT_CULTURE: TextLab = TextLab {
    code: loinc!("626-2", "Bacteria identified in Throat by Culture"),
    normal: "Normal oropharyngeal flora; no beta-hemolytic streptococci isolated",
    abnormal: "Streptococcus pyogenes (group A beta-hemolytic streptococcus) isolated",
};

/// LOINC panels (`sp:LabPanel` names).
pub(crate) const PANEL_CMP: Code = loinc!(
    "24323-8",
    "Comprehensive metabolic 2000 panel - Serum or Plasma"
);
pub(crate) const PANEL_BMP: Code =
    loinc!("24321-2", "Basic metabolic 2000 panel - Serum or Plasma");
pub(crate) const PANEL_LIPID: Code = loinc!("24331-1", "Lipid 1996 panel - Serum or Plasma");
pub(crate) const PANEL_CBC: Code = loinc!("58410-2", "CBC panel - Blood by Automated count");
pub(crate) const PANEL_UA: Code = loinc!("24357-6", "Urinalysis macro (dipstick) panel - Urine");
