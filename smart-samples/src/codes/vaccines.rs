//! Vaccines: CVX products with their CDC short descriptions and CDC vaccine groups, and
//! the routine US schedule we give them on.

use super::{cvx, vaccine_group};
use crate::rdf::Code;

/// A vaccine product and the vaccine groups it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vaccine {
    /// The CVX product.
    pub(crate) product: Code,
    /// Its CDC vaccine group(s).
    pub(crate) groups: &'static [Code],
}

const HEPB: Code = vaccine_group!("HepB");
const HEPA: Code = vaccine_group!("HepA");
const DTAP: Code = vaccine_group!("DTAP");
const HIB: Code = vaccine_group!("HIB");
const POLIO: Code = vaccine_group!("POLIO");
const PNEUMOCOCCAL: Code = vaccine_group!("PNEUMOCOCCAL");
const ROTAVIRUS: Code = vaccine_group!("ROTAVIRUS");
const FLU: Code = vaccine_group!("FLU");
const MMR: Code = vaccine_group!("MMR");
const VARICELLA: Code = vaccine_group!("VARICELLA");
const HPV: Code = vaccine_group!("HPV");
const MENING: Code = vaccine_group!("MENING");
const ZOSTER: Code = vaccine_group!("ZOSTER");

pub(crate) const HEPB_PED: Vaccine = Vaccine {
    product: cvx!("08", "Hep B, adolescent or pediatric"),
    groups: &[HEPB],
};
pub(crate) const ROTAVIRUS_5: Vaccine = Vaccine {
    product: cvx!("116", "rotavirus, pentavalent"),
    groups: &[ROTAVIRUS],
};
pub(crate) const DTAP_PED: Vaccine = Vaccine {
    product: cvx!("20", "DTaP"),
    groups: &[DTAP],
};
pub(crate) const HIB_PRP_OMP: Vaccine = Vaccine {
    product: cvx!("49", "Hib (PRP-OMP)"),
    groups: &[HIB],
};
pub(crate) const PCV13: Vaccine = Vaccine {
    product: cvx!("133", "Pneumococcal conjugate PCV 13"),
    groups: &[PNEUMOCOCCAL],
};
pub(crate) const IPV: Vaccine = Vaccine {
    product: cvx!("10", "IPV"),
    groups: &[POLIO],
};
pub(crate) const FLU_PF: Vaccine = Vaccine {
    product: cvx!("140", "Influenza, seasonal, injectable, preservative free"),
    groups: &[FLU],
};
pub(crate) const FLU_INJ: Vaccine = Vaccine {
    product: cvx!("141", "Influenza, seasonal, injectable"),
    groups: &[FLU],
};
pub(crate) const MMR_VACCINE: Vaccine = Vaccine {
    product: cvx!("03", "MMR"),
    groups: &[MMR],
};
pub(crate) const VARICELLA_VACCINE: Vaccine = Vaccine {
    product: cvx!("21", "varicella"),
    groups: &[VARICELLA],
};
pub(crate) const HEPA_PED: Vaccine = Vaccine {
    product: cvx!("83", "Hep A, ped/adol, 2 dose"),
    groups: &[HEPA],
};
pub(crate) const TDAP: Vaccine = Vaccine {
    product: cvx!("115", "Tdap"),
    groups: &[DTAP],
};
pub(crate) const HPV4: Vaccine = Vaccine {
    product: cvx!("62", "HPV, quadrivalent"),
    groups: &[HPV],
};
pub(crate) const MCV4: Vaccine = Vaccine {
    product: cvx!("114", "meningococcal MCV4P"),
    groups: &[MENING],
};
pub(crate) const PPSV23: Vaccine = Vaccine {
    product: cvx!("33", "pneumococcal polysaccharide PPV23"),
    groups: &[PNEUMOCOCCAL],
};
pub(crate) const ZOSTER_LIVE: Vaccine = Vaccine {
    product: cvx!("121", "zoster live"),
    groups: &[ZOSTER],
};
pub(crate) const HEPB_ADULT: Vaccine = Vaccine {
    product: cvx!("43", "Hep B, adult"),
    groups: &[HEPB],
};

/// The routine childhood and adolescent schedule: each dose at an age in years.
pub(crate) const CHILDHOOD: &[(f64, Vaccine)] = &[
    (0.0, HEPB_PED),
    (0.17, HEPB_PED),
    (0.17, ROTAVIRUS_5),
    (0.17, DTAP_PED),
    (0.17, HIB_PRP_OMP),
    (0.17, PCV13),
    (0.17, IPV),
    (0.33, ROTAVIRUS_5),
    (0.33, DTAP_PED),
    (0.33, HIB_PRP_OMP),
    (0.33, PCV13),
    (0.33, IPV),
    (0.5, HEPB_PED),
    (0.5, ROTAVIRUS_5),
    (0.5, DTAP_PED),
    (0.5, PCV13),
    (0.5, IPV),
    (1.0, HIB_PRP_OMP),
    (1.0, PCV13),
    (1.0, MMR_VACCINE),
    (1.0, VARICELLA_VACCINE),
    (1.0, HEPA_PED),
    (1.25, DTAP_PED),
    (1.5, HEPA_PED),
    (4.5, DTAP_PED),
    (4.5, IPV),
    (4.5, MMR_VACCINE),
    (4.5, VARICELLA_VACCINE),
    (11.5, TDAP),
    (11.5, MCV4),
    (11.5, HPV4),
    (12.0, HPV4),
    (16.0, MCV4),
];
