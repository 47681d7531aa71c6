//! `--route`: what the Telco Finder is asked about (a number, or a device's public address), the
//! finder of the operator file, and the operator it names.

use std::path::Path;

use netid::description::EnvLookup;
use netid::{Operator, OperatorDescription, SearchTarget, TelcoFinder};
use netid_core::phone::PhoneNumber;

use super::args::CallArgs;
use super::plan::parse_number;
use super::report::Route;
use crate::operator_file;

/// What `--route` asks the Telco Finder about: `--route-ip`, else `--route-phone-number`, else
/// `number` (the call's own number in clear).
///
/// # Errors
///
/// A usage message for a malformed address or number, or when nothing names a target.
pub(super) fn target(call: &CallArgs, number: Option<PhoneNumber>) -> Result<SearchTarget, String> {
    if let Some(text) = &call.route_ip {
        return crate::route::parse_device(text).ok_or_else(|| {
            String::from("--route-ip: expected an IPv4 or IPv6 address, optionally with :PORT ([v6]:PORT)")
        });
    }
    if let Some(text) = &call.route_phone_number {
        return parse_number("--route-phone-number", text).map(SearchTarget::from);
    }
    number.map(SearchTarget::from).ok_or_else(|| {
        String::from(
            "--route: nothing to route on: give --route-ip ADDRESS[:PORT] or --route-phone-number NUMBER \
             (or --phone-number NUMBER in clear)",
        )
    })
}

/// The Telco Finder of the operator file's `[telco-finder]` table, for `--route`; the operators it
/// names share tokens through `shared` when given (`--token-cache`).
pub(super) fn finder(
    description: OperatorDescription,
    path: &Path,
    env: EnvLookup<'_>,
    shared: Option<crate::redis::SharedTokens>,
) -> Result<TelcoFinder, String> {
    if description.telco_finder.is_none() {
        return Err(format!(
            "--route: the operator file {} has no [telco-finder] table",
            path.display()
        ));
    }
    let mut builder = TelcoFinder::builder(description).transport(operator_file::http_transport()?);
    if let Some(shared) = shared {
        builder = builder.token_store(shared.store).shared_flight(shared.flight);
    }
    builder
        .secrets_from(env)
        .and_then(netid::TelcoFinderBuilder::build)
        .map_err(|error| format!("--config {}: {error}", path.display()))
}

/// The operator the Telco Finder names for `target` (`--route`), and what the report shows of it.
pub(super) async fn route(
    finder: &TelcoFinder,
    target: SearchTarget,
) -> Result<(Operator, Option<Route>), netid::Error> {
    let resolved = finder.resolve(target).await?;
    let operator = finder.operator(&resolved)?;
    let route = Route {
        operator_id: resolved.operator_id.as_str().to_owned(),
        api_root: resolved.api_root,
    };
    Ok((operator, Some(route)))
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, SocketAddr};

    use super::*;

    #[test]
    fn route_targets_come_from_the_flags_in_order() {
        let call = |ip: Option<&str>, number: Option<&str>| CallArgs {
            route: true,
            route_ip: ip.map(str::to_owned),
            route_phone_number: number.map(str::to_owned),
            ..CallArgs::default()
        };
        let own = PhoneNumber::parse_strict("+34654654654").expect("number");
        let v4 = SearchTarget::from("198.51.100.7:40404".parse::<SocketAddr>().expect("v4"));
        let v6 = SearchTarget::from("[2001:db8::7]:40404".parse::<SocketAddr>().expect("v6"));
        let v6_bare = SearchTarget::from("2001:db8::7".parse::<IpAddr>().expect("v6"));
        // (flags, the call's number, expected)
        let cases: [(CallArgs, Option<PhoneNumber>, Result<SearchTarget, &str>); 7] = [
            (call(Some("198.51.100.7:40404"), None), Some(own.clone()), Ok(v4)),
            (call(Some("[2001:db8::7]:40404"), None), None, Ok(v6)),
            (call(Some("2001:db8::7"), None), None, Ok(v6_bare)),
            (call(Some("198.51.100.7:port"), None), None, Err("--route-ip")),
            (
                call(None, Some("+34 654 654 654")),
                None,
                Ok(SearchTarget::from(own.clone())),
            ),
            (call(None, None), Some(own.clone()), Ok(SearchTarget::from(own))),
            (call(None, None), None, Err("--route: nothing to route on")),
        ];
        for (flags, number, expected) in cases {
            match (target(&flags, number), expected) {
                (Ok(found), Ok(expected)) => assert_eq!(found, expected),
                (Err(message), Err(start)) => assert!(message.starts_with(start), "{message}"),
                (found, expected) => panic!("{found:?} instead of {expected:?}"),
            }
        }
    }
}
