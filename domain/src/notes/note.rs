use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::UserId;
use crate::patients::PatientId;
use crate::schedule::AppointmentId;
use crate::text::{Controls, TextRule};
use crate::Version;

crate::id_type!(
    /// A clinical note's id.
    NoteId
);

/// A section or addendum: clinical prose, up to 20,000 characters, with tabs and line
/// breaks.
const CLINICAL_TEXT: TextRule = TextRule::optional(20_000).with_controls(Controls::Layout);

/// The four parts of a SOAP note; each may be empty while drafting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapSections {
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
}

impl SoapSections {
    pub const RULE: TextRule = CLINICAL_TEXT;

    /// Parses each section, naming the ones that fail.
    pub fn parse(
        subjective: &str,
        objective: &str,
        assessment: &str,
        plan: &str,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut take = |field: &'static str, raw: &str| {
            SoapSections::RULE
                .check(raw)
                .map_err(|e| errors.push((field, e)))
                .unwrap_or_default()
        };
        let sections = Self {
            subjective: take("subjective", subjective),
            objective: take("objective", objective),
            assessment: take("assessment", assessment),
            plan: take("plan", plan),
        };
        if errors.is_empty() {
            Ok(sections)
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        [
            &self.subjective,
            &self.objective,
            &self.assessment,
            &self.plan,
        ]
        .iter()
        .all(|section| section.trim().is_empty())
    }
}

/// The text of an addendum: not empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddendumText(String);

impl AddendumText {
    pub const RULE: TextRule = TextRule {
        required: true,
        ..CLINICAL_TEXT
    };

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::RULE.check(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteStatus {
    Draft,
    Signed,
}

impl NoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Signed => "signed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "draft" => Ok(Self::Draft),
            "signed" => Ok(Self::Signed),
            other => Err(format!("unknown note status {other}")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub patient_id: PatientId,
    pub appointment_id: Option<AppointmentId>,
    pub sections: SoapSections,
}

/// A correction or addition to a signed note, itself never changed.
#[derive(Debug, Clone)]
pub struct Addendum {
    pub id: Uuid,
    pub author_id: UserId,
    pub text: AddendumText,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: NoteId,
    pub patient_id: PatientId,
    pub author_id: UserId,
    pub appointment_id: Option<AppointmentId>,
    pub sections: SoapSections,
    pub status: NoteStatus,
    pub signed_by: Option<UserId>,
    pub signed_at: Option<DateTime<Utc>>,
    pub addenda: Vec<Addendum>,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Note {
    /// Whether `viewer` may read the note ([`NoteStanding::is_visible_to`]).
    pub fn is_visible_to(&self, viewer: UserId) -> bool {
        self.standing().is_visible_to(viewer)
    }

    pub fn standing(&self) -> NoteStanding {
        NoteStanding {
            author: self.author_id,
            status: self.status,
        }
    }
}

/// What decides who may see a note: its author and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteStanding {
    pub author: UserId,
    pub status: NoteStatus,
}

impl NoteStanding {
    /// A signed note is part of the record, for every clinician; a draft is not yet,
    /// and speaks in its author's name, so it is for its author alone: to anyone else
    /// it does not exist.
    pub fn is_visible_to(&self, viewer: UserId) -> bool {
        self.status == NoteStatus::Signed || self.author == viewer
    }
}
