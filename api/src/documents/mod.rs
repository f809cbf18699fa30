//! Patient documents: `/api/v1/patients/{id}/documents` and `/api/v1/documents/...`.

mod content;
mod delete;
mod dto;
mod get;
mod list;
mod update;
mod upload;

#[cfg(test)]
pub(crate) use upload::parse_content_digest;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registered before the `/patients` scope, so that its nested paths reach these routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(upload::upload_document)
        .service(list::list_documents)
        .service(
            utoipa_actix_web::scope("/documents")
                .service(get::get_document)
                .service(update::update_document)
                .service(delete::delete_document)
                .service(content::download_content),
        );
}
