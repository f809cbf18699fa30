use actix_web::http::header::{ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use domain::auth::{
    DisplayName, NewUser, Password, Role, Roles, Specialty, User, UserChanges, Username,
};
use domain::error::FieldErrors;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::etag;

/// A role in the practice.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Admin,
    Clinician,
    FrontDesk,
    Billing,
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Role::Admin,
            RoleName::Clinician => Role::Clinician,
            RoleName::FrontDesk => Role::FrontDesk,
            RoleName::Billing => Role::Billing,
        }
    }
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleName::Admin,
            Role::Clinician => RoleName::Clinician,
            Role::FrontDesk => RoleName::FrontDesk,
            Role::Billing => RoleName::Billing,
        }
    }
}

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserBody {
    pub id: Uuid,
    /// Lower-case; unique regardless of case.
    pub username: String,
    pub display_name: String,
    pub roles: Vec<RoleName>,
    /// For clinicians: shown when booking.
    pub specialty: Option<String>,
    pub active: bool,
    /// Whether the account must change its password before anything else (a password
    /// someone else made for it).
    pub password_change_required: bool,
    /// Also the ETag; send it back in If-Match to change the account.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserBody {
    fn from(user: User) -> Self {
        Self {
            id: user.id.as_uuid(),
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.as_str().to_owned(),
            roles: user.roles.iter().map(RoleName::from).collect(),
            specialty: user.specialty.map(|s| s.as_str().to_owned()),
            active: user.active,
            password_change_required: user.password_change_required,
            version: user.version.get(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// A user as an answer: the body with its `ETag`.
pub fn user_response(status: StatusCode, user: User) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag(user.version)));
    if status == StatusCode::CREATED {
        response.insert_header((LOCATION, format!("/api/v1/users/{}", user.id)));
    }
    response.json(UserBody::from(user))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateUserRequest {
    #[schema(schema_with = crate::http::text_fields::username)]
    pub username: String,
    #[schema(schema_with = crate::http::text_fields::display_name)]
    pub display_name: String,
    #[schema(schema_with = crate::http::text_fields::new_password)]
    pub password: String,
    #[schema(min_items = 1)]
    pub roles: Vec<RoleName>,
    #[schema(schema_with = crate::http::text_fields::optional_specialty)]
    pub specialty: Option<String>,
    /// Whether the new user must change the password at first sign-in: `true` when left
    /// out, since the admin who made it knows it. `false` for an account whose password
    /// its owner chose (a service account).
    pub password_change_required: Option<bool>,
}

impl CreateUserRequest {
    pub fn parse(self) -> Result<(NewUser, Password), DomainError> {
        let mut errors = FieldErrors::default();
        let username = errors.take("username", Username::parse(&self.username));
        let display_name = errors.take("displayName", DisplayName::parse(&self.display_name));
        let password = errors.take("password", Password::parse(self.password));
        let roles = errors.take(
            "roles",
            Roles::new(self.roles.into_iter().map(Role::from).collect()),
        );
        let specialty = self
            .specialty
            .and_then(|raw| errors.take("specialty", Specialty::parse(&raw)));
        errors.into_result()?;
        match (username, display_name, password, roles) {
            (Some(username), Some(display_name), Some(password), Some(roles)) => Ok((
                NewUser {
                    username,
                    display_name,
                    roles,
                    specialty,
                    password_change_required: self.password_change_required.unwrap_or(true),
                },
                password,
            )),
            _ => Err(DomainError::internal(anyhow::anyhow!(
                "parsed fields went missing"
            ))),
        }
    }
}

/// A partial change; absent fields stay as they are. Deactivating an account or
/// changing its roles ends its sessions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateUserRequest {
    #[schema(schema_with = crate::http::text_fields::optional_display_name)]
    pub display_name: Option<String>,
    #[schema(min_items = 1)]
    pub roles: Option<Vec<RoleName>>,
    #[schema(schema_with = crate::http::text_fields::clearable_specialty)]
    pub specialty: Option<String>,
    pub active: Option<bool>,
}

impl UpdateUserRequest {
    pub fn parse(self) -> Result<UserChanges, DomainError> {
        let mut errors = FieldErrors::default();
        let display_name = self
            .display_name
            .and_then(|name| errors.take("displayName", DisplayName::parse(&name)));
        let roles = self.roles.and_then(|roles| {
            errors.take(
                "roles",
                Roles::new(roles.into_iter().map(Role::from).collect()),
            )
        });
        let specialty = self
            .specialty
            .and_then(|raw| errors.take("specialty", Specialty::parse_clearable(&raw)));
        errors.into_result()?;
        Ok(UserChanges {
            display_name,
            roles,
            specialty,
            active: self.active,
            password_hash: None,
            password_change_required: None,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(schema_with = crate::http::text_fields::new_password)]
    pub new_password: String,
}
