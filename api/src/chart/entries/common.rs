//! What every chart list's endpoints share: a response carries the entry's `ETag` (and,
//! when created, its `Location`); a single entry's `GET` shows its lock.

use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use domain::chart::entries::{
    ChartEntries, ChartEntry, ChartEntryId, EntryInput, EntryKind, EntryQuery,
};
use domain::locks::{LockGate, LockToken, LockedResource};
use domain::patients::PatientId;
use domain::Version;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::{etag, versioned_ok, Caller, PageBody};
use crate::locks::dto::{shown_to, LockBody};

/// A list's response body, made from an entry of that list.
pub trait EntryBody: Serialize + ToSchema + Sized {
    const KIND: EntryKind;

    /// `None` when the entry is of another list.
    fn from_entry(entry: ChartEntry) -> Option<Self>;

    fn with_lock(self, lock: Option<LockBody>) -> Self;
}

/// Implements [`EntryBody`] for a list's body, made by its `new` from the details of
/// the list named by `$variant` (of [`EntryKind`] and `EntryDetails` alike).
macro_rules! entry_body {
    ($body:ident, $variant:ident) => {
        impl $crate::chart::entries::common::EntryBody for $body {
            const KIND: domain::chart::entries::EntryKind =
                domain::chart::entries::EntryKind::$variant;

            fn from_entry(entry: domain::chart::entries::ChartEntry) -> Option<Self> {
                match entry.details.clone() {
                    domain::chart::entries::EntryDetails::$variant(details) => {
                        Some(Self::new(&entry, details))
                    }
                    _ => None,
                }
            }

            fn with_lock(self, lock: Option<$crate::locks::dto::LockBody>) -> Self {
                Self { lock, ..self }
            }
        }
    };
}
pub(crate) use entry_body;

pub(crate) fn body_of<B: EntryBody>(entry: ChartEntry) -> Result<B, ApiError> {
    let id = entry.id;
    B::from_entry(entry).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "chart entry {id} is not a {}",
            B::KIND.as_str()
        ))
    })
}

fn entry_response<B: EntryBody>(
    status: StatusCode,
    entry: ChartEntry,
) -> Result<HttpResponse, ApiError> {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(entry.version)));
    if status == StatusCode::CREATED {
        response.insert_header((
            LOCATION,
            format!("/api/v1/{}/{}", B::KIND.plural(), entry.id),
        ));
    }
    Ok(response.json(body_of::<B>(entry)?))
}

pub async fn record<B: EntryBody>(
    caller: &Caller,
    patient: PatientId,
    input: EntryInput,
    entries: &ChartEntries,
) -> Result<HttpResponse, ApiError> {
    let entry = entries
        .record(&caller.principal, &caller.audit, patient, input)
        .await?;
    entry_response::<B>(StatusCode::CREATED, entry)
}

pub async fn get<B: EntryBody>(
    caller: &Caller,
    id: ChartEntryId,
    entries: &ChartEntries,
    locks: &LockGate,
) -> Result<HttpResponse, ApiError> {
    let entry = entries
        .get(&caller.principal, &caller.audit, B::KIND, id)
        .await?;
    let lock = locks
        .shown_holder(LockedResource::ChartEntry(B::KIND, entry.id))
        .await?;
    let version = entry.version;
    let body = body_of::<B>(entry)?.with_lock(shown_to(lock, caller.principal.session_id));
    Ok(versioned_ok(version, body))
}

pub async fn list<B: EntryBody>(
    caller: &Caller,
    patient: PatientId,
    query: EntryQuery,
    entries: &ChartEntries,
) -> Result<web::Json<PageBody<B>>, ApiError> {
    let page = entries
        .list(&caller.principal, &caller.audit, patient, B::KIND, query)
        .await?;
    let items = page
        .items
        .into_iter()
        .map(body_of::<B>)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(web::Json(PageBody::from_page(
        domain::Page {
            items,
            next_after: page.next_after,
        },
        |body| body,
    )))
}

pub async fn revise<B: EntryBody>(
    caller: &Caller,
    id: ChartEntryId,
    expected: Version,
    lock: Option<LockToken>,
    input: EntryInput,
    entries: &ChartEntries,
) -> Result<HttpResponse, ApiError> {
    let entry = entries
        .revise(&caller.principal, &caller.audit, id, expected, lock, input)
        .await?;
    entry_response::<B>(StatusCode::OK, entry)
}
