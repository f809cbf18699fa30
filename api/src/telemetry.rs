//! Tracing set-up: text or JSON lines, and panics as one log line.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::settings::LogFormat;

/// Installs the global subscriber. `RUST_LOG`, when set, wins over `level`.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_new(with_quiet_notices(
        &std::env::var(EnvFilter::DEFAULT_ENV).unwrap_or_else(|_| level.to_owned()),
    ))
    .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    // A second call (tests building several apps) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        // Colours only for a person at a terminal, never into a log file.
        LogFormat::Text => registry
            .with(fmt::layer().with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout())))
            .try_init(),
    };
}

/// PostgreSQL's notices come through sqlx at `info` (the migrations' `CREATE TABLE IF
/// NOT EXISTS` says "already exists, skipping" at every start): kept to warnings and
/// worse, unless the filter names them itself.
fn with_quiet_notices(filter: &str) -> String {
    const NOTICES: &str = "sqlx::postgres::notice";
    if filter.contains(NOTICES) {
        filter.to_owned()
    } else {
        format!("{filter},{NOTICES}=warn")
    }
}

/// Replaces the default panic output (several lines on stderr) with one error event,
/// logged in the current span, so a handler's panic names its request id.
pub fn log_panics_as_events() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|message| (*message).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-text panic payload".to_owned());
        let location = info
            .location()
            .map(|location| format!("{}:{}", location.file(), location.line()))
            .unwrap_or_default();
        tracing::error!(panic.message = message, panic.location = location, "panic");
    }));
}

#[cfg(test)]
mod tests {
    use super::with_quiet_notices;

    #[test]
    fn postgres_notices_are_quiet_unless_asked_for() {
        assert_eq!(
            with_quiet_notices("info"),
            "info,sqlx::postgres::notice=warn"
        );
        assert_eq!(
            with_quiet_notices("info,sqlx::postgres::notice=debug"),
            "info,sqlx::postgres::notice=debug"
        );
    }
}
