//! The SQL backend of the clinical-note repository.

mod entities;
mod rows;
mod sql_notes;

pub use sql_notes::SqlNoteRepository;
