//! Date and code filters return exactly the expected items, and `limit`/`offset` pages
//! carry a correct `api:ResponseSummary`. Expectations come from the source file: the
//! items' date and code values read from the parsed RDF/XML and compared with an
//! implementation of the filter semantics written here (partial dates stand for the
//! interval they cover; values compared as padded strings, which is exact for the
//! reference data: no time-zone offsets).

use crate::common::*;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNode, TermRef};
use smart_core::{dcterms, sp};

/// A date value as its first and last instant, in a fixed-width text form that compares
/// chronologically; `None` if it is not a (partial) ISO-8601 date-time.
fn interval(value: &str) -> Option<(String, String)> {
    let v = value.strip_suffix('Z').unwrap_or(value);
    let shape = "dddd-dd-ddTdd:dd:dd";
    let (main, frac) = match v.split_once('.') {
        Some((m, f)) if m.len() == 19 && !f.is_empty() && f.len() <= 9 => (m, Some(f)),
        Some(_) => return None,
        None => (v, None),
    };
    if ![4, 7, 10, 16, 19].contains(&main.len()) {
        return None;
    }
    for (c, s) in main.chars().zip(shape.chars()) {
        let ok = if s == 'd' { c.is_ascii_digit() } else { c == s };
        if !ok {
            return None;
        }
    }
    let lower = "0000-01-01T00:00:00.000000000";
    let upper = "9999-12-31T23:59:59.999999999";
    Some(match frac {
        Some(f) => (
            format!("{main}.{f}{}", &lower[21 + f.len() - 1..]),
            format!("{main}.{f}{}", &upper[21 + f.len() - 1..]),
        ),
        None => (
            format!("{main}{}", &lower[main.len()..]),
            format!("{main}{}", &upper[main.len()..]),
        ),
    })
}

#[test]
fn interval_padding() {
    let (a, b) = interval("2011").unwrap();
    assert_eq!(
        (a.as_str(), b.as_str()),
        (
            "2011-01-01T00:00:00.000000000",
            "2011-12-31T23:59:59.999999999"
        )
    );
    let (a, b) = interval("2006-05-24T12:14:01.3421Z").unwrap();
    assert_eq!(
        (a.as_str(), b.as_str()),
        (
            "2006-05-24T12:14:01.342100000",
            "2006-05-24T12:14:01.342199999"
        )
    );
    assert!(interval("2006-05-24T12:14:010.3421Z").is_none());
}

/// Does an item with these dates pass `param=filter`?
fn passes(param: &str, item: &[String], filter: &str) -> bool {
    let (fs, fe) = interval(filter).unwrap();
    item.iter()
        .filter_map(|v| interval(v))
        .any(|(s, e)| match param {
            "date_from" | "date_from_including" => e >= fs,
            "date_from_excluding" => e > fe,
            "date_to" | "date_to_including" => s <= fe,
            "date_to_excluding" => s < fs,
            _ => unreachable!(),
        })
}

fn objects(graph: &Graph, s: &NamedOrBlankNode, p: &str) -> Vec<oxrdf::Term> {
    graph
        .objects_for_subject_predicate(s, NamedNodeRef::new_unchecked(p))
        .map(|t| t.into_owned())
        .collect()
}

/// The code IRIs reached from `s` by `path`.
fn codes(graph: &Graph, s: &NamedOrBlankNode, path: &[&str]) -> Vec<String> {
    let mut nodes = vec![oxrdf::Term::from(s.clone())];
    for p in path {
        let mut next = Vec::new();
        for n in &nodes {
            let subject = match n {
                oxrdf::Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
                oxrdf::Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
                _ => continue,
            };
            next.extend(objects(graph, &subject, p));
        }
        nodes = next;
    }
    let mut out: Vec<String> = nodes
        .iter()
        .filter_map(|t| match t {
            oxrdf::Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// One item as the test sees it: its dates and codes (what the filters look at).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    dates: Vec<String>,
    codes: Vec<String>,
}

fn items(
    graph: &Graph,
    class: &str,
    date: &str,
    code_path: &[&str],
) -> Vec<(NamedOrBlankNode, Item)> {
    typed(graph, class)
        .into_iter()
        .map(|s| {
            let mut dates: Vec<String> = graph
                .objects_for_subject_predicate(&s, NamedNodeRef::new_unchecked(date))
                .filter_map(|o| match o {
                    TermRef::Literal(l) => Some(l.value().to_owned()),
                    _ => None,
                })
                .collect();
            dates.sort();
            let codes = codes(graph, &s, code_path);
            (s, Item { dates, codes })
        })
        .collect()
}

fn sorted(mut v: Vec<Item>) -> Vec<Item> {
    v.sort();
    v
}

/// A collection call to check: its path segment, class, date property and code path.
struct Collection {
    segment: &'static str,
    class: &'static str,
    date: &'static str,
    code_path: &'static [&'static str],
    code_param: &'static str,
    code_ns: &'static str,
}

const LAB_RESULTS: Collection = Collection {
    segment: "lab_results",
    class: sp!("LabResult"),
    date: dcterms!("date"),
    code_path: &[sp!("labName"), sp!("code")],
    code_param: "loinc",
    code_ns: "http://purl.bioontology.org/ontology/LNC/",
};

const COLLECTIONS: &[(&str, Collection)] = &[
    ("1796238", LAB_RESULTS),
    (
        "967332",
        Collection {
            segment: "medications",
            class: sp!("Medication"),
            date: sp!("startDate"),
            code_path: &[sp!("drugName"), sp!("code")],
            code_param: "rxnorm",
            code_ns: "http://purl.bioontology.org/ontology/RXNORM/",
        },
    ),
    (
        "1520204",
        Collection {
            segment: "problems",
            class: sp!("Problem"),
            date: sp!("startDate"),
            code_path: &[sp!("problemName"), sp!("code")],
            code_param: "snomed",
            code_ns: "http://purl.bioontology.org/ontology/SNOMEDCT/",
        },
    ),
    (
        "8888801",
        Collection {
            segment: "procedures",
            class: sp!("Procedure"),
            date: dcterms!("date"),
            code_path: &[sp!("procedureName"), sp!("code")],
            code_param: "snomed",
            code_ns: "http://purl.bioontology.org/ontology/SNOMEDCT/",
        },
    ),
    (
        "1540505",
        Collection {
            segment: "vital_sign_sets",
            class: sp!("VitalSignSet"),
            date: dcterms!("date"),
            code_path: &[sp!("encounter"), sp!("encounterType"), sp!("code")],
            code_param: "encounter_type",
            code_ns: "http://smartplatforms.org/terms/codes/EncounterType#",
        },
    ),
];

const DATE_PARAMS: [&str; 6] = [
    "date_from",
    "date_from_including",
    "date_from_excluding",
    "date_to",
    "date_to_including",
    "date_to_excluding",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn date_and_code_filters_return_exactly_the_expected_items() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    let ids: Vec<&str> = COLLECTIONS.iter().map(|(r, _)| *r).collect();
    server.import_reference(&shared, &ids).await;
    let app = server.background_app("filters@apps.example.org").await;

    for (rid, c) in COLLECTIONS {
        let source = source_graph(&reference_file(&shared, rid));
        let all: Vec<Item> = items(&source, c.class, c.date, c.code_path)
            .into_iter()
            .map(|(_, i)| i)
            .collect();
        assert!(
            all.len() >= 5,
            "{rid} {}: too few items to test filters",
            c.segment
        );
        let token = server.background_token(&app, rid).await;
        let fetch = |query: String| {
            let server = &server;
            let token = &token;
            async move {
                let path = format!("/records/{rid}/{}/?{query}", c.segment);
                let graph = rdf_ok(server.get(token, &path).await).await;
                let got: Vec<Item> = items(&graph, c.class, c.date, c.code_path)
                    .into_iter()
                    .map(|(_, i)| i)
                    .collect();
                assert_eq!(summary(&graph).total, got.len(), "{path}");
                (path, sorted(got))
            }
        };

        // Dates: thresholds at the first, middle and last item's day, and a year.
        let mut days: Vec<String> = all
            .iter()
            .flat_map(|i| i.dates.iter())
            .filter(|d| interval(d).is_some())
            .map(|d| d.chars().take(10).collect())
            .collect();
        days.sort();
        let year: String = days[days.len() / 2].chars().take(4).collect();
        let thresholds = [
            days[0].clone(),
            days[days.len() / 2].clone(),
            days[days.len() - 1].clone(),
            year,
        ];
        let mut nonempty = 0;
        for param in DATE_PARAMS {
            for t in &thresholds {
                let expected = sorted(
                    all.iter()
                        .filter(|i| passes(param, &i.dates, t))
                        .cloned()
                        .collect(),
                );
                let (path, got) = fetch(format!("{param}={t}")).await;
                assert_eq!(got, expected, "{path}");
                if !got.is_empty() && got.len() < all.len() {
                    nonempty += 1;
                }
            }
        }
        assert!(
            nonempty > 0,
            "{rid} {}: no date filter was selective",
            c.segment
        );
        // Two date filters together: both must hold.
        let (lo, hi) = (&thresholds[0], &thresholds[1]);
        let expected = sorted(
            all.iter()
                .filter(|i| {
                    passes("date_from_excluding", &i.dates, lo) && passes("date_to", &i.dates, hi)
                })
                .cloned()
                .collect(),
        );
        let (path, got) = fetch(format!("date_from_excluding={lo}&date_to={hi}")).await;
        assert_eq!(got, expected, "{path}");

        // Codes: the most common code, then two codes as `a|b`, then an unknown one.
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for i in &all {
            for code in &i.codes {
                *counts.entry(code.as_str()).or_default() += 1;
            }
        }
        let mut by_count: Vec<(&str, usize)> = counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let local = |iri: &str| iri.strip_prefix(c.code_ns).unwrap().to_owned();
        let first = local(by_count[0].0);
        let codes: Vec<String> = by_count.iter().take(2).map(|(i, _)| local(i)).collect();
        for value in [first.clone(), codes.join("|"), "0000000".to_owned()] {
            let wanted: Vec<String> = value
                .split('|')
                .map(|v| format!("{}{v}", c.code_ns))
                .collect();
            let expected = sorted(
                all.iter()
                    .filter(|i| i.codes.iter().any(|code| wanted.contains(code)))
                    .cloned()
                    .collect(),
            );
            let (path, got) =
                fetch(format!("{}={}", c.code_param, value.replace('|', "%7C"))).await;
            assert_eq!(got, expected, "{path}");
        }
        // A code filter and a date filter together.
        let t = &thresholds[1];
        let wanted = format!("{}{first}", c.code_ns);
        let expected = sorted(
            all.iter()
                .filter(|i| i.codes.contains(&wanted) && passes("date_to", &i.dates, t))
                .cloned()
                .collect(),
        );
        let (path, got) = fetch(format!("{}={first}&date_to={t}", c.code_param)).await;
        assert_eq!(got, expected, "{path}");
    }
    server.stop().await;
}

/// `(start of the latest date, IRI)`: the sort key, to check the order descending by
/// date, then ascending by IRI (items without a date last).
fn sort_key(graph: &Graph, iri: &str, date: &str) -> (Option<String>, String) {
    let s = NamedOrBlankNode::from(oxrdf::NamedNode::new(iri).unwrap());
    let latest = objects(graph, &s, date)
        .iter()
        .filter_map(|t| match t {
            oxrdf::Term::Literal(l) => interval(l.value()).map(|(start, _)| start),
            _ => None,
        })
        .max();
    (latest, iri.to_owned())
}

fn assert_sorted(graph: &Graph, order: &[String], date: &str, what: &str) {
    for pair in order.windows(2) {
        let (a, b) = (
            sort_key(graph, &pair[0], date),
            sort_key(graph, &pair[1], date),
        );
        let in_order = match (&a.0, &b.0) {
            (Some(x), Some(y)) => x > y || (x == y && a.1 < b.1),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => a.1 < b.1,
        };
        assert!(in_order, "{what}: {a:?} before {b:?}");
    }
}

/// Follows `nextPageURL` from `first` (signed afresh each time); the pages' item IRIs.
async fn walk_pages(
    server: &TestServer,
    token: &Creds,
    first: String,
    class: &str,
    date: &str,
    limit: usize,
    total: usize,
) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut next = Some(first);
    while let Some(path) = next.take() {
        let graph = rdf_ok(server.get(token, &path).await).await;
        let s = summary(&graph);
        let order = s
            .order
            .clone()
            .expect("a paged response has api:resultOrder");
        let mut on_page: Vec<String> = typed(&graph, class)
            .iter()
            .map(|n| match n {
                NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
                other => panic!("blank statement {other}"),
            })
            .collect();
        on_page.sort();
        let mut listed = order.clone();
        listed.sort();
        assert_eq!(
            listed, on_page,
            "{path}: resultOrder lists the page's items"
        );
        assert_eq!(s.returned, order.len(), "{path}: resultsReturned");
        assert_eq!(s.total, total, "{path}: totalResultCount");
        assert!(order.len() <= limit, "{path}");
        assert_sorted(&graph, &order, date, &path);
        let offset = pages.len() * limit;
        if offset + limit < total {
            let url = s
                .next
                .clone()
                .unwrap_or_else(|| panic!("{path}: no nextPageURL"));
            let rel = url
                .strip_prefix(&server.base)
                .unwrap_or_else(|| panic!("{url} is not under {}", server.base));
            // Every query value is percent-encoded: nothing but unreserved characters,
            // `%XX`, and the `=` / `&` separators.
            let query = rel.split_once('?').unwrap().1;
            assert!(
                query
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "-._~%=&".contains(ch)),
                "nextPageURL is not fully encoded: {url}"
            );
            assert!(
                query.contains(&format!("offset={}", offset + limit)),
                "{url}"
            );
            assert!(query.contains(&format!("limit={limit}")), "{url}");
            next = Some(rel.to_owned());
        } else {
            assert!(s.next.is_none(), "{path}: a last page has no nextPageURL");
            assert_eq!(order.len(), total - offset, "{path}: the last page");
        }
        pages.push(order);
        assert!(pages.len() <= total / limit + 1, "the walk does not end");
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cover_every_item_once_in_order() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server
        .import_reference(&shared, &["1796238", "8888802", "981968", "99912345"])
        .await;
    let app = server.background_app("pages@apps.example.org").await;
    let token = server.background_token(&app, "1796238").await;
    let date = dcterms!("date");

    let all_graph = rdf_ok(server.get(&token, "/records/1796238/lab_results/").await).await;
    let mut all: Vec<String> = typed(&all_graph, sp!("LabResult"))
        .iter()
        .map(|n| match n {
            NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
            other => panic!("{other}"),
        })
        .collect();
    all.sort();
    assert_eq!(all.len(), 413);

    let pages = walk_pages(
        &server,
        &token,
        "/records/1796238/lab_results/?limit=50".to_owned(),
        sp!("LabResult"),
        date,
        50,
        413,
    )
    .await;
    assert_eq!(pages.len(), 9);
    let mut union: Vec<String> = pages.concat();
    let n = union.len();
    union.sort();
    union.dedup();
    assert_eq!(union.len(), n, "no item on two pages");
    assert_eq!(union, all, "the pages hold every item");
    // The whole walk is in sort order too (page boundaries included).
    assert_sorted(&all_graph, &pages.concat(), date, "all pages");

    // With a filter whose value needs encoding (`a|b`): the next page keeps it, encoded.
    let source = source_graph(&reference_file(&shared, "1796238"));
    let mut loinc: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, i) in items(&source, sp!("LabResult"), date, LAB_RESULTS.code_path) {
        for c in i.codes {
            *loinc.entry(c).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = loinc.into_iter().collect();
    top.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let ns = LAB_RESULTS.code_ns;
    let (a, b) = (
        top[0].0.strip_prefix(ns).unwrap(),
        top[1].0.strip_prefix(ns).unwrap(),
    );
    let total = top[0].1 + top[1].1;
    let pages = walk_pages(
        &server,
        &token,
        format!("/records/1796238/lab_results/?loinc={a}%7C{b}&limit=7"),
        sp!("LabResult"),
        date,
        7,
        total,
    )
    .await;
    assert_eq!(pages.concat().len(), total);
    let first = rdf_ok(
        server
            .get(
                &token,
                &format!("/records/1796238/lab_results/?loinc={a}%7C{b}&limit=7"),
            )
            .await,
    )
    .await;
    let next = summary(&first).next.unwrap();
    assert!(next.contains(&format!("loinc={a}%7C{b}")), "{next}");

    // An offset past the end: an empty page that still counts the total.
    let graph = rdf_ok(
        server
            .get(&token, "/records/1796238/lab_results/?limit=10&offset=1000")
            .await,
    )
    .await;
    let s = summary(&graph);
    assert_eq!((s.returned, s.total, s.next), (0, 413, None));

    // Allergies: filters and paging apply to Allergy; exclusions always come along.
    let token = server.background_token(&app, "8888802").await;
    let source = source_graph(&reference_file(&shared, "8888802"));
    let allergies = typed(&source, sp!("Allergy")).len();
    let exclusions = typed(&source, sp!("AllergyExclusion")).len();
    assert!(allergies >= 3, "8888802 has {allergies} allergies");
    let graph = rdf_ok(
        server
            .get(&token, "/records/8888802/allergies/?limit=2")
            .await,
    )
    .await;
    let s = summary(&graph);
    assert_eq!(typed(&graph, sp!("Allergy")).len(), 2);
    assert_eq!(typed(&graph, sp!("AllergyExclusion")).len(), exclusions);
    assert_eq!(s.returned, 2 + exclusions);
    assert_eq!(s.total, allergies + exclusions);
    assert_eq!(
        s.order.as_ref().map(Vec::len),
        Some(2),
        "resultOrder lists the paged allergies"
    );
    assert!(s.next.is_some());
    let token = server.background_token(&app, "981968").await;
    let graph = rdf_ok(
        server
            .get(&token, "/records/981968/allergies/?date_from=2999-01-01")
            .await,
    )
    .await;
    assert_eq!(typed(&graph, sp!("Allergy")).len(), 0);
    assert_eq!(
        typed(&graph, sp!("AllergyExclusion")).len(),
        1,
        "the exclusion is not filtered"
    );
    let s = summary(&graph);
    assert_eq!((s.returned, s.total), (1, 1));

    // Documents, imaging studies and medical images page too.
    let token = server.background_token(&app, "99912345").await;
    for (segment, class, count) in [
        ("documents", sp!("Document"), 3),
        ("medical_images", sp!("MedicalImage"), 10),
    ] {
        let pages = walk_pages(
            &server,
            &token,
            format!("/records/99912345/{segment}/?limit=2"),
            class,
            date,
            2,
            count,
        )
        .await;
        let mut union = pages.concat();
        union.sort();
        union.dedup();
        assert_eq!(union.len(), count, "{segment}");
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_filter_values_are_400_naming_the_parameter() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server.import_reference(&shared, &["1796238"]).await;
    let app = server.background_app("badfilters@apps.example.org").await;
    let token = server.background_token(&app, "1796238").await;
    for (query, param) in [
        ("date_from=2011-13-01", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from_excluding=2011-02-30", "date_from_excluding"),
        ("date_to_including=", "date_to_including"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=100000", "limit"),
        ("offset=x", "offset"),
        ("limit=5&limit=6", "limit"),
    ] {
        let (status, text) = status_text(
            server
                .get(&token, &format!("/records/1796238/lab_results/?{query}"))
                .await,
        )
        .await;
        assert_eq!(status, 400, "{query}: {text}");
        assert!(
            text.contains(param),
            "{query}: the message names {param}: {text}"
        );
        assert!(text.len() < 500, "{query}: short: {text}");
    }
    // `format` of the documents calls.
    let (status, text) = status_text(
        server
            .get(&token, "/records/1796238/documents/?format=pdf")
            .await,
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("format"), "{text}");
    server.stop().await;
}
