//! Conditional writes: a row changes only at the version the writer read.

use chrono::{DateTime, Utc};
use domain::audit::{AuditContext, NewAuditEvent};
use domain::locks::FencingToken;
use domain::{DomainError, Version};
use sea_orm::sea_query::{Alias, Condition, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, UpdateMany,
};
use uuid::Uuid;

use crate::audit;
use crate::connection::Connection;
use crate::error::{stale, StoreError, StoreResult};

/// A table whose rows carry an `id` and a `version`.
pub trait VersionedEntity: EntityTrait {
    const RESOURCE: &'static str;
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
    /// The column of the largest fencing number that wrote a row, if the table is
    /// lockable.
    fn fence_column() -> Option<Self::Column>;
}

/// Declares the sea-orm entity of `module` (with `id` and `version` columns) a
/// [`VersionedEntity`] named `resource` in errors.
/// With `fenced`, its `fence` column keeps the largest fencing number that wrote it.
macro_rules! versioned_entity {
    ($module:ident, $resource:expr) => {
        $crate::versioned::versioned_entity!(@impl $module, $resource, None);
    };
    ($module:ident, $resource:expr, fenced) => {
        $crate::versioned::versioned_entity!(@impl $module, $resource, Some($module::Column::Fence));
    };
    (@impl $module:ident, $resource:expr, $fence:expr) => {
        impl $crate::versioned::VersionedEntity for $module::Entity {
            const RESOURCE: &'static str = $resource;

            fn id_column() -> $module::Column {
                $module::Column::Id
            }

            fn version_column() -> $module::Column {
                $module::Column::Version
            }

            fn fence_column() -> Option<$module::Column> {
                $fence
            }
        }
    };
}
pub(crate) use versioned_entity;

/// Applies `update` to row `id` only if it is still at `expected` and, for a write
/// under a lock, no holder with a larger fencing number has written it since, moving
/// it to the next version, in one statement: no other node's write can fall between the
/// checks and the write. A missed write answers `LockLost` when a later lock holder
/// wrote the row, else `PreconditionFailed` with the version actually stored, or
/// `NotFound` when the row is gone.
pub async fn update_at_version<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    update: UpdateMany<E>,
    id: Uuid,
    expected: Version,
    fence: Option<FencingToken>,
) -> StoreResult<Version> {
    let result = at_version(update, id, expected, fence)?
        .exec(connection)
        .await?;
    if result.rows_affected > 0 {
        return Ok(expected.next());
    }
    Err(why_missed::<E>(connection, id, fence).await)
}

/// [`update_at_version`] with `event` recorded, as `context`'s at `now`, when the row
/// changes: one statement, which is atomic without a transaction (PostgreSQL only:
/// SQLite cannot write inside a common table expression).
pub(crate) async fn update_at_version_audited<E: VersionedEntity>(
    connection: &Connection,
    context: &AuditContext,
    (update, id, expected, fence): (UpdateMany<E>, Uuid, Version, Option<FencingToken>),
    event: &NewAuditEvent,
    now: DateTime<Utc>,
) -> StoreResult<Version> {
    const UPDATED: &str = "updated";
    let update = at_version(update, id, expected, fence)?
        .into_query()
        .returning_col(E::id_column())
        .to_owned();
    let then = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(UPDATED))
        .to_owned();
    let statement = audit::recorded_with_row(UPDATED, update, context, event, Some(now), then)?;
    let backend = connection.get_database_backend();
    let rows = connection.write_alone(backend.build(&statement)).await?;
    if !rows.is_empty() {
        return Ok(expected.next());
    }
    Err(why_missed::<E>(connection, id, fence).await)
}

fn at_version<E: VersionedEntity>(
    mut update: UpdateMany<E>,
    id: Uuid,
    expected: Version,
    fence: Option<FencingToken>,
) -> StoreResult<UpdateMany<E>> {
    if let Some(fence) = fence {
        let column = E::fence_column()
            .ok_or_else(|| StoreError::internal(format!("{} rows take no lock", E::RESOURCE)))?;
        update = update.col_expr(column, Expr::value(fence.get())).filter(
            Condition::any()
                .add(column.is_null())
                .add(column.lte(fence.get())),
        );
    }
    Ok(update
        .col_expr(E::version_column(), Expr::value(expected.next().get()))
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(expected.get())))
}

/// Why a write at a version changed no row.
async fn why_missed<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    id: Uuid,
    fence: Option<FencingToken>,
) -> StoreError {
    let found = async {
        if let (Some(fence), Some(column)) = (fence, E::fence_column()) {
            let written_by_a_later_holder = E::find()
                .select_only()
                .column(E::id_column())
                .filter(E::id_column().eq(id))
                .filter(column.gt(fence.get()))
                .into_tuple::<Uuid>()
                .one(connection)
                .await?
                .is_some();
            if written_by_a_later_holder {
                return Ok(DomainError::LockLost.into());
            }
        }
        let version = E::find()
            .select_only()
            .column(E::version_column())
            .filter(E::id_column().eq(id))
            .into_tuple::<i64>()
            .one(connection)
            .await?;
        Ok::<StoreError, StoreError>(match version {
            Some(version) => stale(version),
            None => DomainError::NotFound {
                resource: E::RESOURCE,
            }
            .into(),
        })
    };
    found.await.unwrap_or_else(|error| error)
}

/// An update that writes every column of `row` but its key, its version and the
/// columns in `unchanging` (a creation time, an MRN), which no change may touch.
pub fn update_whole_row<E: VersionedEntity>(
    row: E::ActiveModel,
    unchanging: &[E::Column],
) -> UpdateMany<E>
where
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    // why: a model converted from a row holds `Unchanged` values, which an update
    // leaves out; reset_all marks every column as set.
    let mut row = row.reset_all();
    row.not_set(E::id_column());
    row.not_set(E::version_column());
    // why: the fence moves only with a write under a lock, in update_at_version.
    if let Some(fence) = E::fence_column() {
        row.not_set(fence);
    }
    for column in unchanging {
        row.not_set(*column);
    }
    E::update_many().set(row)
}
