use actix_web::body::SizedStream;
use actix_web::http::header::{
    ContentDisposition, DispositionParam, DispositionType, ACCEPT_RANGES, CONTENT_RANGE,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RANGE,
};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::documents::{Document, DocumentId, Documents, FileName};
use futures_util::StreamExt;
use persistence::{within_request_limits, RequestLimits};

use super::dto::FileBytes;
use crate::error::{ApiError, Problem};
use crate::http::{parse_range, ByteRange, Caller};

/// A document's bytes, streamed a chunk at a time; single byte ranges are served.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The document's id"),
        ("Range" = Option<String>, Header, description = "One byte range: bytes=a-b, bytes=a- or bytes=-n"),
        ("If-None-Match" = Option<String>, Header, description = "The content's ETag, for a 304"),
    ),
    responses(
        (status = 200, description = "The content, in the document's own media type", content_type = "*/*", body = FileBytes,
         headers(("ETag" = String, description = "The content's SHA-256"), ("Accept-Ranges" = String), ("Content-Disposition" = String))),
        (status = 206, description = "The requested range, in the document's own media type", content_type = "*/*", body = FileBytes,
         headers(("Content-Range" = String), ("ETag" = String, description = "The content's SHA-256"), ("Accept-Ranges" = String), ("Content-Disposition" = String))),
        (status = 304, description = "Unchanged since the ETag in If-None-Match", headers(("ETag" = String, description = "The content's SHA-256"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see documents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the content", body = Problem, content_type = "application/problem+json",
         headers(("Content-Range" = String, description = "`bytes */<size>`: the content's size"))),
    ),
)]
#[get("/{id}/content")]
pub async fn download_content(
    caller: Caller,
    id: web::Path<DocumentId>,
    request: HttpRequest,
    documents: web::Data<Documents>,
    limits: web::Data<RequestLimits>,
) -> Result<HttpResponse, ApiError> {
    let document = documents
        .get(&caller.principal, &caller.audit, id.into_inner())
        .await?;
    let etag = format!("\"{}\"", document.sha256);
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    if header(IF_NONE_MATCH).is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    }) {
        return Ok(HttpResponse::NotModified()
            .insert_header((ETAG, etag))
            .finish());
    }
    let size = document.size;
    let (status, range) = match parse_range(header(RANGE), size) {
        ByteRange::Whole => (StatusCode::OK, 0..size),
        ByteRange::Part(range) => (StatusCode::PARTIAL_CONTENT, range),
        ByteRange::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size }),
    };
    let length = range.end - range.start;
    let chunks = documents.content(&document, range.clone()).await?;
    // why: the body is read after the handler, and its middleware, have returned; each
    // chunk's read gets the request's limits again, so that a dead database ends a
    // download within them rather than after TCP gives up. A task reads ahead of the
    // client: the next chunks are fetched while the current one is sent.
    let limits = **limits;
    let (ahead, read) = tokio::sync::mpsc::channel(CHUNKS_AHEAD);
    actix_web::rt::spawn(async move {
        let mut chunks = chunks;
        while let Some(chunk) = within_request_limits(limits, chunks.next()).await {
            let failed = chunk.is_err();
            // A closed channel is a client gone: stop reading.
            if ahead.send(chunk).await.is_err() || failed {
                break;
            }
        }
    });
    let chunks = futures_util::stream::unfold(read, |mut read| async move {
        let chunk = read.recv().await?;
        Some((chunk, read))
    });
    let body = SizedStream::new(
        length,
        chunks.map(|chunk| {
            chunk
                .map(web::Bytes::from)
                .map_err(|error| actix_web::Error::from(ApiError::from(error)))
        }),
    );
    let mut response = HttpResponse::build(status);
    response
        .insert_header((CONTENT_TYPE, document.media_type.clone()))
        .insert_header((ETAG, etag))
        .insert_header((ACCEPT_RANGES, "bytes"))
        // why: should a browser open it anyway, an uploaded file runs no script and
        // reaches nothing of this origin.
        .insert_header((CONTENT_SECURITY_POLICY, "sandbox"))
        .insert_header(disposition(&document));
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((
            CONTENT_RANGE,
            format!("bytes {}-{}/{size}", range.start, range.end - 1),
        ));
    }
    Ok(response.body(body))
}

/// Chunks read ahead of a download's client, whatever the file's size: with the store's
/// own batches in flight, a download holds a few megabytes at most.
const CHUNKS_AHEAD: usize = 4;

/// `attachment` under the document's file name (the uploaded one, else its title with
/// the type's extension), safe in any client (RFC 6266): an ASCII fallback, and the
/// whole name percent-encoded as `filename*`, both cleaned by the domain.
fn disposition(document: &Document) -> ContentDisposition {
    let name = FileName::for_download(
        document.file_name.as_ref(),
        document.title.as_str(),
        &document.media_type,
    );
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(name.ascii_fallback()),
            DispositionParam::FilenameExt(actix_web::http::header::ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_str().as_bytes().to_vec(),
            }),
        ],
    }
}
