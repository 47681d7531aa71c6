//! Consent Info operations, whatever the profile's version.

use crate::client::{Answer, CallOptions, CamaraClient};
use crate::consent_info::{ConsentQuery, ConsentStatus, v0_2};
use crate::error::CamaraError;
use crate::operation::{Bearer, mismatch};
use crate::profile::SpecVersion;

impl CamaraClient {
    /// Consent Info `POST /retrieve` in the profile's version: may the application process the
    /// subscriber's data for `query`'s scopes and purpose?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number, [`InvalidRequest::NoScopes`](crate::InvalidRequest::NoScopes)
    /// for a query without scopes.
    pub async fn consent_info(
        &self,
        bearer: Bearer<'_>,
        query: ConsentQuery,
        options: CallOptions,
    ) -> Result<Answer<ConsentStatus>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::ConsentInfo0_2_0 => {
                let mut request = v0_2::retrieve::Request::new(query);
                request.phone_number = number;
                self.send(bearer.token(), &request, options).await
            }
            other => Err(mismatch("consent-info retrieve", other)),
        }
    }
}
