//! Clinical notes (text inline in the graph), documents whose files travel beside the
//! record (text letters and summaries, a scanned report as PNG), the photograph, and the
//! tiny placeholder files of medical images.

use std::fmt::Write as _;

use oxrdf::BlankNode;
use sha2::{Digest as _, Sha256};
use smart_core::{dcterms, sp, spcode};

use crate::codes::clinical::Chronic;
use crate::rdf::Code;
use crate::timeline::VisitKind;
use crate::{Attachment, Ctx};

/// The `sp:fileName`, `dcterms:format`, `sp:fileSize` and `sp:resource` (location and
/// SHA-256 hash) of a document whose bytes are a file beside the record; the file is
/// added to the patient's attachments.
pub(crate) fn file_document(
    cx: &mut Ctx,
    doc: &BlankNode,
    file_name: &str,
    content_type: &'static str,
    bytes: Vec<u8>,
) {
    let b = &mut cx.b;
    b.lit(doc, sp!("fileName"), file_name);
    b.media_type(doc, content_type);
    b.value_unit(doc, sp!("fileSize"), &bytes.len().to_string(), "byte");
    let resource = b.typed(sp!("Resource"));
    b.lit(
        &resource,
        sp!("location"),
        &format!("{}/{file_name}", cx.record_id),
    );
    let hash = b.typed(sp!("Hash"));
    b.lit(&hash, sp!("algorithm"), "SHA-256");
    let digest = Sha256::digest(&bytes);
    let hex = smart_core::encoding::hex_lower(&digest);
    b.lit(&hash, sp!("value"), &hex);
    b.link(&resource, sp!("hash"), &hash);
    b.link(doc, sp!("resource"), &resource);
    cx.attachments.push(Attachment {
        file_name: file_name.to_owned(),
        content_type,
        bytes,
    });
}

fn doc_type(id: &str) -> Code {
    Code::member(spcode!("DocumentType"), id)
}

/// Notes for acute visits and some of the others, written from what happened that day.
pub(crate) fn clinical_notes(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(7);
    for i in 0..cx.visits.len() {
        let v = cx.visits[i].clone();
        let p = &cx.profile;
        let (title, reason) = match v.kind {
            VisitKind::Acute(e) => (
                "Acute visit note",
                cx.episodes[e].acute.code.title.to_owned(),
            ),
            VisitKind::FollowUp if rng.chance(0.35) => {
                let active: Vec<&str> = p
                    .conditions
                    .iter()
                    .filter(|(_, d)| **d <= v.date)
                    .map(|(c, _)| c.code().title)
                    .collect();
                (
                    "Follow-up note",
                    format!("follow-up of {}", active.join(", ").to_lowercase()),
                )
            }
            VisitKind::Preventive if rng.chance(0.2) => {
                if p.age_on(v.date) < 18.0 {
                    ("Well-child visit note", "well-child check".to_owned())
                } else {
                    (
                        "Annual physical note",
                        "annual physical examination".to_owned(),
                    )
                }
            }
            _ => continue,
        };
        let mut text = format!(
            "{} {}, {} y/o {}, seen on {} for {reason}.",
            p.name.given,
            p.name.family,
            p.age_on(v.date).floor(),
            if p.female { "female" } else { "male" },
            v.date
        );
        if let Some((s, d)) = v.bp {
            let _ = write!(text, " BP {s}/{d} mm[Hg].");
        }
        if let Some(w) = v.weight {
            let _ = write!(text, " Weight {w:.1} kg.");
        }
        let current: Vec<&str> = cx
            .prescriptions
            .iter()
            .filter(|m| m.start <= v.date && m.end.is_none_or(|e| e >= v.date))
            .map(|m| m.title)
            .collect();
        if !current.is_empty() {
            let _ = write!(text, " Current medications: {}.", current.join("; "));
        }
        text.push_str(match v.kind {
            VisitKind::Acute(_) => " Plan: supportive care as discussed; return if not improving.",
            VisitKind::FollowUp => {
                " Plan: continue current regimen; labs as ordered; follow up as scheduled."
            }
            VisitKind::Preventive => {
                " Plan: routine screening and immunizations up to date as recorded."
            }
        });
        let b = &mut cx.b;
        let n = b.statement(sp!("ClinicalNote"));
        b.lit(&n, dcterms!("date"), &v.date.at(v.minutes + 30));
        b.lit(&n, dcterms!("title"), title);
        b.media_type(&n, "text/plain");
        b.coded(&n, sp!("documentType"), &doc_type("note"));
        let resource = b.typed(sp!("Resource"));
        let content = b.typed(sp!("Content"));
        b.lit(&content, sp!("encoding"), "UTF-8");
        b.lit(&content, sp!("value"), &text);
        b.link(&resource, sp!("content"), &content);
        b.link(&n, sp!("resource"), &resource);
        let provider = cx.provider();
        cx.b.link(&n, sp!("provider"), &provider);
    }
}

/// A visit summary for every patient, a referral letter and a scanned report for some,
/// and the photograph.
pub(crate) fn documents(cx: &mut Ctx) {
    let mut rng = cx.rng.fork(8);
    let p = cx.profile.clone();
    let today = p.today;

    let mut summary = format!(
        "Patient summary\n\nName: {} {}\nBorn: {}\nRecord: {}\n\nProblems:\n",
        p.name.given, p.name.family, p.birth, cx.record_id
    );
    for (c, d) in &p.conditions {
        let _ = writeln!(summary, "- {} (since {d})", c.code().title);
    }
    if p.conditions.is_empty() {
        summary.push_str("- none\n");
    }
    summary.push_str("\nMedications:\n");
    for m in cx.prescriptions.iter().filter(|m| m.end.is_none()) {
        let _ = writeln!(
            summary,
            "- {} (RxNorm {}), since {}",
            m.title, m.rxcui, m.start
        );
    }
    let d = cx.b.statement(sp!("Document"));
    cx.b.lit(&d, dcterms!("date"), &today.at(12 * 60));
    cx.b.lit(&d, dcterms!("title"), "Patient summary");
    cx.b.coded(&d, sp!("documentType"), &doc_type("summary"));
    let provider = cx.provider();
    cx.b.link(&d, sp!("provider"), &provider);
    file_document(
        cx,
        &d,
        &format!("summary-{today}.txt"),
        "text/plain",
        summary.into_bytes(),
    );

    let specialist = [
        (Chronic::CoronaryDisease, "cardiology"),
        (Chronic::HeartFailure, "cardiology"),
        (Chronic::Diabetes2, "endocrinology"),
        (Chronic::Diabetes1, "endocrinology"),
        (Chronic::Ckd, "nephrology"),
        (Chronic::Asthma, "pulmonology"),
        (Chronic::Copd, "pulmonology"),
        (Chronic::Osteoarthritis, "orthopedics"),
    ]
    .into_iter()
    .find(|(c, _)| p.has(*c));
    if let Some((c, service)) = specialist {
        if rng.chance(0.6) {
            let date = p.conditions[&c]
                .max(p.start)
                .plus(rng.range(7, 60))
                .min(today);
            let letter = format!(
                "Dear colleague,\n\nI am referring {} {} (born {}) to {service} for evaluation of {}.\n\
                 Please see the enclosed summary.\n\nSincerely,\n{} {}, MD\n",
                p.name.given,
                p.name.family,
                p.birth,
                c.code().title.to_lowercase(),
                cx.pcp_given,
                cx.pcp_family
            );
            let d = cx.b.statement(sp!("Document"));
            cx.b.lit(&d, dcterms!("date"), &date.at(15 * 60));
            cx.b.lit(&d, dcterms!("title"), &format!("Referral to {service}"));
            cx.b.coded(&d, sp!("documentType"), &doc_type("letter"));
            cx.b.coded(&d, sp!("documentType"), &doc_type("referral"));
            let provider = cx.provider();
            cx.b.link(&d, sp!("provider"), &provider);
            file_document(
                cx,
                &d,
                &format!("referral-{date}.txt"),
                "text/plain",
                letter.into_bytes(),
            );
        }
    }
    if rng.chance(0.25) {
        let date = p.start.plus(rng.range(0, today.since(p.start).max(1)));
        let d = cx.b.statement(sp!("Document"));
        cx.b.lit(&d, dcterms!("date"), &date.at(10 * 60));
        cx.b.lit(&d, dcterms!("title"), "Scanned outside report");
        cx.b.coded(&d, sp!("documentType"), &doc_type("image"));
        cx.b.coded(&d, sp!("documentType"), &doc_type("report"));
        let bytes = png(&mut rng, Picture::Page);
        file_document(cx, &d, &format!("scan-{date}.png"), "image/png", bytes);
    }

    let photo = cx.b.statement(sp!("Photograph"));
    let date = today.plus(-rng.range(0, 700)).max(p.birth.plus(1));
    cx.b.lit(&photo, dcterms!("date"), &date.at(11 * 60));
    cx.b.lit(&photo, dcterms!("title"), "Patient photograph");
    cx.b.coded(&photo, sp!("documentType"), &doc_type("image"));
    let bytes = png(&mut rng, Picture::Portrait);
    file_document(cx, &photo, "photo.png", "image/png", bytes);
}

/// A placeholder for a DICOM file: the 128-byte preamble, the `DICM` magic and a note
/// naming the image UID. Enough for a viewer to recognise the format, not an image.
pub(crate) fn dicom_placeholder(uid: &str) -> Vec<u8> {
    let mut bytes = vec![0u8; 128];
    bytes.extend_from_slice(b"DICM");
    bytes.extend_from_slice(format!("placeholder for SOP instance {uid}").as_bytes());
    bytes
}

/// What a generated picture shows.
#[derive(Debug, Clone, Copy)]
enum Picture {
    /// A head-and-shoulders silhouette.
    Portrait,
    /// A page with lines of "text".
    Page,
}

/// A small RGB PNG (32×32), encoded by hand: stored (uncompressed) deflate blocks need
/// no compressor, and the file stays valid for any viewer.
fn png(rng: &mut crate::rng::Rng, picture: Picture) -> Vec<u8> {
    const W: usize = 32;
    let background = [
        rng.range(150, 230) as u8,
        rng.range(150, 230) as u8,
        rng.range(170, 250) as u8,
    ];
    let tone = [
        rng.range(90, 230) as u8,
        rng.range(60, 190) as u8,
        rng.range(40, 160) as u8,
    ];
    let mut raw = Vec::with_capacity(W * (W * 3 + 1));
    for y in 0..W {
        raw.push(0); // filter: none
        for x in 0..W {
            let (dx, dy) = (x as i64 - 16, y as i64 - 12);
            let ink = match picture {
                Picture::Portrait => {
                    dx * dx + dy * dy <= 49
                        || (y > 22 && (dx * dx) <= ((y as i64 - 18) * 3).pow(2) / 4)
                }
                Picture::Page => {
                    (3..29).contains(&x) && y % 4 == 1 && y > 2 && (x * 7 + y * 3) % 11 != 0
                }
            };
            let pixel = match (picture, ink) {
                (Picture::Page, true) => [40, 40, 40],
                (Picture::Page, false) => [250, 250, 245],
                (Picture::Portrait, true) => tone,
                (Picture::Portrait, false) => background,
            };
            raw.extend_from_slice(&pixel);
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(W as u32).to_be_bytes());
    ihdr.extend_from_slice(&(W as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// CRC-32 (IEEE), bit by bit: the pictures are tiny.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_png_shape() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let mut rng = crate::rng::Rng::new(1, 1);
        let png = png(&mut rng, Picture::Portrait);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.ends_with(&[0xAE, 0x42, 0x60, 0x82]), "IEND CRC");
    }
}
