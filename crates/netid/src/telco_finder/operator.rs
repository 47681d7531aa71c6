//! A resolved operator as a facade [`Operator`]: the finder's description with the operator's
//! issuer, API root and, when its id names one, its known profile.

use crate::Operator;
use crate::description::{OperatorDescription, ProviderDescription};
use crate::error::Error;
use crate::profile;

use super::{Resolved, TelcoFinder};

/// The discovery document's path below an issuer (OpenID Connect Discovery 1.0 §4).
pub(super) const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

impl TelcoFinder {
    /// The description of the operator `resolved` names: the finder description's client, purpose
    /// and API tables, with
    ///
    /// - the issuer of `resolved.discovery_url` (its provider is discovered on first use),
    /// - each API's base URL the CAMARA path below `resolved.api_root`
    ///   (`{apiRoot}/sim-swap/v2`, the version of the table's profile),
    /// - each API's profile the one named `resolved.operator_id`, when the library knows a
    ///   profile of that name for the API (its scopes, hints, quirks and version), the table's
    ///   otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::Incomplete`] for a discovery URL that is not `{issuer}/.well-known/openid-configuration`;
    /// [`Error::Description`] for an API table naming an unknown profile.
    pub fn operator_description(&self, resolved: &Resolved) -> Result<OperatorDescription, Error> {
        let template = &self.inner.template;
        let issuer = resolved
            .discovery_url
            .strip_suffix(DISCOVERY_PATH)
            .filter(|issuer| !issuer.is_empty())
            .ok_or_else(|| {
                Error::Incomplete(format!(
                    "the discovery url of operator {} does not end in {DISCOVERY_PATH}",
                    resolved.operator_id
                ))
            })?;
        let mut description = template.clone();
        description.telco_finder = None;
        let mut provider = ProviderDescription::default();
        provider.issuer = Some(issuer.to_owned());
        provider.id_token = template.provider.id_token;
        description.provider = provider;
        let root = resolved.api_root.trim_end_matches('/');
        for (api, section) in &mut description.apis {
            // The operator's own profile when the library knows one by its id: data, not a branch.
            if profile::find(*api, resolved.operator_id.as_str()).is_ok() {
                resolved.operator_id.as_str().clone_into(&mut section.profile);
            }
            let profile =
                profile::find(*api, &section.profile).map_err(crate::description::DescriptionError::from)?;
            section.base_url = Some(format!("{root}/{api}/{}", profile.spec().path_segment()));
        }
        Ok(description)
    }

    /// The [`Operator`] `resolved` names (see [`operator_description`](Self::operator_description)),
    /// over the finder's ports and with its credentials.
    ///
    /// # Errors
    ///
    /// Those of [`operator_description`](Self::operator_description) and of
    /// [`OperatorBuilder::build`](crate::OperatorBuilder::build).
    pub fn operator(&self, resolved: &Resolved) -> Result<Operator, Error> {
        let inner = &self.inner;
        let ports = &inner.ports;
        let mut builder = Operator::builder(self.operator_description(resolved)?)
            .transport(ports.transport.clone())
            .sleep(ports.sleep.clone())
            .clock(ports.clock.clone())
            .random(ports.random.clone());
        if let Some(client_id) = &inner.client_id {
            builder = builder.client_id(client_id.clone());
        }
        if let Some(key) = &inner.key {
            builder = builder.key(key.clone());
        }
        if let Some(store) = &inner.sharing.0 {
            builder = builder.token_store(store.clone());
        }
        if let Some(flight) = &inner.sharing.1 {
            builder = builder.shared_flight(flight.clone());
        }
        builder.build()
    }
}
