use std::process::ExitCode;

use anyhow::Context;
use api::cli::{Cli, Command, OpenapiFormat};
use api::settings::{Overrides, Settings};
use api::{openapi, startup, telemetry, Application};
use clap::Parser;

// why: a request allocates and frees many small buffers (SQL text, rows, JSON);
// glibc's malloc spent a tenth of the node's time on them under load, mimalloc less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = match &cli.command {
        Command::Serve { listen } => Overrides { listen: *listen },
        _ => Overrides::default(),
    };
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("practica: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log.format, &settings.log.level);
    telemetry::log_panics_as_events();

    let outcome = match cli.command {
        Command::Openapi { format } => print_contract(format),
        Command::Migrate => run_async(migrate(settings)),
        Command::Serve { .. } => run_async(serve(settings)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "practica stopped on an error");
            eprintln!("practica: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_async(work: impl std::future::Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(work)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let application = Application::build(settings).await?;
    application.run_until_stopped().await?;
    tracing::info!("practica stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    startup::migrate(&settings).await?;
    tracing::info!("migrations applied");
    Ok(())
}

fn print_contract(format: OpenapiFormat) -> anyhow::Result<()> {
    let text = match format {
        OpenapiFormat::Yaml => openapi::yaml()?,
        OpenapiFormat::Json => openapi::document().to_pretty_json()?,
    };
    print!("{text}");
    Ok(())
}
