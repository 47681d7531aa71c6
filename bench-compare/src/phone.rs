//! `PhoneNumber::parse_strict`/`parse_lenient` beside `phonenumber::parse(None, …)`, on the inputs of
//! `crates/core/benches/phone_parse.rs` (`crates/core/benches/inputs/phone.rs`, included by path). Times
//! are per number; each row parses its five inputs per call.

use std::hint::black_box;
use std::time::Instant;

use netid_core::phone::PhoneNumber;

use crate::Row;

#[path = "../../crates/core/benches/inputs/phone.rs"]
mod inputs;
use inputs::{E164, TYPED, TYPED_INTERNATIONAL};

fn row(
    name: &'static str,
    ours: Option<&'static str>,
    inputs: &'static [&'static str],
    parse: fn(&str) -> bool,
) -> Row {
    Row {
        name,
        ours,
        per_call: inputs.len() as u64,
        batch: Box::new(move |n| {
            let started = Instant::now();
            for _ in 0..n {
                for input in inputs {
                    black_box(parse(black_box(input)));
                }
            }
            started.elapsed()
        }),
    }
}

fn strict(input: &str) -> bool {
    PhoneNumber::parse_strict(input).is_ok()
}

fn lenient(input: &str) -> bool {
    PhoneNumber::parse_lenient(input).is_ok()
}

fn libphonenumber(input: &str) -> bool {
    phonenumber::parse(None, input).is_ok()
}

pub(crate) fn rows() -> Result<Vec<Row>, String> {
    // Also the crate's first call, which decodes its metadata: kept out of the measurement.
    for input in E164.iter().chain(TYPED_INTERNATIONAL) {
        if !(lenient(input) && libphonenumber(input)) {
            return Err(format!("both parsers must accept {input}"));
        }
    }
    if let Some(input) = E164.iter().find(|input| !strict(input)) {
        return Err(format!("parse_strict refuses {input}"));
    }
    if let Some(input) = TYPED.iter().find(|input| !lenient(input)) {
        return Err(format!("parse_lenient refuses {input}"));
    }
    const LENIENT_E164: &str = "phone/netid_lenient_e164";
    const LENIENT_INTERNATIONAL: &str = "phone/netid_lenient_typed_international";
    const LENIENT_TYPED: &str = "phone/netid_lenient_typed";
    Ok(vec![
        row("phone/netid_strict_e164", None, E164, strict),
        row(LENIENT_E164, None, E164, lenient),
        row(LENIENT_INTERNATIONAL, None, TYPED_INTERNATIONAL, lenient),
        row(LENIENT_TYPED, None, TYPED, lenient),
        row(
            "phone/phonenumber_crate_e164",
            Some(LENIENT_E164),
            E164,
            libphonenumber,
        ),
        row(
            "phone/phonenumber_crate_typed_international",
            Some(LENIENT_INTERNATIONAL),
            TYPED_INTERNATIONAL,
            libphonenumber,
        ),
        row(
            "phone/phonenumber_crate_typed",
            Some(LENIENT_TYPED),
            TYPED,
            libphonenumber,
        ),
    ])
}
