use proptest::prelude::*;

use super::*;

fn iv(s: &str) -> DateInterval {
    DateInterval::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn utc(s: &str) -> String {
    iv(s).start().to_string()
}

#[test]
fn partial_values_cover_their_interval() {
    let year = iv("2011");
    assert_eq!(year.start().to_string(), "2011-01-01T00:00:00Z");
    assert_eq!(year.end().to_string(), "2012-01-01T00:00:00Z");
    let month = iv("2011-12");
    assert_eq!(month.end().to_string(), "2012-01-01T00:00:00Z");
    let feb = iv("2012-02");
    assert_eq!(feb.end().to_string(), "2012-03-01T00:00:00Z");
    let day = iv("2011-06-12");
    assert_eq!(day.end().to_string(), "2011-06-13T00:00:00Z");
    let minute = iv("2011-06-12T18:30");
    assert_eq!(minute.start().to_string(), "2011-06-12T18:30:00Z");
    assert_eq!(minute.end().to_string(), "2011-06-12T18:31:00Z");
    let second = iv("2011-06-12T18:30:59");
    assert_eq!(second.end().to_string(), "2011-06-12T18:31:00Z");
    let fraction = iv("2011-06-12T18:30:05.25");
    assert_eq!(
        fraction.start().to_string(),
        "2011-06-12T18:30:05.250000000Z"
    );
    assert_eq!(fraction.end().to_string(), "2011-06-12T18:30:05.260000000Z");
    let long = iv("2007-04-21T00:00:00.1234567891");
    assert_eq!(long.end().subsec_nanos() - long.start().subsec_nanos(), 1);
}

#[test]
fn zones_are_converted_to_utc() {
    assert_eq!(utc("2011-06-12T01:00+02:00"), "2011-06-11T23:00:00Z");
    assert_eq!(utc("2011-06-11T23:30Z"), "2011-06-11T23:30:00Z");
    assert_eq!(utc("2011-06-11T20:30-03:00"), "2011-06-11T23:30:00Z");
    assert_eq!(
        utc("2011-06-12T00:00:00.5+14:00"),
        "2011-06-11T10:00:00.500000000Z"
    );
    // A zone on a date moves the whole day.
    let day = iv("2011-06-12+02:00");
    assert_eq!(day.start().to_string(), "2011-06-11T22:00:00Z");
    assert_eq!(day.end().to_string(), "2011-06-12T22:00:00Z");
    assert_eq!(iv(" 2011-06-12 "), iv("2011-06-12Z"));
}

#[test]
fn errors_name_the_bad_part() {
    let cases = [
        ("2011-13", "month 13 is out of range (01-12)"),
        ("2011-00", "month 00 is out of range (01-12)"),
        ("2011-02-29", "day 29 is out of range for 2011-02 (01-28)"),
        ("2011-06-31", "day 31 is out of range for 2011-06 (01-30)"),
        ("2011-06-12T24:00", "hour 24 is out of range (00-23)"),
        ("2011-06-12T23:60", "minute 60 is out of range (00-59)"),
        ("2011-06-12T23:59:60", "second 60 is out of range (00-59)"),
        ("2011-06-12T23", "expected ':' and minutes after the hour"),
        (
            "2011-06-12T23:59+15:00",
            "time-zone offset 15:00 is beyond 14:00",
        ),
        (
            "2011-06-12T23:59+02",
            "expected ':' in the time-zone offset",
        ),
        ("2011-6", "expected a 2-digit month after the year"),
        ("11", "expected a 4-digit year"),
        ("20111", "expected a 4-digit year, found more digits"),
        ("", "expected a 4-digit year"),
        ("2011-06-12 18:30", "unexpected \" 18:30\" after the date"),
        (
            "2006-05-24T12:14:041.3421Z",
            "expected 2-digit seconds, found more digits",
        ),
        (
            "2011-06-12T10:00:00.",
            "expected digits after the decimal point",
        ),
        ("2011xyz", "unexpected \"xyz\" after the date"),
    ];
    for (value, reason) in cases {
        let e = DateInterval::parse(value).expect_err(value);
        assert_eq!(e.reason(), reason, "{value}");
        assert!(e.to_string().contains(&format!("{value:?}")), "{e}");
    }
    assert!(DateInterval::parse("2012-02-29").is_ok());
    assert!(DateInterval::parse("2000-02-29").is_ok());
    assert!(DateInterval::parse("1900-02-29").is_err());
}

#[test]
fn bounds_follow_the_interval_table() {
    use DateBound::*;
    let f = iv("2011-06");
    // An item inside the filter month: reaches it, does not pass beyond it.
    let inside = iv("2011-06-12");
    assert!(inside.passes(From, &f) && inside.passes(FromIncluding, &f));
    assert!(!inside.passes(FromExcluding, &f));
    assert!(inside.passes(To, &f) && inside.passes(ToIncluding, &f));
    assert!(!inside.passes(ToExcluding, &f));
    // An item covering the filter (the whole year) passes all four inclusive ones.
    let year = iv("2011");
    assert!(year.passes(From, &f) && year.passes(To, &f));
    assert!(year.passes(FromExcluding, &f) && year.passes(ToExcluding, &f));
    // Neighbours.
    let before = iv("2011-05-31T23:59");
    assert!(!before.passes(From, &f) && before.passes(ToExcluding, &f));
    let after = iv("2011-07-01");
    assert!(after.passes(FromExcluding, &f) && !after.passes(To, &f));
}

#[test]
fn zone_example_of_the_brief() {
    use DateBound::*;
    // 01:00 at +02:00 is 23:00Z the day before, so 23:30Z is after it.
    let f = iv("2011-06-12T01:00+02:00");
    let item = iv("2011-06-11T23:30Z");
    assert!(item.passes(From, &f));
    assert!(item.passes(FromExcluding, &f));
    assert!(!item.passes(To, &f));
    assert!(!item.passes(ToExcluding, &f));
}

#[test]
fn day_count_known_values() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(0, 1, 1), -719_528);
    assert_eq!(civil_from_days(-719_528), (0, 1, 1));
    assert_eq!(iv("0000").start().secs(), -719_528 * SECS_PER_DAY);
    assert_eq!(iv("9999").end().to_string(), "10000-01-01T00:00:00Z");
}

/// A valid value of any precision, without a zone.
fn plain_strategy() -> impl Strategy<Value = String> {
    (
        0i64..=9999,
        1i64..=12,
        1i64..=31,
        0i64..24,
        0i64..60,
        0i64..60,
        "[0-9]{1,12}",
        0usize..6,
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, precision)| {
            let d = d.min(days_in_month(y, mo));
            let mut out = format!("{y:04}");
            if precision >= 1 {
                out += &format!("-{mo:02}");
            }
            if precision >= 2 {
                out += &format!("-{d:02}");
            }
            if precision >= 3 {
                out += &format!("T{h:02}:{mi:02}");
            }
            if precision >= 4 {
                out += &format!(":{s:02}");
            }
            if precision >= 5 {
                out += &format!(".{frac}");
            }
            out
        })
}

/// A zone suffix: `Z`, `±hh:mm` or nothing.
fn zone_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Z".to_owned()),
        (any::<bool>(), 0i64..=14, 0i64..60).prop_map(|(plus, h, m)| {
            let m = if h == 14 { 0 } else { m };
            format!("{}{h:02}:{m:02}", if plus { '+' } else { '-' })
        }),
    ]
}

/// A valid value of any precision, with or without a zone.
fn value_strategy() -> impl Strategy<Value = String> {
    (plain_strategy(), zone_strategy()).prop_map(|(v, z)| v + &z)
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = DateInterval::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_date_like_text(s in "[0-9T:+Z.-]{0,30}") {
        let _ = DateInterval::parse(&s);
    }

    #[test]
    fn valid_values_parse_to_non_empty_intervals(v in value_strategy()) {
        let i = DateInterval::parse(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(i.start() < i.end(), "{v}");
    }

    #[test]
    fn day_count_round_trips(days in -800_000i64..3_000_000) {
        let (y, m, d) = civil_from_days(days);
        prop_assert!((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d));
        prop_assert_eq!(days_from_civil(y, m, d), days);
    }

    #[test]
    fn truncation_contains_the_finer_value(plain in plain_strategy()) {
        // Cutting the text at a coarser precision gives an interval that contains the
        // finer one.
        let fine = iv(&plain);
        for cut in [4usize, 7, 10, 16, 19] {
            if cut < plain.len() {
                let coarse = iv(&plain[..cut]);
                prop_assert!(coarse.start() <= fine.start() && fine.end() <= coarse.end(),
                    "{} does not contain {}", &plain[..cut], plain);
            }
        }
    }

    #[test]
    fn offsets_shift_by_their_amount(plain in plain_strategy(), plus in any::<bool>(), h in 0i64..14, m in 0i64..60) {
        let sign = if plus { '+' } else { '-' };
        let zoned = iv(&format!("{plain}{sign}{h:02}:{m:02}"));
        let base = iv(&plain);
        let shift = (h * 3600 + m * 60) * if plus { -1 } else { 1 };
        prop_assert_eq!(zoned.start(), base.start().plus(shift, 0));
        prop_assert_eq!(zoned.end(), base.end().plus(shift, 0));
        prop_assert_eq!(iv(&format!("{plain}Z")), base);
    }

    #[test]
    fn inclusive_and_exclusive_bounds_are_consistent(a in value_strategy(), b in value_strategy()) {
        use DateBound::*;
        let (item, f) = (iv(&a), iv(&b));
        // The `_including` forms are the plain ones.
        prop_assert_eq!(item.passes(From, &f), item.passes(FromIncluding, &f));
        prop_assert_eq!(item.passes(To, &f), item.passes(ToIncluding, &f));
        // Strict bounds are narrower than the inclusive ones.
        prop_assert!(!item.passes(FromExcluding, &f) || item.passes(From, &f));
        prop_assert!(!item.passes(ToExcluding, &f) || item.passes(To, &f));
        // An item is never both wholly after and wholly before the filter.
        prop_assert!(item.passes(From, &f) || item.passes(To, &f));
        // Failing date_from means lying wholly before the filter value.
        if !item.passes(From, &f) {
            prop_assert!(item.passes(ToExcluding, &f));
        }
        if !item.passes(To, &f) {
            prop_assert!(item.passes(FromExcluding, &f));
        }
    }
}
