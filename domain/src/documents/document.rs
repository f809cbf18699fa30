use chrono::{DateTime, Utc};

use super::{ContentHash, FileName};
use crate::auth::UserId;
use crate::patients::{PatientId, PatientStanding};
use crate::text::TextRule;
use crate::{DomainError, Version};

crate::id_type!(
    /// A document's id.
    DocumentId
);

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

/// A document's title: 1 to 200 characters, without bidirectional controls (it may
/// become the name of the downloaded file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const RULE: TextRule = TextRule::required(200).without_bidi_controls();

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub patient_id: PatientId,
    pub title: Title,
    pub file_name: Option<FileName>,
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
    /// What the uploader's machine called the file, cleaned; downloads go by it.
    pub file_name: Option<FileName>,
    pub category: Category,
    pub media_type: String,
    pub size: u64,
    pub sha256: ContentHash,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
    /// A deleted document stays in the chart, found by nothing.
    pub deleted: bool,
    pub version: Version,
    pub updated_at: DateTime<Utc>,
}

impl Document {
    /// The record of content uploaded by `uploaded_by` for an active patient.
    pub fn record(
        new: NewDocument,
        uploaded_by: UserId,
        patient: PatientStanding,
        now: DateTime<Utc>,
    ) -> Result<Document, DomainError> {
        patient.admits_records_under_it()?;
        Ok(Document {
            id: DocumentId::generate(),
            patient_id: new.patient_id,
            title: new.title,
            file_name: new.file_name,
            category: new.category,
            media_type: new.media_type,
            size: new.size,
            sha256: new.sha256,
            uploaded_by,
            uploaded_at: now,
            deleted: false,
            version: Version::FIRST,
            updated_at: now,
        })
    }

    /// Retitles or recategorises, at the version the caller read.
    pub fn revise(
        self,
        expected: Version,
        changes: DocumentChanges,
    ) -> Result<Document, DomainError> {
        self.check_live(expected)?;
        Ok(Document {
            title: changes.title.unwrap_or(self.title),
            category: changes.category.unwrap_or(self.category),
            ..self
        })
    }

    /// Deletes softly, at the version the caller read: the record and content stay.
    pub fn delete(self, expected: Version) -> Result<Document, DomainError> {
        self.check_live(expected)?;
        Ok(Document {
            deleted: true,
            ..self
        })
    }

    fn check_live(&self, expected: Version) -> Result<(), DomainError> {
        if self.deleted {
            return Err(DomainError::NotFound {
                resource: "document",
            });
        }
        self.version.expect(expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded() -> Document {
        let new = NewDocument {
            patient_id: PatientId::generate(),
            title: Title::parse("Lab results").unwrap(),
            file_name: FileName::clean("labs.pdf"),
            category: Category::Lab,
            media_type: "application/pdf".to_owned(),
            size: 3,
            sha256: ContentHash::of(b"abc"),
        };
        Document::record(new, UserId::generate(), PatientStanding::Active, Utc::now()).unwrap()
    }

    #[test]
    fn a_document_is_recorded_only_for_an_active_patient() {
        let new = NewDocument {
            patient_id: PatientId::generate(),
            title: Title::parse("x").unwrap(),
            file_name: None,
            category: Category::Other,
            media_type: "text/plain".to_owned(),
            size: 0,
            sha256: ContentHash::of(b""),
        };
        let refused = Document::record(
            new,
            UserId::generate(),
            PatientStanding::Unknown,
            Utc::now(),
        );
        assert!(matches!(refused, Err(DomainError::NotFound { .. })));
    }

    #[test]
    fn a_revision_keeps_what_it_does_not_change() {
        let changes = DocumentChanges {
            title: Some(Title::parse("Renamed").unwrap()),
            category: None,
        };
        let revised = recorded().revise(Version::FIRST, changes).unwrap();
        assert_eq!(revised.title.as_str(), "Renamed");
        assert_eq!(revised.category, Category::Lab);
    }

    #[test]
    fn a_deleted_document_is_found_by_nothing_and_changes_no_more() {
        let deleted = recorded().delete(Version::FIRST).unwrap();
        assert!(deleted.deleted);
        let again = deleted.clone().delete(Version::FIRST);
        assert!(matches!(again, Err(DomainError::NotFound { .. })));
        let revised = deleted.revise(Version::FIRST, DocumentChanges::default());
        assert!(matches!(revised, Err(DomainError::NotFound { .. })));
    }

    #[test]
    fn a_stale_change_is_refused() {
        let stale = recorded().delete(Version::FIRST.next());
        assert!(matches!(stale, Err(DomainError::PreconditionFailed { .. })));
    }
}
