//! Conditional writes: a row changes only at the version the writer read.

use domain::{DomainError, Version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    UpdateMany,
};
use uuid::Uuid;

use crate::error::{stale, StoreResult};

/// A table whose rows carry an `id` and a `version`.
pub trait VersionedEntity: EntityTrait {
    const RESOURCE: &'static str;
    fn id_column() -> Self::Column;
    fn version_column() -> Self::Column;
}

/// Declares the sea-orm entity of `module` (with `id` and `version` columns) a
/// [`VersionedEntity`] named `resource` in errors.
macro_rules! versioned_entity {
    ($module:ident, $resource:expr) => {
        impl $crate::versioned::VersionedEntity for $module::Entity {
            const RESOURCE: &'static str = $resource;

            fn id_column() -> $module::Column {
                $module::Column::Id
            }

            fn version_column() -> $module::Column {
                $module::Column::Version
            }
        }
    };
}
pub(crate) use versioned_entity;

/// Applies `update` to row `id` only if it is still at `expected`, moving it to the next
/// version, in one statement: no other node's write can fall between the check and the
/// write. A missed write answers `PreconditionFailed` with the version actually stored,
/// or `NotFound` when the row is gone.
pub async fn update_at_version<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    update: UpdateMany<E>,
    id: Uuid,
    expected: Version,
) -> StoreResult<Version> {
    let next = expected.next();
    let result = update
        .col_expr(E::version_column(), Expr::value(next.get()))
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(expected.get()))
        .exec(connection)
        .await?;
    if result.rows_affected > 0 {
        return Ok(next);
    }
    let stored = E::find()
        .select_only()
        .column(E::version_column())
        .filter(E::id_column().eq(id))
        .into_tuple::<i64>()
        .one(connection)
        .await?;
    match stored {
        Some(version) => Err(stale(version)),
        None => Err(DomainError::NotFound {
            resource: E::RESOURCE,
        }
        .into()),
    }
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
    for column in unchanging {
        row.not_set(*column);
    }
    E::update_many().set(row)
}
