//! People, organisations and the vCard classes used to describe them.

use super::{RDF_VALUE, lit, many, node, one, opt};
use crate::model::ClassDef;
use crate::{foaf, sp, vcard};

pub(super) const PERSON: ClassDef = ClassDef {
    iri: sp!("Person"),
    label: "Person",
    plural: None,
    parents: &[sp!("Component"), vcard!("VCard")],
    base_path: None,
    properties: &[
        opt(sp!("ethnicity"), lit()),
        opt(foaf!("gender"), lit()),
        opt(sp!("preferredLanguage"), lit()),
        opt(sp!("race"), lit()),
    ],
    description: "A person, described with vCard plus gender, race, ethnicity and language.",
};

pub(super) const PROVIDER: ClassDef = ClassDef {
    iri: sp!("Provider"),
    label: "Provider",
    plural: None,
    parents: &[sp!("Person")],
    base_path: None,
    properties: &[opt(sp!("deaNumber"), lit()), opt(sp!("npiNumber"), lit())],
    description: "A clinician, identified by NPI and DEA numbers where known.",
};

pub(super) const USER: ClassDef = ClassDef {
    iri: sp!("User"),
    label: "User",
    plural: None,
    parents: &[sp!("Person")],
    base_path: None,
    properties: &[opt(sp!("department"), lit()), opt(sp!("role"), lit())],
    description: "A user of the container, with department and role.",
};

pub(super) const ORGANIZATION: ClassDef = ClassDef {
    iri: sp!("Organization"),
    label: "Organization",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        opt(vcard!("adr"), node(vcard!("Address"))),
        opt(vcard!("organization-name"), lit()),
    ],
    description: "An organisation with a name and an address.",
};

pub(super) const PHARMACY: ClassDef = ClassDef {
    iri: sp!("Pharmacy"),
    label: "Pharmacy",
    plural: None,
    parents: &[sp!("Organization")],
    base_path: None,
    properties: &[opt(sp!("ncpdpId"), lit())],
    description: "A pharmacy, identified by its NCPDP number.",
};

pub(super) const PARTICIPANT: ClassDef = ClassDef {
    iri: sp!("Participant"),
    label: "Participant",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        opt(sp!("organization"), node(sp!("Organization"))),
        opt(sp!("person"), node(sp!("Person"))),
        opt(sp!("role"), lit()),
    ],
    description: "A person and/or organisation taking part in something, in a role.",
};

pub(super) const V_VCARD: ClassDef = ClassDef {
    iri: vcard!("VCard"),
    label: "VCard",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(vcard!("n"), node(vcard!("Name"))),
        opt(vcard!("bday"), lit()),
        opt(vcard!("deathdate"), lit()),
        many(vcard!("adr"), node(vcard!("Address"))),
        many(vcard!("email"), lit()),
        many(vcard!("tel"), node(vcard!("Tel"))),
    ],
    description: "Contact card: name, addresses, phone numbers, e-mail, birth and death dates.",
};

pub(super) const V_NAME: ClassDef = ClassDef {
    iri: vcard!("Name"),
    label: "Name",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(vcard!("family-name"), lit()),
        one(vcard!("given-name"), lit()),
        many(vcard!("additional-name"), lit()),
        many(vcard!("honorific-prefix"), lit()),
        many(vcard!("honorific-suffix"), lit()),
    ],
    description: "The parts of a person's name.",
};

pub(super) const V_ADDRESS: ClassDef = ClassDef {
    iri: vcard!("Address"),
    label: "Address",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        opt(vcard!("country-name"), lit()),
        opt(vcard!("extended-address"), lit()),
        opt(vcard!("locality"), lit()),
        opt(vcard!("postal-code"), lit()),
        opt(vcard!("region"), lit()),
        opt(vcard!("street-address"), lit()),
    ],
    description: "A postal address; may carry the extra types Pref, Home or Work.",
};

pub(super) const V_TEL: ClassDef = ClassDef {
    iri: vcard!("Tel"),
    label: "Tel",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[one(RDF_VALUE, lit())],
    description: "A phone number; may carry the extra types Pref, Cell, Home or Work.",
};

pub(super) const VCARD_LABELS: ClassDef = ClassDef {
    iri: sp!("VCardLabels"),
    label: "VCardLabels",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "Abstract base of the extra types that qualify addresses and phone numbers.",
};

pub(super) const V_PREF: ClassDef = ClassDef {
    iri: vcard!("Pref"),
    label: "Pref",
    plural: None,
    parents: &[sp!("VCardLabels")],
    base_path: None,
    properties: &[],
    description: "Extra type marking the preferred address or phone number.",
};

pub(super) const V_HOME: ClassDef = ClassDef {
    iri: vcard!("Home"),
    label: "Home",
    plural: None,
    parents: &[sp!("VCardLabels")],
    base_path: None,
    properties: &[],
    description: "Extra type marking a home address or phone number.",
};

pub(super) const V_WORK: ClassDef = ClassDef {
    iri: vcard!("Work"),
    label: "Work",
    plural: None,
    parents: &[sp!("VCardLabels")],
    base_path: None,
    properties: &[],
    description: "Extra type marking a work address or phone number.",
};

pub(super) const V_CELL: ClassDef = ClassDef {
    iri: vcard!("Cell"),
    label: "Cell",
    plural: None,
    parents: &[sp!("VCardLabels")],
    base_path: None,
    properties: &[],
    description: "Extra type marking a mobile phone number.",
};
