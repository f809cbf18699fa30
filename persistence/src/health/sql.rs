use async_trait::async_trait;
use domain::health::HealthProbe;

use crate::connection::Connection;

/// Probes the SQL database with a ping on a pooled connection.
pub struct SqlProbe {
    connection: Connection,
}

impl SqlProbe {
    pub fn new(connection: Connection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl HealthProbe for SqlProbe {
    fn component(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> anyhow::Result<()> {
        if let Err(error) = self.connection.ping().await {
            crate::database::suspect_connections();
            return Err(error.into());
        }
        Ok(())
    }
}
