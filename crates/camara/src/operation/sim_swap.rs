//! SIM Swap `check` and `retrieve-date`, whatever the version.

use time::OffsetDateTime;

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::profile::SpecVersion;
use crate::sim_swap::{self, MaxAge};

/// The answer of a SIM Swap `check`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SimSwapCheck {
    /// Whether the SIM was swapped within the period asked.
    pub swapped: bool,
}

/// The answer of a SIM Swap `retrieve-date`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SimSwapDate {
    /// The last SIM change, or `None` when the operator knows of none (within its monitored period).
    pub latest_sim_change: Option<OffsetDateTime>,
    /// Days the operator monitors SIM changes, when it says (SIM Swap 2.1.0; never in 1.0.0).
    pub monitored_period: Option<u32>,
}

impl From<sim_swap::v1::check::Response> for SimSwapCheck {
    fn from(response: sim_swap::v1::check::Response) -> Self {
        Self {
            swapped: response.swapped,
        }
    }
}

impl From<sim_swap::v2::check::Response> for SimSwapCheck {
    fn from(response: sim_swap::v2::check::Response) -> Self {
        Self {
            swapped: response.swapped,
        }
    }
}

impl From<sim_swap::v1::retrieve_date::Response> for SimSwapDate {
    /// 1.0.0 has no monitored period.
    fn from(response: sim_swap::v1::retrieve_date::Response) -> Self {
        Self {
            latest_sim_change: response.latest_sim_change,
            monitored_period: None,
        }
    }
}

impl From<sim_swap::v2::retrieve_date::Response> for SimSwapDate {
    fn from(response: sim_swap::v2::retrieve_date::Response) -> Self {
        Self {
            latest_sim_change: response.latest_sim_change,
            monitored_period: response.monitored_period,
        }
    }
}

impl CamaraClient {
    /// SIM Swap `POST /check` in the profile's version: was the SIM swapped within `max_age`?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier) for a two-legged bearer without a
    /// number.
    pub async fn sim_swap_check(
        &self,
        bearer: Bearer<'_>,
        max_age: MaxAge,
        options: CallOptions,
    ) -> Result<Answer<SimSwapCheck>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        let token = bearer.token();
        match spec {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::check::Request::new(max_age);
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            SpecVersion::SimSwap2_1_0 => {
                let mut request = sim_swap::v2::check::Request::new(max_age);
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            other => Err(mismatch("sim-swap check", other)),
        }
    }

    /// SIM Swap `POST /retrieve-date` in the profile's version: when did the SIM last change?
    ///
    /// # Errors
    ///
    /// As [`sim_swap_check`](Self::sim_swap_check).
    pub async fn sim_swap_retrieve_date(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<SimSwapDate>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        let token = bearer.token();
        match spec {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::retrieve_date::Request::new();
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            SpecVersion::SimSwap2_1_0 => {
                let mut request = sim_swap::v2::retrieve_date::Request::new();
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            other => Err(mismatch("sim-swap retrieve-date", other)),
        }
    }
}
