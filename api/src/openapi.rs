//! The OpenAPI contract, derived from the same registration that builds the router.

use actix_web::App;
use utoipa::OpenApi;
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
    tags((name = "health", description = "Liveness and readiness, for load balancers")),
    components(schemas(Problem)),
)]
struct ApiDoc;

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
