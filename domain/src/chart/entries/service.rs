use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    ChartEntry, ChartEntryId, ChartEntryRepository, ChartState, EntryDetails, EntryInput,
    EntryKind, EntryQuery, EntryWrite, NoKnownAllergies,
};
use crate::audit::AuditContext;
use crate::auth::{Permission, Principal, Role, UserId, UserRepository};
use crate::locks::{LockGate, LockToken, LockedResource};
use crate::patients::PatientId;
use crate::{DomainError, ErrorCode, Page, Version};

/// Keeping patients' allergy, medication, vitals and immunization lists: the
/// clinicians' alone. Holds the rules that cross lists: an active allergy warns against
/// a medication, and withdraws "no known allergies".
pub struct ChartEntries {
    repository: Arc<dyn ChartEntryRepository>,
    users: Arc<dyn UserRepository>,
    locks: LockGate,
}

fn not_found(kind: EntryKind) -> DomainError {
    DomainError::NotFound {
        resource: kind.as_str(),
    }
}

const UNKNOWN_PATIENT: DomainError = DomainError::NotFound {
    resource: "patient",
};

impl ChartEntries {
    pub fn new(
        repository: Arc<dyn ChartEntryRepository>,
        users: Arc<dyn UserRepository>,
        locks: LockGate,
    ) -> Self {
        Self {
            repository,
            users,
            locks,
        }
    }

    /// A medication's prescriber, named by id, is one of practica's clinicians (active
    /// or not: one since gone still prescribed it).
    async fn check_prescriber(&self, input: &EntryInput) -> Result<(), DomainError> {
        let EntryInput::Medication(medication) = input else {
            return Ok(());
        };
        let Some(id) = medication.prescriber_id else {
            return Ok(());
        };
        match self.users.get(UserId::from_uuid(id)).await? {
            Some(user) if user.roles.contains(Role::Clinician) => Ok(()),
            _ => Err(DomainError::invalid(
                "prescriberId",
                "is not a practica clinician; name an outside prescriber with prescriberName",
            )),
        }
    }

    pub async fn record(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        input: EntryInput,
    ) -> Result<ChartEntry, DomainError> {
        caller.require(input.kind().write_permission())?;
        // why: every field is judged (422) before the prescriber is looked up; the
        // dates again, against the database's clock, in the rule below.
        input.parse(DateTime::<Utc>::MAX_UTC)?;
        self.check_prescriber(&input).await?;
        let author = caller.user_id;
        self.repository
            .create(context, patient, &|state, now| {
                state.standing.admits_records_under_it()?;
                let details = input.parse(now)?;
                details.check_not_before_birth(state.born_on)?;
                let (details, audit_detail) =
                    held_against_allergies(details, None, &state, input.override_reason())?;
                Ok(written(
                    ChartEntry::record(patient, details, author, now),
                    &state,
                    audit_detail,
                ))
            })
            .await
    }

    pub async fn get(
        &self,
        caller: &Principal,
        context: &AuditContext,
        kind: EntryKind,
        id: ChartEntryId,
    ) -> Result<ChartEntry, DomainError> {
        caller.require(kind.read_permission())?;
        self.repository
            .get(context, kind, id)
            .await?
            .ok_or_else(|| not_found(kind))
    }

    pub async fn list(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
        kind: EntryKind,
        query: EntryQuery,
    ) -> Result<Page<ChartEntry>, DomainError> {
        caller.require(kind.read_permission())?;
        self.repository
            .list_for_patient(context, patient, kind, query)
            .await?
            .ok_or(UNKNOWN_PATIENT)
    }

    /// Replaces what an entry states, at the version the caller read.
    #[allow(clippy::too_many_arguments)]
    pub async fn revise(
        &self,
        caller: &Principal,
        context: &AuditContext,
        id: ChartEntryId,
        expected: Version,
        lock: Option<LockToken>,
        input: EntryInput,
    ) -> Result<ChartEntry, DomainError> {
        let kind = input.kind();
        caller.require(kind.write_permission())?;
        // why: a malformed body is refused (422) before the lock is consulted; its
        // times are held to the database's clock in the rule below.
        input.parse(DateTime::<Utc>::MAX_UTC)?;
        self.check_prescriber(&input).await?;
        let fence = self
            .locks
            .admit(caller, LockedResource::ChartEntry(kind, id), lock)
            .await?;
        self.repository
            .modify(context, kind, id, fence, &|(entry, state), now| {
                // why: a stale version or a frozen entry is the answer before any
                // judgement of the new details (an allergy conflict among them).
                entry.admits_revision(expected)?;
                let input = input.keeping_status_of(&entry.details);
                let details = input.parse(now)?;
                details.check_not_before_birth(state.born_on)?;
                let (details, audit_detail) = held_against_allergies(
                    details,
                    Some(&entry.details),
                    &state,
                    input.override_reason(),
                )?;
                let entry = entry.revise(expected, details)?;
                Ok(written(entry, &state, audit_detail))
            })
            .await
    }

    /// States that the patient has no known allergies: refused while an active allergy
    /// is on the list (`allergies_recorded`, naming them).
    pub async fn state_no_known_allergies(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
    ) -> Result<NoKnownAllergies, DomainError> {
        caller.require(Permission::WriteChart)?;
        let author = caller.user_id;
        self.repository
            .state_no_known_allergies(context, patient, &|state, now| {
                state.standing.admits_records_under_it()?;
                if !state.active_allergies.is_empty() {
                    let named: Vec<String> = state
                        .active_allergies
                        .iter()
                        .filter_map(|entry| {
                            let allergy = entry.allergy()?;
                            Some(format!("{} (allergy {})", allergy.substance, entry.id))
                        })
                        .collect();
                    return Err(DomainError::conflict(
                        ErrorCode::AllergiesRecorded,
                        format!(
                            "the patient has active allergies: {}; mark them inactive, \
                             resolved or entered in error first",
                            named.join(", ")
                        ),
                    ));
                }
                Ok(NoKnownAllergies {
                    patient_id: patient,
                    recorded_by: author,
                    recorded_at: now,
                })
            })
            .await
    }

    pub async fn no_known_allergies(
        &self,
        caller: &Principal,
        context: &AuditContext,
        patient: PatientId,
    ) -> Result<Option<NoKnownAllergies>, DomainError> {
        caller.require(Permission::ReadChart)?;
        self.repository
            .no_known_allergies(context, patient)
            .await?
            .ok_or(UNKNOWN_PATIENT)
    }
}

/// A medication checked against the patient's active allergies, with what its audit
/// event then says. A revision that keeps the drug keeps the override made for it, which
/// covers the allergies it named (a new dose needs no new reason; a new allergy does).
fn held_against_allergies(
    details: EntryDetails,
    before: Option<&EntryDetails>,
    state: &ChartState,
    override_reason: Option<&str>,
) -> Result<(EntryDetails, Option<String>), DomainError> {
    let EntryDetails::Medication(medication) = details else {
        return Ok((details, None));
    };
    let earlier = match before {
        Some(EntryDetails::Medication(before))
            if before.drug == medication.drug && before.code == medication.code =>
        {
            before.allergy_override.as_ref()
        }
        _ => None,
    };
    let (medication, made) =
        medication.checked_against(&state.active_allergies, override_reason, earlier)?;
    Ok((
        EntryDetails::Medication(medication),
        made.map(|decision| decision.audit_detail()),
    ))
}

/// The write of `entry`: an active allergy withdraws a standing "no known allergies".
fn written(entry: ChartEntry, state: &ChartState, audit_detail: Option<String>) -> EntryWrite {
    let active_allergy = entry.allergy().is_some_and(|allergy| allergy.is_active());
    EntryWrite {
        withdraws_no_known_allergies: active_allergy && state.no_known_allergies.is_some(),
        entry,
        audit_detail,
    }
}
