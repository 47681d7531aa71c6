//! Strict and lenient phone parsing beside the `phonenumber` crate (libphonenumber) on the same inputs.
//!
//! `cargo bench -p netid-core --bench phone_parse`; figures in BENCHMARKS.md.
#![allow(missing_docs, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netid_core::phone::PhoneNumber;

#[path = "inputs/phone.rs"]
mod inputs;
use inputs::{E164, TYPED, TYPED_INTERNATIONAL};

/// The first call of each parser in this process, timed once: libphonenumber decodes its metadata
/// and builds its tables lazily on first use, ours has nothing to load. Printed on stderr; a single
/// measurement (criterion cannot repeat a process start), so read it as an order of magnitude.
fn first_calls() {
    let time = |name: &str, parse: &dyn Fn()| {
        let started = std::time::Instant::now();
        parse();
        eprintln!("first call, {name}: {:?}", started.elapsed());
    };
    time("netid_strict", &|| {
        black_box(PhoneNumber::parse_strict(black_box(E164[0])).ok());
    });
    time("netid_lenient", &|| {
        black_box(PhoneNumber::parse_lenient(black_box(TYPED[0])).ok());
    });
    time("phonenumber_crate (metadata load)", &|| {
        black_box(phonenumber::parse(None, black_box(E164[0])).ok());
    });
}

fn parsers(c: &mut Criterion) {
    first_calls();
    for input in TYPED_INTERNATIONAL {
        assert!(
            PhoneNumber::parse_lenient(input).is_ok() && phonenumber::parse(None, input).is_ok(),
            "both parsers must accept {input}"
        );
    }
    let mut group = c.benchmark_group("phone_parse");
    group.bench_function("netid_strict", |b| {
        b.iter(|| {
            for input in E164 {
                black_box(PhoneNumber::parse_strict(black_box(input)).ok());
            }
        })
    });
    group.bench_function("netid_lenient_e164", |b| {
        b.iter(|| {
            for input in E164 {
                black_box(PhoneNumber::parse_lenient(black_box(input)).ok());
            }
        })
    });
    group.bench_function("netid_lenient_typed", |b| {
        b.iter(|| {
            for input in TYPED {
                black_box(PhoneNumber::parse_lenient(black_box(input)).ok());
            }
        })
    });
    group.bench_function("netid_lenient_typed_international", |b| {
        b.iter(|| {
            for input in TYPED_INTERNATIONAL {
                black_box(PhoneNumber::parse_lenient(black_box(input)).ok());
            }
        })
    });
    // libphonenumber's metadata is loaded by `first_calls`, outside the measurement.
    group.bench_function("phonenumber_crate_typed_international", |b| {
        b.iter(|| {
            for input in TYPED_INTERNATIONAL {
                black_box(phonenumber::parse(None, black_box(input)).ok());
            }
        })
    });
    group.bench_function("phonenumber_crate_e164", |b| {
        b.iter(|| {
            for input in E164 {
                black_box(phonenumber::parse(None, black_box(input)).ok());
            }
        })
    });
    // The crate takes `+`-prefixed international forms with separators; `tel:`, `00` and bare
    // digits fail without a region, which it still has to work out.
    group.bench_function("phonenumber_crate_typed", |b| {
        b.iter(|| {
            for input in TYPED {
                black_box(phonenumber::parse(None, black_box(input)).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
