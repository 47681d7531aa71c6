use std::net::{Ipv4Addr, Ipv6Addr};

use bytes::Bytes;
use proptest::prelude::*;

use super::*;

/// The routing table of the published example, plus MSISDN prefixes of two lengths.
const TABLE: &str = r#"[
  {"ipv4": ["23.124.1.200/20", "34.231.2.120/22"], "ipv6": ["ff22:0:0:ab:23:1a:346:7332/64"],
   "static": {"operatorId": "OPERATOR_ID", "authProviderConfiguration": "https://auth.operator.com/.well-known/openid-configuration", "apiRoot": "https://example.operator.com"}},
  {"network": ["23405", "23413"],
   "dynamic": {"authProviderConfiguration": "https://auth.operator.com/.well-known/openid-configuration", "telcoFinder": "https://apis.operator.com/telco-finder/v1"}},
  {"msisdnPrefix": ["+3465"], "ipv4": ["23.124.0.0/24"], "static": {"operatorId": "short", "apiRoot": "https://short.example"}},
  {"msisdnPrefix": ["+346546", "+100234"], "static": {"operatorId": "long", "apiRoot": "https://long.example"}}
]"#;

fn table() -> RoutingTable {
    RoutingTable::from_json(200, &Bytes::from_static(TABLE.as_bytes())).expect("the example table")
}

fn operator(action: Option<&RoutingAction>) -> Option<String> {
    action.map(|action| match action {
        RoutingAction::Static(route) => route.operator_id.as_str().to_owned(),
        RoutingAction::Dynamic(route) => format!("dynamic {}", route.telco_finder),
    })
}

fn phone(text: &str) -> SearchTarget {
    SearchTarget::PhoneNumber(PhoneNumber::parse_strict(text).expect("number"))
}

fn v4(text: &str) -> SearchTarget {
    SearchTarget::Ipv4 {
        public_address: text.parse().expect("address"),
        public_port: Some(59765),
    }
}

#[test]
fn the_most_specific_rule_wins() {
    let table = table();
    let check = |target: SearchTarget, expected: Option<&str>| {
        assert_eq!(
            operator(table.resolve(&target)).as_deref(),
            expected,
            "{target:?}"
        );
    };
    check(phone("+34654654654"), Some("long"));
    check(phone("+34651000000"), Some("short"));
    check(phone("+1002345678"), Some("long"));
    check(phone("+447709558432"), None);
    // 23.124.0.0/24 is inside 23.124.1.200/20 (23.124.0.0 - 23.124.15.255): /24 is more specific.
    check(v4("23.124.0.9"), Some("short"));
    check(v4("23.124.15.255"), Some("OPERATOR_ID"));
    check(v4("23.124.16.0"), None);
    check(v4("34.231.0.1"), Some("OPERATOR_ID"));
    check(
        SearchTarget::Ipv6 {
            public_address: "ff22::ab:1:2:3:4".parse().expect("v6"),
            public_port: None,
        },
        Some("OPERATOR_ID"),
    );
    let network = |id: &str| operator(table.resolve_network(&id.parse().expect("network id")));
    assert_eq!(
        network("23413").as_deref(),
        Some("dynamic https://apis.operator.com/telco-finder/v1")
    );
    assert_eq!(network("21407"), None);
}

#[test]
fn the_json_form_round_trips() {
    let table = table();
    let again = RoutingTable::from_json(200, &Bytes::from(table.to_json().to_string())).expect("round trip");
    assert_eq!(again, table);
}

#[test]
fn invalid_tables_name_the_failing_path() {
    let check = |body: &str, path: &str| {
        let error = RoutingTable::from_json(200, &Bytes::from(body.to_owned())).expect_err(body);
        assert_eq!(error.path(), path, "{body}");
        assert!(
            !error.to_string().contains("+3465"),
            "no value in Display: {error}"
        );
    };
    let route = r#""static": {"operatorId": "x", "apiRoot": "https://x.example"}"#;
    check(
        &format!(r#"[{{"ipv4": ["23.124.1.200/33"], {route}}}]"#),
        "$[0].ipv4[0]",
    );
    check(
        &format!(r#"[{{"msisdnPrefix": ["+3465", "3465"], {route}}}]"#),
        "$[0].msisdnPrefix[1]",
    );
    check(
        &format!(r#"[{{"network": ["2340"], {route}}}]"#),
        "$[0].network[0]",
    );
    check(&format!(r#"[{{{route}}}]"#), "$[0]");
    check(r#"[{"network": ["23405"]}]"#, "$[0]");
    check(
        r#"[{"network": ["23405"], "static": {"operatorId": "", "apiRoot": "https://x.example"}}]"#,
        "$[0].static.operatorId",
    );
    check(r#"{"rules": []}"#, "$");
}

#[test]
fn identifiers_parse_strictly() {
    let prefix = |text: &str| text.parse::<MsisdnPrefix>().map(|p| p.digits());
    assert_eq!(prefix("+1"), Ok(1));
    assert_eq!(prefix("+123456789012345"), Ok(15));
    for bad in ["", "+", "1234", "+1234567890123456", "+12a4", "++12"] {
        assert_eq!(prefix(bad), Err(InvalidId::MsisdnPrefix), "{bad}");
    }
    assert!("23405".parse::<NetworkId>().is_ok());
    assert!("234050".parse::<NetworkId>().is_ok());
    for bad in ["2340", "2340500", "2340a"] {
        assert_eq!(bad.parse::<NetworkId>(), Err(InvalidId::NetworkId), "{bad}");
    }
}

fn static_rule(id: usize) -> RoutingAction {
    RoutingAction::Static(StaticRoute::new(
        OperatorId::new(format!("op-{id}")).expect("id"),
        "https://op.example",
    ))
}

proptest! {
    /// The resolver agrees with a brute force over every prefix of the number.
    #[test]
    fn longest_prefix_wins(
        national in "[1-9][0-9]{8}",
        lengths in proptest::collection::vec(1_usize..=11, 1..6),
    ) {
        let number = PhoneNumber::parse_strict(&format!("+34{national}")).expect("number");
        let digits = &number.expose_e164()[1..];
        let rules: Vec<RoutingRule> = lengths.iter().enumerate().map(|(index, length)| {
            let mut rule = RoutingRule::new(static_rule(index));
            let length = (*length).min(digits.len());
            rule.msisdn_prefix.push(format!("+{}", &digits[..length]).parse().expect("prefix"));
            // A prefix of another country never matches.
            rule.msisdn_prefix.push("+99".parse().expect("prefix"));
            rule
        }).collect();
        let table = RoutingTable::new(rules);
        let longest = lengths.iter().map(|l| (*l).min(digits.len())).max().expect("one rule");
        let first_longest = lengths.iter().position(|l| (*l).min(digits.len()) == longest).expect("one");
        prop_assert_eq!(
            operator(table.resolve(&SearchTarget::PhoneNumber(number))),
            Some(format!("op-{first_longest}"))
        );
    }

    /// CIDR containment is the mask comparison, and the longest matching range wins.
    #[test]
    fn cidr_ranges_match_by_mask(address: u32, base: u32, length in 0_u8..=32, other in 0_u8..=32) {
        let net = Ipv4Net::new(Ipv4Addr::from(base), length).expect("length");
        let mask = if length == 0 { 0 } else { u32::MAX << (32 - length) };
        let inside = address & mask == base & mask;
        let target = SearchTarget::Ipv4 { public_address: Ipv4Addr::from(address), public_port: None };
        let mut narrow = RoutingRule::new(static_rule(0));
        narrow.ipv4.push(net);
        let mut wide = RoutingRule::new(static_rule(1));
        wide.ipv4.push(Ipv4Net::new(Ipv4Addr::from(address), other).expect("length"));
        let table = RoutingTable::new(vec![narrow, wide]);
        // On a tie the first rule wins.
        let expected = if inside && length >= other { "op-0" } else { "op-1" };
        prop_assert_eq!(operator(table.resolve(&target)), Some(expected.to_owned()));
        let v6 = SearchTarget::Ipv6 { public_address: Ipv6Addr::LOCALHOST, public_port: None };
        prop_assert_eq!(table.resolve(&v6), None);
    }

    /// Any body decodes to a table or a typed error, never a panic.
    #[test]
    fn any_body_gives_a_table_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = RoutingTable::from_json(200, &Bytes::from(body));
    }
}
