//! The KYC operations beside KYC Match: Age Verification `verify` and Fill-in `fill-in`.

use netid_core::kyc::KycClaims;

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::kyc_age_verification::{self, AgeQuery, AgeVerification};
use crate::kyc_fill_in;
use crate::profile::SpecVersion;

impl CamaraClient {
    /// KYC Age Verification `POST /verify` in the profile's version: is the subscriber at least
    /// `query`'s threshold old (and the optional checks)?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number,
    /// [`InvalidRequest::FieldNotInVersion`](crate::InvalidRequest::FieldNotInVersion) for an identity
    /// field outside [`IDENTITY_FIELDS`](kyc_age_verification::IDENTITY_FIELDS).
    pub async fn kyc_age_verification(
        &self,
        bearer: Bearer<'_>,
        query: AgeQuery,
        options: CallOptions,
    ) -> Result<Answer<AgeVerification>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::KycAgeVerification0_2_1 => {
                let mut request = kyc_age_verification::v0_2::Request::new(query);
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| response.verification))
            }
            other => Err(mismatch("kyc-age-verification verify", other)),
        }
    }

    /// KYC Fill-in `POST /fill-in` in the profile's version: the subscriber's data on file, as far
    /// as the token's scopes release it.
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number.
    pub async fn kyc_fill_in(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<KycClaims>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::KycFillIn0_4_1 => {
                let mut request = kyc_fill_in::v0_4::Request::new();
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| response.record))
            }
            other => Err(mismatch("kyc-fill-in fill-in", other)),
        }
    }
}
