//! Date filters: the six bounds at each precision, time zones, alternatives.

use std::sync::Arc;

use super::sorted;
use crate::conformance::Backend;
use crate::conformance::fixtures::{Fixture, labels, problem, record_id};

/// Stores problems `(label, startDate)`, reopens, and checks each of the six date
/// parameters with `value` against the expected labels (the `_including` forms expect the
/// same as the plain ones).
async fn check_bounds(
    b: Arc<dyn Backend>,
    items: &[(&str, &str)],
    value: &str,
    from: &[&str],
    from_excluding: &[&str],
    to: &[&str],
    to_excluding: &[&str],
) {
    let record = record_id();
    let body: String = items
        .iter()
        .map(|(l, d)| problem(l, Some(d), "1"))
        .collect();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    for (param, expected) in [
        ("date_from", from),
        ("date_from_including", from),
        ("date_from_excluding", from_excluding),
        ("date_to", to),
        ("date_to_including", to),
        ("date_to_excluding", to_excluding),
    ] {
        let got = labels(&*store, &record, "get_problems", &[(param, value)]).await;
        assert_eq!(got, sorted(expected), "{param}={value}");
    }
}

/// Year precision: `2011` is the whole year.
pub async fn date_filters_at_year_boundaries(b: Arc<dyn Backend>) {
    let items = [
        ("a", "2010-12-31T23:59"),
        ("b", "2011"),
        ("c", "2011-01-01"),
        ("d", "2011-12-31"),
        ("e", "2012-01-01T00:00"),
        ("f", "2010"),
        ("g", "2011-12-31T23:59:59.999"),
    ];
    let from = ["b", "c", "d", "e", "g"];
    let to = ["a", "b", "c", "d", "f", "g"];
    check_bounds(b, &items, "2011", &from, &["e"], &to, &["a", "f"]).await;
}

/// Month precision, including a year that covers the month.
pub async fn date_filters_at_month_boundaries(b: Arc<dyn Backend>) {
    let items = [
        ("a", "2011-05-31T23:59:59"),
        ("b", "2011-06"),
        ("c", "2011-06-30T23:59"),
        ("d", "2011-07-01"),
        ("e", "2011"),
        ("f", "2011-06-15"),
    ];
    let from = ["b", "c", "d", "e", "f"];
    let to = ["a", "b", "c", "e", "f"];
    check_bounds(b, &items, "2011-06", &from, &["d", "e"], &to, &["a", "e"]).await;
}

/// Day precision, including fractions of a second at the end of the day.
pub async fn date_filters_at_day_boundaries(b: Arc<dyn Backend>) {
    let items = [
        ("a", "2011-06-11T23:59"),
        ("b", "2011-06-12"),
        ("c", "2011-06-12T00:00"),
        ("d", "2011-06-12T23:59:59.9"),
        ("e", "2011-06-13"),
        ("f", "2011-06"),
    ];
    let from = ["b", "c", "d", "e", "f"];
    let to = ["a", "b", "c", "d", "f"];
    check_bounds(
        b,
        &items,
        "2011-06-12",
        &from,
        &["e", "f"],
        &to,
        &["a", "f"],
    )
    .await;
}

/// Minute precision, against seconds and fractions.
pub async fn date_filters_at_minute_boundaries(b: Arc<dyn Backend>) {
    let items = [
        ("a", "2011-06-12T18:29:59.999"),
        ("b", "2011-06-12T18:30"),
        ("c", "2011-06-12T18:30:00"),
        ("d", "2011-06-12T18:30:59.5"),
        ("e", "2011-06-12T18:31"),
        ("f", "2011-06-12"),
    ];
    let from = ["b", "c", "d", "e", "f"];
    let to = ["a", "b", "c", "d", "f"];
    check_bounds(
        b,
        &items,
        "2011-06-12T18:30",
        &from,
        &["e", "f"],
        &to,
        &["a", "f"],
    )
    .await;
}

/// `2011-06-12T01:00+02:00` is 23:00Z on the 11th: values compare as instants, which a
/// comparison of the strings (the reference server's) gets wrong for most items here.
pub async fn date_filters_compare_instants_across_time_zones(b: Arc<dyn Backend>) {
    let items = [
        ("a", "2011-06-11T23:30Z"),
        ("b", "2011-06-11T22:59Z"),
        ("c", "2011-06-12T00:30+02:00"),
        ("d", "2011-06-11T19:00-04:00"),
        ("e", "2011-06-12"),
        ("f", "2011-06-12T01:00"),
    ];
    let value = "2011-06-12T01:00+02:00";
    check_bounds(
        b,
        &items,
        value,
        &["a", "d", "e", "f"],
        &["a", "e", "f"],
        &["b", "c", "d"],
        &["b", "c"],
    )
    .await;
}

/// `a|b` in one date parameter is either; two parameters must both hold.
pub async fn date_alternatives_or_and_parameters_and(b: Arc<dyn Backend>) {
    let record = record_id();
    let body: String = [
        ("y09", "2009"),
        ("m10", "2010-05"),
        ("d11", "2011-06-12"),
        ("m12", "2012-01"),
    ]
    .iter()
    .map(|(l, d)| problem(l, Some(d), "1"))
    .collect();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    let s = &*store;
    let q = |params: &'static [(&'static str, &'static str)]| {
        labels(s, &record, "get_problems", params)
    };
    assert_eq!(
        q(&[("date_from", "2012|2010-06")]).await,
        sorted(&["d11", "m12"])
    );
    assert_eq!(
        q(&[("date_from", "2010-06|2012")]).await,
        sorted(&["d11", "m12"])
    );
    assert_eq!(
        q(&[("date_to_excluding", "2010|2011")]).await,
        sorted(&["m10", "y09"])
    );
    assert_eq!(
        q(&[("date_from", "2010"), ("date_to", "2011")]).await,
        sorted(&["d11", "m10"])
    );
    assert_eq!(
        q(&[("date_from", "2010"), ("date_from", "2011-06")]).await,
        sorted(&["d11", "m12"])
    );
    assert!(
        q(&[("date_from", "2012"), ("date_to", "2010")])
            .await
            .is_empty()
    );
}

/// A stored date that does not parse fails every date filter and sorts like a missing
/// one; it breaks nothing else.
pub async fn unparseable_dates_fail_filters_and_sort_last(b: Arc<dyn Backend>) {
    let record = record_id();
    let body = [
        problem("good", Some("2011-01-01"), "1"),
        problem("bad", Some("2006-05-24T12:14:041.3421Z"), "1"),
        problem("none", None, "1"),
    ]
    .concat();
    let fixture = Fixture::new(&record, &body);
    let store = b.open().await;
    fixture.store(&*store).await;
    let store = b.reopen(store).await;
    assert_eq!(
        labels(&*store, &record, "get_problems", &[("date_from", "2000")]).await,
        ["good"]
    );
    assert!(labels(&*store, &record, "get_problems", &[("date_to", "2100")]).await == ["good"]);
    let page = crate::conformance::fixtures::query(&*store, &record, "get_problems", &[])
        .await
        .expect("query");
    assert_eq!(page.total, 3);
    assert_eq!(page.order[0], fixture.iri("good"));
    let mut rest = [fixture.iri("bad"), fixture.iri("none")];
    rest.sort();
    assert_eq!(page.order[1..], rest[..]);
}
