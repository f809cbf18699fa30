use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Liveness {
    /// Always `alive`: an answer at all is the signal.
    #[schema(example = "alive")]
    status: &'static str,
}

/// Is the process up? Touches no dependency, so a database outage does not get
/// healthy nodes restarted.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is up", body = Liveness)),
)]
#[get("/health/live")]
pub async fn live() -> web::Json<Liveness> {
    web::Json(Liveness { status: "alive" })
}
