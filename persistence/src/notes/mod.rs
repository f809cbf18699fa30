//! The SQL backend of the clinical-note repository.

pub(crate) mod entities;
mod rows;
mod sql_notes;

pub use sql_notes::SqlNoteRepository;
