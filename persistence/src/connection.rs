//! The pool as repositories see it: within a request, every statement waits for its
//! connection within the request's wait budget (see [`crate::wait_budget`]).
//!
//! sea-orm takes a connection from the pool inside each statement, so the wait cannot be
//! bounded apart from the statement. Within a request, a statement outside a unit of
//! work therefore runs in a transaction of its own: the budget bounds `BEGIN`, which
//! waits for the connection, and never the statement, so a statement is either never sent
//! or runs to its end, as it would have on its own. Outside a request it runs as is.

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, Statement, TransactionTrait,
};

use crate::wait_budget;

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
        wait_budget::wait_for(self.pool.begin())
            .await
            .unwrap_or(Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))
    }

    /// Checks that the database answers, once a connection is free.
    pub async fn ping(&self) -> Result<(), DbErr> {
        wait_budget::wait_for(self.pool.ping())
            .await
            .unwrap_or(Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)))
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Connection {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        if !wait_budget::applies() {
            return self.pool.execute(statement).await;
        }
        let transaction = self.begin().await?;
        let result = transaction.execute(statement).await?;
        transaction.commit().await?;
        Ok(result)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        if !wait_budget::applies() {
            return self.pool.execute_unprepared(sql).await;
        }
        let transaction = self.begin().await?;
        let result = transaction.execute_unprepared(sql).await?;
        transaction.commit().await?;
        Ok(result)
    }

    async fn query_one(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        if !wait_budget::applies() {
            return self.pool.query_one(statement).await;
        }
        let transaction = self.begin().await?;
        let row = transaction.query_one(statement).await?;
        transaction.commit().await?;
        Ok(row)
    }

    async fn query_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if !wait_budget::applies() {
            return self.pool.query_all(statement).await;
        }
        let transaction = self.begin().await?;
        let rows = transaction.query_all(statement).await?;
        transaction.commit().await?;
        Ok(rows)
    }
}
