//! `udsyn serve [--demo] [--bind ADDR]`, `udsyn migrate`, `udsyn seed-demo`,
//! `udsyn seed-scale --factor F`, `udsyn backup FILE`, `udsyn restore FILE`,
//! `udsyn retention [--dry-run]`.

use std::net::SocketAddr;

use anyhow::Context;
use udsyn::metrics::Job;
use udsyn::{app, backup, config::Config, db, demo, retention, scale, telemetry};

const USAGE: &str = "Brug: udsyn <kommando> [valg]

Kommandoer:
  serve [--demo] [--bind ADRESSE]   Start Udsyn (standard 127.0.0.1:3000; BIND virker også).
                                    --demo fylder en tom database med demokonsortiet.
  migrate                           Opdatér databasens skema og stop.
  seed-demo                         Fyld en tom database med demokonsortiet og stop.
  seed-scale --factor F             Læg et syntetisk konsortium i landsskala × F oven i demoen
                                    (F = 1: 1 000 skoler, 100 000 mobiliteter) og stop.
  backup FIL                        Gem hele databasen i FIL (pg_dump), læst igennem før den
                                    kaldes færdig.
  restore FIL                       Gendan databasen fra FIL. Stop Udsyn først: alle
                                    forbindelser til databasen afbrydes.
  retention [--dry-run]             Anonymisér personer og slet tekniske data, hvis
                                    opbevaringsperiode er udløbet (RETENTION_*).
                                    --dry-run viser kun, hvad der skal ske, pr. type.
  help                              Vis denne hjælp.";

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("Fejl: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    telemetry::init(telemetry::LogFormat::from_env()?)?;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config::from_env()?;
    let command = args.first().map(String::as_str).unwrap_or("help");
    let mut with_demo = false;
    let mut dry_run = false;
    let mut factor = None;
    let mut file = None;
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--demo" => with_demo = true,
            "--dry-run" if command == "retention" => dry_run = true,
            "--bind" => {
                let v = rest
                    .next()
                    .context("--bind kræver en adresse, fx 127.0.0.1:3000")?;
                config.bind = v
                    .parse::<SocketAddr>()
                    .with_context(|| format!("«{v}» er ikke en adresse som 127.0.0.1:3000"))?;
            }
            "--factor" => {
                let v = rest
                    .next()
                    .context("--factor kræver et tal, fx 0.01 eller 1")?;
                factor = Some(scale::parse_factor(v)?);
            }
            other
                if file.is_none()
                    && !other.starts_with('-')
                    && matches!(command, "backup" | "restore") =>
            {
                file = Some(std::path::PathBuf::from(other))
            }
            other => anyhow::bail!("ukendt valg «{other}»\n\n{USAGE}"),
        }
    }

    match command {
        "serve" => serve(config, with_demo).await,
        "migrate" => {
            let (pool, server) = open(&config).await?;
            pool.close().await;
            println!("Databasen {} er opdateret.", server.database);
            stop_if_private(&server).await;
            Ok(())
        }
        "seed-demo" => {
            let (pool, server) = open(&config).await?;
            let loaded = load_demo(&pool).await;
            pool.close().await;
            stop_if_private(&server).await;
            loaded
        }
        "seed-scale" => {
            let factor = factor.context("seed-scale kræver --factor, fx --factor 0.01")?;
            let (pool, server) = open(&config).await?;
            let loaded = match load_demo(&pool).await {
                Ok(()) => scale::seed(&pool, factor).await,
                Err(e) => Err(e),
            };
            pool.close().await;
            stop_if_private(&server).await;
            loaded
        }
        "backup" => {
            let file = file.context("backup kræver en fil, fx udsyn backup udsyn.dump")?;
            let server = db::find_server(&config).await?;
            let done = backup::backup(&server, &config, &file).await;
            stop_if_private(&server).await;
            let done = done?;
            println!(
                "Databasen {} er gemt i {} ({} tabeller, {:.1} MB) og læst igennem.",
                done.database,
                file.display(),
                done.tables,
                done.bytes as f64 / 1e6
            );
            Ok(())
        }
        "restore" => {
            let file = file.context("restore kræver en fil, fx udsyn restore udsyn.dump")?;
            let server = db::find_server(&config).await?;
            let database = backup::restore(&server, &config, &file).await;
            stop_if_private(&server).await;
            let database = database?;
            println!(
                "Databasen {database} er gendannet fra {}. Migrationer, der er nyere end \
                 sikkerhedskopien, kører ved næste start.",
                file.display()
            );
            Ok(())
        }
        "retention" => {
            let (pool, server) = open(&config).await?;
            let result = if dry_run {
                retention::due(&pool, &config)
                    .await
                    .map(|d| retention::describe_due(&d, &config))
            } else {
                retention::run(&pool, &config)
                    .await
                    .map(|d| retention::describe_done(&d))
            };
            pool.close().await;
            stop_if_private(&server).await;
            print!("{}", result?);
            Ok(())
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => anyhow::bail!("ukendt kommando «{other}»\n\n{USAGE}"),
    }
}

async fn open(config: &Config) -> anyhow::Result<(sqlx::PgPool, db::Server)> {
    let server = db::find_server(config).await?;
    let pool = db::open_pool(&server, &server.database, config.max_connections).await?;
    db::migrate(&pool).await?;
    // Participant mobilities from before grants were computed (or whose computation was lost)
    // get theirs now, so budgets and the BM file add up from the first page.
    let mut tx = pool.begin().await?;
    let n = db::grants::recompute_missing(&mut tx).await?;
    tx.commit().await?;
    if n > 0 {
        tracing::info!(
            mobilities = n,
            "tilskud beregnet for mobiliteter uden tilskud"
        );
    }
    Ok((pool, server))
}

async fn load_demo(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    match demo::load(pool).await? {
        demo::Loaded::Fresh => println!("Demokonsortiet er indlæst."),
        demo::Loaded::AlreadyHadData => {
            println!("Databasen har allerede data; demokonsortiet er ikke indlæst igen.")
        }
    }
    println!("\nDemo-logins (adgangskode: {}):", demo::PASSWORD);
    for (email, role) in demo::LOGINS {
        println!("  {email:<28} {role}");
    }
    Ok(())
}

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let (pool, server) = open(&config).await?;
    if with_demo {
        load_demo(&pool).await?;
    }
    let state = app::AppState::new(pool.clone(), config.clone());
    spawn_session_cleanup(state.clone());
    spawn_retention(state.clone());

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("kunne ikke lytte på {}", config.bind))?;
    let addr = listener.local_addr()?;
    println!("\nUdsyn kører på http://{addr}  (stop med Ctrl-C)");
    tracing::info!(%addr, database = %server.database, "Udsyn er startet");
    // The peer address is kept for /metrics, which answers only addresses in METRICS_ALLOW.
    let service = app::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // The last requests have been answered: what they saw goes into the access log before the
    // pool closes.
    state.access_log.close().await;
    pool.close().await;
    stop_if_private(&server).await;
    tracing::info!("Udsyn er stoppet");
    Ok(())
}

/// Stops the PostgreSQL server Udsyn started for itself, if it did.
async fn stop_if_private(server: &db::Server) {
    if let Some(cluster) = &server.private_cluster {
        db::connect::stop_private_cluster(cluster).await;
    }
}

/// Ends idle and too old sessions and deletes access-log entries past `ACCESS_LOG_DAYS` every ten
/// minutes, so neither table grows without bound.
fn spawn_session_cleanup(state: app::AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            state.clean_up().await;
        }
    });
}

/// Anonymises and deletes what is past its retention period once a day, the first time an hour
/// after the start (so a restart loop does not run it over and over).
fn spawn_retention(state: app::AppState) {
    tokio::spawn(async move {
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + std::time::Duration::from_secs(60 * 60),
            day,
        );
        loop {
            tick.tick().await;
            let work = retention::run(&state.pool, &state.config);
            match state.metrics.job(Job::Retention, work).await {
                Ok(done) => tracing::info!(
                    anonymised = done.anonymised,
                    deleted = done.deleted.total(),
                    "opbevaring: udløbne data anonymiseret og slettet"
                ),
                Err(e) => tracing::warn!(error = %e, "opbevaringsjobbet fejlede"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("stopper: afslutter igangværende forespørgsler");
}
