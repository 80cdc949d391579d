//! SNOMED CT problems, procedures, reactions and relatives; allergens (RxNorm ingredients,
//! NDF-RT classes, UNII substances).

use super::{ndfrt, rxnorm_in, snomed, unii};
use crate::rdf::Code;

/// A chronic condition the generator models, with its problem-list code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Chronic {
    Hypertension,
    Diabetes2,
    Diabetes1,
    Hyperlipidemia,
    Asthma,
    Hypothyroidism,
    Ckd,
    Depression,
    Anxiety,
    AtrialFibrillation,
    CoronaryDisease,
    Copd,
    HeartFailure,
    Osteoarthritis,
    Osteoporosis,
    Obesity,
    AllergicRhinitis,
    Anemia,
    Migraine,
    AtopicDermatitis,
}

impl Chronic {
    /// Every modelled condition, in the order they are considered (later ones may depend
    /// on earlier ones: CKD on diabetes and hypertension, heart failure on coronary disease).
    pub(crate) const ALL: [Chronic; 20] = [
        Self::Obesity,
        Self::Hypertension,
        Self::Diabetes2,
        Self::Diabetes1,
        Self::Hyperlipidemia,
        Self::Asthma,
        Self::Hypothyroidism,
        Self::CoronaryDisease,
        Self::Ckd,
        Self::Depression,
        Self::Anxiety,
        Self::AtrialFibrillation,
        Self::Copd,
        Self::HeartFailure,
        Self::Osteoarthritis,
        Self::Osteoporosis,
        Self::AllergicRhinitis,
        Self::Anemia,
        Self::Migraine,
        Self::AtopicDermatitis,
    ];

    /// The SNOMED CT disorder.
    pub(crate) fn code(self) -> Code {
        match self {
            Self::Hypertension => snomed!("SNOMED", "59621000", "Essential hypertension"),
            Self::Diabetes2 => snomed!("SNOMED", "44054006", "Diabetes mellitus type 2"),
            Self::Diabetes1 => snomed!("SNOMED", "46635009", "Diabetes mellitus type 1"),
            Self::Hyperlipidemia => snomed!("SNOMED", "55822004", "Hyperlipidemia"),
            Self::Asthma => snomed!("SNOMED", "195967001", "Asthma"),
            Self::Hypothyroidism => snomed!("SNOMED", "40930008", "Hypothyroidism"),
            Self::Ckd => snomed!("SNOMED", "709044004", "Chronic kidney disease"),
            Self::Depression => snomed!("SNOMED", "35489007", "Depressive disorder"),
            Self::Anxiety => snomed!("SNOMED", "197480006", "Anxiety disorder"),
            Self::AtrialFibrillation => snomed!("SNOMED", "49436004", "Atrial fibrillation"),
            Self::CoronaryDisease => snomed!("SNOMED", "53741008", "Coronary arteriosclerosis"),
            Self::Copd => snomed!("SNOMED", "13645005", "Chronic obstructive lung disease"),
            Self::HeartFailure => snomed!("SNOMED", "42343007", "Congestive heart failure"),
            Self::Osteoarthritis => snomed!("SNOMED", "396275006", "Osteoarthritis"),
            Self::Osteoporosis => snomed!("SNOMED", "64859006", "Osteoporosis"),
            Self::Obesity => snomed!("SNOMED", "414916001", "Obesity"),
            Self::AllergicRhinitis => snomed!("SNOMED", "61582004", "Allergic rhinitis"),
            Self::Anemia => snomed!("SNOMED", "271737000", "Anemia"),
            Self::Migraine => snomed!("SNOMED", "37796009", "Migraine"),
            Self::AtopicDermatitis => snomed!("SNOMED", "24079001", "Atopic dermatitis"),
        }
    }
}

/// A short illness: its code, how long it lasts and who gets it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Acute {
    /// The SNOMED CT problem.
    pub(crate) code: Code,
    /// Shortest and longest duration in days.
    pub(crate) days: (i64, i64),
    /// Youngest and oldest age (years) at which it is drawn.
    pub(crate) ages: (f64, f64),
    /// Its kind, which decides treatment, tests and imaging.
    pub(crate) kind: AcuteKind,
}

/// What an acute problem leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcuteKind {
    /// Supportive care only (analgesic or nothing).
    Viral,
    /// Streptococcal pharyngitis: throat culture, penicillin.
    StrepThroat,
    /// Otitis media: amoxicillin.
    Otitis,
    /// Urinary tract infection: urinalysis, urine culture, antibiotic.
    Uti,
    /// Pneumonia: chest radiograph, antibiotic.
    Pneumonia,
    /// Injury: radiograph, NSAID.
    Sprain,
    /// Back pain: NSAID, sometimes an MRI.
    BackPain,
}

pub(crate) const ACUTE: &[Acute] = &[
    Acute {
        code: snomed!("SNOMED", "444814009", "Viral sinusitis"),
        days: (7, 14),
        ages: (2.0, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "195662009", "Acute viral pharyngitis"),
        days: (5, 10),
        ages: (1.0, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "43878008", "Streptococcal sore throat"),
        days: (7, 10),
        ages: (3.0, 60.0),
        kind: AcuteKind::StrepThroat,
    },
    Acute {
        code: snomed!("SNOMED", "10509002", "Acute bronchitis"),
        days: (10, 21),
        ages: (2.0, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "65363002", "Otitis media"),
        days: (7, 12),
        ages: (0.5, 10.0),
        kind: AcuteKind::Otitis,
    },
    Acute {
        code: snomed!("SNOMED", "68566005", "Urinary tract infectious disease"),
        days: (5, 10),
        ages: (4.0, 120.0),
        kind: AcuteKind::Uti,
    },
    Acute {
        code: snomed!("SNOMED", "233604007", "Pneumonia"),
        days: (14, 28),
        ages: (1.0, 120.0),
        kind: AcuteKind::Pneumonia,
    },
    Acute {
        code: snomed!("SNOMED", "6142004", "Influenza"),
        days: (5, 10),
        ages: (0.5, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "44465007", "Sprain of ankle"),
        days: (14, 35),
        ages: (6.0, 80.0),
        kind: AcuteKind::Sprain,
    },
    Acute {
        code: snomed!("SNOMED", "279039007", "Low back pain"),
        days: (14, 60),
        ages: (18.0, 120.0),
        kind: AcuteKind::BackPain,
    },
    Acute {
        code: snomed!("SNOMED", "9826008", "Conjunctivitis"),
        days: (5, 10),
        ages: (0.3, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "25374005", "Gastroenteritis"),
        days: (2, 7),
        ages: (0.5, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "82272006", "Common cold"),
        days: (5, 10),
        ages: (0.3, 120.0),
        kind: AcuteKind::Viral,
    },
    Acute {
        code: snomed!("SNOMED", "38907003", "Varicella"),
        days: (7, 14),
        ages: (1.0, 12.0),
        kind: AcuteKind::Viral,
    },
];

/// Allergic reactions (SNOMED CT findings).
pub(crate) const REACTIONS: &[Code] = &[
    snomed!("SNOMED", "271807003", "Eruption of skin"),
    snomed!("SNOMED", "126485001", "Urticaria"),
    snomed!("SNOMED", "418290006", "Itching"),
    snomed!("SNOMED", "41291007", "Angioedema"),
    snomed!("SNOMED", "422587007", "Nausea"),
    snomed!("SNOMED", "422400008", "Vomiting"),
    snomed!("SNOMED", "62315008", "Diarrhea"),
    snomed!("SNOMED", "267036007", "Dyspnea"),
    snomed!("SNOMED", "56018004", "Wheezing"),
];
/// Anaphylaxis, for severe and life-threatening reactions.
pub(crate) const ANAPHYLAXIS: Code = snomed!("SNOMED", "39579001", "Anaphylaxis");
/// Sneezing, for environmental allergies.
pub(crate) const SNEEZING: Code = snomed!("SNOMED", "76067001", "Sneezing");

/// Drug allergens (RxNorm ingredients).
pub(crate) const DRUG_ALLERGENS: &[Code] = &[
    rxnorm_in!("7980", "penicillin G"),
    rxnorm_in!("723", "amoxicillin"),
    rxnorm_in!("733", "ampicillin"),
    rxnorm_in!("10831", "sulfamethoxazole"),
    rxnorm_in!("1191", "aspirin"),
    rxnorm_in!("5640", "ibuprofen"),
    rxnorm_in!("2670", "codeine"),
    rxnorm_in!("4053", "erythromycin"),
    rxnorm_in!("2551", "ciprofloxacin"),
];
/// Drug-class allergens (NDF-RT).
pub(crate) const DRUG_CLASS_ALLERGENS: &[Code] =
    &[ndfrt!("N0000175503", "sulfonamide antibacterial")];
/// Food allergens (UNII).
pub(crate) const FOOD_ALLERGENS: &[Code] =
    &[unii!("QE1QX6B99R", "peanut"), unii!("1891LE191T", "shrimp")];
/// Environmental allergens (UNII).
pub(crate) const ENVIRONMENTAL_ALLERGENS: &[Code] = &[
    unii!("EYO007VX98", "house dust"),
    unii!("JQ5HI5004M", "tree pollen"),
    unii!("2LQ0UUW8IN", "latex"),
];

/// Procedures (SNOMED CT procedure hierarchy, typed `spcode:Procedure`).
pub(crate) mod procedures {
    use super::*;
    pub(crate) const APPENDECTOMY: Code = snomed!("Procedure", "80146002", "Appendectomy");
    pub(crate) const CHOLECYSTECTOMY: Code = snomed!("Procedure", "38102005", "Cholecystectomy");
    pub(crate) const COLONOSCOPY: Code = snomed!("Procedure", "73761001", "Colonoscopy");
    pub(crate) const ECG: Code = snomed!("Procedure", "29303009", "Electrocardiographic procedure");
    pub(crate) const CABG: Code =
        snomed!("Procedure", "232717009", "Coronary artery bypass grafting");
    pub(crate) const PCI: Code = snomed!(
        "Procedure",
        "415070008",
        "Percutaneous coronary intervention"
    );
    pub(crate) const CORONARY_ANGIOGRAPHY: Code =
        snomed!("Procedure", "33367005", "Angiography of coronary artery");
    pub(crate) const ECHOCARDIOGRAPHY: Code = snomed!("Procedure", "40701008", "Echocardiography");
    pub(crate) const CESAREAN: Code = snomed!("Procedure", "11466000", "Cesarean section");
    pub(crate) const KNEE_REPLACEMENT: Code =
        snomed!("Procedure", "609588000", "Total knee replacement");
    pub(crate) const HIP_REPLACEMENT: Code =
        snomed!("Procedure", "52734007", "Total hip replacement");
    pub(crate) const TONSILLECTOMY: Code = snomed!("Procedure", "173422009", "Tonsillectomy");
    pub(crate) const MAMMOGRAPHY: Code = snomed!("Procedure", "71651007", "Mammography");
    pub(crate) const CHEST_XRAY: Code = snomed!("Procedure", "399208008", "Plain chest X-ray");
    pub(crate) const CT: Code = snomed!("Procedure", "77477000", "Computerized axial tomography");
    pub(crate) const MRI: Code = snomed!("Procedure", "113091000", "Magnetic resonance imaging");
    pub(crate) const ULTRASOUND: Code =
        snomed!("Procedure", "16310003", "Diagnostic ultrasonography");
    pub(crate) const MED_RECONCILIATION: Code =
        snomed!("Procedure", "430193006", "Medication reconciliation");
    pub(crate) const DEPRESSION_SCREENING: Code =
        snomed!("Procedure", "171207006", "Depression screening");
}

/// Relatives (SNOMED CT persons) for family history.
pub(crate) const MOTHER: Code = snomed!("SNOMED", "72705000", "Mother");
pub(crate) const FATHER: Code = snomed!("SNOMED", "66839005", "Father");
pub(crate) const BROTHER: Code = snomed!("SNOMED", "70924004", "Brother");
pub(crate) const SISTER: Code = snomed!("SNOMED", "27733009", "Sister");

/// Problems recorded for relatives: conditions that run in families.
pub(crate) const FAMILY_PROBLEMS: &[Code] = &[
    snomed!("SNOMED", "59621000", "Essential hypertension"),
    snomed!("SNOMED", "44054006", "Diabetes mellitus type 2"),
    snomed!("SNOMED", "53741008", "Coronary arteriosclerosis"),
    snomed!("SNOMED", "22298006", "Myocardial infarction"),
    snomed!("SNOMED", "230690007", "Cerebrovascular accident"),
    snomed!("SNOMED", "55822004", "Hyperlipidemia"),
    snomed!("SNOMED", "195967001", "Asthma"),
    snomed!("SNOMED", "363406005", "Malignant tumor of colon"),
];
/// Breast cancer, for female relatives.
pub(crate) const BREAST_CANCER: Code =
    snomed!("SNOMED", "254837009", "Malignant neoplasm of breast");
/// Prostate cancer, for male relatives.
pub(crate) const PROSTATE_CANCER: Code =
    snomed!("SNOMED", "399068003", "Malignant tumor of prostate");
