//! The route table and the choice of a route.

use super::*;

#[test]
fn the_longest_prefix_wins_and_routes_are_checked() {
    let routes = vec![
        TelcoRoute::new("short", ["+34"]).expect("route"),
        TelcoRoute::new("long", ["+3465", "+1"]).expect("route"),
        TelcoRoute::new("tie", ["+3465"]).expect("route"),
    ];
    let check = |number: &str, expected: Option<&str>| {
        let number = PhoneNumber::parse_strict(number).expect("number");
        let found = route::best(&routes, |route| route.number_specificity(&number))
            .map(|route| route.operator_id.as_str());
        assert_eq!(found, expected, "{number:?}");
    };
    check("+34654654654", Some("long"));
    check("+34600000002", Some("short"));
    check("+447709558432", None);
    assert_eq!(TelcoRoute::new("", ["+1"]), Err(TelcoRouteError::OperatorId));
    assert_eq!(
        TelcoRoute::new("x", Vec::<String>::new()),
        Err(TelcoRouteError::NoPrefix)
    );
    assert_eq!(
        TelcoRoute::new("x", ["+1", "34"]),
        Err(TelcoRouteError::Prefix { index: 1 })
    );
    let default = TelcoRoute::sandbox(&SubscriberStore::default_set());
    assert_eq!(default.len(), 1);
    assert!(default[0].msisdn_prefixes.contains(&"+34".to_owned()));
    assert!(!default[0].msisdn_prefixes.contains(&"+44".to_owned()));
}

#[test]
fn hosted_operators_come_first_beside_ip_network_and_second_level_routes() {
    let issuer = "http://127.0.0.1:9";
    let hosted = crate::hosted::HostedOperator::new("hosted-es", ["+34"]).expect("hosted");
    let ranges = TelcoRoute::from_ranges("ranges", ["+34"], ["198.51.100.0/24"], ["21407"])
        .expect("route")
        .with_api_root("https://api.ranges.test");
    let delegated = TelcoRoute::new("delegated", ["+44"])
        .expect("route")
        .with_second_level_finder("https://finder.example.test/");
    let config = ServerConfig::new()
        .with_operator(hosted)
        .with_telco_route(ranges)
        .with_telco_route(delegated);
    let table = table(&config, issuer);
    let ids: Vec<&str> = table.iter().map(|route| route.operator_id.as_str()).collect();
    assert_eq!(ids, ["hosted-es", "ranges", "delegated"]);
    // The hosted operator has MSISDN prefixes only, and its own issuer as API root.
    assert!(table[0].ip_ranges.is_empty() && table[0].networks.is_empty());
    assert_eq!(
        table[0].api_root.as_deref(),
        Some("http://127.0.0.1:9/operators/hosted-es")
    );
    // Configured routes keep their ranges, networks and finder; missing URLs become this server's.
    assert_eq!(table[1].networks, ["21407"]);
    assert_eq!(table[1].api_root.as_deref(), Some("https://api.ranges.test"));
    assert_eq!(table[1].issuer.as_deref(), Some(issuer));
    assert_eq!(
        table[2].second_level_finder.as_deref(),
        Some("https://finder.example.test")
    );
    assert_eq!(table[2].issuer.as_deref(), Some(issuer));

    let number = |text: &str| PhoneNumber::parse_strict(text).expect("number");
    let by_number = |text: &str| {
        route::best(&table, |route| route.number_specificity(&number(text)))
            .map(|route| route.operator_id.as_str())
    };
    // A tie on prefix length goes to the hosted operator; an address to the range's route.
    assert_eq!(by_number("+34654654654"), Some("hosted-es"));
    assert_eq!(by_number("+447709558432"), Some("delegated"));
    assert_eq!(by_number("+33699901040"), None);
    let by_address = |text: &str| {
        let address: IpAddr = text.parse().expect("address");
        route::best(&table, |route| route.address_specificity(address))
            .map(|route| route.operator_id.as_str())
    };
    assert_eq!(by_address("198.51.100.7"), Some("ranges"));
    assert_eq!(by_address("203.0.113.1"), None);
}
