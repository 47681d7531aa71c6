//! The normalisations against the Unicode pipeline, and the score.

use proptest::prelude::*;

use super::*;

fn check(normalizer: fn(&str) -> String, input: &str, expected: &str) {
    assert_eq!(normalizer(input), expected, "{input:?}");
}

#[test]
fn text() {
    check(
        normalize_text,
        "  Federica   Sánchez\tArjona ",
        "federica sanchez arjona",
    );
    check(normalize_text, "Ｆｅｄｅｒｉｃａ", "federica");
    check(normalize_text, "Straße", "strasse");
    check(normalize_text, "Œuvre Ærø Łódź", "oeuvre aero lodz");
    check(normalize_text, "ÇA", "ca");
    // Full case folding: the final sigma meets the medial one, upper or lower case.
    check(normalize_text, "Οδυσσεύς", "οδυσσευσ");
    check(normalize_text, "ΟΔΥΣΣΕΥΣ", "οδυσσευσ");
    check(normalize_text, "ẞ ſ", "ss s");
    check(normalize_text, "ÐÞØŁĐ", "dthold");
    check(normalize_text, "O'Brien", "o'brien");
    check(normalize_text, "ﬁne", "fine");
    // Half-width and full-width katakana meet; voicing marks are kept.
    check(normalize_text, "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ");
    check(normalize_text, "ガ", "ガ");
    check(normalize_text, "a\u{0}b", "ab");
    check(normalize_text, "", "");
}

#[test]
fn names() {
    check(normalize_name, "Jean-Pierre", "jean pierre");
    check(normalize_name, "O’Brien", "obrien");
    check(normalize_name, "J.R.R. Tolkien", "jrr tolkien");
    check(normalize_name, "van der Berg,  Jan", "van der berg jan");
    check(normalize_name, "ヤマダ・タロウ", "ヤマダ タロウ");
    check(normalize_name, "Pet er", "pet er");
    check(normalize_name, "--", "");
    // A voicing mark whose base was punctuation has nothing to attach to.
    check(normalize_name, ".\u{3099}", "");
}

fn normalize_code(input: &str) -> String {
    normalize(input, Rules::Code)
}

#[test]
fn codes_and_emails() {
    check(normalize_code, "102-8460", "1028460");
    check(normalize_code, "1012 AB", "1012ab");
    check(normalize_code, "66666666-Q", "66666666q");
    check(
        normalize_email,
        " Peter.Lefebvre@SFR.fr ",
        "Peter.Lefebvre@sfr.fr",
    );
    check(normalize_email, "no-at-sign", "no-at-sign");
}

fn check_score(a: &str, b: &str, expected: u8) {
    assert_eq!(similarity_score(a, b).value(), expected, "{a:?} vs {b:?}");
    assert_eq!(similarity_score(b, a).value(), expected, "{b:?} vs {a:?}");
}

#[test]
fn scores() {
    // The spec's example.
    check_score("Clara", "Carla", 88);
    // Orange France's example response, on normalised text.
    check_score("pet er", "peter", 96);
    check_score("14 blevard de perrier", "14 boulevard de perrier", 98);
    check_score("same", "same", 100);
    check_score("", "", 100);
    check_score("abc", "", 0);
    check_score("abc", "xyz", 0);
    // Nearly equal long strings stay below 100.
    let long = "a".repeat(200);
    check_score(&long, &format!("{long}b"), 99);
}

/// The Unicode pipeline, which the ASCII shortcut must reproduce byte for byte.
fn unicode(input: &str, rules: Rules) -> String {
    match rules {
        Rules::Text => normalize_unicode(input, false),
        Rules::Name => normalize_unicode(input, true),
        Rules::Code => normalize_code_unicode(input),
        Rules::Email => normalize_email(input),
    }
}

const PER_CHARACTER: [Rules; 3] = [Rules::Text, Rules::Name, Rules::Code];

fn check_ascii(input: &str) {
    for rules in PER_CHARACTER {
        let fast = normalize(input, rules);
        assert_eq!(fast, unicode(input, rules), "{rules:?} {input:?}");
        assert!(normalizes_to(input, rules, &fast), "{rules:?} {input:?}");
    }
}

#[test]
fn ascii_shortcut_matches_the_unicode_pipeline_on_every_character() {
    for byte in 0_u8..=0x7F {
        let c = char::from(byte);
        for input in [
            format!("{c}"),
            format!("Ab{c}Cd"),
            format!(" {c} x "),
            format!("x{c}{c}y"),
            format!("{c}\u{b}x"),
        ] {
            check_ascii(&input);
        }
    }
    check_ascii("");
    check_ascii("  J.R.R.  Tolkien-Smith / O'Brien_2 \t\r\n");
}

proptest! {
    #[test]
    fn ascii_shortcut_matches_the_unicode_pipeline(input in "[\\x00-\\x7F]{0,40}") {
        for rules in PER_CHARACTER {
            prop_assert_eq!(normalize(&input, rules), unicode(&input, rules), "{:?}", rules);
        }
    }

    #[test]
    fn normalizes_to_agrees_with_normalize(
        a in prop_oneof!["[ -~]{0,12}", "[A-Za-z .@-]{0,12}", "[a-zA-ZÀ-ÿ .@-]{0,12}", any::<String>()],
        b in prop_oneof!["[ -~]{0,12}", "[A-Za-z .@-]{0,12}", "[a-zA-ZÀ-ÿ .@-]{0,12}", any::<String>()],
    ) {
        for rules in [Rules::Text, Rules::Name, Rules::Code, Rules::Email] {
            let target = unicode(&b, rules);
            prop_assert_eq!(
                normalizes_to(&a, rules, &target),
                unicode(&a, rules) == target,
                "{:?}", rules
            );
            prop_assert!(normalizes_to(&b, rules, &target), "{:?}", rules);
        }
    }
}

proptest! {
    /// The byte path gives strsim's own `&str` similarity, bit for bit.
    #[test]
    fn ascii_similarity_is_that_of_strsim_on_str(
        a in prop_oneof!["[a-e ]{0,12}", "[ -~]{0,24}"],
        b in prop_oneof!["[a-e ]{0,12}", "[ -~]{0,24}"],
    ) {
        let on_str = strsim::jaro_winkler(&a, &b).max(strsim::jaro_winkler(&b, &a));
        prop_assert_eq!(jaro_winkler_both_orders(&a, &b).to_bits(), on_str.to_bits());
    }
}

#[test]
fn emails_compare_in_place() {
    for (input, normalized, equal) in [
        (" Peter.Lefebvre@SFR.fr ", "Peter.Lefebvre@sfr.fr", true),
        ("Peter.Lefebvre@SFR.fr", "peter.lefebvre@sfr.fr", false),
        ("a@b@C.fr", "a@b@c.fr", true),
        ("a@b@C.fr", "a@B@c.fr", false),
        ("José@Correo.ES", "José@correo.es", true),
        ("x@ÉXAMPLE.com", "x@éxample.com", true),
        ("no-at-sign", "no-at-sign", true),
        ("a@b", "a@bc", false),
        ("ab@c", "a@bc", false),
    ] {
        assert_eq!(normalizes_to(input, Rules::Email, normalized), equal, "{input:?}");
        assert_eq!(normalize_email(input) == normalized, equal, "{input:?}");
    }
}
