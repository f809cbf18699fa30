//! The public problem codes: the one list of every `code` a problem+json answer carries.

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $code:literal,)*) => {
        /// A stable, snake_case code that clients may switch on. Never change one once
        /// published; add a variant instead.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order the contract lists them.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// The request's path, query or a header is malformed.
    BadRequest => "bad_request",
    /// The request body is not valid JSON.
    MalformedJson => "malformed_json",
    /// The content does not match its `Content-Digest`.
    DigestMismatch => "digest_mismatch",
    /// No (or an unusable) access token, or its session has ended.
    Unauthenticated => "unauthenticated",
    /// A framework-level 401 with no more precise reason.
    Unauthorized => "unauthorized",
    /// The username or password is wrong.
    InvalidCredentials => "invalid_credentials",
    /// The caller may not do this.
    Forbidden => "forbidden",
    /// The named resource does not exist.
    NotFound => "not_found",
    /// No route matches the path.
    RouteNotFound => "route_not_found",
    /// The route exists but not with this method.
    MethodNotAllowed => "method_not_allowed",
    /// The answer cannot be given in an acceptable type.
    NotAcceptable => "not_acceptable",
    /// The client took too long to send the request.
    RequestTimeout => "request_timeout",
    /// The provider is already booked at that time.
    AppointmentConflict => "appointment_conflict",
    /// The appointment cannot move to that status, or be rescheduled from its status.
    InvalidTransition => "invalid_transition",
    /// A signed note never changes; add an addendum instead.
    NoteSigned => "note_signed",
    /// Addenda are for signed notes; a draft is changed directly.
    NoteNotSigned => "note_not_signed",
    /// The account's password was made for it (the first admin's): choose one's own
    /// with `PUT /api/v1/me/password`, then refresh the token.
    PasswordChangeRequired => "password_change_required",
    /// An administrator tried to change their own roles or deactivate their own
    /// account; another administrator must.
    OwnAdminRights => "own_admin_rights",
    /// The patient is archived: their record is kept, and nothing new is added to it.
    PatientArchived => "patient_archived",
    /// Another session holds the record's lock; the problem names the holder.
    Locked => "locked",
    /// The lock this change was made under expired, was broken, or passed to another.
    LockLost => "lock_lost",
    /// The patient has an active allergy that warns against the medication; the
    /// problem names it. Send `override.reason` to record it anyway.
    AllergyConflict => "allergy_conflict",
    /// "No known allergies" cannot be stated while an active allergy is on the list.
    AllergiesRecorded => "allergies_recorded",
    /// The patient already has a vitals set taken at that time.
    VitalsAlreadyRecorded => "vitals_already_recorded",
    /// The username is taken.
    UsernameTaken => "username_taken",
    /// A request with this `Idempotency-Key` is still being processed.
    IdempotencyKeyInUse => "idempotency_key_in_use",
    /// The record changed since the caller read it; the problem names `currentVersion`.
    PreconditionFailed => "precondition_failed",
    /// The body is larger than the limit.
    PayloadTooLarge => "payload_too_large",
    /// The URI is longer than the server accepts.
    UriTooLong => "uri_too_long",
    /// The body's media type is not accepted, or the content is not what it claims.
    UnsupportedMediaType => "unsupported_media_type",
    /// The requested range lies outside the content.
    RangeNotSatisfiable => "range_not_satisfiable",
    /// The body is JSON of the wrong shape.
    InvalidBody => "invalid_body",
    /// The input breaks the domain's rules; the problem lists each field.
    ValidationFailed => "validation_failed",
    /// This `Idempotency-Key` was used for a different request.
    IdempotencyKeyReused => "idempotency_key_reused",
    /// A change without `If-Match`.
    PreconditionRequired => "precondition_required",
    /// Too many failed attempts; see `Retry-After`.
    TooManyAttempts => "too_many_attempts",
    /// The request's headers are too large.
    HeadersTooLarge => "headers_too_large",
    /// The server failed; quote the `X-Request-Id`.
    InternalError => "internal_error",
    /// A dependency (database, Redis) does not answer.
    NotReady => "not_ready",
    /// The service is unavailable.
    ServiceUnavailable => "service_unavailable",
    /// Any other HTTP error.
    HttpError => "http_error",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_snake_case() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text} is not snake_case"
            );
        }
    }
}
