//! Device Swap `check` and `retrieve-date`, whatever the version.

use time::OffsetDateTime;

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::device_swap::{MaxAge, v1};
use crate::error::CamaraError;
use crate::profile::SpecVersion;

/// The answer of a Device Swap `check`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeviceSwapCheck {
    /// Whether the device behind the number changed within the period asked.
    pub swapped: bool,
}

/// The answer of a Device Swap `retrieve-date`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeviceSwapDate {
    /// The last device change (or the first use of the number in a device when it never changed), or
    /// `None` when the operator may not say (beyond its monitored period).
    pub latest_device_change: Option<OffsetDateTime>,
    /// Days the operator monitors device changes, when it says.
    pub monitored_period: Option<u32>,
}

impl From<v1::check::Response> for DeviceSwapCheck {
    fn from(response: v1::check::Response) -> Self {
        Self {
            swapped: response.swapped,
        }
    }
}

impl From<v1::retrieve_date::Response> for DeviceSwapDate {
    fn from(response: v1::retrieve_date::Response) -> Self {
        Self {
            latest_device_change: response.latest_device_change,
            monitored_period: response.monitored_period,
        }
    }
}

impl CamaraClient {
    /// Device Swap `POST /check` in the profile's version: did the device change within `max_age`?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number, [`InvalidRequest::ProfileMismatch`](crate::InvalidRequest::ProfileMismatch)
    /// when the profile is not a Device Swap one.
    pub async fn device_swap_check(
        &self,
        bearer: Bearer<'_>,
        max_age: MaxAge,
        options: CallOptions,
    ) -> Result<Answer<DeviceSwapCheck>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::DeviceSwap1_0_0 => {
                let mut request = v1::check::Request::new(max_age);
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(Into::into))
            }
            other => Err(mismatch("device-swap check", other)),
        }
    }

    /// Device Swap `POST /retrieve-date` in the profile's version: when did the device last change?
    ///
    /// # Errors
    ///
    /// As [`device_swap_check`](Self::device_swap_check).
    pub async fn device_swap_retrieve_date(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<DeviceSwapDate>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::DeviceSwap1_0_0 => {
                let mut request = v1::retrieve_date::Request::new();
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(Into::into))
            }
            other => Err(mismatch("device-swap retrieve-date", other)),
        }
    }
}
