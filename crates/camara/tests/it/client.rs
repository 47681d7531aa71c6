//! Client behaviour, by topic: correlators, retries and `Retry-After`, faults and deadlines; the
//! shared Orange Spain fixtures are in `fixtures`.

mod correlators;
mod faults;
mod fixtures;
mod retries;
