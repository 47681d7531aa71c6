//! KYC Tenure `check-tenure`, whatever the version.

use time::Date;

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::kyc_tenure::{ContractType, v0_2};
use crate::profile::SpecVersion;

/// The answer of a KYC Tenure `check-tenure`, in every version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KycTenure {
    /// Whether the subscription has had continuous tenure since the date asked.
    pub tenure_date_check: bool,
    /// The account type, when the operator knows it.
    pub contract_type: Option<ContractType>,
}

impl CamaraClient {
    /// KYC Tenure `POST /check-tenure` in the profile's version: has the subscription been with the
    /// operator since `tenure_date`?
    ///
    /// # Errors
    ///
    /// As [`number_recycling_check`](Self::number_recycling_check), for a KYC Tenure profile.
    pub async fn kyc_tenure_check(
        &self,
        bearer: Bearer<'_>,
        tenure_date: Date,
        options: CallOptions,
    ) -> Result<Answer<KycTenure>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::KycTenure0_2_0 => {
                let mut request = v0_2::check_tenure::Request::new(tenure_date);
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| KycTenure {
                        tenure_date_check: response.tenure_date_check,
                        contract_type: response.contract_type,
                    }))
            }
            other => Err(mismatch("kyc-tenure check-tenure", other)),
        }
    }
}
