use std::fmt;

use sha2::{Digest, Sha256};

/// The SHA-256 of a blob's bytes, lower-case hex: its name in the store and its ETag.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(hex::encode(digest))
    }

    pub fn parse(hex_text: &str) -> Result<Self, String> {
        let valid = hex_text.len() == 64
            && hex_text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            Ok(Self(hex_text.to_owned()))
        } else {
            Err("must be 64 lower-case hex digits".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The raw 32 bytes, e.g. for `Content-Digest: sha-256=:base64:`.
    pub fn bytes(&self) -> Vec<u8> {
        hex::decode(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", &self.0[..12.min(self.0.len())])
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
