//! Identifiers that appear in paths: record ids and statement ids.

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
    fn record_id_from_file_name_keeps_digits() {
        assert_eq!(
            RecordId::from_file_name("p967332.xml").unwrap().as_str(),
            "967332"
        );
        assert!(RecordId::from_file_name("patient.xml").is_none());
    }
}
