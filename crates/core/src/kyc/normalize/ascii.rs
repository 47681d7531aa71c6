//! The normalisations of ASCII text, one table look-up per byte.
//!
//! On ASCII input the Unicode pipeline of [`normalize_unicode`](super::normalize_unicode) reduces to
//! a few byte rules: NFKC, NFD and NFC change nothing, full case folding maps `A`–`Z` to `a`–`z` and
//! nothing else, no ASCII character is in the transliteration list or a combining mark. What is left
//! is step 4 (controls dropped, white space collapsed) and, for names, the punctuation rules. The
//! tests of the parent module check the two paths byte for byte on every ASCII character.
//!
//! A table per rule, rather than a chain of tests per byte: the matcher normalises every ASCII claim
//! this way, and a profile of the bench request showed the byte-by-byte tests as its largest cost
//! after Jaro-Winkler.

use super::Rules;

/// What a byte becomes: `DROP`, `SPACE` (a word separator) or the byte it is kept as.
const DROP: u8 = 0;
/// A word separator: runs collapse to one space, none at either end.
const SPACE: u8 = b' ';

/// The fate of every ASCII byte under `rules` ([`Rules::Email`] reads as [`Rules::Text`]).
const fn table(rules: Rules) -> [u8; 128] {
    let mut table = [DROP; 128];
    let mut byte = 0_u8;
    while byte < 128 {
        let lower = byte.to_ascii_lowercase();
        // The ASCII characters of `char::is_whitespace`, which the Unicode pipeline uses: it counts
        // the vertical tab, unlike `u8::is_ascii_whitespace`.
        let white = matches!(lower, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        table[byte as usize] = match rules {
            // Letters and digits of the text form: spaces and everything else go.
            Rules::Code if lower.is_ascii_alphanumeric() => lower,
            Rules::Code => DROP,
            Rules::Name if white || matches!(lower, b'-' | b'/' | b'_') => SPACE,
            Rules::Name if lower.is_ascii_alphanumeric() => lower,
            Rules::Name => DROP,
            Rules::Text | Rules::Email if white => SPACE,
            Rules::Text | Rules::Email if lower.is_ascii_control() => DROP,
            Rules::Text | Rules::Email => lower,
        };
        byte += 1;
    }
    table
}

const TEXT: [u8; 128] = table(Rules::Text);
const NAME: [u8; 128] = table(Rules::Name);
const CODE: [u8; 128] = table(Rules::Code);

/// Appends `input`, which the caller has checked is ASCII, normalised under `rules` to `out` (a
/// byte that is not ASCII is dropped, never produced).
pub(super) fn push_normalized(input: &str, rules: Rules, out: &mut String) {
    let table = match rules {
        Rules::Text | Rules::Email => &TEXT,
        Rules::Name => &NAME,
        Rules::Code => &CODE,
    };
    out.reserve(input.len());
    // Whether a byte has been produced since `out`'s start (white space before it is dropped), and
    // whether white space was seen since the last one (one space goes out before the next byte).
    let mut started = false;
    let mut pending_space = false;
    for &byte in input.as_bytes() {
        match table.get(usize::from(byte)).copied().unwrap_or(DROP) {
            DROP => {}
            SPACE => pending_space = started,
            kept => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(char::from(kept));
                started = true;
            }
        }
    }
}
