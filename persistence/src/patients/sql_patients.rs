use async_trait::async_trait;
use domain::audit::{AuditAction, AuditContext, NewAuditEvent};
use domain::patients::{
    Address, BirthDate, CountryCode, Email, EmergencyContact, Mrn, Patient, PatientDetails,
    PatientId, PatientRepository, PatientSearch, PersonName, Phone, Sex,
};
use domain::{DomainError, Page, PageRequest, Version};
use sea_orm::sea_query::{Condition, Expr, LikeExpr};
use sea_orm::{
    ActiveValue, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::entity::{self, Column, Entity, Model};
use crate::audit;
use crate::clock::database_now;
use crate::error::{internal, stale};
use crate::retry::retry_when_busy;

/// [`PatientRepository`] on the SQL database; every call is one transaction holding the
/// work and its audit events.
pub struct SqlPatientRepository {
    connection: DatabaseConnection,
}

const RESOURCE: &str = "patient";
/// Attempts at a fresh MRN before giving up: with 32^8 codes, more than one is rare.
const MRN_ATTEMPTS: usize = 5;

impl SqlPatientRepository {
    pub fn new(connection: DatabaseConnection) -> Self {
        Self { connection }
    }

    async fn begin(&self) -> Result<DatabaseTransaction, DomainError> {
        self.connection.begin().await.map_err(internal)
    }
}

fn event(action: AuditAction, id: Uuid) -> NewAuditEvent {
    NewAuditEvent {
        action,
        resource_type: RESOURCE,
        resource_id: id,
        patient_id: Some(id),
    }
}

/// Sets every column a change may touch from `details`.
fn apply(model: &mut entity::ActiveModel, details: &PatientDetails) -> Result<(), DomainError> {
    let optional = |value: Option<&str>| ActiveValue::Set(value.map(str::to_owned));
    model.given_name = ActiveValue::Set(details.given_name.as_str().to_owned());
    model.family_name = ActiveValue::Set(details.family_name.as_str().to_owned());
    model.given_name_search = ActiveValue::Set(details.given_name.search_key());
    model.family_name_search = ActiveValue::Set(details.family_name.search_key());
    model.birth_date = ActiveValue::Set(details.birth_date.date());
    model.sex = ActiveValue::Set(details.sex.as_str().to_owned());
    model.phone = optional(details.phone.as_ref().map(Phone::as_str));
    model.email = optional(details.email.as_ref().map(Email::as_str));
    model.address_lines =
        ActiveValue::Set(serde_json::to_string(&details.address.lines).map_err(internal)?);
    model.city = optional(details.address.city.as_deref());
    model.region = optional(details.address.region.as_deref());
    model.postal_code = optional(details.address.postal_code.as_deref());
    model.country = optional(details.address.country.as_ref().map(CountryCode::as_str));
    let contact = details.emergency_contact.as_ref();
    model.emergency_contact_name = optional(contact.map(|c| c.name.as_str()));
    model.emergency_contact_relationship =
        optional(contact.and_then(|c| c.relationship.as_deref()));
    model.emergency_contact_phone = optional(contact.map(|c| c.phone.as_str()));
    model.active = ActiveValue::Set(details.active);
    Ok(())
}

impl SqlPatientRepository {
    /// Applies a conditional change at `expected` and returns the new row, or the
    /// reason there is none. Runs inside `transaction`.
    async fn change(
        transaction: &DatabaseTransaction,
        id: PatientId,
        expected: Version,
        mut model: entity::ActiveModel,
    ) -> Result<Model, DomainError> {
        let now = database_now(transaction).await?;
        model.version = ActiveValue::Set(expected.next().get());
        model.updated_at = ActiveValue::Set(now);
        // why: one conditional statement; the version check cannot be separated from
        // the write by another node's write.
        let result = Entity::update_many()
            .set(model)
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::Version.eq(expected.get()))
            .exec(transaction)
            .await
            .map_err(internal)?;
        let row = Entity::find_by_id(id.as_uuid())
            .one(transaction)
            .await
            .map_err(internal)?
            .ok_or(DomainError::NotFound { resource: RESOURCE })?;
        if result.rows_affected == 0 {
            return Err(stale(row.version));
        }
        Ok(row)
    }
}

#[async_trait]
impl PatientRepository for SqlPatientRepository {
    async fn create(
        &self,
        context: &AuditContext,
        details: PatientDetails,
    ) -> Result<Patient, DomainError> {
        retry_when_busy(|| self.create_once(context, &details)).await
    }

    async fn get(
        &self,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Option<Patient>, DomainError> {
        retry_when_busy(|| self.get_once(context, id)).await
    }

    async fn update(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
        details: PatientDetails,
    ) -> Result<Patient, DomainError> {
        retry_when_busy(|| self.update_once(context, id, expected, &details)).await
    }

    async fn archive(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
    ) -> Result<Patient, DomainError> {
        retry_when_busy(|| self.archive_once(context, id, expected)).await
    }

    async fn search(
        &self,
        context: &AuditContext,
        search: PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError> {
        retry_when_busy(|| self.search_once(context, &search, page)).await
    }
}

/// Each operation as one transaction, run again by the trait's methods when SQLite is busy.
impl SqlPatientRepository {
    async fn create_once(
        &self,
        context: &AuditContext,
        details: &PatientDetails,
    ) -> Result<Patient, DomainError> {
        for _ in 0..MRN_ATTEMPTS {
            let transaction = self.begin().await?;
            let now = database_now(&transaction).await?;
            let id = Uuid::now_v7();
            let mut model = entity::ActiveModel {
                id: ActiveValue::Set(id),
                mrn: ActiveValue::Set(Mrn::generate().as_str().to_owned()),
                archived_at: ActiveValue::Set(None),
                version: ActiveValue::Set(Version::FIRST.get()),
                created_at: ActiveValue::Set(now),
                updated_at: ActiveValue::Set(now),
                ..Default::default()
            };
            apply(&mut model, details)?;
            match Entity::insert(model)
                .exec_without_returning(&transaction)
                .await
            {
                Ok(_) => {}
                Err(error)
                    if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
                {
                    // An MRN collision: the transaction is spoilt on PostgreSQL; start over.
                    transaction.rollback().await.map_err(internal)?;
                    continue;
                }
                Err(error) => return Err(internal(error)),
            }
            audit::record(&transaction, context, now, [event(AuditAction::Create, id)]).await?;
            let row = Entity::find_by_id(id)
                .one(&transaction)
                .await
                .map_err(internal)?
                .ok_or_else(|| internal(anyhow::anyhow!("a created patient vanished")))?;
            transaction.commit().await.map_err(internal)?;
            return to_patient(row);
        }
        Err(internal(anyhow::anyhow!(
            "no free MRN after {MRN_ATTEMPTS} attempts"
        )))
    }

    async fn get_once(
        &self,
        context: &AuditContext,
        id: PatientId,
    ) -> Result<Option<Patient>, DomainError> {
        let transaction = self.begin().await?;
        let Some(row) = Entity::find_by_id(id.as_uuid())
            .one(&transaction)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let now = database_now(&transaction).await?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Read, row.id)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_patient(row).map(Some)
    }

    async fn update_once(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
        details: &PatientDetails,
    ) -> Result<Patient, DomainError> {
        let transaction = self.begin().await?;
        let mut model = entity::ActiveModel::default();
        apply(&mut model, details)?;
        let row = Self::change(&transaction, id, expected, model).await?;
        audit::record(
            &transaction,
            context,
            row.updated_at,
            [event(AuditAction::Update, row.id)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_patient(row)
    }

    async fn archive_once(
        &self,
        context: &AuditContext,
        id: PatientId,
        expected: Version,
    ) -> Result<Patient, DomainError> {
        let transaction = self.begin().await?;
        let now = database_now(&transaction).await?;
        let model = entity::ActiveModel {
            archived_at: ActiveValue::Set(Some(now)),
            ..Default::default()
        };
        let row = Self::change(&transaction, id, expected, model).await?;
        audit::record(
            &transaction,
            context,
            now,
            [event(AuditAction::Archive, row.id)],
        )
        .await?;
        transaction.commit().await.map_err(internal)?;
        to_patient(row)
    }

    async fn search_once(
        &self,
        context: &AuditContext,
        search: &PatientSearch,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError> {
        let mut query = Entity::find().order_by_asc(Column::Id);
        if let Some(prefix) = &search.name_prefix {
            let pattern = format!("{}%", escape_like(&prefix.to_lowercase()));
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::col(Column::FamilyNameSearch)
                            .like(LikeExpr::new(pattern.clone()).escape('\\')),
                    )
                    .add(
                        Expr::col(Column::GivenNameSearch)
                            .like(LikeExpr::new(pattern).escape('\\')),
                    ),
            );
        }
        if let Some(birth_date) = search.birth_date {
            query = query.filter(Column::BirthDate.eq(birth_date.date()));
        }
        if let Some(mrn) = &search.mrn {
            query = query.filter(Column::Mrn.eq(mrn.as_str()));
        }
        if !search.include_archived {
            query = query.filter(Column::ArchivedAt.is_null());
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after));
        }
        let transaction = self.begin().await?;
        let rows = query
            .limit(u64::from(page.limit) + 1)
            .all(&transaction)
            .await
            .map_err(internal)?;
        let patients = rows
            .into_iter()
            .map(to_patient)
            .collect::<Result<Vec<_>, _>>()?;
        let page = Page::from_rows(patients, page, |patient| patient.id.as_uuid());
        let now = database_now(&transaction).await?;
        let events = page
            .items
            .iter()
            .map(|p| event(AuditAction::List, p.id.as_uuid()));
        audit::record(&transaction, context, now, events).await?;
        transaction.commit().await.map_err(internal)?;
        Ok(page)
    }
}

/// Whether `id` names a registered patient who is not archived.
pub(crate) async fn is_active_patient(
    connection: &impl sea_orm::ConnectionTrait,
    id: PatientId,
) -> Result<bool, DomainError> {
    let found = Entity::find_by_id(id.as_uuid())
        .filter(Column::ArchivedAt.is_null())
        .select_only()
        .column(Column::Id)
        .into_tuple::<Uuid>()
        .one(connection)
        .await
        .map_err(internal)?;
    Ok(found.is_some())
}

/// Escapes LIKE's wildcards so a search for `50%` finds that text, not everything.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn to_patient(row: Model) -> Result<Patient, DomainError> {
    let corrupt = |what: &str, why: String| {
        internal(anyhow::anyhow!(
            "patient {} has an unreadable {what}: {why}",
            row.id
        ))
    };
    let lines: Vec<String> =
        serde_json::from_str(&row.address_lines).map_err(|e| corrupt("address", e.to_string()))?;
    let address = Address::parse(
        &lines,
        row.city.as_deref(),
        row.region.as_deref(),
        row.postal_code.as_deref(),
        row.country.as_deref(),
    )
    .map_err(|errors| corrupt("address", format!("{errors:?}")))?;
    let emergency_contact = match (&row.emergency_contact_name, &row.emergency_contact_phone) {
        (Some(name), Some(phone)) => Some(
            EmergencyContact::parse(name, row.emergency_contact_relationship.as_deref(), phone)
                .map_err(|errors| corrupt("emergency contact", format!("{errors:?}")))?,
        ),
        _ => None,
    };
    let details = PatientDetails {
        given_name: PersonName::parse(&row.given_name).map_err(|e| corrupt("given name", e))?,
        family_name: PersonName::parse(&row.family_name).map_err(|e| corrupt("family name", e))?,
        birth_date: BirthDate::from_stored(row.birth_date),
        sex: Sex::parse(&row.sex).map_err(|e| corrupt("sex", e))?,
        phone: row
            .phone
            .as_deref()
            .map(Phone::parse)
            .transpose()
            .map_err(|e| corrupt("phone", e))?,
        email: row
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(|e| corrupt("email", e))?,
        address,
        emergency_contact,
        active: row.active,
    };
    Ok(Patient {
        id: PatientId::from_uuid(row.id),
        mrn: Mrn::parse(&row.mrn).map_err(|e| corrupt("MRN", e))?,
        details,
        archived: row.archived_at.is_some(),
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
