//! The `practica` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const CONFIGURATION_HELP: &str = "\
Configuration (defaults < --config FILE < environment < command line):
  PRACTICA_LISTEN                    address to bind            [127.0.0.1:8080]
  PRACTICA_DATABASE_URL              sqlite://FILE or postgres://USER@HOST/DB
                                                                [sqlite://practica.db]
  PRACTICA_DATABASE_MAX_CONNECTIONS  pool size per node         [10]
  PRACTICA_DATABASE_MIGRATION_URL    the database itself, for migrations behind
                                     a pooler (PgBouncer)       [unset: DATABASE_URL]
  PRACTICA_REDIS_URL                 redis://HOST:PORT (with REDIS_CLUSTER, several,
                                     comma-separated)           [unset: no Redis]
  PRACTICA_REDIS_CLUSTER             true for a Redis Cluster   [false]
  PRACTICA_LOG_FORMAT                text or json               [text]
  PRACTICA_LOG_LEVEL                 tracing filter; RUST_LOG wins [info]
  PRACTICA_MAX_BODY_BYTES            largest JSON body          [262144]
  PRACTICA_WORKERS                   HTTP worker threads        [one per core]
  PRACTICA_SHUTDOWN_TIMEOUT_SECS     grace for in-flight requests on SIGTERM [30]
  PRACTICA_READINESS_TIMEOUT_MS      bound of each readiness check [2000]
  PRACTICA_SESSION_BACKEND           sql or redis (needs PRACTICA_REDIS_URL) [sql]
  PRACTICA_ADMIN_PASSWORD            first admin's password, used on first start only
                                                                [unset: random, logged once]
  PRACTICA_JWT_SECRET                pins the token key (32+ bytes) [unset: keys in the database]
  PRACTICA_ACCESS_TOKEN_TTL_SECS     access-token lifetime      [900]
  PRACTICA_SESSION_IDLE_TIMEOUT_SECS session ends unused after   [1800]
  PRACTICA_SESSION_ABSOLUTE_TIMEOUT_SECS session ends after, however busy [43200]
  PRACTICA_LOGIN_MAX_FAILURES_PER_ACCOUNT failed logins per window [5]
  PRACTICA_LOGIN_MAX_FAILURES_PER_ADDRESS failed logins per window [50]
  PRACTICA_LOGIN_FAILURE_WINDOW_SECS the throttling window      [900]
  PRACTICA_NODE_ID                   this node's name in audit events [random per start]
  PRACTICA_MAX_UPLOAD_BYTES          largest document upload    [104857600]
  PRACTICA_ALLOWED_MEDIA_TYPES       accepted document types, e.g. [\"application/pdf\"]
                                                                [PDF, PNG, JPEG, TIFF, text, DICOM, XML/CDA]
  PRACTICA_FILE_BACKEND              sql or directory           [sql]
  PRACTICA_FILE_DIRECTORY            the directory backend's folder [practica-files]
  PRACTICA_TRUSTED_PROXIES           proxies whose X-Forwarded-For is believed,
                                     e.g. [\"10.0.0.2\"]        [none]
The TOML file uses the same keys in lower case without the prefix (listen = \"...\").
An invalid value prints one line naming the key and exits with status 2.";

#[derive(Debug, Parser)]
#[command(
    name = "practica",
    version,
    about = "practica: a clustered EMR/PM JSON/REST API",
    after_long_help = CONFIGURATION_HELP,
    after_help = CONFIGURATION_HELP
)]
pub struct Cli {
    /// A TOML configuration file.
    #[arg(
        long,
        short = 'c',
        global = true,
        value_name = "FILE",
        env = "PRACTICA_CONFIG"
    )]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API until SIGTERM or Ctrl-C.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8081 (overrides PRACTICA_LISTEN).
        #[arg(long, value_name = "HOST:PORT")]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI contract generated from the code (the committed openapi.yaml).
    Openapi {
        #[arg(long, value_enum, default_value_t = OpenapiFormat::Yaml)]
        format: OpenapiFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OpenapiFormat {
    Yaml,
    Json,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
