//! The file-store backends: chunk rows in the SQL database (the default), or a local
//! directory for single-node installs that prefer one.

mod directory;
pub(crate) mod entities;
mod sql_documents;
mod sql_file_store;

pub use directory::DirectoryFileStore;
pub use sql_documents::SqlDocumentRepository;
pub use sql_file_store::SqlFileStore;
