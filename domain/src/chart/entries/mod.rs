//! The chart's allergy, medication, vitals and immunization lists. An entry is never
//! deleted: one recorded by mistake is marked entered in error, and then never changes.

mod allergy;
mod allergy_check;
mod entry;
mod immunization;
mod input;
mod latest_measurements;
mod medication;
mod no_known_allergies;
mod repository;
mod service;
mod vitals;

pub use allergy::{
    AllergyCategory, AllergyDetails, AllergyInput, AllergyStatus, Criticality, Reaction,
    ReactionInput, Severity,
};
pub use entry::{ChartEntry, ChartEntryId, EntryDetails, EntryKind, ENTERED_IN_ERROR};
pub use immunization::{ImmunizationDetails, ImmunizationInput, ImmunizationStatus};
pub use input::EntryInput;
pub use latest_measurements::{LatestMeasurements, Measured};
pub use medication::{
    AllergyOverride, DoseQuantity, DoseQuantityInput, DosingSchedule, DosingScheduleInput,
    MedicationDetails, MedicationInput, MedicationStatus, PeriodUnit, Prescriber,
};
pub use no_known_allergies::NoKnownAllergies;
pub use repository::{ChartEntryRepository, ChartState, EntryQuery, EntryWrite};
pub use service::ChartEntries;
pub use vitals::{Range, VitalSigns, VitalsInput, VitalsStatus};
