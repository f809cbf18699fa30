//! Record versions, for optimistic concurrency (ETag / If-Match).

use std::fmt;

use crate::DomainError;

/// The version of a mutable record: 1 when created, one more on every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(i64);

impl Version {
    pub const FIRST: Version = Version(1);

    /// A stored or client-supplied version; refuses values no record can have.
    pub fn new(value: i64) -> Option<Self> {
        (value >= 1).then_some(Self(value))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// Lets a change through only when the caller read this version (`If-Match`).
    pub fn expect(self, expected: Version) -> Result<(), DomainError> {
        if self == expected {
            Ok(())
        } else {
            Err(DomainError::PreconditionFailed { current: self })
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_at_another_version_is_refused_with_the_current_one() {
        let current = Version::FIRST.next();
        assert!(current.expect(current).is_ok());
        match current.expect(Version::FIRST) {
            Err(DomainError::PreconditionFailed { current: reported }) => {
                assert_eq!(reported, current)
            }
            other => panic!("expected a precondition failure, got {other:?}"),
        }
    }
}
