use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use domain::auth::{AuthService, Permission, Principal};
use domain::error::AuthFailure;
use domain::DomainError;
use futures_util::future::LocalBoxFuture;

use crate::error::ApiError;

/// Any signed-in caller. Checks the bearer token and that its session is live in the
/// shared store; a session revoked on another node is refused here on the next request.
///
/// Put it first among a handler's arguments: extractors run in order, and an anonymous
/// caller should hear 401 before anything about its body.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The idempotency middleware may have authenticated this request already.
        if let Some(principal) = request.extensions().get::<Principal>().cloned() {
            return Box::pin(async move { Ok(Authenticated(principal)) });
        }
        let auth = request.app_data::<web::Data<AuthService>>().cloned();
        let token = bearer_token(request);
        let body_coming = request.headers().contains_key(CONTENT_LENGTH)
            || request.headers().contains_key(TRANSFER_ENCODING);
        Box::pin(async move {
            let auth = auth.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("AuthService is not configured"))
            })?;
            let principal = auth.authenticate(&token?).await?;
            // why: actix extracts a handler's arguments together, so a body may still be
            // arriving; a slow client must not keep the session check's connection.
            if body_coming {
                persistence::release_held_connection();
            }
            tracing::Span::current().record("user_id", tracing::field::display(principal.user_id));
            Ok(Authenticated(principal))
        })
    }
}

pub fn bearer_token(request: &HttpRequest) -> Result<String, ApiError> {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .ok_or(DomainError::Unauthenticated(AuthFailure::MissingToken))?;
    let value = header
        .to_str()
        .map_err(|_| DomainError::Unauthenticated(AuthFailure::MalformedToken))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(DomainError::Unauthenticated(AuthFailure::MalformedToken))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(DomainError::Unauthenticated(AuthFailure::MalformedToken).into());
    }
    Ok(token.trim().to_owned())
}

/// A permission an endpoint requires, as a type: `Authorized<ManageUsers>`.
pub trait RequiredPermission {
    const PERMISSION: Permission;
}

/// Holders of [`Permission::ManageUsers`] (admins).
pub struct ManageUsers;

impl RequiredPermission for ManageUsers {
    const PERMISSION: Permission = Permission::ManageUsers;
}

/// A signed-in caller whose roles grant `P`: 401 without a valid session, 403 without
/// the permission.
pub struct Authorized<P> {
    pub principal: Principal,
    _permission: PhantomData<P>,
}

impl<P: RequiredPermission> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(request, payload);
        Box::pin(async move {
            let Authenticated(principal) = authenticated.await?;
            principal.require(P::PERMISSION)?;
            Ok(Authorized {
                principal,
                _permission: PhantomData,
            })
        })
    }
}
