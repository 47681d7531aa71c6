//! The phone numbers the phone benches parse: `phone_parse.rs` here and `bench-compare/src/phone.rs`
//! (which includes this file by path), so both compare on the same inputs.

/// Realistic inputs of the operator pages and of users, already in E.164 so every parser accepts them.
pub(crate) const E164: &[&str] = &[
    "+33699901040",
    "+34600000000",
    "+31612345678",
    "+819012345678",
    "+14155550100",
];
/// International forms with separators that both parsers accept: the like-for-like comparison of
/// lenient parsing.
pub(crate) const TYPED_INTERNATIONAL: &[&str] = &[
    "+33 6 99 90 10 40",
    "+34 600-000-000",
    "+31 (0)6 1234 5678",
    "+81 (90) 1234.5678",
    "+1 (415) 555-0100",
];
/// What users and operators send; `phonenumber` refuses three of them without a region.
pub(crate) const TYPED: &[&str] = &[
    "+33 6 99 90 10 40",
    "tel:+34-600-000-000",
    "0031 6 1234 5678",
    "+81 (90) 1234.5678",
    "33699901040",
];
