use domain::chart::entries::EntryKind;
use std::time::Duration;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE, ETAG, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use domain::audit::{AuditAction, AuditContext, AuditOutcome, NewAuditEvent};
use domain::auth::{AuthService, Principal};
use domain::idempotency::{
    Claim, ClaimedKey, CommittedWork, IdempotencyKey, IdempotencyStore, StoredResponse, CLAIMED_KEY,
};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::AuditWriter;
use crate::error::ApiError;
use crate::http::Origin;

pub const IDEMPOTENCY_KEY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED_HEADER: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Keys expire after a day.
const KEY_TTL: Duration = Duration::from_secs(24 * 3600);
/// A claim not completed this long after it was made belongs to a request whose node
/// died; a retry may take it over.
const STALE_CLAIM: Duration = Duration::from_secs(60);
/// The routes left out, by their pattern: those whose answers carry tokens, and the one
/// whose body carries a password (a key's stored fingerprint, a fast hash of the body,
/// would let anyone with a copy of the database test guesses at it far faster than
/// against the password's own Argon2 hash).
const NOT_KEYED: [&str; 3] = ["/api/v1/auth/", "/api/v1/locks", "/api/v1/users"];

/// Marks an answer that carries credentials (a token pair, a lock token): it is never
/// stored for replay, whatever route it came from, and its key is released.
#[derive(Debug, Clone, Copy)]
pub struct CarriesCredentials;

/// `response`, marked as carrying credentials.
pub fn carrying_credentials(mut response: HttpResponse) -> HttpResponse {
    response.extensions_mut().insert(CarriesCredentials);
    response
}
/// The headers of an answer worth replaying; the rest belong to one delivery.
const KEPT_HEADERS: [HeaderName; 3] = [CONTENT_TYPE, ETAG, LOCATION];

/// The store and the body limit the middleware works with.
pub struct Idempotency {
    pub store: std::sync::Arc<dyn IdempotencyStore>,
    pub max_body_bytes: usize,
}

/// `Idempotency-Key` on a POST: the first request's answer is stored with the key (in
/// the shared database), and a retry with the same key and body, on any node, gets
/// that answer again instead of running twice. The same key with another body is 422;
/// a retry while the first still runs is 409. Keys belong to the signed-in user.
///
/// The claim is marked committed in the same transaction as the request's writes
/// (`CLAIMED_KEY`), so a node that dies between committing and storing the answer
/// leaves a claim a retry answers with `303 See Other` to what was made, never a
/// second run.
///
/// Sign-in, refresh and locking are left out: their answers are tokens, which are never
/// stored. (Locking needs no key: the holding session asking again gets its lock back.)
/// So is creating an account, whose body carries a password (see [`NOT_KEYED`]).
pub async fn idempotency(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(raw_key) = request.headers().get(&IDEMPOTENCY_KEY_HEADER).cloned() else {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // why: bodies are fingerprinted after buffering, so only JSON (or no body at all,
    // as for signing a note) qualifies; a document upload streams megabytes that must
    // not be held in memory, and its key is not honoured yet.
    let streams_a_file = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| !value.starts_with("application/json"));
    // why: by the route the router matches, on the decoded path: the raw path
    // (`/api/v1/%61uth/refresh`) may spell the same route otherwise.
    let route = request
        .request()
        .resource_map()
        .match_pattern(request.match_info().as_str())
        .unwrap_or_default();
    if request.method() != Method::POST
        || NOT_KEYED.iter().any(|prefix| route.starts_with(prefix))
        || streams_a_file
    {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let parsed_key = raw_key
        .to_str()
        .map_err(|e| e.to_string())
        .and_then(IdempotencyKey::parse);
    let (Some(settings), Some(auth)) = (
        request.app_data::<web::Data<Idempotency>>().cloned(),
        request.app_data::<web::Data<AuthService>>().cloned(),
    ) else {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // An anonymous or invalid caller is refused by the handler, as without a key.
    let principal = match crate::auth::bearer_token(request.request()) {
        Ok(token) => match auth.authenticate(&token).await {
            Ok(principal) => Some(principal),
            // why: the session store is away; asking again in the handler would only
            // double the wait before the same 503.
            Err(error @ domain::DomainError::Unavailable(_)) => {
                return Ok(request.into_response(ApiError::from(error).error_response()))
            }
            Err(_) => None,
        },
        Err(_) => None,
    };
    let Some(principal) = principal else {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // why: after the caller is known, so that an anonymous request is told 401 whatever
    // its key, as it would be without one.
    let key = match parsed_key {
        Ok(key) => key,
        Err(message) => {
            let error = ApiError::BadRequest {
                part: "Idempotency-Key header",
                message,
            };
            return Ok(request.into_response(error.error_response()));
        }
    };

    let body = match read_body(request.take_payload(), settings.max_body_bytes).await {
        Ok(body) => body,
        Err(error) => return Ok(request.into_response(error.error_response())),
    };
    let fingerprint = fingerprint(&request, &body);
    request.set_payload(Payload::from(body));
    request.extensions_mut().insert(principal.clone());

    let claim = settings
        .store
        .claim(principal.user_id, &key, &fingerprint, KEY_TTL, STALE_CLAIM)
        .await
        .map_err(ApiError::from)?;
    let claimed_at = match claim {
        Claim::Acquired(claimed_at) => claimed_at,
        Claim::InProgress => {
            return Ok(request.into_response(ApiError::IdempotencyKeyInUse.error_response()))
        }
        Claim::Mismatch => {
            return Ok(request.into_response(ApiError::IdempotencyKeyReused.error_response()))
        }
        Claim::Replay(stored) => {
            audit_replayed_read(&request, &principal, &route, &stored).await?;
            return Ok(request.into_response(replay(stored)));
        }
        Claim::Committed(work) => return Ok(request.into_response(see_committed(&work))),
    };

    let claimed = ClaimedKey {
        user: principal.user_id,
        key: key.clone(),
        claimed_at,
    };
    let outcome = CLAIMED_KEY.scope(claimed, next.call(request)).await;
    let response = match outcome {
        Ok(response)
            if !response.status().is_server_error()
                && response
                    .response()
                    .extensions()
                    .get::<CarriesCredentials>()
                    .is_none() =>
        {
            response
        }
        other => {
            // Our failure, not the request's, or an answer never to be stored: let a
            // retry run it afresh. If the claim cannot be released it expires after
            // STALE_CLAIM; the answer stays ours.
            if let Err(error) = settings
                .store
                .release(principal.user_id, &key, claimed_at)
                .await
            {
                tracing::warn!(error = %error, "releasing an idempotency claim failed");
            }
            return other.map(ServiceResponse::map_into_boxed_body);
        }
    };
    let (http_request, response) = response.into_parts();
    let status = response.status();
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in response.headers() {
        rebuilt.insert_header((name.clone(), value.clone()));
    }
    let body = to_bytes(response.into_body()).await.map_err(|_| {
        ApiError::Internal(anyhow::anyhow!("reading the answer to store it failed"))
    })?;
    let stored = StoredResponse {
        status: status.as_u16(),
        headers,
        body: body.to_vec(),
    };
    settings
        .store
        .complete(principal.user_id, &key, claimed_at, stored)
        .await
        .map_err(ApiError::from)?;
    Ok(ServiceResponse::new(http_request, rebuilt.body(body)))
}

/// The answer to a retry whose first request committed its work and then lost its
/// answer (its node died): `303 See Other` to what the work made, which a client reads
/// with a GET. Nothing is done twice.
fn see_committed(work: &CommittedWork) -> HttpResponse {
    let collection = match work.resource_type.as_str() {
        "patient" => "patients",
        "note" => "notes",
        "appointment" => "appointments",
        "document" => "documents",
        "problem" => "problems",
        "user" => "users",
        other => match EntryKind::parse(other) {
            Some(kind) => kind.plural(),
            None => return ApiError::IdempotencyKeyInUse.error_response(),
        },
    };
    HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!("/api/v1/{collection}/{}", work.resource_id),
        ))
        .insert_header((REPLAYED_HEADER, HeaderValue::from_static("true")))
        .finish()
}

async fn read_body(mut payload: Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| ApiError::BadRequest {
            part: "body",
            message: error.to_string(),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// What makes two requests "the same": method, path, query, content type and body.
fn fingerprint(request: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        request.method().as_str(),
        request.path(),
        request.query_string(),
        request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// A replayed answer shows a patient's data again, which the audit trail records as a
/// read of it (the first answer's work recorded its own events).
async fn audit_replayed_read(
    request: &ServiceRequest,
    principal: &Principal,
    route: &str,
    stored: &StoredResponse,
) -> Result<(), ApiError> {
    let Some(resource_type) = record_made_by(route) else {
        return Ok(());
    };
    let (Some(log), Ok(body)) = (
        request.app_data::<web::Data<AuditWriter>>(),
        serde_json::from_slice::<serde_json::Value>(&stored.body),
    ) else {
        return Ok(());
    };
    let uuid_at = |field: &str| {
        body[field]
            .as_str()
            .and_then(|id| id.parse::<uuid::Uuid>().ok())
    };
    let Some(id) = uuid_at("id") else {
        return Ok(());
    };
    let patient_id = if resource_type == "patient" {
        Some(id)
    } else {
        uuid_at("patientId")
    };
    let context = AuditContext {
        actor: principal.user_id,
        session: principal.session_id,
        origin: Origin::of(request.request())?,
    };
    let event = NewAuditEvent {
        action: AuditAction::Read,
        resource_type,
        resource_id: id,
        patient_id,
        outcome: AuditOutcome::Success,
        detail: None,
    };
    log.0.record(&context, event).await?;
    Ok(())
}

/// The record a keyed route's answer shows, for the routes of patient data.
fn record_made_by(route: &str) -> Option<&'static str> {
    match route {
        "/api/v1/patients" | "/api/v1/patients/{id}/archive" => Some("patient"),
        "/api/v1/patients/{id}/notes"
        | "/api/v1/notes/{id}/addenda"
        | "/api/v1/notes/{id}/sign" => Some("note"),
        "/api/v1/appointments" => Some("appointment"),
        "/api/v1/patients/{id}/problems" => Some("problem"),
        "/api/v1/patients/{id}/allergies" => Some("allergy"),
        "/api/v1/patients/{id}/medications" => Some("medication"),
        "/api/v1/patients/{id}/vitals" => Some("vitals"),
        "/api/v1/patients/{id}/immunizations" => Some("immunization"),
        _ => None,
    }
}

fn replay(stored: StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.insert_header((name, value));
        }
    }
    response.insert_header((REPLAYED_HEADER, HeaderValue::from_static("true")));
    response.body(stored.body)
}
