//! The patient list: what the search box means, the rows it shows, and the record view's
//! header, all from the demographics the clinical store's record search returns.

use super::glue;
use crate::container::Container;
use crate::error::ApiError;
use oxrdf::{Graph, NamedNode, NamedOrBlankNodeRef, TermRef, vocab::rdf};
use smart_core::{RecordId, foaf, sp, vcard};
use smart_store::clinical::RecordSearch;
use std::collections::{BTreeMap, HashMap};

/// Patients per page.
pub(crate) const PAGE_SIZE: usize = 20;

/// How the list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    /// Family name, given name (the store's own order).
    Name,
    /// Birth date, oldest first.
    BirthDate,
}

impl Sort {
    /// From the `sort` parameter (`name` by default).
    pub(crate) fn parse(value: Option<&str>) -> Self {
        match value {
            Some("birth_date") => Self::BirthDate,
            _ => Self::Name,
        }
    }

    /// The parameter value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::BirthDate => "birth_date",
        }
    }
}

/// What the search box `q` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Terms {
    /// Nothing: every patient.
    All,
    /// A birth date `YYYY-MM-DD`.
    BirthDate(String),
    /// A zip code (digits, optionally `-` and more digits).
    Zip(String),
    /// A prefix of a given or family name (two words: given and family, either order).
    Name(Vec<String>),
}

impl Terms {
    /// Reads the search box.
    pub(crate) fn parse(q: &str) -> Self {
        let q = q.trim();
        let b = q.as_bytes();
        if q.is_empty() {
            Self::All
        } else if b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            Self::BirthDate(q.to_owned())
        } else if b[0].is_ascii_digit() && b.iter().all(|c| c.is_ascii_digit() || *c == b'-') {
            Self::Zip(q.to_owned())
        } else {
            Self::Name(q.split_whitespace().map(str::to_owned).collect())
        }
    }
}

/// The list's request: search box, gender filter, sort, page (from 0).
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub(crate) q: String,
    pub(crate) gender: Option<String>,
    pub(crate) sort: Sort,
    pub(crate) page: usize,
}

/// One patient's demographics as the UI shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Patient {
    pub(crate) id: String,
    pub(crate) given: String,
    pub(crate) family: String,
    pub(crate) gender: String,
    pub(crate) birth_date: String,
}

impl Patient {
    /// "Given Family" (or the record id when the record has no name).
    pub(crate) fn full_name(&self) -> String {
        let n = format!("{} {}", self.given, self.family);
        let n = n.trim();
        if n.is_empty() {
            self.id.clone()
        } else {
            n.to_owned()
        }
    }

    /// Age in whole years today, if the birth date is readable.
    pub(crate) fn age(&self) -> Option<u32> {
        age_on(&self.birth_date, today())
    }

    fn name_key(&self) -> (String, String, String) {
        (
            self.family.to_lowercase(),
            self.given.to_lowercase(),
            self.id.clone(),
        )
    }
}

/// A page of the list.
#[derive(Debug)]
pub(crate) struct Listing {
    pub(crate) patients: Vec<Patient>,
    pub(crate) total: usize,
}

/// Runs the list's search. Without a name and sorted by name, the store pages; otherwise
/// the matches are merged (a name matches given or family) and sorted here, then paged.
pub(crate) async fn list(container: &Container, query: &ListQuery) -> Result<Listing, ApiError> {
    let base = RecordSearch {
        gender: query.gender.clone(),
        ..RecordSearch::default()
    };
    let mut searches = Vec::new();
    match Terms::parse(&query.q) {
        Terms::All => searches.push(base),
        Terms::BirthDate(d) => searches.push(RecordSearch {
            date_of_birth: Some(d),
            ..base
        }),
        Terms::Zip(z) => searches.push(RecordSearch {
            zipcode: Some(z),
            ..base
        }),
        Terms::Name(words) => match words.as_slice() {
            [a, b, ..] => {
                searches.push(RecordSearch {
                    given_name: Some(a.clone()),
                    family_name: Some(b.clone()),
                    ..base.clone()
                });
                searches.push(RecordSearch {
                    family_name: Some(a.clone()),
                    given_name: Some(b.clone()),
                    ..base
                });
            }
            [one] => {
                searches.push(RecordSearch {
                    family_name: Some(one.clone()),
                    ..base.clone()
                });
                searches.push(RecordSearch {
                    given_name: Some(one.clone()),
                    ..base
                });
            }
            [] => searches.push(base),
        },
    }
    let offset = query.page.saturating_mul(PAGE_SIZE);
    if let ([one], Sort::Name) = (searches.as_slice(), query.sort) {
        let mut search = one.clone();
        search.limit = Some(PAGE_SIZE);
        search.offset = offset;
        let page = glue::search(container, &search).await?;
        let found = patients_in(&page.graph);
        let patients = page
            .records
            .iter()
            .map(|r| found.get(r.as_str()).cloned().unwrap_or_else(|| bare(r)))
            .collect();
        return Ok(Listing {
            patients,
            total: page.total,
        });
    }
    let mut all: BTreeMap<String, Patient> = BTreeMap::new();
    for search in &searches {
        let page = glue::search(container, search).await?;
        let found = patients_in(&page.graph);
        for r in &page.records {
            all.entry(r.as_str().to_owned())
                .or_insert_with(|| found.get(r.as_str()).cloned().unwrap_or_else(|| bare(r)));
        }
    }
    let mut patients: Vec<Patient> = all.into_values().collect();
    match query.sort {
        Sort::Name => patients.sort_by_key(Patient::name_key),
        Sort::BirthDate => patients.sort_by(|a, b| {
            (a.birth_date.is_empty(), &a.birth_date, a.name_key()).cmp(&(
                b.birth_date.is_empty(),
                &b.birth_date,
                b.name_key(),
            ))
        }),
    }
    let total = patients.len();
    let patients = patients.into_iter().skip(offset).take(PAGE_SIZE).collect();
    Ok(Listing { patients, total })
}

/// One record's patient, or `None` if there is no such record.
pub(crate) async fn patient(
    container: &Container,
    record: &RecordId,
) -> Result<Option<Patient>, ApiError> {
    let Some(graph) = glue::demographics(container, record).await? else {
        return Ok(None);
    };
    Ok(Some(
        patients_in(&graph)
            .remove(record.as_str())
            .unwrap_or_else(|| bare(record)),
    ))
}

fn bare(record: &RecordId) -> Patient {
    Patient {
        id: record.as_str().to_owned(),
        ..Patient::default()
    }
}

/// The patients of a demographics graph (storage form), by record id. The record id is
/// the path segment after `/records/` in the demographics statement's IRI.
pub(crate) fn patients_in(graph: &Graph) -> HashMap<String, Patient> {
    let demographics = NamedNode::new_unchecked(sp!("Demographics"));
    let mut out = HashMap::new();
    for subject in graph.subjects_for_predicate_object(rdf::TYPE, &demographics) {
        let NamedOrBlankNodeRef::NamedNode(node) = subject else {
            continue;
        };
        let Some(id) = node
            .as_str()
            .split_once("/records/")
            .and_then(|(_, rest)| rest.split('/').next())
            .filter(|id| !id.is_empty())
        else {
            continue;
        };
        let text = |s: NamedOrBlankNodeRef<'_>, p: &'static str| -> Option<String> {
            graph
                .objects_for_subject_predicate(s, &NamedNode::new_unchecked(p))
                .find_map(|o| match o {
                    TermRef::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                })
        };
        let name = graph
            .objects_for_subject_predicate(subject, &NamedNode::new_unchecked(vcard!("n")))
            .find_map(|o| match o {
                TermRef::NamedNode(n) => Some(NamedOrBlankNodeRef::NamedNode(n)),
                TermRef::BlankNode(b) => Some(NamedOrBlankNodeRef::BlankNode(b)),
                _ => None,
            });
        let patient = Patient {
            id: id.to_owned(),
            given: name
                .and_then(|n| text(n, vcard!("given-name")))
                .unwrap_or_default(),
            family: name
                .and_then(|n| text(n, vcard!("family-name")))
                .unwrap_or_default(),
            gender: text(subject, foaf!("gender")).unwrap_or_default(),
            birth_date: text(subject, vcard!("bday")).unwrap_or_default(),
        };
        out.insert(id.to_owned(), patient);
    }
    out
}

/// Today's date (UTC) as (year, month, day).
fn today() -> (i64, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whole years from `birth` (`YYYY-MM-DD…`) to `on`.
fn age_on(birth: &str, on: (i64, u32, u32)) -> Option<u32> {
    let y: i64 = birth.get(0..4)?.parse().ok()?;
    let m: u32 = birth.get(5..7)?.parse().ok()?;
    let d: u32 = birth.get(8..10)?.parse().ok()?;
    let mut age = on.0 - y;
    if (on.1, on.2) < (m, d) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_is_read_by_shape() {
        assert_eq!(Terms::parse("  "), Terms::All);
        assert_eq!(
            Terms::parse("1951-07-04"),
            Terms::BirthDate("1951-07-04".into())
        );
        assert_eq!(Terms::parse("02115"), Terms::Zip("02115".into()));
        assert_eq!(Terms::parse("02115-1234"), Terms::Zip("02115-1234".into()));
        assert_eq!(Terms::parse("smi"), Terms::Name(vec!["smi".into()]));
        assert_eq!(
            Terms::parse("Bob  Smith"),
            Terms::Name(vec!["Bob".into(), "Smith".into()])
        );
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on("1951-07-04", (2026, 7, 3)), Some(74));
        assert_eq!(age_on("1951-07-04", (2026, 7, 4)), Some(75));
        assert_eq!(age_on("bad", (2026, 1, 1)), None);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }
}
