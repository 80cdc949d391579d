//! Demographics: name, address, phones, e-mail, record number, race and ethnicity, and
//! gestational age for children. Phone numbers use the 555-0100..0199 range that is set
//! aside for fiction, and e-mail addresses the reserved `example.com` domain, so no
//! generated contact detail reaches a real person.

use smart_core::{foaf, sp, spcode, vcard};

use crate::Ctx;

const MALE: &[&str] = &[
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua",
    "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Ryan", "Jacob", "Gary",
    "Nicholas", "Eric", "Jonathan", "Larry", "Justin", "Scott", "Frank", "Samuel", "Gregory",
    "Benjamin", "Raymond", "Patrick", "Noah", "Ethan", "Liam", "Lucas", "Carlos", "Luis",
];
const FEMALE: &[&str] = &[
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Nancy",
    "Lisa",
    "Margaret",
    "Betty",
    "Sandra",
    "Ashley",
    "Dorothy",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Laura",
    "Sharon",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Helen",
    "Anna",
    "Brenda",
    "Emma",
    "Olivia",
    "Sophia",
    "Isabella",
    "Mia",
    "Ava",
    "Maria",
    "Rosa",
];
const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Patel",
    "Kim",
    "Murphy",
    "O'Brien",
    "Sullivan",
    "Cohen",
    "Rossi",
    "Silva",
    "Novak",
];
const STREETS: &[&str] = &[
    "Maple",
    "Oak",
    "Elm",
    "Pine",
    "Cedar",
    "Washington",
    "Lincoln",
    "Park",
    "Lake",
    "Hill",
    "Church",
    "Highland",
    "Pleasant",
    "Summer",
    "Winter",
    "Spring",
    "Chestnut",
    "Walnut",
    "Franklin",
    "Prospect",
];
const STREET_KINDS: &[&str] = &["Street", "Avenue", "Road", "Lane", "Drive", "Court"];
/// Cities with their state and a ZIP code of the city, and the city's area code.
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Boston", "MA", "02115", "617"),
    ("Cambridge", "MA", "02139", "617"),
    ("Somerville", "MA", "02144", "617"),
    ("Brookline", "MA", "02445", "617"),
    ("Quincy", "MA", "02169", "617"),
    ("Newton", "MA", "02458", "617"),
    ("Worcester", "MA", "01608", "508"),
    ("Lowell", "MA", "01852", "978"),
    ("Salem", "MA", "01970", "978"),
    ("Springfield", "MA", "01103", "413"),
];
/// Race and ethnicity as free text, roughly in US census proportions.
const RACES: &[(&str, f64)] = &[
    ("White", 0.62),
    ("Black or African American", 0.13),
    ("Asian", 0.06),
    ("American Indian or Alaska Native", 0.01),
    ("Two or more races", 0.04),
    ("Other", 0.14),
];

/// A person's name.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub(crate) given: &'static str,
    pub(crate) family: &'static str,
}

/// One of `names` (indexing directly keeps the `&'static` lifetime).
fn pick(rng: &mut crate::rng::Rng, names: &'static [&'static str]) -> &'static str {
    names[rng.below(names.len() as u64) as usize]
}

/// A random name for a person of this sex.
pub(crate) fn name(rng: &mut crate::rng::Rng, female: bool) -> Name {
    Name {
        given: pick(rng, if female { FEMALE } else { MALE }),
        family: pick(rng, FAMILY),
    }
}

/// Writes `sp:Demographics`.
pub(crate) fn demographics(cx: &mut Ctx) {
    let rng = &mut cx.rng;
    let p = &cx.profile;
    let b = &mut cx.b;
    let d = b.statement(sp!("Demographics"));

    let n = b.typed(vcard!("Name"));
    b.lit(&n, vcard!("given-name"), p.name.given);
    b.lit(&n, vcard!("family-name"), p.name.family);
    let initial = char::from(b'A' + rng.below(26) as u8).to_string();
    b.lit(&n, vcard!("additional-name"), &initial);
    b.link(&d, vcard!("n"), &n);

    let (city, region, zip, area) = *rng.pick(CITIES);
    let adr = b.typed(vcard!("Address"));
    b.ty(&adr, vcard!("Home"));
    b.ty(&adr, vcard!("Pref"));
    let street = format!(
        "{} {} {}",
        rng.range(1, 999),
        rng.pick(STREETS),
        rng.pick(STREET_KINDS)
    );
    b.lit(&adr, vcard!("street-address"), &street);
    if rng.chance(0.3) {
        b.lit(
            &adr,
            vcard!("extended-address"),
            &format!("Apt {}", rng.range(1, 40)),
        );
    }
    b.lit(&adr, vcard!("locality"), city);
    b.lit(&adr, vcard!("region"), region);
    b.lit(&adr, vcard!("postal-code"), zip);
    b.lit(&adr, vcard!("country-name"), "USA");
    b.link(&d, vcard!("adr"), &adr);

    let home = b.typed(vcard!("Tel"));
    b.ty(&home, vcard!("Home"));
    b.ty(&home, vcard!("Pref"));
    let number = format!("{area}-555-01{}", rng.digits(2));
    b.lit(&home, oxrdf::vocab::rdf::VALUE.as_str(), &number);
    b.link(&d, vcard!("tel"), &home);
    if p.age >= 14.0 {
        let cell = b.typed(vcard!("Tel"));
        b.ty(&cell, vcard!("Cell"));
        let number = format!("{area}-555-01{}", rng.digits(2));
        b.lit(&cell, oxrdf::vocab::rdf::VALUE.as_str(), &number);
        b.link(&d, vcard!("tel"), &cell);
        let email = format!(
            "{}.{}{}@example.com",
            p.name.given.to_ascii_lowercase(),
            p.name.family.to_ascii_lowercase().replace('\'', ""),
            rng.range(1, 99)
        );
        b.lit(&d, vcard!("email"), &email);
    }

    b.lit(
        &d,
        foaf!("gender"),
        if p.female { "female" } else { "male" },
    );
    b.lit(&d, vcard!("bday"), &p.birth.iso());
    let weights: Vec<f64> = RACES.iter().map(|r| r.1).collect();
    b.lit(&d, sp!("race"), RACES[rng.weighted(&weights)].0);
    let hispanic = rng.chance(0.18);
    b.lit(
        &d,
        sp!("ethnicity"),
        if hispanic {
            "Hispanic or Latino"
        } else {
            "Not Hispanic or Latino"
        },
    );
    b.lit(
        &d,
        sp!("preferredLanguage"),
        if hispanic && rng.chance(0.4) {
            "es"
        } else {
            "en"
        },
    );

    // The record number is a code of the hospital's own system (no IRI namespace), so it
    // is a typed blank node rather than a concept IRI.
    let mrn = b.typed(sp!("Code"));
    b.ty(&mrn, spcode!("MedicalRecordNumber"));
    b.lit(
        &mrn,
        smart_core::dcterms!("title"),
        &format!("Sample Hospital Record {}", cx.record_id),
    );
    b.lit(&mrn, smart_core::dcterms!("identifier"), &cx.record_id);
    b.lit(&mrn, sp!("system"), "Sample Hospital Record");
    b.link(&d, sp!("medicalRecordNumber"), &mrn);

    if let Some(weeks) = p.gestational_weeks {
        b.value_unit(
            &d,
            sp!("gestationalAgeAtBirth"),
            &format!("{weeks:.1}"),
            "wk",
        );
    }
}
