//! The `server` and `discovery` steps: the sandbox started in-process, one [`Operator`] built from
//! an [`OperatorDescription`] naming it, and the operator's OpenID Provider set up.

use std::sync::Arc;
use std::time::Duration;

use netid::crates::ciba::provider::ProviderConfig;
use netid::crates::transport::HttpTransport;
use netid::description::KeyText;
use netid::{Operator, OperatorDescription};
use netid_reqwest::ReqwestTransport;
use netid_server::{HostedOperator, Server, ServerConfig, ServerHandle};

use super::data;
use super::record::{Done, Failed};

/// The running sandbox and the operator that talks to it.
#[derive(Debug)]
pub(super) struct Sandbox {
    pub(super) server: ServerHandle,
    pub(super) operator: Operator,
    /// The operator's transport, also the browser of the SAML step.
    pub(super) transport: Arc<dyn HttpTransport>,
}

/// Starts the sandbox (CIBA requests expiring after `ciba_expires_in`) and builds the operator with
/// the sandbox's demo client: the `server` step.
pub(super) async fn start(ciba_expires_in: Duration) -> Result<(Sandbox, Done), Failed> {
    // One more operator on the same server, for the Japanese numbers, so that the `route` step
    // resolves two numbers to two operators.
    let hosted = HostedOperator::new(data::HOSTED_OPERATOR_ID, [data::HOSTED_PREFIX])?;
    let config = ServerConfig::demo()
        .with_ciba_expires_in(ciba_expires_in)
        .with_operator(hosted);
    let server = Server::start(config).await?;
    let demo = server
        .demo_client()
        .ok_or_else(|| Failed::from("the sandbox registered no demo client"))?;
    let description = OperatorDescription::from_toml_str(&description(server.issuer(), demo.key_id()))?;
    // Short timeouts: everything runs on loopback, and a stuck request must not hang the demo.
    let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::with_timeouts(
        Duration::from_secs(5),
        Duration::from_secs(10),
    )?);
    let operator = Operator::builder(description)
        .transport(transport.clone())
        .client_id(demo.client_id())
        .key(KeyText::new(
            "the sandbox's demo client",
            demo.expose_private_key_pem(),
        ))
        .build()?;
    let done = Done::new(format!("reference operator at {}", server.base_url()))
        .detail("base_url", server.base_url().as_str())
        .detail("issuer", server.issuer())
        .detail("client_id", demo.client_id())
        .detail("client_auth", "private_key_jwt (ES256)");
    let sandbox = Sandbox {
        server,
        operator,
        transport,
    };
    Ok((sandbox, done))
}

/// The operator file of the sandbox: discovery from its issuer, the demo client's key id and
/// algorithm, the binding message, and the APIs at the base paths the sandbox serves, in the plain
/// CAMARA versions it implements.
pub(super) fn description(issuer: &str, key_id: &str) -> String {
    // A JSON string (quoted; `\"`, `\\`, `\n` and `\uXXXX` escapes) is also a TOML basic string.
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let api = |name: &str, profile: &str, path: &str| {
        format!(
            "[{name}]\nprofile = {}\nbase-url = {}\n",
            quote(profile),
            quote(&format!("{issuer}/{path}"))
        )
    };
    [
        format!(
            "issuer = {}\nkid = {}\nalg = \"ES256\"\nbinding-message = \"netid demo\"\n",
            quote(issuer),
            quote(key_id)
        ),
        api("kyc-match", "camara-0.4.0", "kyc-match/v0.4"),
        api("sim-swap", "camara-2.1.0", "sim-swap/v2"),
        api("number-verification", "camara-2.1.0", "number-verification/v2"),
        api("device-swap", "camara-1.0.0", "device-swap/v1"),
        api("number-recycling", "camara-0.2.0", "number-recycling/v0.2"),
        api("kyc-tenure", "camara-0.2.0", "kyc-tenure/v0.2"),
        api(
            "kyc-age-verification",
            "camara-0.2.1",
            "kyc-age-verification/v0.2",
        ),
        api("kyc-fill-in", "camara-0.4.1", "kyc-fill-in/v0.4"),
        api(
            "call-forwarding-signal",
            "camara-0.4.0",
            "call-forwarding-signal/v0.4",
        ),
        api("consent-info", "camara-0.2.0", "consent-info/v0.2"),
    ]
    .join("\n")
}

/// The `discovery` step: the operator's provider discovered and its keys fetched.
pub(super) async fn discover(operator: &Operator) -> Result<(Arc<ProviderConfig>, Done), Failed> {
    let provider = operator.provider().await?;
    let done = describe_provider(&provider);
    Ok((provider, done))
}

fn describe_provider(provider: &ProviderConfig) -> Done {
    let backchannel = provider.backchannel_endpoint().map(|url| url.as_str().to_owned());
    Done::new(format!(
        "issuer {} · CIBA poll mode {} · JWKS {}",
        provider.issuer(),
        if provider.supports_poll_mode() {
            "supported"
        } else {
            "absent"
        },
        if provider.has_jwks() { "fetched" } else { "missing" },
    ))
    .detail("issuer", provider.issuer())
    .detail("token_endpoint", provider.token_endpoint().as_str())
    .detail("backchannel_authentication_endpoint", backchannel)
    .detail("poll_mode", provider.supports_poll_mode())
}

#[cfg(test)]
mod tests {
    use netid::crates::camara::{Api, SpecVersion};

    use super::*;

    #[test]
    fn the_description_names_the_sandbox_and_its_apis() {
        let issuer = "http://127.0.0.1:4040";
        let text = description(issuer, "demo \"key\"");
        let parsed = OperatorDescription::from_toml_str(&text).expect("the description parses");
        assert_eq!(parsed.provider.issuer.as_deref(), Some(issuer));
        assert_eq!(parsed.client.kid.as_deref(), Some("demo \"key\""));
        assert_eq!(parsed.request.binding_message.as_deref(), Some("netid demo"));
        let check = |api: Api, spec: SpecVersion, base_url: &str| {
            let resolved = parsed.api(api).expect("the API resolves");
            assert_eq!(resolved.profile().spec(), spec, "{api}");
            assert_eq!(resolved.profile().client().base_url(), base_url, "{api}");
        };
        check(
            Api::KycMatch,
            SpecVersion::KycMatch0_4_0,
            "http://127.0.0.1:4040/kyc-match/v0.4",
        );
        check(
            Api::SimSwap,
            SpecVersion::SimSwap2_1_0,
            "http://127.0.0.1:4040/sim-swap/v2",
        );
        check(
            Api::NumberVerification,
            SpecVersion::NumberVerification2_1_0,
            "http://127.0.0.1:4040/number-verification/v2",
        );
        check(
            Api::DeviceSwap,
            SpecVersion::DeviceSwap1_0_0,
            "http://127.0.0.1:4040/device-swap/v1",
        );
        check(
            Api::NumberRecycling,
            SpecVersion::NumberRecycling0_2_0,
            "http://127.0.0.1:4040/number-recycling/v0.2",
        );
        check(
            Api::KycTenure,
            SpecVersion::KycTenure0_2_0,
            "http://127.0.0.1:4040/kyc-tenure/v0.2",
        );
        check(
            Api::KycAgeVerification,
            SpecVersion::KycAgeVerification0_2_1,
            "http://127.0.0.1:4040/kyc-age-verification/v0.2",
        );
        check(
            Api::KycFillIn,
            SpecVersion::KycFillIn0_4_1,
            "http://127.0.0.1:4040/kyc-fill-in/v0.4",
        );
        check(
            Api::CallForwardingSignal,
            SpecVersion::CallForwardingSignal0_4_0,
            "http://127.0.0.1:4040/call-forwarding-signal/v0.4",
        );
        check(
            Api::ConsentInfo,
            SpecVersion::ConsentInfo0_2_0,
            "http://127.0.0.1:4040/consent-info/v0.2",
        );
    }
}
