//! Entry point for the cargo-fuzz target `operator_file`. Not part of the API.
//!
//! The fuzz package depends on this crate with `default-features = false`, so no HTTP client is
//! built under the sanitizer: the operator file's parsing needs none.

use netid_camara::Api;

use crate::Operation;
use crate::description::{DescriptionError, OperatorDescription};

/// What the fuzzing environment holds in every variable: it must never appear in an error.
const SECRET: &str = "fuzz-secret-from-the-environment";

/// The operator file (TOML). Properties: no panic; parse failures are syntax or scope-token
/// errors; every API of an accepted description resolves
/// to a profile of that API with its scopes, or to a typed error; secrets named by `client-id-env`
/// and `key-env` never appear in an error or a `Debug`.
pub fn fuzz_operator_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let description = match OperatorDescription::from_toml_str(text) {
        Ok(description) => description,
        Err(error) => {
            assert!(
                matches!(
                    error,
                    DescriptionError::Syntax(_) | DescriptionError::ScopeToken { .. }
                ),
                "parsing failed with an unexpected error: {error}"
            );
            return;
        }
    };
    let purpose = description.purpose();
    for api in Api::ALL {
        match description.api(api) {
            Ok(resolved) => {
                assert_eq!(
                    resolved.profile().api(),
                    api,
                    "a table resolved to another API's profile"
                );
                for operation in Operation::of(api) {
                    let scope = resolved.scope(operation, &purpose);
                    let rendered = scope.to_string();
                    assert_eq!(
                        rendered.parse().ok(),
                        Some(scope),
                        "a resolved scope does not round-trip"
                    );
                }
            }
            Err(error) => {
                assert!(
                    matches!(
                        error,
                        DescriptionError::NoApi { .. }
                            | DescriptionError::UnknownProfile { .. }
                            | DescriptionError::BaseUrlRequired { .. }
                    ),
                    "an API resolved to an untyped error: {error}"
                );
                if !description.apis.contains_key(&api) {
                    assert_eq!(
                        error,
                        DescriptionError::NoApi { api },
                        "a missing table is not NoApi"
                    );
                }
            }
        }
    }
    let set = |_: &str| Some(SECRET.to_owned());
    let unset = |_: &str| None;
    let client = &description.client;
    for env in [&set as &dyn Fn(&str) -> Option<String>, &unset] {
        match client.resolve_client_id(env) {
            Ok(_) => {}
            Err(error) => assert_no_secret(&error),
        }
        // A `key` names a file: reading the files the fuzzer names is not the parser's business.
        if client.key.is_none() {
            match client.resolve_key(env) {
                Ok(Some(key)) => {
                    assert!(
                        !format!("{key:?}").contains(SECRET),
                        "the key text shows in Debug"
                    );
                }
                Ok(None) => {}
                Err(error) => assert_no_secret(&error),
            }
        }
    }
}

fn assert_no_secret(error: &DescriptionError) {
    assert!(!error.to_string().contains(SECRET), "a secret shows in an error");
    assert!(
        !format!("{error:?}").contains(SECRET),
        "a secret shows in an error's Debug"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edge cases of the operator file run without a failed property.
    #[test]
    fn edge_cases_hold() {
        for text in [
            "",
            "client-id = \"a\"\nclient-id-env = \"B\"",
            "key-env = \"KEY\"\n[sim-swap]\nprofile = \"orange-spain\"",
            "[kyc-match]\nprofile = \"camara-0.4.0\"",
            "[kyc-match]\nprofile = \"no-such-profile\"",
            "[number-verification]\nprofile = \"masstack\"\nscope = \"a  b\"",
            "clientid = 1",
            "[sim-swap]\nprofile = \"orange-spain\"\nstrict = true\nphone-without-plus = true",
        ] {
            fuzz_operator_file(text.as_bytes());
        }
    }
}
