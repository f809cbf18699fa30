use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chart_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    /// `allergy`, `medication`, `vitals` or `immunization`.
    pub kind: String,
    pub status: String,
    /// When a vitals set was taken.
    pub observed_at: Option<DateTimeUtc>,
    /// What the entry states, as JSON ([`domain::chart::entries::EntryDetails`]).
    #[sea_orm(column_type = "Text")]
    pub details: String,
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
