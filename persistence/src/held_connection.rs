//! One PostgreSQL connection for all of a request's reads.
//!
//! sqlx pings a connection each time it returns to the pool (a `Sync`, a round trip to
//! the server), so a request whose statements each take a connection of their own pays
//! a round trip more per statement. Inside a request, reads outside a transaction share
//! one connection instead, taken at the first and returned when the request ends: one
//! ping a request. A transaction never waits for a second connection while the request
//! holds one (with every request doing so, a busy pool would never hand one out): the
//! held connection goes back to the pool first.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{DbErr, QueryResult, RuntimeErr, Statement, Values};
use sea_query_binder::SqlxValues;
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

tokio::task_local! {
    static HELD: RefCell<Option<Held>>;
}

struct Held {
    pool: PoolId,
    connection: PoolConnection<Postgres>,
}

/// Which pool a connection came from: a process may run several (tests start nodes
/// side by side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolId(u64);

impl PoolId {
    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Runs `work` (a request) with a slot for the connection its reads share.
pub(crate) async fn holding<F: Future>(work: F) -> F::Output {
    HELD.scope(RefCell::new(None), work).await
}

/// Returns the held connection to its pool: before the request takes another for a
/// transaction, or before it waits on something else (its body).
pub fn release() {
    let _ = HELD.try_with(|slot| slot.borrow_mut().take());
}

/// The request's connection from `pool`, taken from the pool if it holds none (or
/// outside a request, where it goes back after its statement).
pub(crate) async fn take(
    pool_id: PoolId,
    pool: &PgPool,
) -> Result<PoolConnection<Postgres>, DbErr> {
    let held = HELD
        .try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten();
    match held {
        Some(held) if held.pool == pool_id => Ok(held.connection),
        _ => pool
            .acquire()
            .await
            .map_err(|error| DbErr::Conn(RuntimeErr::SqlxError(error))),
    }
}

/// The rows `statement` returns, run on `connection`, which the request then keeps
/// for its next statement.
pub(crate) async fn run(
    pool_id: PoolId,
    mut connection: PoolConnection<Postgres>,
    statement: Statement,
) -> Result<Vec<QueryResult>, DbErr> {
    let values = statement.values.unwrap_or(Values(Vec::new()));
    let rows = sqlx::query_with(&statement.sql, SqlxValues(values))
        .fetch_all(&mut *connection)
        .await;
    match rows {
        Ok(rows) => {
            // why: a statement run alongside may have put its own back meanwhile;
            // then this one simply returns to the pool.
            let _ = HELD.try_with(|slot| {
                slot.borrow_mut().get_or_insert(Held {
                    pool: pool_id,
                    connection,
                });
            });
            Ok(rows.into_iter().map(QueryResult::from).collect())
        }
        // A failed connection is not kept for the request's next statement.
        Err(error) => Err(DbErr::Query(RuntimeErr::SqlxError(error))),
    }
}
