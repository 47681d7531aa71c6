//! KYC Match `match`, whatever the version.

use netid_core::kyc::{KycClaims, KycMatchResult};

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::kyc_match::{v0_2, v0_4};
use crate::profile::SpecVersion;

impl CamaraClient {
    /// KYC Match `POST /match` in the profile's version: `claims` against the operator's records.
    /// The phone number of the claims is replaced by the [`Bearer`]'s identifier under the
    /// version's rules (kept with a three-legged token when the bearer names no number).
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::ProfileMismatch`](crate::InvalidRequest::ProfileMismatch) when the profile is not a KYC Match
    /// one, [`InvalidRequest::FieldNotInVersion`](crate::InvalidRequest::FieldNotInVersion) for a claim the version does not define.
    pub async fn kyc_match(
        &self,
        bearer: Bearer<'_>,
        mut claims: KycClaims,
        options: CallOptions,
    ) -> Result<Answer<KycMatchResult>, CamaraError> {
        let spec = self.profile().spec();
        if let Some(number) = bearer.identifier(spec)? {
            claims.phone_number = Some(number);
        }
        let token = bearer.token();
        match spec {
            SpecVersion::KycMatch0_2_1 => Ok(self
                .send(token, &v0_2::Request::new(claims), options)
                .await?
                .map(|response| response.result)),
            SpecVersion::KycMatch0_4_0 => Ok(self
                .send(token, &v0_4::Request::new(claims), options)
                .await?
                .map(|response| response.result)),
            other => Err(mismatch("kyc-match match", other)),
        }
    }
}
