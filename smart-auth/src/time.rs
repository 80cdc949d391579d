//! Time: [`Timestamp`] (milliseconds since the Unix epoch; the one time type of the
//! workspace: OAuth timestamps, token expiries, lockouts and every directory column) and
//! the [`Clock`] seam, with the system clock and a hand-driven clock for tests.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time: milliseconds since 1970-01-01T00:00:00Z (negative: before it).
///
/// OAuth 1.0a timestamps count whole seconds ([`Timestamp::from_unix_secs`],
/// [`Timestamp::as_unix_secs`]); token expiries, lockouts and the directory's columns use
/// the full precision. Every method that depends on the clock takes the current time as an
/// argument (or asks a [`Clock`]), so that callers and tests decide what "now" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The Unix epoch.
    pub const EPOCH: Self = Self(0);

    /// The time `millis` milliseconds after the Unix epoch (negative: before it).
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// The time `secs` seconds after the Unix epoch, saturating at the representable range.
    pub const fn from_unix_secs(secs: i64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_unix_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub const fn as_unix_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a [`SystemTime`], saturating far outside the representable range.
    pub fn from_system_time(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self(i64::try_from(after.as_millis()).unwrap_or(i64::MAX)),
            Err(before) => Self(
                i64::try_from(before.duration().as_millis())
                    .map(i64::wrapping_neg)
                    .unwrap_or(i64::MIN),
            ),
        }
    }

    /// This time as a [`SystemTime`], or `None` if the platform cannot represent it.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// This time plus `d`, saturating.
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(duration_millis(d)))
    }

    /// This time minus `d`, saturating.
    pub fn saturating_sub(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(duration_millis(d)))
    }

    /// The absolute distance between two times.
    pub fn distance(self, other: Timestamp) -> Duration {
        Duration::from_millis(self.0.abs_diff(other.0))
    }
}

/// Calendar dates in UTC (proleptic Gregorian), for people: the admin pages and
/// `smart audit` print times and read the bounds of a search with these.
impl Timestamp {
    /// This time as `YYYY-MM-DDTHH:MM:SSZ` (UTC, to the second, rounded down).
    pub fn to_utc_string(self) -> String {
        let secs = self.as_unix_secs();
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let in_day = secs.rem_euclid(86_400);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            in_day / 3600,
            in_day % 3600 / 60,
            in_day % 60
        )
    }

    /// Reads `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS][Z]` (a space may stand
    /// for the `T`; the time is UTC). `None` if malformed or not a real date.
    pub fn parse_utc(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches(['Z', 'z']);
        let (date, time) = match text.split_once(['T', 't', ' ']) {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let number = |s: &str, len: usize| -> Option<i64> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let mut parts = date.split('-');
        let y = number(parts.next()?, 4)?;
        let m = number(parts.next()?, 2)?;
        let d = number(parts.next()?, 2)?;
        if parts.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        let mut seconds = 0;
        if let Some(time) = time {
            let mut parts = time.split(':');
            let h = number(parts.next()?, 2)?;
            let min = number(parts.next()?, 2)?;
            let sec = match parts.next() {
                Some(s) => number(s, 2)?,
                None => 0,
            };
            if parts.next().is_some() || h > 23 || min > 59 || sec > 59 {
                return None;
            }
            seconds = h * 3600 + min * 60 + sec;
        }
        Some(Self::from_unix_secs(
            days_from_civil(y, m, d) * 86_400 + seconds,
        ))
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn duration_millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        Self::from_system_time(time)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// Where "now" comes from. Every expiry, lockout and timestamp check asks it, so tests can
/// drive time by hand ([`ManualClock`]).
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SystemClock {}

impl SystemClock {
    /// The system clock.
    pub fn new() -> Self {
        Self {}
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to: for tests and simulations.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: AtomicI64::new(start.0),
        }
    }

    /// Sets the time.
    pub fn set(&self, to: Timestamp) {
        self.now.store(to.0, Ordering::SeqCst);
    }

    /// Moves the time forward by `d`.
    pub fn advance(&self, d: Duration) {
        self.now.fetch_add(duration_millis(d), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_round_trip() {
        assert_eq!(Timestamp::EPOCH.to_utc_string(), "1970-01-01T00:00:00Z");
        let t = Timestamp::from_unix_millis(1_700_000_000_999);
        assert_eq!(t.to_utc_string(), "2023-11-14T22:13:20Z");
        assert_eq!(
            Timestamp::parse_utc("2023-11-14T22:13:20Z"),
            Some(Timestamp::from_unix_secs(1_700_000_000))
        );
        assert_eq!(
            Timestamp::parse_utc("2023-11-14 22:13"),
            Some(Timestamp::from_unix_secs(1_700_000_000 - 20))
        );
        assert_eq!(
            Timestamp::parse_utc("2000-02-29"),
            Some(Timestamp::from_unix_secs(951_782_400))
        );
        assert_eq!(
            Timestamp::parse_utc("1969-12-31T23:59:59Z"),
            Some(Timestamp::from_unix_secs(-1))
        );
        for bad in [
            "",
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "2023-11-14T24:00",
            "x",
        ] {
            assert_eq!(Timestamp::parse_utc(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn arithmetic_saturates() {
        let t = Timestamp::from_unix_secs(10);
        assert_eq!(
            t.saturating_sub(Duration::from_secs(20)),
            Timestamp::from_unix_secs(-10)
        );
        assert_eq!(
            Timestamp::from_unix_millis(i64::MAX).saturating_add(Duration::from_secs(1)),
            Timestamp::from_unix_millis(i64::MAX)
        );
        assert_eq!(
            t.distance(Timestamp::from_unix_secs(4)),
            Duration::from_secs(6)
        );
        assert_eq!(Timestamp::from_unix_millis(-1).as_unix_secs(), -1);
        assert_eq!(Timestamp::from_unix_millis(1999).as_unix_secs(), 1);
    }

    #[test]
    fn timestamps_round_trip_through_system_time() {
        let t = Timestamp::from_unix_millis(1_700_000_000_123);
        assert_eq!(Timestamp::from_system_time(t.to_system_time().unwrap()), t);
        let before = Timestamp::from_unix_millis(-5_000);
        assert_eq!(Timestamp::from(before.to_system_time().unwrap()), before);
        assert_eq!(
            Timestamp::from_unix_secs(i64::MAX).as_unix_millis(),
            i64::MAX
        );
        assert_eq!(
            t.saturating_add(Duration::from_secs(1)).as_unix_millis(),
            1_700_000_001_123
        );
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Timestamp::from_unix_secs(100));
        assert_eq!(c.now().as_unix_secs(), 100);
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now().as_unix_secs(), 105);
        c.set(Timestamp::from_unix_secs(7));
        assert_eq!(c.now().as_unix_secs(), 7);
        assert!(SystemClock::new().now().as_unix_secs() > 1_600_000_000);
    }
}
