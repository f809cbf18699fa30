use async_trait::async_trait;
use domain::auth::{
    DisplayName, NewUser, PasswordHash, Role, Roles, Specialty, User, UserChanges, UserId,
    UserRecord, UserRepository, Username,
};
use domain::{DomainError, ErrorCode, Page, PageRequest, Version};
use sea_orm::sea_query::Expr;

use crate::connection::Connection;
use sea_orm::{
    ActiveValue, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::users::{self, Column, Entity};
use crate::clock::database_now;
use crate::error::{domain_result, StoreError, StoreResult};
use crate::unit_of_work::run;
use crate::versioned::{update_at_version, versioned_entity};

versioned_entity!(users, "user");

/// [`UserRepository`] on the SQL database.
pub struct SqlUserRepository {
    connection: Connection,
}

impl SqlUserRepository {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl UserRepository for SqlUserRepository {
    async fn create(
        &self,
        user: NewUser,
        password_hash: PasswordHash,
    ) -> Result<User, DomainError> {
        domain_result(async move {
            let now = database_now(&self.connection).await?;
            let id = Uuid::now_v7();
            let model = users::ActiveModel {
                id: ActiveValue::Set(id),
                username: ActiveValue::Set(user.username.as_str().to_owned()),
                display_name: ActiveValue::Set(user.display_name.as_str().to_owned()),
                password_hash: ActiveValue::Set(password_hash.as_str().to_owned()),
                roles: ActiveValue::Set(user.roles.to_csv()),
                specialty: ActiveValue::Set(user.specialty.as_ref().map(|s| s.as_str().to_owned())),
                active: ActiveValue::Set(true),
                password_change_required: ActiveValue::Set(user.password_change_required),
                version: ActiveValue::Set(Version::FIRST.get()),
                created_at: ActiveValue::Set(now),
                updated_at: ActiveValue::Set(now),
            };
            let inserted = Entity::insert(model)
                .exec_without_returning(&self.connection)
                .await
                .map_err(StoreError::from);
            match inserted {
                // why: the only unique key is the case-insensitive username.
                Err(error) if error.is_unique_violation() => {
                    return Err(DomainError::conflict(
                        ErrorCode::UsernameTaken,
                        format!("the username `{}` is taken", user.username),
                    )
                    .into());
                }
                other => other?,
            };
            let user = self.get_record(UserId::from_uuid(id)).await?;
            Ok(user
                .ok_or_else(|| StoreError::internal("a created user vanished"))?
                .user)
        })
        .await
    }

    async fn get(&self, id: UserId) -> Result<Option<User>, DomainError> {
        domain_result(async move { Ok(self.get_record(id).await?.map(|record| record.user)) }).await
    }

    async fn find_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, DomainError> {
        domain_result(async move {
            Entity::find()
                .filter(Column::Username.eq(username.as_str()))
                .one(&self.connection)
                .await?
                .map(to_record)
                .transpose()
        })
        .await
    }

    async fn get_record(&self, id: UserId) -> Result<Option<UserRecord>, DomainError> {
        domain_result(async move {
            Entity::find_by_id(id.as_uuid())
                .one(&self.connection)
                .await?
                .map(to_record)
                .transpose()
        })
        .await
    }

    async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError> {
        domain_result(async move {
            let mut query = Entity::find().order_by_asc(Column::Id);
            if let Some(after) = page.after {
                query = query.filter(Column::Id.gt(after));
            }
            let rows = query
                .limit(u64::from(page.limit) + 1)
                .all(&self.connection)
                .await?
                .into_iter()
                .map(|row| to_record(row).map(|record| record.user))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page::from_rows(rows, page, |user| user.id.as_uuid()))
        })
        .await
    }

    async fn update(
        &self,
        id: UserId,
        expected: Version,
        changes: UserChanges,
    ) -> Result<User, DomainError> {
        let changes = &changes;
        let user = run(&self.connection, |work| async move {
            let mut update =
                Entity::update_many().col_expr(Column::UpdatedAt, Expr::value(work.now()));
            if let Some(display_name) = &changes.display_name {
                update = update.col_expr(Column::DisplayName, Expr::value(display_name.as_str()));
            }
            if let Some(roles) = &changes.roles {
                update = update.col_expr(Column::Roles, Expr::value(roles.to_csv()));
            }
            if let Some(specialty) = &changes.specialty {
                update = update.col_expr(
                    Column::Specialty,
                    Expr::value(specialty.as_ref().map(|s| s.as_str().to_owned())),
                );
            }
            if let Some(active) = changes.active {
                update = update.col_expr(Column::Active, Expr::value(active));
            }
            if let Some(hash) = &changes.password_hash {
                update = update.col_expr(Column::PasswordHash, Expr::value(hash.as_str()));
            }
            if let Some(required) = changes.password_change_required {
                update = update.col_expr(Column::PasswordChangeRequired, Expr::value(required));
            }
            update_at_version(work.db(), update, id.as_uuid(), expected, None).await?;
            let row = Entity::find_by_id(id.as_uuid())
                .one(work.db())
                .await?
                .ok_or_else(|| StoreError::internal("an updated user vanished"))?;
            let user = to_record(row)?.user;
            Ok(work.done(user))
        })
        .await?;
        Ok(user)
    }

    async fn count(&self) -> Result<u64, DomainError> {
        domain_result(async move {
            Entity::find()
                .count(&self.connection)
                .await
                .map_err(StoreError::from)
        })
        .await
    }

    async fn providers(&self) -> Result<Vec<User>, DomainError> {
        domain_result(async move {
            let rows = Entity::find()
                .filter(Column::Active.eq(true))
                .filter(Column::Roles.contains(Role::Clinician.as_str()))
                .order_by_asc(Column::DisplayName)
                .order_by_asc(Column::Id)
                .all(&self.connection)
                .await?;
            let users = rows
                .into_iter()
                .map(|row| to_record(row).map(|record| record.user))
                .collect::<Result<Vec<_>, _>>()?;
            // The stored role list is matched as text; keep exact role holders only.
            Ok(users
                .into_iter()
                .filter(|user| user.roles.contains(Role::Clinician))
                .collect())
        })
        .await
    }
}

fn to_record(row: users::Model) -> StoreResult<UserRecord> {
    let corrupt = |what: &str, why: String| {
        StoreError::internal(format!("user {} has an unreadable {what}: {why}", row.id))
    };
    let user = User {
        id: UserId::from_uuid(row.id),
        username: Username::parse(&row.username).map_err(|e| corrupt("username", e))?,
        display_name: DisplayName::parse(&row.display_name)
            .map_err(|e| corrupt("display name", e))?,
        roles: Roles::from_csv(&row.roles).map_err(|e| corrupt("role list", e))?,
        specialty: row
            .specialty
            .as_deref()
            .map(Specialty::parse)
            .transpose()
            .map_err(|e| corrupt("specialty", e))?,
        active: row.active,
        password_change_required: row.password_change_required,
        version: Version::new(row.version)
            .ok_or_else(|| corrupt("version", row.version.to_string()))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    };
    Ok(UserRecord {
        user,
        password_hash: PasswordHash::from_stored(row.password_hash),
    })
}
