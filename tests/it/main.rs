//! End-to-end tests: the crates together, fed with the examples of the operator pages.

mod operator_pages;
