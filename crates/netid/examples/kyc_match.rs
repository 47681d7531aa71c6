//! KYC Match `match` through the facade: the sandbox operator starts in-process, then an application
//! checks what a customer claims against the Orange France subscriber of the sandbox (+33 699 901
//! 040), with the Orange France profile (KYC Match v0.2, bare-MSISDN login hint). The family name
//! is claimed wrong on purpose.
//!
//! Run: `cargo run -p netid --example kyc_match`
#![allow(clippy::print_stdout)]

use netid::description::KeyText;
use netid::{Operator, OperatorDescription};
use netid_core::kyc::KycClaims;
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use netid_server::{Server, ServerConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Server::start(ServerConfig::demo()).await?;
    let (issuer, client) = (sandbox.issuer(), sandbox.demo_client().ok_or("no demo client")?);

    let description = OperatorDescription::from_toml_str(&format!(
        "issuer = \"{issuer}\"\n[kyc-match]\nprofile = \"orange-france\"\nbase-url = \"{issuer}/camara/ofr/kyc-match/v0.2\""
    ))?;
    let operator = Operator::builder(description)
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .build()?;
    let mut claims = KycClaims::new();
    claims.given_name = Some(Pii::new("Peter".to_owned()));
    claims.family_name = Some(Pii::new("Dupont".to_owned()));
    claims.postal_code = Some(Pii::new("44000".to_owned()));
    let number = PhoneNumber::parse_strict("+33699901040")?;
    let reply = operator.kyc_match(number).match_claims(claims).await?;
    for (field, result) in reply.value.iter() {
        println!("{field}: {}", result.result);
    }

    sandbox.shutdown().await;
    Ok(())
}
