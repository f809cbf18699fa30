use actix_web::{get, web};
use domain::patients::Patients;
use domain::PageRequest;

use super::dto::{PatientBody, PatientSearchQuery};
use crate::error::{ApiError, Problem};
use crate::http::{Caller, Cursor, PageBody};

/// Find patients by name prefix, date of birth or MRN, in registration order.
#[utoipa::path(
    tag = "patients",
    security(("bearer" = [])),
    params(PatientSearchQuery),
    responses(
        (status = 200, description = "A page of patients", body = PageBody<PatientBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read patients", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filters", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("")]
pub async fn search_patients(
    caller: Caller,
    query: web::Query<PatientSearchQuery>,
    patients: web::Data<Patients>,
) -> Result<web::Json<PageBody<PatientBody>>, ApiError> {
    let search = query.parse(chrono::Utc::now().date_naive())?;
    let page = PageRequest::new(
        query.limit,
        query.cursor.as_deref().map(Cursor::decode).transpose()?,
    )?;
    let found = patients
        .search(&caller.principal, &caller.audit, search, page)
        .await?;
    Ok(web::Json(PageBody::from_page(found, PatientBody::from)))
}
