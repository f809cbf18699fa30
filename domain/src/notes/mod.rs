//! Clinical notes: SOAP drafts that clinicians sign, after which they never change;
//! corrections are append-only addenda.

mod lifecycle;
mod note;
mod repository;
mod service;

pub use lifecycle::NoteSubject;
pub use note::{
    Addendum, AddendumText, NewNote, Note, NoteId, NoteStanding, NoteStatus, SoapSections,
};
pub use repository::NoteRepository;
pub use service::Notes;
