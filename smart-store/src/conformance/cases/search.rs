//! Record search. Names start with a token unique to the case, so the cases can share a
//! store with other data.

use std::sync::Arc;

use crate::clinical::{ClinicalStore, RecordSearch, SearchPage};
use crate::conformance::Backend;
use crate::conformance::fixtures::{
    Fixture, demographics, label_in, problem, record_id, unique_token,
};

/// Stores one record per `(family, given, gender, bday, zip, mrn)`; returns the ids.
async fn people(
    store: &dyn ClinicalStore,
    people: &[(&str, &str, &str, &str, &str, &str)],
) -> Vec<smart_core::RecordId> {
    let mut ids = Vec::new();
    for (family, given, gender, bday, zip, mrn) in people {
        let record = record_id();
        let body =
            demographics(family, given, gender, bday, zip, mrn) + &problem("p", Some("2011"), "1");
        Fixture::new(&record, &body).store(store).await;
        ids.push(record);
    }
    ids
}

/// The fixed IRI of a record's demographics.
fn demographics_iri(record: &smart_core::RecordId) -> oxrdf::NamedNode {
    oxrdf::NamedNode::new_unchecked(format!(
        "{}/demographics",
        smart_rdf::split::record_iri(record).as_str()
    ))
}

async fn search(store: &dyn ClinicalStore, search: RecordSearch) -> SearchPage {
    store
        .search_records(&search)
        .await
        .unwrap_or_else(|e| panic!("{search:?}: {e}"))
}

fn family(prefix: &str) -> RecordSearch {
    RecordSearch {
        family_name: Some(prefix.to_owned()),
        ..RecordSearch::default()
    }
}

/// Family and given names match as case-insensitive prefixes (Unicode too); results are
/// sorted by family name, given name, record id, and carry the demographics graphs.
pub async fn search_by_name_prefix_ignoring_case(b: Arc<dyn Backend>) {
    let t = unique_token();
    let (smith, smythe, jones, oster) = (
        format!("{t}Smith"),
        format!("{t}smythe"),
        format!("{t}Jones"),
        format!("{t}Øster"),
    );
    let store = b.open().await;
    let ids = people(
        &*store,
        &[
            (
                &smith,
                "Anne",
                "female",
                "1950-01-01",
                "02115",
                &format!("{t}-1"),
            ),
            (
                &smythe,
                "bob",
                "male",
                "1960-02-02",
                "02116",
                &format!("{t}-2"),
            ),
            (
                &jones,
                "Ann",
                "female",
                "1970-03-03",
                "02115",
                &format!("{t}-3"),
            ),
            (
                &oster,
                "Åsa",
                "female",
                "1980-04-04",
                "10001",
                &format!("{t}-4"),
            ),
        ],
    )
    .await;
    let store = b.reopen(store).await;
    let upper = t.to_uppercase();

    let page = search(&*store, family(&format!("{upper}SM"))).await;
    assert_eq!(page.records, [ids[0].clone(), ids[1].clone()]);
    assert_eq!(page.total, 2);
    // The demographics graphs come along, and only theirs.
    let labelled = page
        .graph
        .iter()
        .filter(|tr| tr.predicate.as_str() == crate::conformance::fixtures::LABEL)
        .count();
    assert_eq!(labelled, 2);

    let mut s = family(&t);
    s.given_name = Some("AN".to_owned());
    assert_eq!(
        search(&*store, s).await.records,
        [ids[2].clone(), ids[0].clone()]
    );
    assert_eq!(
        search(&*store, family(&format!("{t}ø"))).await.records,
        [ids[3].clone()]
    );
    let mut s = family(&t);
    s.given_name = Some("å".to_owned());
    assert_eq!(search(&*store, s).await.records, [ids[3].clone()]);
    // All four, sorted by family name (case-insensitively).
    assert_eq!(
        search(&*store, family(&t)).await.records,
        [
            ids[2].clone(),
            ids[0].clone(),
            ids[1].clone(),
            ids[3].clone()
        ]
    );
    // A prefix is a prefix: the middle of a name does not match.
    assert!(
        search(&*store, family("mith"))
            .await
            .records
            .iter()
            .all(|r| !ids.contains(r))
    );
    let demo = store
        .statement(&ids[0], &demographics_iri(&ids[0]))
        .await
        .expect("read")
        .expect("demographics");
    assert!(
        demo.iter()
            .any(|tr| tr.object.to_string().contains("Smith"))
    );
}

/// Gender, birth date, zip code and medical record number match exactly, each alone and
/// together (scoped to this case's records by the family-name token).
pub async fn search_by_exact_fields(b: Arc<dyn Backend>) {
    let t = unique_token();
    let store = b.open().await;
    let ids = people(
        &*store,
        &[
            (
                &format!("{t}A"),
                "X",
                "female",
                "1950-01-01",
                "02115",
                "MRN-1",
            ),
            (
                &format!("{t}B"),
                "Y",
                "male",
                "1950-01-01",
                "02116",
                "MRN-2",
            ),
            (
                &format!("{t}C"),
                "Z",
                "female",
                "1960-01-01",
                "02116",
                "mrn-1",
            ),
        ],
    )
    .await;
    let store = b.reopen(store).await;
    let with = |f: fn(&mut RecordSearch, String), v: &str| {
        let mut s = family(&t);
        f(&mut s, v.to_owned());
        s
    };
    let cases: [(RecordSearch, Vec<usize>); 9] = [
        (with(|s, v| s.gender = Some(v), "female"), vec![0, 2]),
        (with(|s, v| s.gender = Some(v), "male"), vec![1]),
        (with(|s, v| s.gender = Some(v), "fem"), vec![]),
        (
            with(|s, v| s.date_of_birth = Some(v), "1950-01-01"),
            vec![0, 1],
        ),
        (with(|s, v| s.date_of_birth = Some(v), "1950"), vec![]),
        (with(|s, v| s.zipcode = Some(v), "02116"), vec![1, 2]),
        (
            with(|s, v| s.medical_record_number = Some(v), "MRN-1"),
            vec![0],
        ),
        (
            with(|s, v| s.medical_record_number = Some(v), "MRN"),
            vec![],
        ),
        (
            {
                let mut s = with(|s, v| s.gender = Some(v), "female");
                s.zipcode = Some("02116".to_owned());
                s
            },
            vec![2],
        ),
    ];
    for (s, expected) in cases {
        let expected: Vec<_> = expected.into_iter().map(|i| ids[i].clone()).collect();
        let page = search(&*store, s.clone()).await;
        assert_eq!(page.records, expected, "{s:?}");
        assert_eq!(page.total, expected.len(), "{s:?}");
    }
}

/// Search pages with `limit`/`offset`, and hostile values find nothing and break
/// nothing.
pub async fn search_pages_and_hostile_values(b: Arc<dyn Backend>) {
    let t = unique_token();
    let store = b.open().await;
    let names: Vec<String> = (0..5).map(|i| format!("{t}n{i}")).collect();
    let rows: Vec<_> = names
        .iter()
        .map(|n| (n.as_str(), "G", "female", "1950-01-01", "02115", "M"))
        .collect();
    let ids = people(&*store, &rows).await;
    let store = b.reopen(store).await;
    let mut s = family(&t);
    s.limit = Some(2);
    s.offset = 2;
    let page = search(&*store, s.clone()).await;
    assert_eq!(page.records, ids[2..4]);
    assert_eq!(page.total, 5);
    s.offset = 4;
    assert_eq!(search(&*store, s.clone()).await.records, ids[4..]);
    s.offset = 5;
    let end = search(&*store, s).await;
    assert!(end.records.is_empty() && end.graph.is_empty());
    assert_eq!(end.total, 5);

    let hostile = [
        "\"",
        "\" } ; DROP ALL ; #",
        "x\") || true || (\"",
        ">",
        "}",
        "\n",
        "#",
        "SELECT * WHERE { ?s ?p ?o }",
        ".*",
        "\\",
        "%",
        "\u{0}",
    ];
    for value in hostile {
        for field in 0..6 {
            let mut s = family(&format!("{t}{value}"));
            let v = Some(value.to_owned());
            match field {
                0 => s.family_name = v.clone(),
                1 => s.given_name = v.clone(),
                2 => s.gender = v.clone(),
                3 => s.date_of_birth = v.clone(),
                4 => s.zipcode = v.clone(),
                _ => s.medical_record_number = v.clone(),
            }
            let page = search(&*store, s).await;
            assert!(
                page.records.iter().all(|r| !ids.contains(r)),
                "field {field} = {value:?} matched"
            );
        }
    }
    // Still intact.
    assert_eq!(search(&*store, family(&t)).await.total, 5);
    let one = store
        .statement(&ids[0], &demographics_iri(&ids[0]))
        .await
        .expect("read")
        .expect("demographics");
    assert!(label_in(&one, &demographics_iri(&ids[0])).is_some());
}
