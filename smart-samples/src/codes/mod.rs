//! Our own code tables: real concepts of RxNorm, SNOMED CT, LOINC, CVX, the CDC vaccine
//! groups, NDF-RT and UNII, with their names. Only concepts whose codes and names we are
//! sure of are listed; generated data draws from nothing else.
//!
//! Each macro builds the concept IRI from the system prefix at compile time, so an IRI
//! and its identifier cannot disagree.

pub(crate) mod clinical;
pub(crate) mod drugs;
pub(crate) mod labs;
pub(crate) mod vaccines;

/// An RxNorm clinical or branded drug (SCD/SBD), typed `spcode:RxNorm_Semantic`.
macro_rules! rxnorm {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("RxNorm_Semantic"),
            system: "http://purl.bioontology.org/ontology/RXNORM/",
            id: $id,
            title: $title,
            iri: concat!("http://purl.bioontology.org/ontology/RXNORM/", $id),
        }
    };
}

/// An RxNorm ingredient (IN), typed `spcode:RxNorm_Ingredient`.
macro_rules! rxnorm_in {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("RxNorm_Ingredient"),
            system: "http://purl.bioontology.org/ontology/RXNORM/",
            id: $id,
            title: $title,
            iri: concat!("http://purl.bioontology.org/ontology/RXNORM/", $id),
        }
    };
}

/// A SNOMED CT concept typed with the given `spcode:` list (`SNOMED` or `Procedure`).
macro_rules! snomed {
    ($list:literal, $id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!($list),
            system: "http://purl.bioontology.org/ontology/SNOMEDCT/",
            id: $id,
            title: $title,
            iri: concat!("http://purl.bioontology.org/ontology/SNOMEDCT/", $id),
        }
    };
}

/// A LOINC observation or panel, typed `spcode:LOINC`.
macro_rules! loinc {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("LOINC"),
            system: "http://purl.bioontology.org/ontology/LNC/",
            id: $id,
            title: $title,
            iri: concat!("http://purl.bioontology.org/ontology/LNC/", $id),
        }
    };
}

/// A CVX vaccine product, typed `spcode:ImmunizationProduct`.
macro_rules! cvx {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("ImmunizationProduct"),
            system: "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#",
            id: $id,
            title: $title,
            iri: concat!(
                "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#",
                $id
            ),
        }
    };
}

/// A CDC vaccine group, typed `spcode:ImmunizationClass`.
macro_rules! vaccine_group {
    ($id:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("ImmunizationClass"),
            system: "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#",
            id: $id,
            title: $id,
            iri: concat!(
                "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#",
                $id
            ),
        }
    };
}

/// An NDF-RT drug class, typed `spcode:NDFRT`.
macro_rules! ndfrt {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("NDFRT"),
            system: "http://purl.bioontology.org/ontology/NDFRT/",
            id: $id,
            title: $title,
            iri: concat!("http://purl.bioontology.org/ontology/NDFRT/", $id),
        }
    };
}

/// An FDA UNII substance, typed `spcode:UNII`.
macro_rules! unii {
    ($id:literal, $title:literal) => {
        $crate::rdf::Code {
            list: smart_core::spcode!("UNII"),
            system: "http://fda.gov/UNII/",
            id: $id,
            title: $title,
            iri: concat!("http://fda.gov/UNII/", $id),
        }
    };
}

pub(crate) use {cvx, loinc, ndfrt, rxnorm, rxnorm_in, snomed, unii, vaccine_group};
