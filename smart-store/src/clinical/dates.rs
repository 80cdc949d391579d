//! Partial ISO-8601 date-times as intervals of time, for the date filters and the sort.
//!
//! A value such as `2011`, `2011-06`, `2011-06-12`, `2011-06-12T18:30`,
//! `2011-06-12T18:30:05` or `2011-06-12T18:30:05.25` stands for the whole interval it
//! covers (the year, the month, ..., the hundredth of a second). A value may end in `Z`
//! or a `±hh:mm` offset; values with an offset are converted to UTC, values without one
//! are taken as UTC (SMART data rarely says, and UTC is the only reading that does not
//! depend on where the server runs).
//!
//! Intervals are half-open, `[start, end)`, in nanoseconds since the Unix epoch on the
//! proleptic Gregorian calendar, so they compare as instants whatever their precision or
//! zone. The code is our own (a day count after Howard Hinnant's `days_from_civil`), to
//! keep the dependency tree small and the semantics exactly as documented here.
//!
//! How the six date filters read intervals (`item` is the statement's date, `f` the
//! filter value); this is the padding rule of the reference server (partial values padded
//! with the earliest or latest instant they cover), expressed on intervals and applied
//! to instants instead of strings:
//!
//! | parameter | keeps the item when |
//! |---|---|
//! | `date_from`, `date_from_including` | the item ends at or after `f` starts (it reaches `f` or later) |
//! | `date_from_excluding` | the item ends after `f` ends (it reaches past `f`) |
//! | `date_to`, `date_to_including` | the item starts at or before `f` ends |
//! | `date_to_excluding` | the item starts before `f` starts |

use std::fmt;

use smart_core::catalog::DateBound;

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// An instant: whole seconds since 1970-01-01T00:00:00Z and the nanoseconds after them.
/// Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// The instant `secs` seconds and `nanos` nanoseconds (normalised) after the epoch.
    pub fn new(secs: i64, nanos: i64) -> Self {
        let secs = secs + nanos.div_euclid(NANOS_PER_SEC);
        // rem_euclid of a positive modulus is in 0..1e9, which fits u32.
        let nanos = u32::try_from(nanos.rem_euclid(NANOS_PER_SEC)).unwrap_or(0);
        Self { secs, nanos }
    }

    /// Seconds since the epoch (rounded down).
    pub fn secs(self) -> i64 {
        self.secs
    }

    /// Nanoseconds after [`Timestamp::secs`].
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    fn plus(self, secs: i64, nanos: i64) -> Self {
        Self::new(self.secs + secs, i64::from(self.nanos) + nanos)
    }
}

/// The interval of time a (partial) ISO-8601 value covers: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateInterval {
    start: Timestamp,
    end: Timestamp,
}

/// Why a date value was refused; the message names the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} in {value:?}")]
pub struct DateError {
    message: String,
    value: String,
}

impl DateError {
    fn new(value: &str, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            value: value.to_owned(),
        }
    }

    /// What is wrong, without the value.
    pub fn reason(&self) -> &str {
        &self.message
    }
}

/// How precise a value is: the unit its interval spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    Year,
    Month,
    Day,
    Minute,
    Second,
    /// A fraction of a second with this many digits.
    Fraction(usize),
}

impl DateInterval {
    /// Parses a partial ISO-8601 date or date-time (see the module docs for the forms).
    /// Surrounding whitespace is ignored, as XML Schema does for dates.
    pub fn parse(value: &str) -> Result<Self, DateError> {
        let mut p = Cursor::new(value.trim(), value);
        let year = p.digits(4, "a 4-digit year")?;
        let (mut month, mut day) = (1, 1);
        let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0i64);
        let mut precision = Precision::Year;
        if !p.zone_ahead() && p.eat('-') {
            month = p.digits(2, "a 2-digit month after the year")?;
            check_range(value, "month", month, 1, 12)?;
            precision = Precision::Month;
            if !p.zone_ahead() && p.eat('-') {
                day = p.digits(2, "a 2-digit day after the month")?;
                let last = days_in_month(year, month);
                if !(1..=last).contains(&day) {
                    return Err(DateError::new(
                        value,
                        format!(
                            "day {day:02} is out of range for {year:04}-{month:02} (01-{last:02})"
                        ),
                    ));
                }
                precision = Precision::Day;
                if p.eat('T') {
                    hour = p.digits(2, "a 2-digit hour after 'T'")?;
                    check_range(value, "hour", hour, 0, 23)?;
                    if !p.eat(':') {
                        return Err(DateError::new(
                            value,
                            "expected ':' and minutes after the hour",
                        ));
                    }
                    minute = p.digits(2, "2-digit minutes")?;
                    check_range(value, "minute", minute, 0, 59)?;
                    precision = Precision::Minute;
                    if p.eat(':') {
                        second = p.digits(2, "2-digit seconds")?;
                        check_range(value, "second", second, 0, 59)?;
                        precision = Precision::Second;
                        if p.eat('.') {
                            let (fraction, digits) = p.fraction()?;
                            nanos = fraction;
                            precision = Precision::Fraction(digits);
                        }
                    }
                }
            }
        }
        let offset = p.zone()?;
        if !p.rest().is_empty() {
            return Err(DateError::new(
                value,
                format!("unexpected {:?} after the date", p.rest()),
            ));
        }

        let days = days_from_civil(year, month, day);
        let local = Timestamp::new(
            days * SECS_PER_DAY + hour * 3600 + minute * 60 + second - offset,
            nanos,
        );
        let end = match precision {
            Precision::Year => {
                Timestamp::new(days_from_civil(year + 1, 1, 1) * SECS_PER_DAY - offset, 0)
            }
            Precision::Month => {
                let (y, m) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                Timestamp::new(days_from_civil(y, m, 1) * SECS_PER_DAY - offset, 0)
            }
            Precision::Day => local.plus(SECS_PER_DAY, 0),
            Precision::Minute => local.plus(60, 0),
            Precision::Second => local.plus(1, 0),
            // Digits beyond nanoseconds were dropped; the interval keeps at least 1 ns.
            Precision::Fraction(digits) => local.plus(
                0,
                10i64.pow(9u32.saturating_sub(u32::try_from(digits).unwrap_or(u32::MAX))),
            ),
        };
        Ok(Self { start: local, end })
    }

    /// The first instant of the interval.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The first instant after the interval.
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// Whether an item with this date passes a date filter with value `filter` (see the
    /// table in the module docs).
    pub fn passes(&self, bound: DateBound, filter: &DateInterval) -> bool {
        match bound {
            DateBound::FromExcluding => self.end > filter.end,
            DateBound::ToExcluding => self.start < filter.start,
            b if b.is_lower() => self.end > filter.start,
            // To and ToIncluding: starts no later than the filter's last instant.
            _ => self.start < filter.end,
        }
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, for messages and tests.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(SECS_PER_DAY);
        let rem = self.secs.rem_euclid(SECS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )?;
        if self.nanos != 0 {
            write!(f, ".{:09}", self.nanos)?;
        }
        f.write_str("Z")
    }
}

fn check_range(value: &str, what: &str, n: i64, min: i64, max: i64) -> Result<(), DateError> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(DateError::new(
            value,
            format!("{what} {n:02} is out of range ({min:02}-{max:02})"),
        ))
    }
}

/// A forward-only reader over the value.
struct Cursor<'a> {
    rest: &'a str,
    original: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(trimmed: &'a str, original: &'a str) -> Self {
        Self {
            rest: trimmed,
            original,
        }
    }

    fn rest(&self) -> &'a str {
        self.rest
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// Whether a negative zone offset (`-hh:mm`) comes next rather than a month or day
    /// (`2011-05:00` is the year 2011 at -05:00): only an offset has a ':' there.
    fn zone_ahead(&self) -> bool {
        let b = self.rest.as_bytes();
        b.len() >= 4 && b[0] == b'-' && b[3] == b':'
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize, expected: &str) -> Result<i64, DateError> {
        let bytes = self.rest.as_bytes();
        if bytes.len() < n || !bytes[..n].iter().all(u8::is_ascii_digit) {
            return Err(DateError::new(
                self.original,
                format!("expected {expected}"),
            ));
        }
        // A further digit would mean a wider field than the form allows (e.g. a 5-digit
        // year or 3-digit seconds).
        if bytes.get(n).is_some_and(u8::is_ascii_digit) {
            return Err(DateError::new(
                self.original,
                format!("expected {expected}, found more digits"),
            ));
        }
        let value = bytes[..n]
            .iter()
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        self.rest = &self.rest[n..];
        Ok(value)
    }

    /// The digits after the decimal point: nanoseconds (truncated) and the digit count.
    fn fraction(&mut self) -> Result<(i64, usize), DateError> {
        let count = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return Err(DateError::new(
                self.original,
                "expected digits after the decimal point",
            ));
        }
        let nanos = self.rest.as_bytes()[..count]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(9)
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        self.rest = &self.rest[count..];
        Ok((nanos, count))
    }

    /// `Z`, `+hh:mm`, `-hh:mm` or nothing: the offset from UTC in seconds.
    fn zone(&mut self) -> Result<i64, DateError> {
        if self.eat('Z') {
            return Ok(0);
        }
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') {
            -1
        } else {
            return Ok(0);
        };
        let hours = self.digits(2, "a 2-digit hour in the time-zone offset")?;
        if !self.eat(':') {
            return Err(DateError::new(
                self.original,
                "expected ':' in the time-zone offset",
            ));
        }
        let minutes = self.digits(2, "2-digit minutes in the time-zone offset")?;
        check_range(self.original, "offset minute", minutes, 0, 59)?;
        let total = hours * 60 + minutes;
        // XML Schema allows offsets up to 14 hours either way.
        if total > 14 * 60 {
            return Err(DateError::new(
                self.original,
                format!("time-zone offset {hours:02}:{minutes:02} is beyond 14:00"),
            ));
        }
        Ok(sign * total * 60)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
