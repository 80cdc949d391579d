#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

mod codes;
mod date;
mod docs;
mod history;
mod immunizations;
mod labs;
mod meds;
mod person;
mod profile;
mod rdf;
mod rng;
mod timeline;
mod vitals;

use std::io;
use std::path::Path;

use oxrdf::{BlankNode, Graph};
use smart_rdf::RdfFormat;

use crate::date::Date;
use crate::profile::Profile;
use crate::rdf::Builder;
use crate::rng::{Rng, mix};
use crate::timeline::{Episode, Visit};

/// Makes sample patients from a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generator {
    seed: u64,
    today: Date,
}

/// A file that a patient's documents refer to by `sp:fileName`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attachment {
    /// The file name (no directory), as in `sp:fileName`.
    pub file_name: String,
    /// Its media type, as in the document's `dcterms:format`.
    pub content_type: &'static str,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// One generated patient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Patient {
    /// The record id: seven digits, unique per index for one seed.
    pub record_id: String,
    /// The patient's record as RDF.
    pub graph: Graph,
    /// The files of the patient's documents, photograph and images.
    pub documents: Vec<Attachment>,
    /// How many clinical statements the graph holds.
    pub statements: usize,
}

/// The highest number of patients with distinct record ids per seed.
pub const MAX_PATIENTS: u64 = 9_000_000;

/// A multiplier prime to 9,000,000 (not divisible by 2, 3 or 5), so that
/// `index * STRIDE mod 9,000,000` is a bijection on the indices below it.
const STRIDE: u64 = 7_777_777;

impl Generator {
    /// A generator for this seed.
    pub fn new(seed: u64) -> Self {
        // "Today" lies between 2013 and 2017, so records overlap the SMART 0.6 era.
        let days = (mix(seed ^ 0x5EED_DA7E) % 1826) as i64;
        Self {
            seed,
            today: Date::ymd(2013, 1, 1).plus(days),
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The last day of every record of this seed, as `YYYY-MM-DD`.
    pub fn today(&self) -> String {
        self.today.iso()
    }

    /// The record id of patient `index`: seven digits, distinct for the indices below
    /// [`MAX_PATIENTS`] of one seed.
    pub fn record_id(&self, index: u64) -> String {
        let offset = mix(self.seed) % MAX_PATIENTS;
        let n = (u128::from(index % MAX_PATIENTS) * u128::from(STRIDE) + u128::from(offset))
            % u128::from(MAX_PATIENTS);
        format!("{}", 1_000_000 + n)
    }

    /// Generates patient `index`. The result depends only on the seed and `index`.
    pub fn generate_patient(&self, index: u64) -> Patient {
        let record_id = self.record_id(index);
        let mut rng = Rng::new(self.seed, index);
        let profile = profile::draw(&mut rng, self.today);
        let pcp_female = rng.chance(0.5);
        let pcp = person::name(&mut rng, pcp_female);
        let mut cx = Ctx {
            b: Builder::new(),
            profile,
            record_id,
            attachments: Vec::new(),
            visits: Vec::new(),
            episodes: Vec::new(),
            drug_allergies: Vec::new(),
            prescriptions: Vec::new(),
            pcp_given: pcp.given,
            pcp_family: pcp.family,
            npi: format!("1{}", rng.digits(9)),
            rng,
        };
        person::demographics(&mut cx);
        timeline::plan(&mut cx);
        timeline::encounters(&mut cx);
        vitals::vital_sets(&mut cx);
        history::allergies(&mut cx);
        history::problems(&mut cx);
        meds::medications(&mut cx);
        labs::lab_results(&mut cx);
        immunizations::immunizations(&mut cx);
        history::procedures_and_imaging(&mut cx);
        history::social_history(&mut cx);
        history::family_history(&mut cx);
        docs::clinical_notes(&mut cx);
        docs::documents(&mut cx);
        let (graph, statements) = cx.b.finish();
        Patient {
            record_id: cx.record_id,
            graph,
            documents: cx.attachments,
            statements,
        }
    }
}

impl Patient {
    /// The file name of the record in `format`, as the original generator named them:
    /// `p<record id>.xml` for RDF/XML, with the format's extension otherwise.
    pub fn file_name(&self, format: RdfFormat) -> String {
        let ext = match format {
            RdfFormat::RdfXml => "xml",
            other => other.file_extension(),
        };
        format!("p{}.{ext}", self.record_id)
    }

    /// The record serialized in `format` (triples sorted, so the bytes are stable).
    pub fn to_rdf(&self, format: RdfFormat) -> Vec<u8> {
        smart_rdf::serialize(&self.graph, format)
    }

    /// Writes the record into `dir` as [`Patient::file_name`], and its documents into the
    /// folder `dir/<record id>/`. Returns the number of bytes written.
    pub fn write_to(&self, dir: &Path, format: RdfFormat) -> io::Result<u64> {
        let rdf = self.to_rdf(format);
        std::fs::write(dir.join(self.file_name(format)), &rdf)?;
        let mut bytes = rdf.len() as u64;
        if !self.documents.is_empty() {
            let folder = dir.join(&self.record_id);
            std::fs::create_dir_all(&folder)?;
            for doc in &self.documents {
                std::fs::write(folder.join(&doc.file_name), &doc.bytes)?;
                bytes += doc.bytes.len() as u64;
            }
        }
        Ok(bytes)
    }
}

/// A prescription written for the patient, for notes and summaries.
#[derive(Debug, Clone)]
pub(crate) struct Prescription {
    pub(crate) title: &'static str,
    pub(crate) start: Date,
    pub(crate) end: Option<Date>,
    /// The drug's RxNorm code identifier.
    pub(crate) rxcui: &'static str,
}

/// Everything one patient's generation shares.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) b: Builder,
    pub(crate) rng: Rng,
    pub(crate) profile: Profile,
    pub(crate) record_id: String,
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) visits: Vec<Visit>,
    pub(crate) episodes: Vec<Episode>,
    /// RxNorm ingredients the patient is allergic to (drugs containing them are avoided).
    pub(crate) drug_allergies: Vec<&'static str>,
    pub(crate) prescriptions: Vec<Prescription>,
    pub(crate) pcp_given: &'static str,
    pub(crate) pcp_family: &'static str,
    pub(crate) npi: String,
}

impl Ctx {
    /// A new `sp:Provider` node for the patient's clinician.
    pub(crate) fn provider(&mut self) -> BlankNode {
        timeline::provider(&mut self.b, self.pcp_given, self.pcp_family, &self.npi)
    }
}
