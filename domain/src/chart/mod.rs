//! The clinical chart's lists: what a clinician sees on a patient's first screen.

mod coding;
pub mod entries;
pub(crate) mod fields;
pub mod problems;
pub mod summary;

pub use coding::{ClinicalCode, CodeSystem};
