//! TLS termination for a node that has no proxy in front of it: takes the
//! PEM files of `DOCREC_TLS_CERT` (the certificate chain, leaf first) and
//! `DOCREC_TLS_KEY` (its private key: PKCS#8, PKCS#1 or SEC1); gives the
//! acceptor that [`super::serve::serve`] wraps each connection in.
//!
//! rustls (through tokio-rustls) with its `ring` provider: TLS 1.3 and
//! 1.2 with rustls' safe defaults, HTTP/1.1 offered by ALPN.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The acceptor of the certificate chain at `cert` and the key at `key`;
/// an error that names the file when either cannot be read or they do
/// not belong together.
pub fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("reading the certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading the certificate {}", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no PEM certificate", cert.display());
    }
    let private_key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the private key {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("choosing the TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .with_context(|| {
            format!(
                "the key {} does not go with the certificate {}",
                key.display(),
                cert.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
