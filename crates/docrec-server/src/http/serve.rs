//! The HTTP/1.1 server: accepts connections on a listener and serves the
//! router on each until a shutdown signal, then lets the requests in flight
//! finish.
//!
//! Takes the place of `axum::serve`, which gives hyper no timer and so no
//! deadline for a request's headers: a client could hold a connection open
//! forever by sending its headers a byte at a time. Here hyper's own
//! `header_read_timeout` closes a connection whose next request's headers
//! are not all in within the deadline (idle keep-alive time counts too).
//! With TLS, each connection's handshake comes first, and must be done
//! within the same deadline.

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How long to wait before accepting again after `accept` failed (out of
/// file descriptors, say), rather than spinning.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// Serves `router` on `listener` (over TLS with `tls`) until `shutdown`
/// completes; then stops accepting, lets every connection finish the
/// request it is answering (closing idle ones) and returns.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(
            router
                .clone()
                .map_request(|request: Request<Incoming>| request.map(Body::new)),
        );
        let (http, watcher, tls) = (http.clone(), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            let served = match tls {
                None => {
                    watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await
                }
                Some(tls) => match tokio::time::timeout(header_timeout, tls.accept(stream)).await {
                    Ok(Ok(stream)) => {
                        watcher
                            .watch(http.serve_connection(TokioIo::new(stream), service))
                            .await
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!("TLS handshake not done within the header deadline");
                        return;
                    }
                },
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
