use chrono::{DateTime, Utc};

use crate::auth::UserId;
use crate::patients::PatientId;

/// A clinician's statement that the patient has no known allergies: who said so, and
/// when. Recording an active allergy withdraws it, so a chart never shows both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoKnownAllergies {
    pub patient_id: PatientId,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}
