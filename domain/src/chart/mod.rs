//! The clinical chart's lists: what a clinician sees on a patient's first screen.

mod coding;
pub mod problems;

pub use coding::{ClinicalCode, CodeSystem};
