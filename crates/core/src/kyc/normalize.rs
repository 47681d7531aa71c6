//! Text normalisation and the Jaro-Winkler score used by the [`Matcher`](super::Matcher).

use icu_casemap::CaseMapper;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::MatchScore;

mod ascii;

use ascii::AsciiNormalized;

/// Normalises free text for comparison: Unicode NFKC, full case folding, diacritics removed, white
/// space collapsed.
///
/// In detail, in this order:
/// 1. NFKC, so compatibility forms compare equal to their plain forms (full-width `Ｆｅｄｅｒｉｃａ`
///    and `Federica`; half-width and full-width katakana; the ligature `ﬁ` and `fi`);
/// 2. full Unicode case folding (`CaseFolding.txt`, statuses C and F, through ICU4X's
///    `icu_casemap`): the final sigma `ς` and `σ` meet, `ß`/`ẞ` become `ss`, `ſ` becomes `s`, and the
///    result does not depend on the letter's position in the word; then the Latin letters that have no
///    canonical decomposition, and so keep their "diacritic" after step 3, are transliterated by hand:
///    `æ` → `ae`, `œ` → `oe`, `ø` → `o`, `ł` → `l`, `đ`/`ð` → `d`, `þ` → `th`, `ı` → `i` (a fixed
///    list: these are the letters French, Spanish, Dutch, Nordic, Polish and Turkish records hold);
/// 3. canonical decomposition and removal of the Latin, Greek and Cyrillic diacritics (the combining
///    diacritical mark blocks); other combining marks are kept, so Japanese voicing marks (`ガ` is not
///    `カ`) and the vowel signs of Indic scripts survive;
/// 4. control characters dropped; white space runs collapsed to one space, none at either end; a
///    combining mark left with nothing to attach to is dropped;
/// 5. canonical composition (NFC).
///
/// The result is a fixed point: normalising it again returns it unchanged.
///
/// ASCII input takes a shortcut with the same result: NFKC, NFD and NFC leave ASCII unchanged and
/// full case folding maps only `A`–`Z` there, so the steps reduce to lower-casing and step 4.
pub fn normalize_text(input: &str) -> String {
    normalize(input, Rules::Text)
}

/// Normalises a name or an address part: [`normalize_text`], and punctuation ignored.
///
/// Dashes, slashes and middle dots (`Jean-Pierre`, `12/14`, `ヤマダ・タロウ`) separate words, so
/// they count as a space; every other character that is neither a letter, a digit, a combining mark nor
/// white space (apostrophes, periods, commas, symbols) is dropped: `O'Brien`, `O’Brien` and `OBrien`
/// compare equal, as do `J.R.R.` and `JRR`.
pub fn normalize_name(input: &str) -> String {
    normalize(input, Rules::Name)
}

/// Normalises an email address: white space trimmed and the domain in lower case. The local part is
/// kept as is: RFC 5321 leaves its case to the receiving system.
pub(crate) fn normalize_email(input: &str) -> String {
    let trimmed = input.trim();
    match trimmed.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => trimmed.to_owned(),
    }
}

/// Which of the normalisations above applies to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// [`normalize_text`].
    Text,
    /// [`normalize_name`].
    Name,
    /// An identifier such as a document number or a postal code: [`normalize_text`] keeping
    /// letters and digits only (`102-8460` and `1028460`, `1012 AB` and `1012ab` compare equal).
    Code,
    /// [`normalize_email`].
    Email,
}

/// Normalises `input` under `rules`.
pub(crate) fn normalize(input: &str, rules: Rules) -> String {
    match rules {
        Rules::Email => normalize_email(input),
        _ if input.is_ascii() => AsciiNormalized::new(input, rules).map(char::from).collect(),
        Rules::Text => normalize_unicode(input, false),
        Rules::Name => normalize_unicode(input, true),
        Rules::Code => normalize_code_unicode(input),
    }
}

/// Normalises `input` under `rules` into `out`, replacing its content: the matcher reuses one
/// buffer for the claims it scores.
pub(crate) fn normalize_into(input: &str, rules: Rules, out: &mut String) {
    out.clear();
    match rules {
        Rules::Email => out.push_str(&normalize_email(input)),
        _ if input.is_ascii() => out.extend(AsciiNormalized::new(input, rules).map(char::from)),
        _ => out.push_str(&normalize(input, rules)),
    }
}

/// Whether `input` normalises under `rules` to `normalized`, without building the normalised form
/// when `input` is ASCII (and, for an email, when its domain is): the matcher's test for equal
/// fields, which are most of them.
pub(crate) fn normalizes_to(input: &str, rules: Rules, normalized: &str) -> bool {
    match rules {
        Rules::Email => email_normalizes_to(input, normalized),
        _ if input.is_ascii() => AsciiNormalized::new(input, rules).eq(normalized.bytes()),
        _ => normalize(input, rules) == normalized,
    }
}

/// Whether [`normalizes_to`] compares `input` without building its normalised form.
pub(crate) fn compares_in_place(input: &str, rules: Rules) -> bool {
    rules == Rules::Email || input.is_ascii()
}

/// [`normalize_email`]`(input) == normalized`, comparing an ASCII domain in place.
fn email_normalizes_to(input: &str, normalized: &str) -> bool {
    let trimmed = input.trim();
    let Some((local, domain)) = trimmed.rsplit_once('@') else {
        return trimmed == normalized;
    };
    if !domain.is_ascii() {
        return normalize_email(input) == normalized;
    }
    // `normalized` must be `local`, `@`, then `domain` in lower case, byte for byte.
    normalized.len() == trimmed.len()
        && normalized.as_bytes()[..=local.len()] == trimmed.as_bytes()[..=local.len()]
        && domain
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .eq(normalized.as_bytes()[local.len() + 1..].iter().copied())
}

/// The KYC Match score of two strings: the Jaro-Winkler similarity (`strsim`, prefix scale 0.1, prefix
/// up to 4 characters) scaled to 0–100.
///
/// Equal strings score 100; different strings score at most 99, as 0.4.0's `MatchScoreResult`
/// requires. The scaled similarity is rounded down (a score never claims more similarity than
/// measured), after adding 10⁻⁹ so that a binary floating-point value just below an exact hundredth
/// does not lose a point: the spec's example `Clara`/`Carla` has similarity 0.88 and scores 88, and
/// Orange France's published example (`Pet er`/`Peter` → 96, `14 blevard de Perrier`/`14 boulevard de
/// Perrier` → 98, after lower-casing) is reproduced.
///
/// The score is symmetric: `similarity_score(a, b) == similarity_score(b, a)`.
pub fn similarity_score(a: &str, b: &str) -> MatchScore {
    if a == b {
        return MatchScore::PERFECT;
    }
    // The Jaro matching step is greedy, so the similarity can depend on the argument order for a few
    // inputs; the larger of both orders makes the score symmetric.
    let similarity = strsim::jaro_winkler(a, b).max(strsim::jaro_winkler(b, a));
    let scaled = (similarity * 100.0 + 1e-9).floor().clamp(0.0, 99.0);
    // `scaled` is an integer in 0..=99, so the conversion is exact and `new` cannot fail.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let value = scaled as u8;
    MatchScore::new(value).unwrap_or(MatchScore::ZERO)
}

/// [`Rules::Code`] for any input: the letters and digits of [`normalize_text`].
fn normalize_code_unicode(input: &str) -> String {
    normalize_unicode(input, false)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .nfc()
        .collect()
}

/// The Unicode pipeline of [`normalize_text`] (`name` false) and [`normalize_name`] (`name` true),
/// for any input.
pub(crate) fn normalize_unicode(input: &str, name: bool) -> String {
    let compatible: String = input.nfkc().collect();
    // Full case folding is context-free: unlike `str::to_lowercase`, it maps `Σ` to `σ` whatever its
    // position, and maps the final form `ς` to `σ` too.
    let case_folded = CaseMapper::new().fold_string(&compatible);
    let mut folded = String::with_capacity(case_folded.len());
    for c in case_folded.chars() {
        // Case folding has already lowered these; only the lower-case forms remain.
        match c {
            'æ' => folded.push_str("ae"),
            'œ' => folded.push_str("oe"),
            'þ' => folded.push_str("th"),
            'ø' => folded.push('o'),
            'ł' => folded.push('l'),
            'đ' | 'ð' => folded.push('d'),
            'ı' => folded.push('i'),
            _ => folded.push(c),
        }
    }
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.nfd() {
        let c = if name && is_word_separator(c) { ' ' } else { c };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_diacritic(c) || c.is_control() {
            continue;
        }
        let mark = is_combining_mark(c);
        if name && !mark && !c.is_alphanumeric() {
            continue;
        }
        if mark && (out.is_empty() || pending_space) {
            // Nothing to attach to: the base it followed was a space or was dropped.
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out.nfc().collect()
}

/// The combining diacritical mark blocks: accents of Latin, Greek and Cyrillic letters.
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Characters that separate the words of a name or an address: dashes, slashes, middle dots.
fn is_word_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '/' | '_' | '\u{00B7}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FB}' | '\u{FF65}'
    )
}

#[cfg(test)]
mod tests {
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
}
