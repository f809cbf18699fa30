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

use crate::request_limits;

#[derive(Debug, Clone)]
pub struct Connection {
    pool: DatabaseConnection,
}

impl Connection {
    pub(crate) fn new(pool: DatabaseConnection) -> Self {
        Self { pool }
    }

    /// Begins a transaction once a connection is free, within the request's budget.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
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
            return self.read(self.pool.query_one(statement)).await;
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
            return self.read(self.pool.query_all(statement)).await;
        }
        self.alone(|transaction| async move {
            let rows = transaction.query_all(statement).await?;
            transaction.commit().await?;
            Ok(rows)
        })
        .await
    }
}
