//! The `practica` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "practica",
    version,
    about = "practica: a clustered EMR/PM JSON/REST API",
    after_long_help = crate::settings::catalog::configuration_help(),
    after_help = crate::settings::catalog::configuration_help()
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

    #[test]
    fn help_lists_every_setting() {
        let help = Cli::command().render_help().to_string();
        for setting in crate::settings::catalog::CATALOG {
            let variable = format!("PRACTICA_{}", setting.key.to_uppercase());
            assert!(help.contains(&variable), "--help leaves out {variable}");
        }
    }
}
