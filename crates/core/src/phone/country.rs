//! ITU-T E.164 country calling codes.
//!
//! The assigned codes from the ITU-T list "E.164 assigned country codes" (Annex to ITU Operational
//! Bulletin), including the global services (800, 808, 870, 881–883, 888, 979). Codes form a prefix
//! code: no assigned code is the prefix of another, so the split is unambiguous. Spare and reserved
//! codes are absent, so a number in them is refused rather than mis-split.

/// One-digit codes (North American Numbering Plan, Russia and Kazakhstan).
const ONE_DIGIT: &[u16] = &[1, 7];

const TWO_DIGITS: &[u16] = &[
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
    60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

const THREE_DIGITS: &[u16] = &[
    211, 212, 213, 216, 218, // North Africa
    220, 221, 222, 223, 224, 225, 226, 227, 228, 229, // West Africa
    230, 231, 232, 233, 234, 235, 236, 237, 238, 239, // West and Central Africa
    240, 241, 242, 243, 244, 245, 246, 247, 248, 249, // Central Africa and islands
    250, 251, 252, 253, 254, 255, 256, 257, 258, // East Africa (259 is spare)
    260, 261, 262, 263, 264, 265, 266, 267, 268, 269, // Southern Africa and islands
    290, 291, 297, 298, 299, // Saint Helena, Eritrea, Aruba, Faroe Islands, Greenland
    350, 351, 352, 353, 354, 355, 356, 357, 358, 359, // Europe
    370, 371, 372, 373, 374, 375, 376, 377, 378, 379, // Europe
    380, 381, 382, 383, 385, 386, 387, 389, // Europe (384, 388 are spare)
    420, 421, 423, // Czechia, Slovakia, Liechtenstein
    500, 501, 502, 503, 504, 505, 506, 507, 508, 509, // Central America
    590, 591, 592, 593, 594, 595, 596, 597, 598, 599, // South America and Caribbean
    670, 672, 673, 674, 675, 676, 677, 678, 679, // Oceania (671 is spare)
    680, 681, 682, 683, 685, 686, 687, 688, 689, // Oceania
    690, 691, 692, // Tokelau, Micronesia, Marshall Islands
    800, 808, // International freephone, shared cost
    850, 852, 853, 855, 856, // North Korea, Hong Kong, Macao, Cambodia, Laos
    870, 880, 881, 882, 883, 886, 888, // Inmarsat, Bangladesh, GMSS, networks, Taiwan, OCHA
    960, 961, 962, 963, 964, 965, 966, 967, 968, // Middle East (969 is spare)
    970, 971, 972, 973, 974, 975, 976, 977, 979, // Middle East, Asia, international premium rate
    991, 992, 993, 994, 995, 996, 998, // ITPCS, Central Asia, Caucasus
];

/// Splits `digits` (the E.164 number without `+`) into its country calling code and the rest.
///
/// Returns `None` when no assigned code prefixes the digits.
pub(crate) fn split(digits: &[u8]) -> Option<(u16, usize)> {
    let mut code: u16 = 0;
    for (len, table) in [(1, ONE_DIGIT), (2, TWO_DIGITS), (3, THREE_DIGITS)] {
        let digit = *digits.get(len - 1)?;
        if !digit.is_ascii_digit() {
            return None;
        }
        code = code * 10 + u16::from(digit - b'0');
        if table.binary_search(&code).is_ok() {
            return Some((code, len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_prefix_free() {
        let mut all: Vec<String> = Vec::new();
        for table in [ONE_DIGIT, TWO_DIGITS, THREE_DIGITS] {
            assert!(
                table.windows(2).all(|w| w[0] < w[1]),
                "binary search needs sorted tables"
            );
            all.extend(table.iter().map(u16::to_string));
        }
        for a in &all {
            for b in &all {
                assert!(a == b || !b.starts_with(a.as_str()), "{a} is a prefix of {b}");
            }
        }
    }

    #[test]
    fn splits_known_codes() {
        let check = |digits: &str, expected: Option<(u16, usize)>| {
            assert_eq!(split(digits.as_bytes()), expected, "{digits}")
        };
        check("14155550100", Some((1, 1)));
        check("79161234567", Some((7, 1)));
        check("33699901040", Some((33, 2)));
        check("34600000000", Some((34, 2)));
        check("31612345678", Some((31, 2)));
        check("819012345678", Some((81, 2)));
        check("351912345678", Some((351, 3)));
        check("8525551234", Some((852, 3)));
        check("2591234567", None);
        check("999123456", None);
        check("", None);
    }
}
