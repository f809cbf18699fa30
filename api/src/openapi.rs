//! The OpenAPI contract, derived from the same registration that builds the router.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::Problem;
use crate::routes;

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
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers"),
        (name = "auth", description = "Sign in, refresh, sign out; sessions any node accepts"),
        (name = "users", description = "User accounts (admins) and one's own account"),
        (name = "patients", description = "Patient records: registration, search, changes by version, archiving"),
        (name = "documents", description = "Patient documents, stored in the database in checksummed chunks"),
        (name = "notes", description = "SOAP notes: drafted, signed once, corrected by addenda (clinicians)"),
        (name = "schedule", description = "Providers and appointments, never double-booked"),
        (name = "audit", description = "Who read or changed patient data (admins)"),
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

/// The contract exactly as the router serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_app, document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::contract)
        .split_for_parts();
    document
}

/// The committed form of the contract (`openapi.yaml`).
pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
