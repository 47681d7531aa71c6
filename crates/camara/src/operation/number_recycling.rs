//! Number Recycling `check`, whatever the version.

use time::Date;

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::number_recycling::v0_2;
use crate::profile::SpecVersion;

/// The answer of a Number Recycling `check`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NumberRecycling {
    /// Whether the subscriber of the number changed after the date asked.
    pub recycled: bool,
}

impl CamaraClient {
    /// Number Recycling `POST /check` in the profile's version: did the subscriber of the number
    /// change after `specified_date`?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number, [`InvalidRequest::DateOutOfRange`](crate::InvalidRequest::DateOutOfRange)
    /// for a date the spec cannot write, [`InvalidRequest::ProfileMismatch`](crate::InvalidRequest::ProfileMismatch)
    /// when the profile is not a Number Recycling one.
    pub async fn number_recycling_check(
        &self,
        bearer: Bearer<'_>,
        specified_date: Date,
        options: CallOptions,
    ) -> Result<Answer<NumberRecycling>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::NumberRecycling0_2_0 => {
                let mut request = v0_2::check::Request::new(specified_date);
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| NumberRecycling {
                        recycled: response.phone_number_recycled,
                    }))
            }
            other => Err(mismatch("number-recycling check", other)),
        }
    }
}
