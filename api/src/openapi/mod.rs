//! The OpenAPI contract, derived from the same registration that builds the router.

use actix_web::App;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::Problem;
use crate::routes;

mod headers;
mod links;
mod responses;
mod yaml;

use responses::{AnswerHeaders, IdempotentOperations, SharedResponses};
pub use yaml::yaml;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "practica",
        description = "A clustered EMR/PM JSON API. Errors are RFC 9457 problem documents \
            (`application/problem+json`) with a stable `code`. Paths are under `/api/v1`; \
            JSON fields are camelCase; ids are UUIDv7; times are RFC 3339 in UTC; dates are \
            `YYYY-MM-DD`; lists page with `?limit=&cursor=` and answer \
            `{ \"items\": [...], \"nextCursor\": ... }`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers"),
        (name = "auth", description = "Sign in, refresh, sign out; sessions any node accepts"),
        (name = "users", description = "User accounts (admins) and one's own account"),
        (name = "patients", description = "Patient records: registration, search, changes by version, archiving"),
        (name = "documents", description = "Patient documents, stored in the database in checksummed chunks"),
        (name = "notes", description = "SOAP notes: drafted, signed once, corrected by addenda (clinicians)"),
        (name = "chart", description = "A patient's chart summary: the first screen in one request, each section as the caller's role allows"),
        (name = "problems", description = "The problem list: diagnoses and conditions, never deleted (clinicians write, billing reads)"),
        (name = "allergies", description = "Allergies and intolerances, or the statement that the patient has none (clinicians)"),
        (name = "medications", description = "The medication list: what the patient takes, held against their allergies (clinicians)"),
        (name = "vitals", description = "Vital signs: one set per time, range-checked, newest first (clinicians)"),
        (name = "immunizations", description = "Vaccinations given or not given, with CVX codes (clinicians)"),
        (name = "schedule", description = "Providers and appointments, never double-booked"),
        (name = "locks", description = "Record locks: who is editing what, on leases with fencing numbers"),
        (name = "jobs", description = "Cluster jobs: scheduled work that runs on one node at a time (admins)"),
        (name = "audit", description = "Who read or changed patient data, who was refused it, and who signed in or changed an account (admins)"),
    ),
    components(schemas(Problem)),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

/// The `bearer` scheme that protected operations name; Swagger UI's Authorize button
/// takes an access token from `/api/v1/auth/login`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every operation of the contract, to change.
pub(crate) fn operations_mut(
    openapi: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|path| {
        [
            &mut path.get,
            &mut path.put,
            &mut path.post,
            &mut path.delete,
            &mut path.patch,
        ]
        .into_iter()
        .flatten()
    })
}

/// The contract exactly as the router serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_app, mut document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::contract)
        .split_for_parts();
    // why: the routes' operations exist only after the registration above; a modifier
    // in `#[openapi(modifiers(...))]` would run before them.
    SharedResponses.modify(&mut document);
    IdempotentOperations.modify(&mut document);
    AnswerHeaders.modify(&mut document);
    links::Links.modify(&mut document);
    headers::HeaderParameters.modify(&mut document);
    RetiredOperations.modify(&mut document);
    PublicOperations.modify(&mut document);
    NamedPageItems.modify(&mut document);
    document
}

/// The operations being retired, still served until their sunset: marked `deprecated`
/// (their answers carry `Deprecation` and `Sunset`).
const RETIRED: [&str; 2] = ["archive_patient", "list_providers"];

struct RetiredOperations;

impl Modify for RetiredOperations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            if RETIRED.contains(&operation.operation_id.as_deref().unwrap_or_default()) {
                operation.deprecated = Some(utoipa::openapi::Deprecated::True);
            }
        }
    }
}

/// Says of every operation that needs no caller (sign-in, refresh, health) that it is
/// public (`security: []`), rather than leaving readers and linters to guess.
struct PublicOperations;

impl Modify for PublicOperations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            operation.security.get_or_insert_with(Vec::new);
        }
    }
}

/// Makes each page's `items` name its item schema (`PageBody_PatientBody` lists
/// `PatientBody`s) where utoipa inlined it, so a generated client has one type per item.
struct NamedPageItems;

impl Modify for NamedPageItems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let Some(item) = name.strip_prefix("PageBody_") else {
                continue;
            };
            if !components.schemas.contains_key(item) {
                continue;
            }
            let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(&name) else {
                continue;
            };
            if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
                items.items = ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name(item).into()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_declares_the_shared_answers() {
        let document = document();
        for (path, item) in &document.paths.paths {
            for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                for status in ["400", "415", "422", "500", "503"] {
                    assert!(
                        operation.responses.responses.contains_key(status),
                        "{path} lacks {status}"
                    );
                }
            }
        }
    }
}
