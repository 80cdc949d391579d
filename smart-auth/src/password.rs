//! Passwords: argon2id hashing (PHC strings), login throttling, and the password rules.
//!
//! The throttle locks an account for a while after repeated failures, doubling the pause
//! with every further failure, and refuses logins during the pause **without checking the
//! password** (so it really slows guessing). It is separate from the account's
//! administrative state: a lockout ends by itself, while an account an administrator
//! disabled stays disabled whatever happens at the login form.

use crate::config::ConfigError;
use crate::error::AuthError;
use crate::random::{SecureRandom, random_string};
use crate::time::Timestamp;
use argon2::{
    ARGON2ID_IDENT, Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _,
    PasswordVerifier as _, Version,
};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Password hashing parameters, password rules and the login throttle.
#[derive(Debug, Clone)]
pub struct PasswordConfig {
    params: Params,
    min_len: usize,
    max_len: usize,
    max_failures: u32,
    lockout: Duration,
    max_lockout: Duration,
    concurrency: usize,
    dummy: OnceLock<String>,
}

/// How many password hashes run at once by default: one per CPU (at least 2), so that a
/// burst of logins cannot take more than the machine's cores.
fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

impl Default for PasswordConfig {
    /// argon2id with 19 MiB, 2 passes, 1 lane (the OWASP baseline); passwords of 8 to 1024
    /// bytes; a 1-minute lockout after 5 failures, doubling up to 1 hour.
    fn default() -> Self {
        Self {
            params: Params::DEFAULT,
            min_len: 8,
            max_len: 1024,
            max_failures: 5,
            lockout: Duration::from_secs(60),
            max_lockout: Duration::from_secs(3600),
            concurrency: default_concurrency(),
            dummy: OnceLock::new(),
        }
    }
}

impl PasswordConfig {
    /// Starts from the defaults.
    pub fn builder() -> PasswordConfigBuilder {
        PasswordConfigBuilder {
            config: Self::default(),
            argon2: None,
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Checks a new password against the length rules.
    pub fn check_new_password(&self, password: &str) -> Result<(), AuthError> {
        let n = password.len();
        if n < self.min_len {
            return Err(AuthError::Invalid(format!(
                "the password must have at least {} bytes",
                self.min_len
            )));
        }
        if n > self.max_len {
            return Err(AuthError::Invalid(format!(
                "the password must have at most {} bytes",
                self.max_len
            )));
        }
        Ok(())
    }

    /// How many hashes or verifications the provider runs at once (the others wait).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Hashes a password with a fresh random salt; returns the PHC string.
    pub fn hash(&self, password: &str, rng: &dyn SecureRandom) -> Result<String, AuthError> {
        let mut salt = [0u8; 16];
        rng.fill(&mut salt)?;
        self.hash_with_salt(password, &salt)
    }

    fn hash_with_salt(&self, password: &str, salt: &[u8; 16]) -> Result<String, AuthError> {
        self.argon2()
            .hash_password_with_salt(password.as_bytes(), salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::PasswordHash(e.to_string()))
    }

    /// True if `password` matches the PHC string. Only argon2id hashes are accepted; a
    /// damaged hash is an error, not a mismatch.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, AuthError> {
        if password.len() > self.max_len {
            return Ok(false);
        }
        let hash = PasswordHash::new(phc).map_err(|e| AuthError::PasswordHash(e.to_string()))?;
        if hash.algorithm.as_str() != ARGON2ID_IDENT.as_str() {
            return Err(AuthError::PasswordHash("not an argon2id hash".into()));
        }
        match Argon2::default().verify_password(password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(AuthError::PasswordHash(e.to_string())),
        }
    }

    /// True if the stored hash uses other parameters than the configured ones (it is then
    /// re-hashed at the next successful login).
    pub fn needs_rehash(&self, phc: &str) -> bool {
        PasswordHash::new(phc)
            .ok()
            .and_then(|h| Params::try_from(&h).ok())
            .is_none_or(|p| {
                p.m_cost() != self.params.m_cost()
                    || p.t_cost() != self.params.t_cost()
                    || p.p_cost() != self.params.p_cost()
            })
    }

    /// Spends about the time of a real verification, for logins of unknown accounts (so
    /// that response times do not reveal which e-mails exist).
    pub(crate) fn dummy_verify(&self, password: &str, rng: &dyn SecureRandom) {
        let dummy = self.dummy.get_or_init(|| {
            let pw = random_string(rng, 16).unwrap_or_default();
            self.hash(&pw, rng).unwrap_or_default()
        });
        let _ = self.verify(password, dummy);
    }

    /// The lockout that follows the `failures`-th consecutive failure at `now`, if any.
    pub fn lockout_after(&self, failures: u32, now: Timestamp) -> Option<Timestamp> {
        if failures < self.max_failures {
            return None;
        }
        let doublings = (failures - self.max_failures).min(20);
        let pause = self
            .lockout
            .saturating_mul(1u32 << doublings)
            .min(self.max_lockout);
        Some(now.saturating_add(pause))
    }
}

/// Runs password hashing off the async workers: on tokio's blocking pool, at most
/// [`PasswordConfig::concurrency`] at once (argon2 takes tens of milliseconds of CPU and
/// memory; on the async workers a burst of logins would stall every other request). Without
/// a tokio runtime the work runs inline.
#[derive(Debug, Clone)]
pub(crate) struct HashPool {
    config: Arc<PasswordConfig>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl HashPool {
    pub(crate) fn new(config: PasswordConfig) -> Self {
        let permits = Arc::new(tokio::sync::Semaphore::new(config.concurrency));
        Self {
            config: Arc::new(config),
            permits,
        }
    }

    /// Hashes (see [`PasswordConfig::hash`]); the salt is drawn here.
    pub(crate) async fn hash(
        &self,
        password: &str,
        rng: &dyn SecureRandom,
    ) -> Result<String, AuthError> {
        let mut salt = [0u8; 16];
        rng.fill(&mut salt)?;
        let password = password.to_owned();
        self.run(move |c| c.hash_with_salt(&password, &salt))
            .await?
    }

    /// Verifies (see [`PasswordConfig::verify`]).
    pub(crate) async fn verify(&self, password: &str, phc: &str) -> Result<bool, AuthError> {
        let (password, phc) = (password.to_owned(), phc.to_owned());
        self.run(move |c| c.verify(&password, &phc)).await?
    }

    /// Spends the time of a verification against a throw-away hash (unknown accounts,
    /// locked accounts), so that response times tell nothing.
    pub(crate) async fn dummy_verify(&self, password: &str, rng: Arc<dyn SecureRandom>) {
        let password = password.to_owned();
        let _ = self
            .run(move |c| c.dummy_verify(&password, rng.as_ref()))
            .await;
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&PasswordConfig) -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AuthError::PasswordHash(e.to_string()))?;
        let config = self.config.clone();
        if tokio::runtime::Handle::try_current().is_err() {
            return Ok(job(&config));
        }
        tokio::task::spawn_blocking(move || job(&config))
            .await
            .map_err(|e| AuthError::PasswordHash(format!("the hashing task failed: {e}")))
    }
}

/// Builder of a [`PasswordConfig`].
#[derive(Debug, Clone)]
pub struct PasswordConfigBuilder {
    config: PasswordConfig,
    argon2: Option<(u32, u32, u32)>,
}

impl PasswordConfigBuilder {
    /// argon2id costs: memory in KiB, passes, lanes. Tests use cheap values such as
    /// `(8, 1, 1)`; production should keep the defaults or raise them.
    pub fn argon2(mut self, memory_kib: u32, passes: u32, lanes: u32) -> Self {
        self.argon2 = Some((memory_kib, passes, lanes));
        self
    }

    /// Password length bounds in bytes (the minimum may not be below 8, the maximum not
    /// above 4096).
    pub fn length(mut self, min: usize, max: usize) -> Self {
        self.config.min_len = min;
        self.config.max_len = max;
        self
    }

    /// How many password hashes or verifications may run at once (1 to 1024; the default
    /// is one per CPU, at least 2). They run on the blocking thread pool, never on the
    /// async workers; the others wait their turn.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.config.concurrency = n;
        self
    }

    /// Lock after `max_failures` consecutive failures for `lockout`, doubling with each
    /// further failure up to `max_lockout`.
    pub fn throttle(mut self, max_failures: u32, lockout: Duration, max_lockout: Duration) -> Self {
        self.config.max_failures = max_failures;
        self.config.lockout = lockout;
        self.config.max_lockout = max_lockout;
        self
    }

    /// Checks and returns the configuration.
    pub fn build(mut self) -> Result<PasswordConfig, ConfigError> {
        if let Some((m, t, p)) = self.argon2 {
            self.config.params = Params::new(m, t, p, None)
                .map_err(|e| ConfigError::PasswordParams(e.to_string()))?;
        }
        let c = &self.config;
        if c.min_len < 8 || c.max_len > 4096 || c.min_len > c.max_len {
            return Err(ConfigError::OutOfRange {
                what: "password length bounds",
                allowed: "a minimum of at least 8 and a maximum of at most 4096 bytes",
            });
        }
        if c.concurrency == 0 || c.concurrency > 1024 {
            return Err(ConfigError::OutOfRange {
                what: "password hashing concurrency",
                allowed: "1 to 1024",
            });
        }
        if c.max_failures == 0
            || c.max_failures > 100
            || c.lockout.is_zero()
            || c.max_lockout < c.lockout
        {
            return Err(ConfigError::OutOfRange {
                what: "login throttle",
                allowed: "1 to 100 failures and a non-zero lockout no longer than its maximum",
            });
        }
        Ok(self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    fn cheap() -> PasswordConfig {
        PasswordConfig::builder().argon2(8, 1, 1).build().unwrap()
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let c = cheap();
        let rng = OsRandom::new();
        let h = c.hash("correct horse", &rng).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(c.verify("correct horse", &h).unwrap());
        assert!(!c.verify("correct horsf", &h).unwrap());
        assert_ne!(h, c.hash("correct horse", &rng).unwrap(), "salted");
        assert!(c.verify("x", "not a hash").is_err());
        assert!(!c.needs_rehash(&h));
        assert!(PasswordConfig::default().needs_rehash(&h));
        c.dummy_verify("whatever", &rng);
    }

    #[test]
    fn rules_and_throttle() {
        let c = cheap();
        assert!(c.check_new_password("short").is_err());
        assert!(c.check_new_password("long enough").is_ok());
        assert!(c.check_new_password(&"x".repeat(1025)).is_err());
        let now = Timestamp::from_unix_secs(1000);
        assert_eq!(c.lockout_after(4, now), None);
        assert_eq!(
            c.lockout_after(5, now),
            Some(Timestamp::from_unix_secs(1060))
        );
        assert_eq!(
            c.lockout_after(6, now),
            Some(Timestamp::from_unix_secs(1120))
        );
        assert_eq!(
            c.lockout_after(60, now),
            Some(Timestamp::from_unix_secs(4600))
        );
        assert!(PasswordConfig::builder().length(4, 10).build().is_err());
        assert!(PasswordConfig::builder().argon2(1, 1, 1).build().is_err());
        assert!(PasswordConfig::builder().concurrency(0).build().is_err());
        assert_eq!(
            PasswordConfig::builder()
                .concurrency(3)
                .build()
                .unwrap()
                .concurrency(),
            3
        );
    }

    #[tokio::test]
    async fn hashing_runs_off_the_async_workers_and_within_the_limit() {
        // A current-thread runtime: its only async worker is this thread.
        let worker = std::thread::current().id();
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pool = HashPool::new(
            PasswordConfig::builder()
                .argon2(8, 1, 1)
                .concurrency(2)
                .build()
                .unwrap(),
        );
        // Jobs run on other threads (the blocking pool), never more than 2 at once.
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                pool.run(move |_| {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                    std::thread::current().id()
                })
                .await
                .unwrap()
            }));
        }
        for t in tasks {
            assert_ne!(t.await.unwrap(), worker, "ran on the async worker");
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        let rng = OsRandom::new();
        let h = pool.hash("correct horse", &rng).await.unwrap();
        assert!(pool.verify("correct horse", &h).await.unwrap());
        assert!(!pool.verify("correct horsf", &h).await.unwrap());
    }
}
