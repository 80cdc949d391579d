//! Calendar dates as day numbers, with the civil-calendar conversions of Howard Hinnant's
//! `days_from_civil` / `civil_from_days` (exact for the proleptic Gregorian calendar).
//! Generation never reads the wall clock: "today" is derived from the seed.

use std::fmt;

/// A calendar day: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date(pub(crate) i64);

/// Days in an average year, for age arithmetic.
pub(crate) const YEAR: f64 = 365.2425;

impl Date {
    /// The day of `year-month-day`.
    pub(crate) fn ymd(year: i64, month: u32, day: u32) -> Self {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Self(era * 146_097 + doe - 719_468)
    }

    /// `(year, month, day)`.
    pub(crate) fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// The day `days` later (earlier when negative).
    pub(crate) fn plus(self, days: i64) -> Self {
        Self(self.0 + days)
    }

    /// Days from `earlier` to `self`.
    pub(crate) fn since(self, earlier: Date) -> i64 {
        self.0 - earlier.0
    }

    /// Age in years (fractional) on this day of someone born on `birth`.
    pub(crate) fn years_since(self, birth: Date) -> f64 {
        self.since(birth) as f64 / YEAR
    }

    /// The date `years` (fractional) after this one.
    pub(crate) fn plus_years(self, years: f64) -> Self {
        self.plus((years * YEAR).round() as i64)
    }

    /// ISO `YYYY-MM-DD`.
    pub(crate) fn iso(self) -> String {
        self.to_string()
    }

    /// ISO date-time `YYYY-MM-DDTHH:MM:00Z` at `minutes` past midnight (UTC).
    pub(crate) fn at(self, minutes: u32) -> String {
        format!("{self}T{:02}:{:02}:00Z", minutes / 60 % 24, minutes % 60)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(Date::ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::ymd(2000, 3, 1).to_string(), "2000-03-01");
        assert_eq!(Date::ymd(2000, 2, 29).plus(1).to_string(), "2000-03-01");
        assert_eq!(Date::ymd(1900, 2, 28).plus(1).to_string(), "1900-03-01");
        for d in -800_000..800_000 {
            if d % 997 == 0 {
                let (y, m, dd) = Date(d).civil();
                assert_eq!(Date::ymd(y, m, dd), Date(d));
            }
        }
        assert_eq!(Date::ymd(2012, 5, 6).at(9 * 60 + 5), "2012-05-06T09:05:00Z");
    }
}
