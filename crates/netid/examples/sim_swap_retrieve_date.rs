//! SIM Swap `retrieve-date` through the facade: the sandbox operator starts in-process, then an
//! application obtains a token by CIBA (the sandbox's subscriber approves after a second) and asks
//! when the SIM of +34 654 654 654 last changed.
//!
//! Run: `cargo run -p netid --example sim_swap_retrieve_date`
#![allow(clippy::print_stdout)]

use netid::description::KeyText;
use netid::{Operator, OperatorDescription};
use netid_core::phone::PhoneNumber;
use netid_server::{Server, ServerConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Server::start(ServerConfig::demo()).await?;
    let (issuer, client) = (sandbox.issuer(), sandbox.demo_client().ok_or("no demo client")?);

    let description = OperatorDescription::from_toml_str(&format!(
        "issuer = \"{issuer}\"\n[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/sim-swap/v2\""
    ))?;
    let operator = Operator::builder(description)
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .build()?;
    let number = PhoneNumber::parse_strict("+34654654654")?;
    let reply = operator.sim_swap(number).retrieve_date().await?;
    match reply.value.latest_sim_change {
        Some(changed) => println!("latest SIM change: {changed}"),
        None => println!("no SIM change known"),
    }

    sandbox.shutdown().await;
    Ok(())
}
