//! The normalisations of ASCII text, computed lazily, byte by byte.
//!
//! On ASCII input the Unicode pipeline of [`normalize_unicode`](super::normalize_unicode) reduces to
//! a few byte rules: NFKC, NFD and NFC change nothing, full case folding maps `A`–`Z` to `a`–`z` and
//! nothing else, no ASCII character is in the transliteration list or a combining mark. What is left
//! is step 4 (controls dropped, white space collapsed) and, for names, the punctuation rules. The
//! tests of the parent module check the two paths byte for byte on every ASCII character.

use super::Rules;

/// The bytes of an ASCII string normalised under [`Rules::Text`], [`Rules::Name`] or
/// [`Rules::Code`] ([`Rules::Email`] is not a per-byte rule and reads as `Text` here).
#[derive(Debug, Clone)]
pub(super) struct AsciiNormalized<'a> {
    input: std::slice::Iter<'a, u8>,
    rules: Rules,
    /// Whether a byte has been produced: white space before the first one is dropped.
    started: bool,
    /// Whether white space was seen since the last byte produced: one space goes out before the
    /// next byte, none at the end.
    pending_space: bool,
    /// The byte to produce after the pending space.
    queued: Option<u8>,
}

impl<'a> AsciiNormalized<'a> {
    /// Normalises `input`, which the caller has checked is ASCII (other bytes are dropped as
    /// punctuation would be, never produced).
    pub(super) fn new(input: &'a str, rules: Rules) -> Self {
        Self {
            input: input.as_bytes().iter(),
            rules,
            started: false,
            pending_space: false,
            queued: None,
        }
    }
}

impl Iterator for AsciiNormalized<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if let Some(byte) = self.queued.take() {
            return Some(byte);
        }
        for &byte in self.input.by_ref() {
            if !byte.is_ascii() {
                continue;
            }
            let byte = byte.to_ascii_lowercase();
            if self.rules == Rules::Code {
                // Letters and digits of the text form: spaces and everything else go.
                if byte.is_ascii_alphanumeric() {
                    return Some(byte);
                }
                continue;
            }
            let name = self.rules == Rules::Name;
            let byte = if name && matches!(byte, b'-' | b'/' | b'_') {
                b' '
            } else {
                byte
            };
            // `char::is_whitespace` rather than `u8::is_ascii_whitespace`: the Unicode pipeline
            // uses the former, which also counts the vertical tab.
            if char::from(byte).is_whitespace() {
                self.pending_space = self.started;
                continue;
            }
            if byte.is_ascii_control() || (name && !byte.is_ascii_alphanumeric()) {
                continue;
            }
            self.started = true;
            if self.pending_space {
                self.pending_space = false;
                self.queued = Some(byte);
                return Some(b' ');
            }
            return Some(byte);
        }
        None
    }
}
