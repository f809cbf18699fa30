//! The answers and headers many operations share, declared once for all of them.

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::Modify;

use domain::idempotency::IdempotencyKey;

use super::operations_mut;
use crate::error::PROBLEM_CONTENT_TYPE;

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
pub struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            let signed_in = operation
                .security
                .as_ref()
                .is_some_and(|requirements| !requirements.is_empty());
            if operation.request_body.is_some() {
                operation
                    .responses
                    .responses
                    .entry("413".to_owned())
                    .or_insert_with(|| {
                        problem_response("The body is larger than the limit (`payload_too_large`)")
                            .into()
                    });
            }
            for (status, description, needs_sign_in) in SHARED_RESPONSES {
                if needs_sign_in && !signed_in {
                    continue;
                }
                let response = problem_response(description);
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| response.into());
            }
        }
    }
}

/// The headers an answer carries whatever operation gave it: `X-Request-Id` on every
/// answer, the challenge on a 401, the current version on a 412, and when to come back
/// on a 429 or 503.
pub struct AnswerHeaders;

const ANSWER_HEADERS: [(Option<&str>, &str, &str); 5] = [
    (
        None,
        "X-Request-Id",
        "The caller's own `X-Request-Id` when it sent a sane one (up to 128 characters of \
         letters, digits, `-`, `_`, `.` and `:`), which the log and the audit trail keep beside \
         the server's own id; otherwise the server's own id, to quote when reporting a problem",
    ),
    (
        Some("401"),
        "WWW-Authenticate",
        "The Bearer challenge (RFC 6750); `error=\"invalid_token\"` when a token was sent",
    ),
    (
        Some("412"),
        "ETag",
        "The record's current version, to read again before retrying",
    ),
    (
        Some("429"),
        "Retry-After",
        "Seconds to wait before trying again",
    ),
    (
        Some("503"),
        "Retry-After",
        "Seconds to wait before trying again",
    ),
];

impl Modify for AnswerHeaders {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                for (only_on, name, description) in ANSWER_HEADERS {
                    if only_on.is_some_and(|only_on| only_on != status) {
                        continue;
                    }
                    response
                        .headers
                        .entry(name.to_owned())
                        .or_insert_with(|| string_header(description));
                }
            }
        }
    }
}

/// What an `Idempotency-Key` adds to the operations that declare it: a successful answer
/// says whether it was replayed, and a retry whose first answer was lost is sent to what
/// was made (303).
pub struct IdempotentOperations;

impl Modify for IdempotentOperations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            let key = operation.parameters.iter_mut().flatten().find(|parameter| {
                parameter.name == "Idempotency-Key" && parameter.parameter_in == ParameterIn::Header
            });
            let Some(key) = key else {
                continue;
            };
            // why: utoipa leaves out a pattern given to an optional header parameter.
            key.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(IdempotencyKey::PATTERN))
                    .max_length(Some(IdempotencyKey::MAX_LEN))
                    .into(),
            );
            let responses = &mut operation.responses.responses;
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                    response.headers.insert(
                        "Idempotent-Replayed".to_owned(),
                        string_header(
                            "`true` when this is the stored answer to an earlier request with \
                             the same key",
                        ),
                    );
                }
            }
            responses.entry("303".to_owned()).or_insert_with(|| {
                let mut response = ResponseBuilder::new()
                    .description(
                        "A retry whose first request's work committed but whose answer was \
                         lost (its node died): what it made is at `Location`; nothing was \
                         done twice",
                    )
                    .build();
                response.headers.insert(
                    "Location".to_owned(),
                    string_header("What the first request made"),
                );
                response
                    .headers
                    .insert("Idempotent-Replayed".to_owned(), string_header("`true`"));
                response.into()
            });
            for (status, description) in [
                (
                    "409",
                    "The same Idempotency-Key is still in progress (`idempotency_key_in_use`)",
                ),
                (
                    "422",
                    "Invalid fields, listed in `errors`; or an Idempotency-Key reused for another \
                     request (`idempotency_key_reused`)",
                ),
            ] {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description).into());
            }
        }
    }
}

fn string_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    let problem = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_CONTENT_TYPE, problem)
        .build()
}
