//! The `route` step: the sandbox's Telco Finder asked which operator serves the subscriber's number
//! and a number of the operator the sandbox hosts, through the facade ([`TelcoFinder`]), with a
//! client-credentials token of the demo client, and the facade [`Operator`](netid::Operator) of
//! each answer built.

use netid::description::KeyText;
use netid::{OperatorDescription, TelcoFinder};
use netid_core::phone::PhoneNumber;
use netid_server::SANDBOX_OPERATOR_ID;

use super::data;
use super::record::{Done, Failed, StepResult, expect};
use super::setup::{self, Sandbox};

/// `route`: the finder names the sandbox itself, at its own API root, for `number`, and the
/// hosted operator, at its own, for [`data::TARO`].
pub(super) async fn route(sandbox: &Sandbox, number: &str) -> StepResult {
    let server = &sandbox.server;
    let demo = server
        .demo_client()
        .ok_or_else(|| Failed::from("the sandbox registered no demo client"))?;
    let text = format!(
        "{}\n[telco-finder]\nurl = {}\n",
        setup::description(server.issuer(), demo.key_id()),
        serde_json::Value::from(format!("{}/telco-finder/v1", server.issuer())),
    );
    let finder = TelcoFinder::builder(OperatorDescription::from_toml_str(&text)?)
        .transport(sandbox.transport.clone())
        .client_id(demo.client_id())
        .key(KeyText::new(
            "the sandbox's demo client",
            demo.expose_private_key_pem(),
        ))
        .build()?;
    let number = PhoneNumber::parse_lenient(number)?;
    let resolved = finder.resolve(&number).await?;
    // The operator the answer names, ready for the API calls the other steps make.
    finder.operator(&resolved)?;
    // A number of the operator hosted beside the sandbox: another operator, on the same machine.
    let hosted_number = PhoneNumber::parse_lenient(data::TARO)?;
    let hosted = finder.resolve(&hosted_number).await?;
    finder.operator(&hosted)?;
    let done = Done::new(format!(
        "Telco Finder: {number} is served by {} at {}, {hosted_number} by {} at {}",
        resolved.operator_id, resolved.api_root, hosted.operator_id, hosted.api_root
    ))
    .detail("operator_id", resolved.operator_id.as_str())
    .detail("api_root", resolved.api_root.as_str())
    .detail("discovery_url", resolved.discovery_url.as_str())
    .detail("hosted_operator_id", hosted.operator_id.as_str())
    .detail("hosted_api_root", hosted.api_root.as_str());
    let hosted_root = server
        .hosted_operators()
        .iter()
        .find(|operator| operator.operator_id == data::HOSTED_OPERATOR_ID)
        .map(|operator| operator.issuer.as_str());
    let holds = resolved.operator_id.as_str() == SANDBOX_OPERATOR_ID
        && resolved.api_root == server.issuer()
        && hosted.operator_id.as_str() == data::HOSTED_OPERATOR_ID
        && hosted_root == Some(hosted.api_root.as_str());
    expect(
        done,
        holds,
        "the sandbox itself at its own API root, and the operator it hosts at its own",
    )
}
