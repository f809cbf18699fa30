crate::id_type!(
    /// A user account's id.
    UserId
);
crate::id_type!(
    /// A session's id; also the `sid` claim of its access tokens.
    SessionId
);
