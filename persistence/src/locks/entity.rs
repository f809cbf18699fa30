use sea_orm::entity::prelude::*;

/// A record lock: one row per locked record, the record's name as the key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_locks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub resource: String,
    pub token: Uuid,
    pub fencing: i64,
    pub holder_user_id: Uuid,
    pub holder_session_id: Uuid,
    pub holder_display_name: String,
    /// Milliseconds since the epoch, by the database's clock.
    pub acquired_at_ms: i64,
    pub expires_at_ms: i64,
    pub hold_until_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
