use async_trait::async_trait;
use domain::health::HealthProbe;
use sea_orm::DatabaseConnection;

/// Probes the SQL database with a ping on a pooled connection.
pub struct SqlProbe {
    connection: DatabaseConnection,
}

impl SqlProbe {
    pub fn new(connection: DatabaseConnection) -> Self {
        Self { connection }
    }
}

#[async_trait]
impl HealthProbe for SqlProbe {
    fn component(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> anyhow::Result<()> {
        self.connection.ping().await?;
        Ok(())
    }
}
