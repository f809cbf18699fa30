//! The OpenAPI contract, derived from the same registration that builds the router.

use actix_web::App;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{Problem, PROBLEM_CONTENT_TYPE};
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
    servers((url = "/", description = "The server that serves this document")),
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers"),
        (name = "auth", description = "Sign in, refresh, sign out; sessions any node accepts"),
        (name = "users", description = "User accounts (admins) and one's own account"),
        (name = "patients", description = "Patient records: registration, search, changes by version, archiving"),
        (name = "documents", description = "Patient documents, stored in the database in checksummed chunks"),
        (name = "notes", description = "SOAP notes: drafted, signed once, corrected by addenda (clinicians)"),
        (name = "schedule", description = "Providers and appointments, never double-booked"),
        (name = "locks", description = "Record locks: who is editing what, on leases with fencing numbers"),
        (name = "jobs", description = "Cluster jobs: scheduled work that runs on one node at a time (admins)"),
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

/// The answers any operation can give, declared once: the framework gives them before a
/// handler runs (a malformed path, query, header or body; a body of the wrong type), or
/// the server fails or cannot reach its backends. 401 and 403 only where the operation
/// needs a signed-in caller.
const SHARED_RESPONSES: [(&str, &str, bool); 7] = [
    (
        "400",
        "The path, query, a header or the body is malformed",
        false,
    ),
    ("401", "Not signed in, or the session has ended", true),
    ("403", "The caller's role may not do this", true),
    (
        "415",
        "The body is not of a type this operation accepts",
        false,
    ),
    (
        "422",
        "The body or a parameter breaks the rules; `errors` names each field",
        false,
    ),
    (
        "500",
        "The server failed; quote the `X-Request-Id` header",
        false,
    ),
    (
        "503",
        "The database (or Redis) is unreachable; nothing was changed. Retry after `Retry-After`",
        false,
    ),
];

/// Adds [`SHARED_RESPONSES`] to every operation that does not declare its own.
struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            let signed_in = operation
                .security
                .as_ref()
                .is_some_and(|requirements| !requirements.is_empty());
            for (status, description, needs_sign_in) in SHARED_RESPONSES {
                if needs_sign_in && !signed_in {
                    continue;
                }
                let problem = ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build();
                let response = ResponseBuilder::new()
                    .description(description)
                    .content(PROBLEM_CONTENT_TYPE, problem)
                    .build();
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| response.into());
            }
        }
    }
}

/// Every operation of the contract, to change.
fn operations_mut(
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
    PublicOperations.modify(&mut document);
    NamedPageItems.modify(&mut document);
    document
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

/// The committed form of the contract (`openapi.yaml`).
pub fn yaml() -> anyhow::Result<String> {
    Ok(quote_dates(&document().to_yaml()?))
}

/// Quotes plain scalars that look like dates or times: YAML 1.1 readers (PyYAML, many
/// code generators) would otherwise read `2026-12-01` as a date, not the string it is.
fn quote_dates(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    for line in yaml.lines() {
        let split = line.rfind(": ").map(|at| at + 2).or_else(|| {
            line.trim_start()
                .starts_with("- ")
                .then(|| line.find("- ").unwrap_or(0) + 2)
        });
        match split {
            Some(at) if looks_like_a_date(&line[at..]) => {
                out.push_str(&line[..at]);
                out.push('\'');
                out.push_str(&line[at..]);
                out.push('\'');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn looks_like_a_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && !value.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_in_the_yaml_are_quoted() {
        let yaml = "a:\n  example: 1985-12-10\n  at: 2026-12-01T10:00:00Z\n  list:\n  - 2026-01-02\n  n: 2026\n  s: '1985-12-10'\n";
        assert_eq!(
            quote_dates(yaml),
            "a:\n  example: '1985-12-10'\n  at: '2026-12-01T10:00:00Z'\n  list:\n  - '2026-01-02'\n  n: 2026\n  s: '1985-12-10'\n"
        );
    }

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
