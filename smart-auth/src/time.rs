//! Time: [`UnixTime`] (whole seconds since the Unix epoch, what OAuth timestamps count) and
//! the [`Clock`] seam, with the system clock and a hand-driven clock for tests.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z.
///
/// OAuth 1.0a timestamps, token expiries and lockouts all use this unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(u64);

impl UnixTime {
    /// The time `secs` seconds after the epoch.
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// This time plus `d` (whole seconds; saturates instead of overflowing).
    pub fn plus(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d.as_secs()))
    }

    /// This time minus `d` (saturates at the epoch).
    pub fn minus(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(d.as_secs()))
    }

    /// The absolute distance between two times.
    pub fn distance(self, other: UnixTime) -> Duration {
        Duration::from_secs(self.0.abs_diff(other.0))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where "now" comes from. Every expiry, lockout and timestamp check asks it, so tests can
/// drive time by hand ([`ManualClock`]).
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> UnixTime;
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
    fn now(&self) -> UnixTime {
        // A clock before 1970 is a broken host; treat it as the epoch rather than panic.
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        UnixTime(secs)
    }
}

/// A clock that only moves when told to: for tests and simulations.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicU64,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: UnixTime) -> Self {
        Self {
            now: AtomicU64::new(start.0),
        }
    }

    /// Sets the time.
    pub fn set(&self, to: UnixTime) {
        self.now.store(to.0, Ordering::SeqCst);
    }

    /// Moves the time forward by `d`.
    pub fn advance(&self, d: Duration) {
        self.now.fetch_add(d.as_secs(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixTime {
        UnixTime(self.now.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let t = UnixTime::from_secs(10);
        assert_eq!(t.minus(Duration::from_secs(20)), UnixTime::from_secs(0));
        assert_eq!(
            UnixTime::from_secs(u64::MAX).plus(Duration::from_secs(1)),
            UnixTime::from_secs(u64::MAX)
        );
        assert_eq!(t.distance(UnixTime::from_secs(4)), Duration::from_secs(6));
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(UnixTime::from_secs(100));
        assert_eq!(c.now().as_secs(), 100);
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now().as_secs(), 105);
        c.set(UnixTime::from_secs(7));
        assert_eq!(c.now().as_secs(), 7);
        assert!(SystemClock::new().now().as_secs() > 1_600_000_000);
    }
}
