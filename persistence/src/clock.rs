//! The database's clock: every expiry is judged by it, so nodes with skewed clocks agree.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, QuerySelect, QueryTrait,
    Select, Statement,
};

use crate::error::{StoreError, StoreResult};

/// The current instant by the database server's clock. An embedded SQLite database
/// runs in this process, so its clock is this machine's: no query needed, and a
/// transaction does not begin with a read (which SQLite could not upgrade to a write
/// while another writer commits).
pub async fn database_now(connection: &impl ConnectionTrait) -> StoreResult<DateTime<Utc>> {
    let backend = connection.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "SELECT CAST(CURRENT_TIMESTAMP AS TEXT) AS now",
        _ => return Ok(Utc::now()),
    };
    let row = connection
        .query_one(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| StoreError::internal("the clock query returned no row"))?;
    let text: String = row.try_get("", "now")?;
    parse_timestamp(&text)
}

/// The row `select` finds, if any, with the database's clock read in the same statement:
/// one round trip where [`database_now`] and a read would take two.
pub async fn one_with_database_now<E>(
    connection: &impl ConnectionTrait,
    select: Select<E>,
) -> StoreResult<Option<(E::Model, DateTime<Utc>)>>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    const NOW: &str = "database_now";
    let backend = connection.get_database_backend();
    if backend != DatabaseBackend::Postgres {
        let row = select.one(connection).await?;
        return Ok(row.map(|row| (row, Utc::now())));
    }
    let statement = select
        .column_as(Expr::cust("CAST(CURRENT_TIMESTAMP AS TEXT)"), NOW)
        .build(backend);
    let Some(row) = connection.query_one(statement).await? else {
        return Ok(None);
    };
    let text: String = row.try_get("", NOW)?;
    Ok(Some((
        E::Model::from_query_result(&row, "")?,
        parse_timestamp(&text)?,
    )))
}

/// A std duration as chrono's, for arithmetic on database instants.
pub fn span(duration: std::time::Duration) -> StoreResult<chrono::Duration> {
    chrono::Duration::from_std(duration).map_err(|error| StoreError::Other(error.into()))
}

fn parse_timestamp(text: &str) -> StoreResult<DateTime<Utc>> {
    // PostgreSQL prints `2026-11-26 06:45:35.123456+00`; SQLite as asked, RFC 3339.
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| {
            StoreError::internal(format!("unreadable database time {text:?}: {error}"))
        })
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn postgres_time_formats_parse() {
        let utc = parse_timestamp("2026-11-26 06:45:35.123456+00").unwrap();
        let offset = parse_timestamp("2026-11-26 07:45:35.123456+01").unwrap();
        let rfc3339 = parse_timestamp("2026-11-26T06:45:35.123Z").unwrap();
        assert_eq!(utc.timestamp(), offset.timestamp());
        assert_eq!(utc.timestamp(), rfc3339.timestamp());
    }
}
