//! Identifiers that appear in paths: record ids, statement ids, app ids and user ids. Each
//! is validated once, when it is constructed, and every crate uses these types.

use std::fmt;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The identifier is empty.
    #[error("{what} is empty")]
    Empty {
        /// What kind of identifier.
        what: &'static str,
    },
    /// The identifier is longer than allowed.
    #[error("{what} is longer than {max} characters")]
    TooLong {
        /// What kind of identifier.
        what: &'static str,
        /// The limit.
        max: usize,
    },
    /// The identifier contains a character outside `[A-Za-z0-9._-]`.
    #[error(
        "{what} {value:?} contains {found:?}; only letters, digits, '.', '_' and '-' are allowed"
    )]
    BadCharacter {
        /// What kind of identifier.
        what: &'static str,
        /// The refused value.
        value: String,
        /// The first offending character.
        found: char,
    },
    /// The identifier contains a character outside its own allowed set (app and user ids).
    #[error("{what} {value:?} contains {found:?}; only {allowed} are allowed")]
    Disallowed {
        /// What kind of identifier.
        what: &'static str,
        /// The refused value (at most 64 characters of it).
        value: String,
        /// The first offending character.
        found: char,
        /// The allowed characters, in words.
        allowed: &'static str,
    },
}

const MAX_ID_LEN: usize = 128;

/// Checks a path segment identifier: 1..=128 characters of `[A-Za-z0-9._-]`, so that it is
/// safe in a URL path and an IRI without escaping.
pub fn check_segment(what: &'static str, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { what });
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(IdError::TooLong {
            what,
            max: MAX_ID_LEN,
        });
    }
    if let Some(found) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(IdError::BadCharacter {
            what,
            value: value.to_owned(),
            found,
        });
    }
    if value == "." || value == ".." {
        return Err(IdError::BadCharacter {
            what,
            value: value.to_owned(),
            found: '.',
        });
    }
    Ok(())
}

/// A patient record id, e.g. `99912345`. Safe to place in a path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(String);

impl RecordId {
    /// Validates and wraps a record id.
    pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
        let value = value.into();
        check_segment("record id", &value)?;
        Ok(Self(value))
    }

    /// The digits of a file name, as the original loader derived record ids
    /// (`p967332.xml` is record `967332`). `None` if the name has no digit.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let digits: String = name.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            None
        } else {
            Self::new(digits).ok()
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RecordId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_path_safe() {
        assert!(RecordId::new("99912345").is_ok());
        assert!(matches!(RecordId::new(""), Err(IdError::Empty { .. })));
        assert!(matches!(
            RecordId::new("a/b"),
            Err(IdError::BadCharacter { found: '/', .. })
        ));
        assert!(matches!(
            RecordId::new(".."),
            Err(IdError::BadCharacter { found: '.', .. })
        ));
        assert!(matches!(
            RecordId::new("x".repeat(129)),
            Err(IdError::TooLong { max: 128, .. })
        ));
    }

    #[test]
    fn app_and_user_ids_are_checked_once_at_construction() {
        assert_eq!(
            AppId::new("Med-List@apps").unwrap().as_str(),
            "Med-List@apps"
        );
        assert_eq!(
            UserId::new("Demo@Example.ORG").unwrap().as_str(),
            "demo@example.org"
        );
        assert_eq!("a@x".parse::<AppId>().unwrap(), AppId::new("a@x").unwrap());
        assert!(matches!(AppId::new(""), Err(IdError::Empty { .. })));
        assert!(matches!(
            UserId::new("a b@x"),
            Err(IdError::Disallowed { found: ' ', .. })
        ));
        assert_eq!(
            UserId::new("ÉLODIE@exemple.fr").unwrap().as_str(),
            "élodie@exemple.fr"
        );
        assert!(matches!(
            AppId::new("élodie@apps"),
            Err(IdError::Disallowed { found: 'é', .. })
        ));
        // A combining accent (decomposed form) is not a letter: one spelling per address.
        assert!(matches!(
            UserId::new("e\u{301}lodie@exemple.fr"),
            Err(IdError::Disallowed {
                found: '\u{301}',
                ..
            })
        ));
        for bad in ["a/b@x", "a%2Fb@x", "tab\t@x", "a\u{0}b"] {
            assert!(UserId::new(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            AppId::new("x".repeat(201)),
            Err(IdError::TooLong { max: 200, .. })
        ));
        assert!(matches!(
            UserId::new(".."),
            Err(IdError::BadCharacter { found: '.', .. })
        ));
    }

    #[test]
    fn temporary_app_ids_have_their_own_prefix() {
        let dev = AppId::new(format!("{}abc", AppId::TEMPORARY_PREFIX)).unwrap();
        assert!(dev.is_temporary());
        assert!(!AppId::new("med-list@apps").unwrap().is_temporary());
        assert!(!AppId::new("dev.x").unwrap().is_temporary());
    }

    #[test]
    fn record_id_from_file_name_keeps_digits() {
        assert_eq!(
            RecordId::from_file_name("p967332.xml").unwrap().as_str(),
            "967332"
        );
        assert!(RecordId::from_file_name("patient.xml").is_none());
    }
}

/// Checks an app or user id: 1..=`max` bytes from `A-Z a-z 0-9 . _ - @ + ~` (user ids
/// also take non-ASCII letters and digits, for international e-mail addresses), not a dot
/// segment. Never whitespace, control characters, `/`, `%` or combining marks, so the id is
/// one unambiguous URL path segment (percent-encoded as UTF-8 where it is not ASCII).
fn check_principal_id(
    what: &'static str,
    value: &str,
    max: usize,
    international: bool,
) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { what });
    }
    if value.len() > max {
        return Err(IdError::TooLong { what, max });
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '_' | '-' | '@' | '+' | '~')
            || (international && !c.is_ascii() && c.is_alphanumeric())
    };
    if let Some(found) = value.chars().find(|c| !allowed(*c)) {
        return Err(IdError::Disallowed {
            what,
            value: value.chars().take(64).collect(),
            found,
            allowed: if international {
                "letters, digits and . _ - @ + ~"
            } else {
                "ASCII letters, digits and . _ - @ + ~"
            },
        });
    }
    if value == "." || value == ".." {
        return Err(IdError::BadCharacter {
            what,
            value: value.to_owned(),
            found: '.',
        });
    }
    Ok(())
}

/// Whether an app id (valid or not) is in the reserved space of temporary apps: such ids
/// are given by the container, never registered by a caller.
pub fn is_temporary_app_id(id: &str) -> bool {
    id.starts_with(AppId::TEMPORARY_PREFIX)
}

/// An app id: the manifest's `id`, which is also the app's OAuth consumer key (usually
/// e-mail-like, `med-list@apps.smartplatforms.org`). Safe in a URL path segment. Case is
/// kept and significant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(String);

impl AppId {
    /// The prefix of the ids the container gives to temporary apps (an app under
    /// development, launched by URL from the web UI for one session). Registering an app
    /// whose id starts with it is refused, so a temporary id never names a real app.
    pub const TEMPORARY_PREFIX: &'static str = "~dev.";

    /// Validates an app id: 1 to 200 characters from `A-Z a-z 0-9 . _ - @ + ~`.
    pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
        let value = value.into();
        check_principal_id("app id", &value, 200, false)?;
        Ok(Self(value))
    }

    /// Whether the id is in the reserved space of temporary apps
    /// ([`AppId::TEMPORARY_PREFIX`]).
    pub fn is_temporary(&self) -> bool {
        is_temporary_app_id(&self.0)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for AppId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// A user (account) id: the login e-mail, lower-cased so that one person cannot hold
/// two accounts differing only by case. Safe in a URL path segment. The address as the
/// user typed it is kept separately by the directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    /// Validates a user id: 1 to 254 bytes of letters (any script), digits and
    /// `. _ - @ + ~`, stored lower-cased (`Zoë@Example.org` and `zoë@example.org` are one
    /// account).
    pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
        let value = value.into().to_lowercase();
        check_principal_id("user id", &value, 254, true)?;
        Ok(Self(value))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for UserId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}
