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
