use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, uuid};
use crate::m20261126_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(uuid(Sessions::Id).primary_key())
                    .col(uuid(Sessions::UserId))
                    // SHA-256 (hex) of the current refresh token; the token itself is never stored.
                    .col(
                        ColumnDef::new(Sessions::RefreshTokenHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Sessions::PreviousRefreshTokenHash)
                            .string_len(64)
                            .null(),
                    )
                    // Per-session key from which each next refresh token is derived.
                    .col(
                        ColumnDef::new(Sessions::RefreshKey)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Sessions::Generation)
                            .big_integer()
                            .not_null(),
                    )
                    .col(timestamp(Sessions::CreatedAt))
                    .col(timestamp(Sessions::LastSeenAt))
                    .col(
                        ColumnDef::new(Sessions::RotatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp(Sessions::IdleExpiresAt))
                    .col(timestamp(Sessions::AbsoluteExpiresAt))
                    .col(
                        ColumnDef::new(Sessions::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Sessions::RevokedReason)
                            .string_len(32)
                            .null(),
                    )
                    .col(ColumnDef::new(Sessions::ClientIp).string_len(64).null())
                    .col(ColumnDef::new(Sessions::UserAgent).string_len(512).null())
                    .col(ColumnDef::new(Sessions::Version).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("sessions_user_id_fkey")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column, unique) in [
            (
                "sessions_refresh_token_hash_key",
                Sessions::RefreshTokenHash,
                true,
            ),
            (
                "sessions_previous_refresh_token_hash_idx",
                Sessions::PreviousRefreshTokenHash,
                false,
            ),
            ("sessions_user_id_idx", Sessions::UserId, false),
        ] {
            let mut index = Index::create();
            index.name(name).table(Sessions::Table).col(column);
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        // Every refresh token a session has spent, so that any of them presented again
        // is recognised as reuse (RFC 9700), not just the last one.
        manager
            .create_table(
                Table::create()
                    .table(SpentRefreshTokens::Table)
                    .col(
                        ColumnDef::new(SpentRefreshTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(uuid(SpentRefreshTokens::SessionId))
                    .col(timestamp(SpentRefreshTokens::SpentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("spent_refresh_tokens_session_id_fkey")
                            .from(SpentRefreshTokens::Table, SpentRefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SpentRefreshTokens {
    Table,
    TokenHash,
    SessionId,
    SpentAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    RefreshTokenHash,
    PreviousRefreshTokenHash,
    RefreshKey,
    Generation,
    CreatedAt,
    LastSeenAt,
    RotatedAt,
    IdleExpiresAt,
    AbsoluteExpiresAt,
    RevokedAt,
    RevokedReason,
    ClientIp,
    UserAgent,
    Version,
}
