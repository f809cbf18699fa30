use persistence::Database;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounter, IntGauge, IntGaugeVec, Opts};

/// The database pool's use, read at scrape time.
pub struct DatabasePoolCollector {
    database: Database,
    connections: IntGaugeVec,
    max_connections: IntGauge,
    statements: IntCounter,
}

impl DatabasePoolCollector {
    pub fn new(database: Database) -> prometheus::Result<Self> {
        let backend = database.kind().as_str();
        let connections = IntGaugeVec::new(
            Opts::new(
                "practica_db_pool_connections",
                "Open database connections, by state",
            )
            .const_label("backend", backend),
            &["state"],
        )?;
        let max_connections = IntGauge::with_opts(
            Opts::new(
                "practica_db_pool_max_connections",
                "The most connections the pool may open",
            )
            .const_label("backend", backend),
        )?;
        let statements = IntCounter::with_opts(
            Opts::new(
                "practica_db_statements_total",
                "Statements the node has run through its ORM",
            )
            .const_label("backend", backend),
        )?;
        Ok(Self {
            database,
            connections,
            max_connections,
            statements,
        })
    }
}

impl Collector for DatabasePoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        let mut descs = self.connections.desc();
        descs.extend(self.max_connections.desc());
        descs.extend(self.statements.desc());
        descs
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let stats = self.database.pool_stats();
        let idle = i64::from(stats.idle);
        self.connections.with_label_values(&["idle"]).set(idle);
        self.connections
            .with_label_values(&["in_use"])
            .set(i64::from(stats.open) - idle);
        self.max_connections.set(i64::from(stats.max));
        let run = self.database.statements_run();
        self.statements
            .inc_by(run.saturating_sub(self.statements.get()));
        let mut families = self.connections.collect();
        families.extend(self.max_connections.collect());
        families.extend(self.statements.collect());
        families
    }
}
