//! End-to-end tests of the netid toolkit live in `it/`; this library is empty on purpose.
#![forbid(unsafe_code)]
