//! `docrec serve`'s start-up: reads the configuration, opens the store and
//! the key ring, makes sure of an appKey, starts the OCR engines and the
//! sweeper, and serves the routers on their listeners until Ctrl-C or
//! SIGTERM, letting the requests in flight finish.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use docrec_auth::{
    registry_key, Auth, Authenticity, HttpVerifier, Keys, MasterKeySource, Verifier,
};
use docrec_ocr::EnginePool;
use docrec_store::{Store, DEFAULT_PROJECT_ID};

use super::admission::Admission;
use super::serve as connections;
use super::{decrypt_guard, management_router, observe, router, tls, AppState, Management};
use crate::config::{Config, VerifierConfig};
use crate::recognition::Recognizer;
use crate::sweeper::sweep_expired;

/// The window in which `DOCREC_DECRYPT_FAILURE_LIMIT` 4000303 answers
/// throttle an appKey.
const DECRYPT_FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// `docrec serve`: opens the store, starts the engines, makes sure of an
/// appKey and serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub fn serve() -> anyhow::Result<std::process::ExitCode> {
    let config = Config::from_env()?;
    if !docrec_ocr::engine::omp_thread_limit_is_set() {
        tracing::warn!(
            "OMP_THREAD_LIMIT=1 is not set: every OCR call will be several times slower"
        );
    }
    if !config.pdf_tools.installed() {
        tracing::warn!(
            "pdftotext and pdftoppm (Debian's poppler-utils) or prlimit (util-linux) are not installed: PDF uploads will answer 5000001"
        );
    }
    match config.pdf_tools.sandbox() {
        docrec_upload::PdfSandbox::Bubblewrap => {
            tracing::info!("PDF tools run in a bubblewrap sandbox")
        }
        docrec_upload::PdfSandbox::LimitsOnly => tracing::warn!(
            "PDF tools run with resource limits and an empty environment but no sandbox (install bubblewrap, or allow user namespaces): a Poppler bug could read what docrec's user can"
        ),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(config.workers * 4)
        .build()?;
    runtime.block_on(run(config))?;
    Ok(std::process::ExitCode::SUCCESS)
}

async fn run(config: Config) -> anyhow::Result<()> {
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("opening {}", config.database))?;
    ensure_app_key(&store, &config).await?;
    let keys = Keys::open(
        &store,
        &MasterKeySource::of(&config.data_dir),
        config.key_grace,
    )
    .await
    .context("opening the key ring")?;
    let hash_key = Arc::new(registry_key(&store, &keys).await?);
    let verifier: Arc<dyn Verifier> = match &config.verifier {
        VerifierConfig::Registry => Arc::new(Authenticity::registry_verifier(&store, &hash_key)),
        VerifierConfig::Http {
            url,
            timeout,
            ca_file,
            allow_http,
        } => Arc::new(HttpVerifier::new(
            url,
            *timeout,
            ca_file.as_deref(),
            *allow_http,
        )?),
    };
    let authenticity = Authenticity::new(
        &store,
        &keys,
        verifier,
        hash_key,
        config.request_key_ttl,
        config.authenticity_lock,
    );
    let auth = Auth::new(&store, config.token_ttl);
    let metrics = Arc::new(observe::Metrics::new());
    tokio::spawn(sweep_expired(
        authenticity.clone(),
        auth.clone(),
        keys.clone(),
        config.usage_retention_days,
        Arc::clone(&metrics),
        config.sweep_interval,
    ));
    let engine_config = config.engine.clone();
    let (workers, wait) = (config.workers, config.engine_wait);
    let pool = tokio::task::spawn_blocking(move || EnginePool::new(&engine_config, workers, wait))
        .await?
        .context("starting the OCR engines")?;
    let admission = Admission::new(config.admission, Arc::clone(&metrics));
    let state = AppState {
        store: store.clone(),
        auth,
        operator_token: config.operator_token.clone(),
        keys,
        authenticity,
        recognizer: Recognizer::new(pool, config.limits, config.pdf_tools.clone()),
        natural_http_status: config.natural_http_status,
        masking_by_default: config.masking_by_default,
        metrics,
        admission,
        body_timeout: config.body_timeout,
        decrypt_failures: Arc::new(decrypt_guard::DecryptFailures::new(
            config.decrypt_failure_limit,
            DECRYPT_FAILURE_WINDOW,
        )),
    };
    let tls = config
        .tls
        .as_ref()
        .map(|(cert, key)| tls::acceptor(cert, key))
        .transpose()?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    // One signal stops every listener.
    let (stop, stopped) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(());
    });
    let until_stopped = || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.changed().await;
        }
    };
    let management = match config.admin_listen {
        Some(address) => {
            let management_listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("listening on {address} (DOCREC_ADMIN_LISTEN)"))?;
            tracing::info!(
                address = %management_listener.local_addr()?,
                "serving /metrics and the admin API"
            );
            tokio::spawn(connections::serve(
                management_listener,
                None,
                management_router(state.clone()),
                config.header_timeout,
                until_stopped(),
            ));
            Management::Apart
        }
        None => Management::Public,
    };
    tracing::info!(
        address = %listener.local_addr()?,
        workers,
        tls = tls.is_some(),
        "docrec is serving"
    );
    connections::serve(
        listener,
        tls,
        router(state, management),
        config.header_timeout,
        until_stopped(),
    )
    .await;
    store.close().await;
    Ok(())
}

/// Makes sure the bootstrap appKey exists, or on a first start without one
/// creates a demo appKey and prints it and its secretKey (the only time the
/// secret is shown: only its hash is stored). Both are the operator's and
/// have every service, `id-card` too.
async fn ensure_app_key(store: &Store, config: &Config) -> anyhow::Result<()> {
    if let Some((app_key, secret)) = &config.bootstrap {
        store.ensure_app_key(app_key, secret).await?;
        tracing::info!(app_key = %app_key, "bootstrap appKey is ready");
    } else if store.app_key_count().await? == 0 {
        let (app_key, secret) = store.create_app_key(DEFAULT_PROJECT_ID).await?;
        store.enable_every_service(&app_key).await?;
        println!("docrec: created a demo appKey (the secretKey is shown only now; keep it):");
        println!("  appKey:    {app_key}");
        println!("  secretKey: {secret}");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
