//! CAMARA Number Recycling: has the subscriber behind a number changed since a given date.
//!
//! - [`v0_2`]: Number Recycling 0.2.0 (`{apiRoot}/number-recycling/v0.2`).
//!
//! `POST /check` (`specifiedDate`, a calendar date → `phoneNumberRecycled`: `true` when the
//! number changed hands after that date).

pub mod v0_2;
