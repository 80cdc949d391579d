//! Lexical checks on literal values: ISO-8601 dates of variable precision, numbers, and
//! the XSD datatypes the model names.
//!
//! Everything here works on bytes with bounds-checked access only, so no input can make
//! it panic.

/// The properties whose values are dates (SMART documents them as W3C-datetime /
/// ISO-8601 strings of variable precision).
pub(super) const DATE_PROPERTIES: [&str; 5] = [
    smart_core::sp!("startDate"),
    smart_core::sp!("endDate"),
    smart_core::dcterms!("date"),
    smart_core::vcard!("bday"),
    smart_core::vcard!("deathdate"),
];

/// What a date value must look like, for messages.
pub(super) const DATE_EXPECTED: &str = "an ISO-8601 date or date-time of variable precision \
     (2011, 2011-06, 2011-06-12, 2011-06-12T18:30Z, 2011-06-12T18:30:05.5+02:00)";

/// True for an ISO-8601 date or date-time of variable precision: `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, optionally followed by `Thh:mm`, `:ss`, a fraction, and a time zone (`Z`,
/// `±hh:mm` or `±hhmm`). A date-time without a zone is local time, which ISO-8601
/// allows. Field ranges are checked (no 2011-02-30, no 25:00).
pub(super) fn is_iso8601_date(s: &str) -> bool {
    let b = s.as_bytes();
    let mut p = Cursor { b, i: 0 };
    let Some(year) = p.digits(4) else {
        return false;
    };
    if p.done() {
        return true;
    }
    if !p.eat(b'-') {
        return false;
    }
    let Some(month) = p.digits(2) else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    if p.done() {
        return true;
    }
    if !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.digits(2) else {
        return false;
    };
    if day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if p.done() {
        return true;
    }
    if p.eat(b'T') && !time_of_day(&mut p) {
        return false;
    }
    if p.done() {
        return true;
    }
    zone(&mut p) && p.done()
}

fn time_of_day(p: &mut Cursor<'_>) -> bool {
    let (Some(hour), true, Some(minute)) = (p.digits(2), p.eat(b':'), p.digits(2)) else {
        return false;
    };
    if hour > 23 || minute > 59 {
        // 24:00 is left out on purpose: nothing in SMART writes it and it is ambiguous.
        return false;
    }
    if p.eat(b':') {
        let Some(second) = p.digits(2) else {
            return false;
        };
        // 60 is a leap second.
        if second > 60 {
            return false;
        }
        if p.eat(b'.') && p.digit_run() == 0 {
            return false;
        }
    }
    true
}

fn zone(p: &mut Cursor<'_>) -> bool {
    if p.eat(b'Z') {
        return true;
    }
    if !(p.eat(b'+') || p.eat(b'-')) {
        return false;
    }
    let Some(hours) = p.digits(2) else {
        return false;
    };
    let colon = p.eat(b':');
    let Some(minutes) = p.digits(2) else {
        // `+05` alone is valid ISO-8601, but not after a colon.
        return !colon;
    };
    hours <= 14 && minutes <= 59
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'b> {
    b: &'b [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v: u32 = 0;
        for k in 0..n {
            let d = *self.b.get(self.i + k)?;
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
        }
        self.i += n;
        Some(v)
    }

    /// Consumes a run of digits and returns its length.
    fn digit_run(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }
}

/// True for a decimal or scientific number (`12`, `-0.5`, `.5`, `1e3`), the forms UCUM
/// quantities are written in. `NaN` and infinities are not measurements and are refused.
pub(super) fn is_number(s: &str) -> bool {
    let mut p = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let _sign = p.eat(b'+') || p.eat(b'-');
    let int = p.digit_run();
    let frac = if p.eat(b'.') { p.digit_run() } else { 0 };
    if int + frac == 0 {
        return false;
    }
    if p.eat(b'e') || p.eat(b'E') {
        let _sign = p.eat(b'+') || p.eat(b'-');
        if p.digit_run() == 0 {
            return false;
        }
    }
    p.done()
}

fn is_integer(s: &str) -> bool {
    let mut p = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let _sign = p.eat(b'+') || p.eat(b'-');
    p.digit_run() > 0 && p.done()
}

fn is_decimal(s: &str) -> bool {
    is_number(s) && !s.contains(['e', 'E'])
}

/// True when `lexical` is a valid value of the XSD datatype `datatype`. Datatypes this
/// module does not know are accepted (the model only names a few).
pub(super) fn is_valid_lexical(datatype: &str, lexical: &str) -> bool {
    let Some(local) = datatype.strip_prefix("http://www.w3.org/2001/XMLSchema#") else {
        return true;
    };
    match local {
        "integer" | "int" | "long" | "short" | "nonNegativeInteger" | "positiveInteger" => {
            is_integer(lexical)
        }
        "decimal" => is_decimal(lexical),
        "double" | "float" => is_number(lexical) || matches!(lexical, "NaN" | "INF" | "-INF"),
        "boolean" => matches!(lexical, "true" | "false" | "1" | "0"),
        "date" | "dateTime" | "gYear" | "gYearMonth" => is_iso8601_date(lexical),
        // An IRI reference: no whitespace or characters RFC 3987 forbids.
        "anyURI" => !lexical.chars().any(|c| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_every_precision_are_accepted() {
        for ok in [
            "2011",
            "2011-06",
            "2011-06-12",
            "2011-06-12T18:30Z",
            "2011-06-12T18:30",
            "2011-06-12T18:30:05",
            "2011-06-12T18:30:05Z",
            "2011-06-12T18:30:05.123456",
            "2021-12-23T15:07:03.941509",
            "2011-06-12T18:30:05.5+02:00",
            "2011-06-12T18:30-0500",
            "2011-06-12T18:30+05",
            "2012-02-29",
            "2000-02-29",
            "2010-05-12T04:00:00Z",
        ] {
            assert!(is_iso8601_date(ok), "{ok}");
        }
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "11",
            "2011-6-12",
            "2011-13-01",
            "2011-00-10",
            "2011-02-29",
            "1900-02-29",
            "2011-04-31",
            "12/06/2011",
            "2011-06-12 18:30",
            "2011-06-12T25:00",
            "2011-06-12T18:61",
            "2011-06-12T18",
            "2011-06-12T18:30:5",
            "2011-06-12T18:30:05.",
            "2006-05-24T12:14:041.3421Z",
            "2011-06-12T18:30+5",
            "2011-06-12T18:30+05:",
            "2011-06-12T18:30Zjunk",
            "yesterday",
            "２０１１",
        ] {
            assert!(!is_iso8601_date(bad), "{bad}");
        }
    }

    #[test]
    fn numbers() {
        for ok in [
            "12",
            "-0.5",
            "+3",
            ".5",
            "5.",
            "1e3",
            "88.522582276",
            "2E-4",
        ] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", ".", "1e", "abc", "12 mg", "NaN", "1,5", "0x10"] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn xsd_lexical_forms() {
        let xsd = |l: &str| format!("http://www.w3.org/2001/XMLSchema#{l}");
        assert!(is_valid_lexical(&xsd("integer"), "42"));
        assert!(!is_valid_lexical(&xsd("integer"), "4.2"));
        assert!(is_valid_lexical(&xsd("decimal"), "4.2"));
        assert!(!is_valid_lexical(&xsd("decimal"), "4e2"));
        assert!(is_valid_lexical(&xsd("anyURI"), "http://example.org/a"));
        assert!(!is_valid_lexical(&xsd("anyURI"), "not a uri"));
        assert!(is_valid_lexical(&xsd("dateTime"), "2011-06-12T18:30:00Z"));
        assert!(is_valid_lexical("http://example.org/own", "anything"));
    }
}
