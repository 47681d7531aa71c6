//! Signed SAML IdP metadata kept fresh over the transport port: fetched, verified by
//! `netid-saml` (sans-I/O), cached until its refresh time, refetched after, and kept through a
//! failed refresh until its `validUntil`, never past it.
//!
//! This lives in the facade, not in `netid-saml`, because the SP crate depends on `netid-core`
//! only and does no I/O; the facade already holds the transport and clock ports.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_core::ports::Clock;
use netid_saml::{IdentityProvider, MetadataTrust, VerifiedMetadata, verify_idp_metadata};
use netid_transport::{Bytes, HttpTransport, TransportError, http};
use tokio::sync::Mutex;

/// Default wait before fetching again after a failed refresh, while the last good metadata is
/// still valid.
pub const DEFAULT_RETRY_AFTER_FAILURE: Duration = Duration::from_secs(300);

/// Why no usable IdP metadata could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The metadata URL is not a valid URI.
    #[error("the IdP metadata URL is invalid")]
    Url,
    /// The metadata could not be fetched.
    #[error("fetching the IdP metadata failed")]
    Transport(#[source] TransportError),
    /// The metadata URL answered another status than 200.
    #[error("the IdP metadata URL answered HTTP {0}")]
    Status(u16),
    /// The body is not UTF-8.
    #[error("the IdP metadata is not UTF-8")]
    Encoding,
    /// The metadata was refused (signature, validity, content).
    #[error("the IdP metadata was refused")]
    Refused(#[source] netid_saml::Error),
}

#[derive(Clone)]
struct Cached {
    metadata: VerifiedMetadata,
    /// When to fetch again: the metadata's refresh time, or the retry time after a failure.
    refresh_at: SystemTime,
}

/// One IdP's signed metadata at a URL, verified with a [`MetadataTrust`] and cached by its own
/// rules (`cacheDuration`, `validUntil`, the trust's bound).
///
/// [`current`](Self::current) answers from the cache until the refresh time, then fetches again
/// (one fetch at a time: concurrent callers wait for it). When a refresh fails (network, status,
/// a refused document), the last good metadata is kept while it is valid, and the next attempt
/// waits [`retry_after_failure`](Self::retry_after_failure); once it is past its `validUntil`, the
/// failure is returned.
pub struct IdpMetadataSource {
    url: String,
    trust: MetadataTrust,
    transport: Arc<dyn HttpTransport>,
    clock: Arc<dyn Clock>,
    retry_after_failure: Duration,
    cache: Mutex<Option<Cached>>,
}

impl fmt::Debug for IdpMetadataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            url,
            trust,
            transport,
            clock,
            retry_after_failure,
            cache: _,
        } = self;
        f.debug_struct("IdpMetadataSource")
            .field("url", url)
            .field("trust", trust)
            .field("transport", transport)
            .field("clock", clock)
            .field("retry_after_failure", retry_after_failure)
            .finish_non_exhaustive()
    }
}

impl IdpMetadataSource {
    /// Metadata at `url`, verified with `trust`, fetched through `transport`, timed by `clock`.
    pub fn new(
        url: impl Into<String>,
        trust: MetadataTrust,
        transport: Arc<dyn HttpTransport>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            url: url.into(),
            trust,
            transport,
            clock,
            retry_after_failure: DEFAULT_RETRY_AFTER_FAILURE,
            cache: Mutex::new(None),
        }
    }

    /// The wait before fetching again after a failed refresh (default
    /// [`DEFAULT_RETRY_AFTER_FAILURE`]).
    #[must_use]
    pub fn retry_after_failure(mut self, wait: Duration) -> Self {
        self.retry_after_failure = wait;
        self
    }

    /// The IdP to verify Responses with now (see [`current`](Self::current)).
    ///
    /// # Errors
    ///
    /// As [`current`](Self::current).
    pub async fn identity_provider(&self) -> Result<IdentityProvider, MetadataError> {
        Ok(self.current().await?.into_identity_provider())
    }

    /// The verified metadata to use now: cached, or fetched when due.
    ///
    /// # Errors
    ///
    /// [`MetadataError`] when a fetch was due, failed, and no earlier metadata is still valid.
    pub async fn current(&self) -> Result<VerifiedMetadata, MetadataError> {
        let mut cache = self.cache.lock().await;
        let now = self.clock.now();
        if let Some(cached) = cache.as_ref()
            && now < cached.refresh_at
            && cached.metadata.is_valid_at(now)
        {
            return Ok(cached.metadata.clone());
        }
        match self.fetch(now).await {
            Ok(metadata) => {
                let refresh_at = metadata.refresh_at(now);
                *cache = Some(Cached {
                    metadata: metadata.clone(),
                    refresh_at,
                });
                Ok(metadata)
            }
            Err(error) => match cache.as_mut() {
                Some(cached) if cached.metadata.is_valid_at(now) => {
                    tracing::warn!(
                        url = %self.url,
                        error = %error,
                        "IdP metadata refresh failed; keeping the last good metadata"
                    );
                    let retry = now.checked_add(self.retry_after_failure).unwrap_or(now);
                    cached.refresh_at = cached
                        .metadata
                        .valid_until()
                        .map_or(retry, |until| retry.min(until));
                    Ok(cached.metadata.clone())
                }
                _ => {
                    *cache = None;
                    Err(error)
                }
            },
        }
    }

    async fn fetch(&self, now: SystemTime) -> Result<VerifiedMetadata, MetadataError> {
        let request = http::Request::get(self.url.as_str())
            .header(http::header::ACCEPT, "application/samlmetadata+xml")
            .body(Bytes::new())
            .map_err(|_| MetadataError::Url)?;
        let response = self
            .transport
            .send(request)
            .await
            .map_err(MetadataError::Transport)?;
        if response.status() != http::StatusCode::OK {
            return Err(MetadataError::Status(response.status().as_u16()));
        }
        let text = std::str::from_utf8(response.body()).map_err(|_| MetadataError::Encoding)?;
        verify_idp_metadata(text, &self.trust, now).map_err(MetadataError::Refused)
    }
}

#[cfg(test)]
mod tests;
