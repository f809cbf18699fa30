use actix_web::{get, web};
use domain::auth::Accounts;

use super::dto::UserBody;
use crate::auth::{Authorized, ManageUsers};
use crate::error::{ApiError, Problem};
use crate::http::{PageBody, PageQuery};

/// Every user account, in creation order, a page at a time.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of users", body = PageBody<UserBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn list_users(
    caller: Authorized<ManageUsers>,
    query: web::Query<PageQuery>,
    accounts: web::Data<Accounts>,
) -> Result<web::Json<PageBody<UserBody>>, ApiError> {
    let page = accounts.list(&caller.principal, query.parse()?).await?;
    Ok(web::Json(PageBody::from_page(page, UserBody::from)))
}
