//! The pool as repositories see it: within a request, every statement waits for its
//! connection within the request's budget, and runs within its bound on database work
//! (see [`crate::request_limits`]).
//!
//! sea-orm takes a connection from the pool inside each statement, so the wait cannot be
//! bounded apart from the statement. Within a request, a read (`SELECT`) outside a unit
//! of work spends its whole time from the budget: abandoning a read changes nothing, and
//! reads are quick. Any other statement runs in a transaction of its own: the budget
//! bounds `BEGIN`, which waits for the connection, and the statement, with its commit,
//! has its own bound, so a write is never abandoned for having waited. Outside a request
//! every statement runs as is.

use std::future::Future;

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, RuntimeErr, Statement, TransactionTrait,
};

use crate::held_connection::{self, PoolId};
use crate::request_limits;

#[derive(Debug, Clone)]
pub struct Connection {
    pool: DatabaseConnection,
    /// The same pool, when it is PostgreSQL's: a request's reads share one of its
    /// connections (see [`held_connection`]).
    postgres: Option<(PoolId, sqlx::PgPool)>,
}

impl Connection {
    pub(crate) fn new(pool: DatabaseConnection) -> Self {
        let postgres = match &pool {
            DatabaseConnection::SqlxPostgresPoolConnection(_) => {
                Some((PoolId::next(), pool.get_postgres_connection_pool().clone()))
            }
            _ => None,
        };
        Self { pool, postgres }
    }

    /// Begins a transaction once a connection is free, within the request's budget.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        held_connection::release();
        // why: a `BEGIN` abandoned between being sent and being answered would leave its
        // connection in a transaction that no guard knows of, back in the pool. A task
        // of its own runs it to its end whatever the request does; a transaction the
        // request no longer waits for is dropped there, and so rolled back.
        let pool = self.pool.clone();
        let begun = tokio::spawn(async move { pool.begin().await });
        match request_limits::wait_for(begun).await {
            Some(Ok(begun)) => begun,
            Some(Err(failed)) => Err(DbErr::Custom(format!(
                "beginning a transaction failed: {failed}"
            ))),
            None => Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
        }
    }

    /// Checks that the database answers, once a connection is free.
    pub async fn ping(&self) -> Result<(), DbErr> {
        request_limits::wait_for(self.pool.ping())
            .await
            .unwrap_or(Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))
    }

    /// Runs one read within the request's budget.
    async fn read<T>(&self, read: impl Future<Output = Result<T, DbErr>>) -> Result<T, DbErr> {
        request_limits::wait_for(read)
            .await
            .unwrap_or(Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))
    }

    /// Runs one statement that reads and records that it read (an audited read). It
    /// writes, but is bounded like a read, by the request's budget: abandoned, it
    /// happened whole or not at all, and nobody was shown what it read (at worst the
    /// trail holds a read whose answer was a 503).
    pub(crate) async fn read_and_record(
        &self,
        statement: Statement,
    ) -> Result<Option<QueryResult>, DbErr> {
        if !request_limits::applies() {
            return self.pool.query_one(statement).await;
        }
        self.read(self.read_one(statement)).await
    }

    /// One row of a read, on the request's held connection where there is one.
    async fn read_one(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        Ok(self.read_all(statement).await?.into_iter().next())
    }

    async fn read_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.postgres {
            Some((id, pool)) => {
                let connection = held_connection::take(*id, pool).await?;
                held_connection::run(*id, connection, statement).await
            }
            None => self.pool.query_all(statement).await,
        }
    }

    /// Runs one statement that writes (a data-modifying common table expression, atomic
    /// on its own) and returns its rows, on the request's connection: the wait for it
    /// within the request's budget and the statement within its bound on work, so that
    /// a write is never abandoned for having waited. PostgreSQL only.
    pub(crate) async fn write_alone(
        &self,
        statement: Statement,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let Some((id, pool)) = &self.postgres else {
            return Err(DbErr::Custom(
                "a statement writing inside a common table expression needs PostgreSQL".into(),
            ));
        };
        if !request_limits::applies() {
            let connection = held_connection::take(*id, pool).await?;
            return held_connection::run(*id, connection, statement).await;
        }
        let connection = request_limits::wait_for(held_connection::take(*id, pool))
            .await
            .unwrap_or(Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))?;
        within_work_bound(held_connection::run(*id, connection, statement)).await
    }

    /// Runs one statement in a transaction of its own, within the request's limits.
    async fn alone<T, Fut>(
        &self,
        statement: impl FnOnce(DatabaseTransaction) -> Fut,
    ) -> Result<T, DbErr>
    where
        Fut: Future<Output = Result<T, DbErr>>,
    {
        let transaction = self.begin().await?;
        within_work_bound(statement(transaction)).await
    }
}

/// `work` within the request's bound on database work; past it, the connection counts
/// as lost.
async fn within_work_bound<T>(work: impl Future<Output = Result<T, DbErr>>) -> Result<T, DbErr> {
    request_limits::bounded_work(work).await.unwrap_or_else(|| {
        Err(DbErr::Conn(RuntimeErr::SqlxError(sqlx::Error::Io(
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the database did not answer within the request's bound",
            ),
        ))))
    })
}

/// Whether `statement` only reads: a `SELECT` (sea-orm writes `INSERT … RETURNING` and
/// the like through the query methods too).
fn is_read(statement: &Statement) -> bool {
    statement
        .sql
        .trim_start()
        .get(..7)
        .is_some_and(|start| start.eq_ignore_ascii_case("SELECT "))
}

#[async_trait::async_trait]
impl ConnectionTrait for Connection {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        if !request_limits::applies() {
            return self.pool.execute(statement).await;
        }
        self.alone(|transaction| async move {
            let result = transaction.execute(statement).await?;
            transaction.commit().await?;
            Ok(result)
        })
        .await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        if !request_limits::applies() {
            return self.pool.execute_unprepared(sql).await;
        }
        self.alone(|transaction| async move {
            let result = transaction.execute_unprepared(sql).await?;
            transaction.commit().await?;
            Ok(result)
        })
        .await
    }

    async fn query_one(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        if !request_limits::applies() {
            return self.pool.query_one(statement).await;
        }
        if is_read(&statement) {
            return self.read(self.read_one(statement)).await;
        }
        self.alone(|transaction| async move {
            let row = transaction.query_one(statement).await?;
            transaction.commit().await?;
            Ok(row)
        })
        .await
    }

    async fn query_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if !request_limits::applies() {
            return self.pool.query_all(statement).await;
        }
        if is_read(&statement) {
            return self.read(self.read_all(statement)).await;
        }
        self.alone(|transaction| async move {
            let rows = transaction.query_all(statement).await?;
            transaction.commit().await?;
            Ok(rows)
        })
        .await
    }
}
