//! The patients of the bundled-app tests, written here so the tests know every value:
//! an adult with a full record and a child with growth measurements, and the growth
//! percentile computed independently of the app.

use crate::world::{Patient, World};
use smart_core::RecordId;

/// The adult patient of the app tests.
pub const ROSALIND: Patient = Patient {
    id: "7200001",
    given: "Rosalind",
    family: "Franklin",
    gender: "female",
    birth: "1950-07-25",
};

pub const PREFIXES: &str = r#"
@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
@prefix rxnorm: <http://purl.bioontology.org/ontology/RXNORM/> .
@prefix snomed: <http://purl.bioontology.org/ontology/SNOMEDCT/> .
@prefix loinc: <http://purl.bioontology.org/ontology/LNC/> .
"#;

/// A coded value in Turtle: `[ a sp:CodedValue ; title ; sp:code <iri> ]` and the code node.
pub fn code(system: &str, prefix: &str, id: &str, title: &str) -> (String, String) {
    let value = format!("[ a sp:CodedValue ; dcterms:title \"{title}\" ; sp:code <{system}{id}> ]");
    let node = format!(
        "<{system}{id}> a sp:Code ; dcterms:title \"{title}\" ; dcterms:identifier \"{id}\" ; sp:system \"{system}\" .\n"
    );
    let _ = prefix;
    (value, node)
}

pub const RXNORM: &str = "http://purl.bioontology.org/ontology/RXNORM/";
pub const SNOMED: &str = "http://purl.bioontology.org/ontology/SNOMEDCT/";
pub const LOINC: &str = "http://purl.bioontology.org/ontology/LNC/";
pub const CVX: &str = "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#";
pub const VACCINE_GROUP: &str = "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#";
pub const STATUS: &str = "http://smartplatforms.org/terms/codes/ImmunizationAdministrationStatus#";
pub const REFUSAL: &str = "http://smartplatforms.org/terms/codes/ImmunizationRefusalReason#";

/// Rosalind's record: problems, medications with fulfillments, vitals, labs, an allergy.
pub fn rosalind_turtle() -> String {
    let mut codes = String::new();
    let mut c = |system: &str, id: &str, title: &str| {
        let (value, node) = code(system, "", id, title);
        codes.push_str(&node);
        value
    };
    let hypertension = c(SNOMED, "38341003", "Essential hypertension");
    let asthma = c(SNOMED, "195967001", "Asthma");
    let lisinopril = c(RXNORM, "314076", "Lisinopril 10 MG Oral Tablet");
    let albuterol = c(RXNORM, "745679", "Albuterol 0.09 MG/ACTUAT Inhaler");
    let ldl = c(LOINC, "13457-7", "LDL Cholesterol");
    let sodium = c(LOINC, "2951-2", "Serum sodium");
    let penicillin = c(RXNORM, "7980", "Penicillin G");
    let hives = c(SNOMED, "247472004", "Hives");
    let moderate = c(SNOMED, "6736007", "Moderate");
    let drug = c(SNOMED, "416098002", "Drug allergy");
    let active = c(SNOMED, "55561003", "Active");
    let resolved = c(SNOMED, "413322009", "Resolved");
    let flu = c(CVX, "141", "Influenza, seasonal, injectable");
    let flu_class = c(VACCINE_GROUP, "FLU", "Influenza");
    let tdap = c(CVX, "115", "Tdap");
    let dose_given = c(STATUS, "doseGiven", "Dose given");
    let not_given = c(STATUS, "notGiven", "Not given");
    let objection = c(REFUSAL, "PATOBJ", "Patient objection");
    let p = ROSALIND;
    let vitals = |id: &str, date: &str, sys: u32, dia: u32, hr: u32, w: &str, bmi: &str| {
        format!(
            r#"_:{id} a sp:VitalSignSet ; sp:belongsTo _:r ; dcterms:date "{date}" ;
                sp:bloodPressure [ a sp:BloodPressure ;
                    sp:systolic [ a sp:VitalSign ; sp:value "{sys}" ; sp:unit "mm[Hg]" ] ;
                    sp:diastolic [ a sp:VitalSign ; sp:value "{dia}" ; sp:unit "mm[Hg]" ] ] ;
                sp:heartRate [ a sp:VitalSign ; sp:value "{hr}" ; sp:unit "{{beats}}/min" ] ;
                sp:weight [ a sp:VitalSign ; sp:value "{w}" ; sp:unit "kg" ] ;
                sp:height [ a sp:VitalSign ; sp:value "165" ; sp:unit "cm" ] ;
                sp:bodyMassIndex [ a sp:VitalSign ; sp:value "{bmi}" ; sp:unit "kg/m2" ] .
            "#
        )
    };
    let lab = |id: &str, name: &str, date: &str, value: &str, unit: &str, low: &str, high: &str| {
        format!(
            r#"_:{id} a sp:LabResult ; sp:belongsTo _:r ; dcterms:date "{date}" ; sp:labName {name} ;
                sp:quantitativeResult [ a sp:QuantitativeResult ;
                    sp:valueAndUnit [ a sp:ValueAndUnit ; sp:value "{value}" ; sp:unit "{unit}" ] ;
                    sp:normalRange [ a sp:ValueRange ;
                        sp:minimum [ a sp:ValueAndUnit ; sp:value "{low}" ; sp:unit "{unit}" ] ;
                        sp:maximum [ a sp:ValueAndUnit ; sp:value "{high}" ; sp:unit "{unit}" ] ] ] .
            "#
        )
    };
    let fill = |id: &str, med: &str, date: &str| {
        format!(
            r#"_:{id} a sp:Fulfillment ; sp:belongsTo _:r ; dcterms:date "{date}" ; sp:medication _:{med} ;
                sp:dispenseDaysSupply "30" ;
                sp:quantityDispensed [ a sp:ValueAndUnit ; sp:value "30" ; sp:unit "{{tablet}}" ] .
            _:{med} sp:fulfillment _:{id} .
            "#
        )
    };
    format!(
        r#"{PREFIXES}
        _:r a sp:MedicalRecord .
        _:d a sp:Demographics ; sp:belongsTo _:r ; foaf:gender "{gender}" ;
            v:n [ a v:Name ; v:given-name "{given}" ; v:family-name "{family}" ] ;
            v:bday "{birth}" ;
            v:adr [ a v:Address ; v:street-address "22 Donovan Street" ; v:locality "London" ; v:postal-code "NW3 1AB" ] .
        _:p1 a sp:Problem ; sp:belongsTo _:r ; sp:problemName {hypertension} ; sp:startDate "2005-03-14" ;
            sp:problemStatus {active} ; sp:notes "Well controlled on lisinopril" .
        _:p2 a sp:Problem ; sp:belongsTo _:r ; sp:problemName {asthma} ; sp:startDate "1990-01-01" ; sp:endDate "2001-06-30" ;
            sp:problemStatus {resolved} .
        _:i1 a sp:Immunization ; sp:belongsTo _:r ; dcterms:date "2022-10-01" ; sp:productName {flu} ;
            sp:productClass {flu_class} ; sp:administrationStatus {dose_given} .
        _:i2 a sp:Immunization ; sp:belongsTo _:r ; dcterms:date "2020-04-01" ; sp:productName {tdap} ;
            sp:administrationStatus {not_given} ; sp:refusalReason {objection} .
        _:m1 a sp:Medication ; sp:belongsTo _:r ; sp:drugName {lisinopril} ; sp:startDate "2005-03-20" ;
            sp:instructions "Take one tablet by mouth daily" ;
            sp:quantity [ a sp:ValueAndUnit ; sp:value "1" ; sp:unit "{{tablet}}" ] ;
            sp:frequency [ a sp:ValueAndUnit ; sp:value "1" ; sp:unit "/d" ] .
        _:m2 a sp:Medication ; sp:belongsTo _:r ; sp:drugName {albuterol} ; sp:startDate "1995-02-01" ; sp:endDate "2001-06-30" ;
            sp:instructions "Two puffs when short of breath" .
        {f1}{f2}{f3}
        {v1}{v2}
        {l1}{l2}{l3}
        _:n1 a sp:ClinicalNote ; sp:belongsTo _:r ; dcterms:date "2023-06-10" ; dcterms:title "Cardiology follow-up" ;
            dcterms:format <http://purl.org/NET/mediatypes/text/plain> ;
            sp:resource [ a sp:Resource ; sp:content [ a sp:Content ; sp:encoding "UTF-8" ;
                sp:value "BP improving on lisinopril." ] ] .
        _:doc1 a sp:Document ; sp:belongsTo _:r ; dcterms:date "2023-06-11" ; dcterms:title "Discharge letter" ;
            sp:fileName "discharge-letter.txt" ; dcterms:format <http://purl.org/NET/mediatypes/text/plain> ;
            sp:resource [ a sp:Resource ] .
        _:doc2 a sp:Document ; sp:belongsTo _:r ; dcterms:date "2023-06-09" ; dcterms:title "ECG strip" ;
            sp:fileName "ecg.png" ; dcterms:format <http://purl.org/NET/mediatypes/image/png> ;
            sp:resource [ a sp:Resource ] .
        _:ph a sp:Photograph ; sp:belongsTo _:r ; dcterms:date "2020-01-01" ; sp:fileName "photo.png" ;
            dcterms:format <http://purl.org/NET/mediatypes/image/png> ; sp:resource [ a sp:Resource ] .
        <http://purl.org/NET/mediatypes/image/png> a dcterms:MediaTypeOrExtent ;
            <http://www.w3.org/2000/01/rdf-schema#label> "image/png" .
        <http://purl.org/NET/mediatypes/text/plain> a dcterms:MediaTypeOrExtent ;
            <http://www.w3.org/2000/01/rdf-schema#label> "text/plain" .
        _:a1 a sp:Allergy ; sp:belongsTo _:r ; sp:drugAllergen {penicillin} ; sp:allergicReaction {hives} ;
            sp:severity {moderate} ; sp:category {drug} ; sp:startDate "1980-05-02" .
        {codes}
        "#,
        gender = p.gender,
        given = p.given,
        family = p.family,
        birth = p.birth,
        f1 = fill("f1", "m1", "2023-01-05"),
        f2 = fill("f2", "m1", "2023-02-04"),
        f3 = fill("f3", "m1", "2023-03-20"),
        v1 = vitals("v1", "2023-01-05", 142, 91, 78, "70.5", "25.9"),
        v2 = vitals("v2", "2023-06-10", 128, 82, 72, "68.2", "25.0"),
        l1 = lab("l1", &ldl, "2023-01-05", "162", "mg/dL", "0", "130"),
        l2 = lab("l2", &ldl, "2023-06-10", "118", "mg/dL", "0", "130"),
        l3 = lab("l3", &sodium, "2023-06-10", "139", "mmol/L", "135", "145"),
    )
}

/// Replaces the record `id` with the Turtle graph (and registers the record).
pub async fn import_turtle(world: &World, id: &str, turtle: &str) {
    let graph = smart_rdf::parse(turtle.as_bytes(), smart_rdf::RdfFormat::Turtle, None)
        .unwrap_or_else(|e| panic!("test data does not parse: {e}"));
    let record = RecordId::new(id).unwrap();
    let split = smart_rdf::split_record(&graph, &record).unwrap();
    let container = &world.server.container;
    container.clinical().replace_record(&split).await.unwrap();
    container
        .directory()
        .upsert_record(&record, "", smart_store::directory::Timestamp::now())
        .await
        .unwrap();
}

/// The content of Rosalind's document.
pub const LETTER: &str = "Discharged home on 2023-06-11.\nContinue lisinopril 10 mg daily.";

/// A 3×2 PNG (red pixels): Rosalind's photograph and her ECG strip.
pub const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGM4IScHQQxwFgBBAAYZPEVBlgAAAABJRU5ErkJggg==";

pub async fn ensure_rosalind(world: &World) {
    import_turtle(world, ROSALIND.id, &rosalind_turtle()).await;
    let record = RecordId::new(ROSALIND.id).unwrap();
    world
        .server
        .container
        .blobs()
        .put(
            &record,
            "discharge-letter.txt",
            "text/plain",
            LETTER.as_bytes(),
        )
        .await
        .unwrap();
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG_BASE64)
        .unwrap();
    for name in ["photo.png", "ecg.png"] {
        world
            .server
            .container
            .blobs()
            .put(&record, name, "image/png", &png)
            .await
            .unwrap();
    }
}
/// The child patient of the growth charts.
pub const OLIVER: Patient = Patient {
    id: "7200002",
    given: "Oliver",
    family: "Twist",
    gender: "male",
    birth: "2018-03-01",
};

/// Oliver's measurements: (date, height cm, weight kg, BMI).
pub const OLIVER_GROWTH: [(&str, f64, f64, f64); 3] = [
    ("2019-03-01", 76.0, 10.0, 17.3),
    ("2021-03-01", 96.0, 14.3, 15.5),
    ("2023-03-01", 110.0, 18.4, 15.2),
];

pub async fn ensure_oliver(world: &World) {
    let p = OLIVER;
    let mut sets = String::new();
    for (i, (date, h, w, bmi)) in OLIVER_GROWTH.iter().enumerate() {
        sets.push_str(&format!(
            r#"_:v{i} a sp:VitalSignSet ; sp:belongsTo _:r ; dcterms:date "{date}" ;
                sp:height [ a sp:VitalSign ; sp:value "{h}" ; sp:unit "cm" ] ;
                sp:weight [ a sp:VitalSign ; sp:value "{w}" ; sp:unit "kg" ] ;
                sp:bodyMassIndex [ a sp:VitalSign ; sp:value "{bmi}" ; sp:unit "kg/m2" ] ;
                sp:heartRate [ a sp:VitalSign ; sp:value "{hr}" ; sp:unit "{{beats}}/min" ] .
            "#,
            hr = 110 - 10 * i
        ));
    }
    let turtle = format!(
        r#"{PREFIXES}
        _:r a sp:MedicalRecord .
        _:d a sp:Demographics ; sp:belongsTo _:r ; foaf:gender "{}" ;
            v:n [ a v:Name ; v:given-name "{}" ; v:family-name "{}" ] ; v:bday "{}" .
        _:x a sp:AllergyExclusion ; sp:belongsTo _:r ; dcterms:date "2019-03-01" ;
            sp:allergyExclusionName [ a sp:CodedValue ; dcterms:title "No known allergies" ;
                sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/160244002> ] .
        <http://purl.bioontology.org/ontology/SNOMEDCT/160244002> a sp:Code ; dcterms:title "No known allergies" ;
            dcterms:identifier "160244002" ; sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
        {sets}"#,
        p.gender, p.given, p.family, p.birth
    );
    import_turtle(world, p.id, &turtle).await;
}

/// The expected percentile of a measurement, computed here independently of the app:
/// the LMS row interpolated by age in months (WHO under 24 months, CDC from 24), then
/// z and the normal CDF by numerical integration; rounded and kept within 1..99.
pub fn expected_percentile(table: &str, sex: &str, months: f64, x: f64) -> i64 {
    let (file, _) = if months < 24.0 {
        let who = match table {
            "bmifa" => format!("{table}_{sex}_0_2_zscores.json"),
            _ => format!("{table}_{sex}_0_5_zscores.json"),
        };
        (who, "WHO")
    } else {
        (format!("{table}_{sex}_2_20_zscores.cdc.json"), "CDC")
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("apps/growth")
        .join(file);
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let num = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    let mut prev: Option<(f64, f64, f64, f64)> = None;
    let mut lms = None;
    for r in &rows {
        let row = (num(&r["Month"]), num(&r["L"]), num(&r["M"]), num(&r["S"]));
        if row.0 >= months {
            lms = Some(match prev {
                Some(a) if row.0 > a.0 => {
                    let f = (months - a.0) / (row.0 - a.0);
                    (
                        a.1 + f * (row.1 - a.1),
                        a.2 + f * (row.2 - a.2),
                        a.3 + f * (row.3 - a.3),
                    )
                }
                _ => (row.1, row.2, row.3),
            });
            break;
        }
        prev = Some(row);
    }
    let (l, m, s) = lms.expect("age within the table");
    let z = if l == 0.0 {
        (x / m).ln() / s
    } else {
        ((x / m).powf(l) - 1.0) / (l * s)
    };
    // Φ(z) = 1/2 + ∫0..z φ(t) dt (Simpson's rule, 2000 steps).
    let n = 2000;
    let h = z / n as f64;
    let pdf = |t: f64| (-t * t / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut sum = pdf(0.0) + pdf(z);
    for i in 1..n {
        sum += pdf(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    let cdf = 0.5 + sum * h / 3.0;
    ((100.0 * cdf).round() as i64).clamp(1, 99)
}

pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
