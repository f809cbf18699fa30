//! The SQL backend of the clinical-note repository.

mod entities;
mod sql_notes;

pub use sql_notes::SqlNoteRepository;
