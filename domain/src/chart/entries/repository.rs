use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ChartEntry, ChartEntryId, EntryKind, NoKnownAllergies};
use crate::audit::AuditContext;
use crate::locks::FencingToken;
use crate::patients::{PatientId, PatientStanding};
use crate::{DomainError, Page, PageRequest, Rule};

/// What a write to a patient's chart lists decides by: read in the write's own
/// transaction, with the patient's chart held against every other write to it until
/// that transaction ends (so two nodes adding an allergy and stating "no known
/// allergies" at once are put one after the other).
#[derive(Debug, Clone)]
pub struct ChartState {
    pub standing: PatientStanding,
    /// The patient's date of birth (none for an unknown patient): nothing is observed
    /// before it.
    pub born_on: Option<chrono::NaiveDate>,
    pub active_allergies: Vec<ChartEntry>,
    pub no_known_allergies: Option<NoKnownAllergies>,
}

/// What a write to a chart list decided: the entry, whether it withdraws the "no known
/// allergies" statement, and what its audit event says beyond the change itself.
#[derive(Debug, Clone)]
pub struct EntryWrite {
    pub entry: ChartEntry,
    pub withdraws_no_known_allergies: bool,
    pub audit_detail: Option<String>,
}

/// Which entries of a list: a page, and for the lists in time order, only entries
/// observed at or after `since`.
#[derive(Debug, Clone, Copy)]
pub struct EntryQuery {
    pub page: PageRequest,
    pub since: Option<DateTime<Utc>>,
}

/// Where the chart's allergy, medication, vitals and immunization lists live. The store
/// decides nothing: it loads, applies the rule it is given, writes and audits.
///
/// Contract for every backend:
/// - every read and write is audited with it, as for patients;
/// - `create` and `modify` load the [`ChartState`] in their transaction, holding the
///   patient's chart as that type says; `modify` also loads the entry of its kind
///   (`NotFound` otherwise) and writes only at the version it loaded
///   (`PreconditionFailed`) and, under a lock's `fence`, only if no later holder wrote
///   it (`LockLost`);
/// - a vitals set taken when another of the patient's sets (not entered in error) was
///   is refused (`Conflict` `vitals_already_recorded`);
/// - lists come oldest first, but vitals and immunizations newest first by when they
///   were taken or given (`since` holds for both).
#[async_trait]
pub trait ChartEntryRepository: Send + Sync {
    async fn create(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, ChartState, EntryWrite>,
    ) -> Result<ChartEntry, DomainError>;

    async fn get(
        &self,
        context: &AuditContext,
        kind: EntryKind,
        id: ChartEntryId,
    ) -> Result<Option<ChartEntry>, DomainError>;

    /// The patient's entries of `kind`; `None` for an unknown patient.
    async fn list_for_patient(
        &self,
        context: &AuditContext,
        patient: PatientId,
        kind: EntryKind,
        query: EntryQuery,
    ) -> Result<Option<Page<ChartEntry>>, DomainError>;

    async fn modify(
        &self,
        context: &AuditContext,
        kind: EntryKind,
        id: ChartEntryId,
        fence: Option<FencingToken>,
        change: Rule<'_, (ChartEntry, ChartState), EntryWrite>,
    ) -> Result<ChartEntry, DomainError>;

    /// Writes (or rewrites) the patient's "no known allergies" statement as `record`
    /// decides, in a transaction that holds the chart as [`ChartState`] says.
    async fn state_no_known_allergies(
        &self,
        context: &AuditContext,
        patient: PatientId,
        record: Rule<'_, ChartState, NoKnownAllergies>,
    ) -> Result<NoKnownAllergies, DomainError>;

    /// The patient's statement, if one stands; `None` for an unknown patient.
    async fn no_known_allergies(
        &self,
        context: &AuditContext,
        patient: PatientId,
    ) -> Result<Option<Option<NoKnownAllergies>>, DomainError>;
}
