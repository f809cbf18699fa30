use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problems")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub description: String,
    pub code_system: Option<String>,
    pub code: Option<String>,
    pub onset: Option<Date>,
    pub status: String,
    pub resolved_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub recorded_by: Uuid,
    pub version: i64,
    /// The largest fencing number that wrote the row.
    pub fence: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
