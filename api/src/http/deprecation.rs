use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, LINK};

/// An operation being retired: since when (RFC 9745's `@epoch-seconds`), after when it
/// may go (RFC 8594's HTTP date) and the path of what replaces it.
pub struct Retirement {
    pub since: &'static str,
    pub sunset: &'static str,
}

impl Retirement {
    /// Marks an answer of the retired operation: `Deprecation`, `Sunset` and a `Link`
    /// to `successor`.
    pub fn mark(&self, headers: &mut HeaderMap, successor: &str) {
        headers.insert(
            HeaderName::from_static("deprecation"),
            HeaderValue::from_static(self.since),
        );
        headers.insert(
            HeaderName::from_static("sunset"),
            HeaderValue::from_static(self.sunset),
        );
        if let Ok(link) =
            HeaderValue::from_str(&format!("<{successor}>; rel=\"successor-version\""))
        {
            headers.insert(LINK, link);
        }
    }
}
