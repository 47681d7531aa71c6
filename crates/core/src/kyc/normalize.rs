//! Text normalisation and the Jaro-Winkler score used by the [`Matcher`](super::Matcher).

use icu_casemap::CaseMapper;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::MatchScore;

mod ascii;

use ascii::push_normalized;

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
        _ if input.is_ascii() => {
            let mut out = String::new();
            push_normalized(input, rules, &mut out);
            out
        }
        Rules::Text => normalize_unicode(input, false),
        Rules::Name => normalize_unicode(input, true),
        Rules::Code => normalize_code_unicode(input),
    }
}

/// Normalises `input` under `rules` into `out`, replacing its content: the matcher reuses one
/// buffer for every claim, so an ASCII claim costs no allocation.
pub(crate) fn normalize_into(input: &str, rules: Rules, out: &mut String) {
    out.clear();
    match rules {
        Rules::Email => out.push_str(&normalize_email(input)),
        _ if input.is_ascii() => push_normalized(input, rules, out),
        _ => out.push_str(&normalize(input, rules)),
    }
}

/// Whether `input` normalises under `rules` to `normalized`. An email whose domain is ASCII is
/// compared in place, without building its normalised form: the matcher's test for the email.
pub(crate) fn normalizes_to(input: &str, rules: Rules, normalized: &str) -> bool {
    match rules {
        Rules::Email => email_normalizes_to(input, normalized),
        _ => normalize(input, rules) == normalized,
    }
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
    let similarity = jaro_winkler_both_orders(a, b);
    let scaled = (similarity * 100.0 + 1e-9).floor().clamp(0.0, 99.0);
    // `scaled` is an integer in 0..=99, so the conversion is exact and `new` cannot fail.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let value = scaled as u8;
    MatchScore::new(value).unwrap_or(MatchScore::ZERO)
}

/// strsim's Jaro-Winkler similarity of `a` and `b`, the larger of both argument orders: the Jaro
/// matching step is greedy, so the similarity can depend on the order for a few inputs, and the
/// larger of both makes the score symmetric.
fn jaro_winkler_both_orders(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        // The same sequences as `a.chars()` and `b.chars()`, so the same similarity, without
        // decoding UTF-8 in strsim's inner loop (which restarts `b` for every element of `a`).
        let (a, b) = (Bytes(a.as_bytes()), Bytes(b.as_bytes()));
        strsim::generic_jaro_winkler(&a, &b).max(strsim::generic_jaro_winkler(&b, &a))
    } else {
        strsim::jaro_winkler(a, b).max(strsim::jaro_winkler(b, a))
    }
}

/// ASCII text as strsim's generic functions read it: one element per byte.
struct Bytes<'a>(&'a [u8]);

impl<'b> IntoIterator for &Bytes<'b> {
    type Item = u8;
    type IntoIter = std::iter::Copied<std::slice::Iter<'b, u8>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
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
mod tests;
