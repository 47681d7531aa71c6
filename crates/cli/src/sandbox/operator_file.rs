//! The operator file of a running sandbox: what `netid --operator-file` and
//! `netid::OperatorDescription` read to talk to it.

use std::fmt::Write as _;

use netid_server::{ApiMount, ServerHandle};

/// The operator file of `server` for its demo client, whose private key is at `key` (as the file
/// should name it: relative to the file's directory, or absolute). `None` when the server has no
/// demo client.
pub fn operator_file_text(server: &ServerHandle, key: &str) -> Option<String> {
    let demo = server.demo_client()?;
    // A JSON string (quoted; `\"`, `\\`, `\n` and `\uXXXX` escapes) is also a TOML basic string.
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let issuer = server.issuer();
    let mut text = format!(
        "# The netid sandbox at {issuer}, written by `netid sandbox serve`. Rewritten at every start:\n\
         # the demo client's key is generated then.\n\
         issuer = {}\nclient-id = {}\nkey = {}\nkid = {}\nalg = {}\n\
         purpose = \"dpv:FraudPreventionAndDetection\"\nbinding-message = \"netid sandbox\"\n\
         # What `netid token` asks for without flags: Peter, who approves after two seconds.\n\
         login-hint = \"tel:+33699901040\"\nscope = \"openid dpv:FraudPreventionAndDetection sim-swap:check\"\n",
        quote(issuer),
        quote(demo.client_id()),
        quote(key),
        quote(demo.key_id()),
        quote(demo.algorithm()),
    );
    // One table per API, at the mount the server prefers (the newest plain CAMARA version); the
    // API's other mounts are listed as comments.
    let mounts = server.api_mounts();
    for chosen in mounts.iter().filter(|m| m.preferred) {
        let (api, profile) = (chosen.api, chosen.profile);
        let _ = write!(
            text,
            "\n[{api}]\nprofile = {}\nbase-url = {}\n",
            quote(profile),
            quote(&format!("{issuer}{}", chosen.base_path))
        );
        let others: Vec<&ApiMount> = mounts.iter().filter(|m| m.api == api && !m.preferred).collect();
        if !others.is_empty() {
            text.push_str("# The sandbox also serves this API as (replace profile and base-url):\n");
        }
        for other in others {
            let _ = writeln!(
                text,
                "#   profile = {}  base-url = {}",
                quote(other.profile),
                quote(&format!("{issuer}{}", other.base_path))
            );
        }
    }
    // The sandbox's Telco Finder, asked with a client-credentials token from the same issuer.
    let _ = write!(
        text,
        "\n# Which operator serves a number: `netid route --phone-number N`.\n"
    );
    // This file keeps describing the root operator; `--route` reaches a hosted one through the
    // finder, with the same client (hosted operators know the root's clients by default).
    let hosted = server.hosted_operators();
    if !hosted.is_empty() {
        text.push_str("# With --route, the API commands call the operator the finder names:\n");
    }
    for operator in hosted {
        let _ = writeln!(
            text,
            "#   {} for {} at {}",
            operator.operator_id,
            operator.msisdn_prefixes.join(" "),
            operator.issuer
        );
    }
    let _ = write!(
        text,
        "[telco-finder]\nurl = {}\n",
        quote(&format!("{issuer}/telco-finder/v1"))
    );
    Some(text)
}
