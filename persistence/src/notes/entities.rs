pub mod notes {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "clinical_notes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub patient_id: Uuid,
        pub author_id: Uuid,
        pub appointment_id: Option<Uuid>,
        #[sea_orm(column_type = "Text")]
        pub subjective: String,
        #[sea_orm(column_type = "Text")]
        pub objective: String,
        #[sea_orm(column_type = "Text")]
        pub assessment: String,
        #[sea_orm(column_type = "Text")]
        pub plan: String,
        pub status: String,
        pub signed_by: Option<Uuid>,
        pub signed_at: Option<DateTimeUtc>,
        pub version: i64,
        /// The largest fencing number that wrote the row.
        pub fence: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod addenda {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "note_addenda")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub note_id: Uuid,
        pub author_id: Uuid,
        #[sea_orm(column_type = "Text")]
        pub text: String,
        pub created_at: DateTimeUtc,
        /// The fencing number of the lock it was added under, if any.
        pub fence: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
