use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::{DomainError, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `?limit=&cursor=` of a list endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page; absent for the first page.
    // why: a cursor is 16 bytes in unpadded base64url: 22 characters, the last of which
    // carries 2 bits, so that every string the pattern allows is a cursor.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// An opaque position in a list: the last item's id, base64url-encoded.
pub struct Cursor;

impl Cursor {
    pub fn encode(after: Uuid) -> String {
        URL_SAFE_NO_PAD.encode(after.as_bytes())
    }

    pub fn decode(text: &str) -> Result<Uuid, DomainError> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| Uuid::from_slice(&bytes).ok())
            .ok_or_else(|| DomainError::invalid("cursor", "is not a cursor this API issued"))
    }
}

impl PageQuery {
    pub fn parse(&self) -> Result<PageRequest, DomainError> {
        let after = self.cursor.as_deref().map(Cursor::decode).transpose()?;
        PageRequest::new(self.limit, after)
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageBody<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> PageBody<T> {
    pub fn from_page<U>(page: domain::Page<U>, f: impl FnMut(U) -> T) -> Self {
        let next_cursor = page.next_after.map(Cursor::encode);
        Self {
            items: page.items.into_iter().map(f).collect(),
            next_cursor,
        }
    }
}
