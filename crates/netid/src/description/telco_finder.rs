//! The `[telco-finder]` table: where the GSMA Telco Finder of this deployment is, and how to ask it.

use serde::Deserialize;

/// The `[telco-finder]` table of an operator file:
///
/// ```toml
/// [telco-finder]
/// url = "https://finder.example/telco-finder/v1"   # the finder's base URL
/// issuer = "https://auth.finder.example"           # its token issuer (the top-level issuer otherwise)
/// scope = "telcofinder"                            # the default
/// portability-search-mode = "SHALLOW"              # or "DEEP"; the finder's default when absent
/// cache-max-age = 300                              # seconds an answer is reused at most (default 300)
/// ```
///
/// The token is a client-credentials grant authenticated with the description's client id and
/// key (`private_key_jwt`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct TelcoFinderSection {
    /// The finder's base URL, the search operation below it (`…/telco-finder/v1`).
    pub url: String,
    /// The issuer of the finder's tokens (discovered); the description's `issuer` when absent.
    pub issuer: Option<String>,
    /// The scope of the finder's tokens; `telcofinder` when absent.
    pub scope: Option<String>,
    /// `portabilitySearchMode` of every search.
    pub portability_search_mode: Option<SearchMode>,
    /// The longest time, in seconds, an answer is reused (bounding the finder's own lifetime).
    pub cache_max_age: Option<u64>,
}

impl TelcoFinderSection {
    /// A table naming the finder at `url` and changing nothing else.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            issuer: None,
            scope: None,
            portability_search_mode: None,
            cache_max_age: None,
        }
    }

    /// Sets the issuer of the finder's tokens.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}

/// `portabilitySearchMode`, as the wire writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[non_exhaustive]
pub enum SearchMode {
    /// The finder's own records only.
    #[serde(rename = "SHALLOW")]
    Shallow,
    /// Every external system.
    #[serde(rename = "DEEP")]
    Deep,
}
