//! The `kordon` binary: parses the command line, loads the configuration once, and runs
//! `serve`, `migrate` or an `admin` command.

use clap::Parser;
use kordon::cli::{Cli, Command, StoreArgs};
use kordon::config::{Config, LogFormat};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("kordon: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kordon: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load(store: &StoreArgs, listen: Option<String>) -> Result<Config, String> {
    let mut overrides = Vec::new();
    if let Some(dir) = &store.data_dir {
        overrides.push(("server.data_dir", dir.display().to_string()));
    }
    if let Some(url) = &store.database_url {
        overrides.push(("server.database_url", url.clone()));
    }
    if let Some(listen) = listen {
        overrides.push(("server.listen", listen));
    }
    Config::load(store.config.as_deref(), &overrides)
}

fn init_logs(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.filter));
    // Logs go to stderr so that `admin` output on stdout stays one JSON object.
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        // One object a line: timestamp, level, target, message and the event's fields.
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).init(),
    }
    for name in Config::unknown_variables(std::env::vars()) {
        tracing::warn!(variable = %name, "unknown KORDON_* environment variable: it configures nothing");
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve { listen, store } => {
            let config = load(&store, listen)?;
            init_logs(&config);
            let app = kordon::app::Application::build(&config).await?;
            tracing::info!(address = %app.address(), "kordon is listening");
            if let Some(metrics) = app.metrics_address() {
                tracing::info!(address = %metrics, "/metrics is served on its own listener");
            }
            app.run_until(shutdown_signal()).await.map_err(|e| e.to_string())
        }
        Command::Migrate { store } => {
            let config = load(&store, None)?;
            init_logs(&config);
            kordon_store::open(Some(config.server.database_url.as_str()), &config.server.data_dir)
                .await
                .map_err(|e| e.to_string())?;
            println!("{}", serde_json::json!({ "migrated": true }));
            Ok(())
        }
        Command::Openapi => {
            println!("{}", kordon_http::openapi::OPENAPI_JSON.as_str());
            Ok(())
        }
        Command::Admin { store, command } => {
            let config = load(&store, None)?;
            init_logs(&config);
            let core = kordon::app::open_core(&config, Arc::new(kordon_core::SystemClock)).await?;
            let answer = kordon::admin::run(&core, command).await;
            // What the command queued for the audit log is written before the process ends.
            core.audit_flush().await;
            let answer = answer?;
            // A revocation returns only once every running server has seen it and dropped its cache.
            core.settle().await;
            match answer {
                // A table (`admin audit` without --json) is printed as it is.
                serde_json::Value::String(text) => print!("{text}"),
                answer => println!("{answer}"),
            }
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
