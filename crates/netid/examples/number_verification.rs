//! Number Verification through the facade: the sandbox operator starts in-process, its simulated
//! mobile network attributing the device's connection to +33 699 901 040. The application names the
//! device by its address (`ipport:` login hint), so CIBA authenticates it through the network;
//! then it asks whether a number is the device's, and which number the device has.
//!
//! Run: `cargo run -p netid --example number_verification`
#![allow(clippy::print_stdout)]

use netid::description::KeyText;
use netid::{Operator, OperatorDescription, Subject};
use netid_core::phone::PhoneNumber;
use netid_server::{Server, ServerConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let on_network = PhoneNumber::parse_strict("+33699901040")?;
    let sandbox = Server::start(ServerConfig::demo().with_network_subscriber(Some(on_network))).await?;
    let (issuer, client) = (sandbox.issuer(), sandbox.demo_client().ok_or("no demo client")?);

    let description = OperatorDescription::from_toml_str(&format!(
        "issuer = \"{issuer}\"\n[number-verification]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/number-verification/v2\""
    ))?;
    let operator = Operator::builder(description)
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .build()?;
    let device = Subject::login_hint("ipport:198.51.100.7:40404".parse()?);
    let claimed = PhoneNumber::parse_strict("+33699901040")?;
    let reply = operator
        .number_verification(device.clone())
        .verify(claimed)
        .await?;
    println!("+33 699 901 040 is the device's number: {}", reply.value.verified);
    let reply = operator.number_verification(device).device_phone_number().await?;
    println!("the device's number (masked): {}", reply.value);

    sandbox.shutdown().await;
    Ok(())
}
