use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ContentHash;
use crate::auth::UserId;
use crate::patients::PatientId;
use crate::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocumentId(Uuid);

impl DocumentId {
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }
}

/// What kind of paper a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Lab,
    Imaging,
    Referral,
    Consent,
    Correspondence,
    Scanned,
    Other,
}

impl Category {
    const ALL: [Self; 7] = [
        Self::Lab,
        Self::Imaging,
        Self::Referral,
        Self::Consent,
        Self::Correspondence,
        Self::Scanned,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lab => "lab",
            Self::Imaging => "imaging",
            Self::Referral => "referral",
            Self::Consent => "consent",
            Self::Correspondence => "correspondence",
            Self::Scanned => "scanned",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|category| category.as_str() == raw)
            .ok_or_else(|| {
                "must be lab, imaging, referral, consent, correspondence, scanned or other"
                    .to_owned()
            })
    }
}

/// A document's title: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty()
            || trimmed.chars().count() > 200
            || trimmed.chars().any(char::is_control)
        {
            return Err("must be 1 to 200 characters, without control characters".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub patient_id: PatientId,
    pub title: Title,
    pub category: Category,
    pub media_type: String,
    pub size: u64,
    pub sha256: ContentHash,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentChanges {
    pub title: Option<Title>,
    pub category: Option<Category>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub id: DocumentId,
    pub patient_id: PatientId,
    pub title: Title,
    pub category: Category,
    pub media_type: String,
    pub size: u64,
    pub sha256: ContentHash,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
    pub version: Version,
    pub updated_at: DateTime<Utc>,
}
