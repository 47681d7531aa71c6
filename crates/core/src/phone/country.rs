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

/// The fewest digits a national significant number (the digits after the country code) has, per
/// country calling code: the smallest `possibleLengths national` of any number type of any region
/// using the code in libphonenumber's metadata (version 9.0.33, the `phonenumber` crate's copy).
///
/// One correction: the North American Numbering Plan (1) is 10 digits; the metadata's 7-digit
/// Canadian UAN entry is not diallable from abroad. Codes the metadata does not cover (379, 991) are
/// absent, and no length is then implausible.
const MIN_NATIONAL_DIGITS: &[(u16, u8)] = &[
    (1, 10),
    (7, 10),
    (20, 8),
    (27, 5),
    (30, 10),
    (31, 5),
    (32, 8),
    (33, 9),
    (34, 9),
    (36, 8),
    (39, 6),
    (40, 6),
    (41, 9),
    (43, 4),
    (44, 7),
    (45, 8),
    (46, 6),
    (47, 5),
    (48, 6),
    (49, 4),
    (51, 8),
    (52, 10),
    (53, 6),
    (54, 10),
    (55, 8),
    (56, 9),
    (57, 8),
    (58, 10),
    (60, 8),
    (61, 5),
    (62, 7),
    (63, 6),
    (64, 5),
    (65, 8),
    (66, 8),
    (81, 8),
    (82, 5),
    (84, 7),
    (86, 7),
    (90, 7),
    (91, 8),
    (92, 8),
    (93, 9),
    (94, 9),
    (95, 6),
    (98, 4),
    (211, 9),
    (212, 9),
    (213, 8),
    (216, 8),
    (218, 9),
    (220, 7),
    (221, 9),
    (222, 8),
    (223, 8),
    (224, 8),
    (225, 10),
    (226, 8),
    (227, 8),
    (228, 8),
    (229, 8),
    (230, 7),
    (231, 7),
    (232, 8),
    (233, 8),
    (234, 10),
    (235, 8),
    (236, 8),
    (237, 8),
    (238, 7),
    (239, 7),
    (240, 9),
    (241, 7),
    (242, 9),
    (243, 7),
    (244, 9),
    (245, 7),
    (246, 7),
    (247, 5),
    (248, 7),
    (249, 9),
    (250, 8),
    (251, 9),
    (252, 6),
    (253, 8),
    (254, 7),
    (255, 9),
    (256, 9),
    (257, 8),
    (258, 8),
    (260, 9),
    (261, 9),
    (262, 9),
    (263, 5),
    (264, 8),
    (265, 7),
    (266, 8),
    (267, 7),
    (268, 8),
    (269, 7),
    (290, 4),
    (291, 7),
    (297, 7),
    (298, 6),
    (299, 6),
    (350, 8),
    (351, 9),
    (352, 4),
    (353, 7),
    (354, 7),
    (355, 6),
    (356, 8),
    (357, 8),
    (358, 5),
    (359, 6),
    (370, 8),
    (371, 8),
    (372, 7),
    (373, 8),
    (374, 8),
    (375, 6),
    (376, 6),
    (377, 8),
    (378, 8),
    (380, 9),
    (381, 6),
    (382, 8),
    (383, 8),
    (385, 7),
    (386, 5),
    (387, 8),
    (389, 8),
    (420, 9),
    (421, 6),
    (423, 7),
    (500, 5),
    (501, 7),
    (502, 8),
    (503, 7),
    (504, 8),
    (505, 8),
    (506, 8),
    (507, 7),
    (508, 6),
    (509, 8),
    (590, 9),
    (591, 8),
    (592, 7),
    (593, 8),
    (594, 9),
    (595, 6),
    (596, 9),
    (597, 6),
    (598, 4),
    (599, 7),
    (670, 7),
    (672, 6),
    (673, 7),
    (674, 7),
    (675, 7),
    (676, 5),
    (677, 5),
    (678, 5),
    (679, 7),
    (680, 7),
    (681, 6),
    (682, 5),
    (683, 4),
    (685, 5),
    (686, 5),
    (687, 6),
    (688, 5),
    (689, 6),
    (690, 4),
    (691, 7),
    (692, 7),
    (800, 8),
    (808, 8),
    (850, 8),
    (852, 5),
    (853, 7),
    (855, 8),
    (856, 8),
    (870, 9),
    (880, 6),
    (881, 9),
    (882, 7),
    (883, 8),
    (886, 7),
    (888, 11),
    (960, 7),
    (961, 7),
    (962, 8),
    (963, 8),
    (964, 8),
    (965, 7),
    (966, 9),
    (967, 7),
    (968, 7),
    (970, 8),
    (971, 5),
    (972, 7),
    (973, 8),
    (974, 7),
    (975, 7),
    (976, 8),
    (977, 8),
    (979, 9),
    (992, 9),
    (993, 8),
    (994, 9),
    (995, 9),
    (996, 9),
    (998, 9),
];

/// The fewest digits of a national significant number under `code`, if known.
pub(crate) fn min_national_digits(code: u16) -> Option<usize> {
    MIN_NATIONAL_DIGITS
        .binary_search_by_key(&code, |&(code, _)| code)
        .ok()
        .and_then(|index| MIN_NATIONAL_DIGITS.get(index))
        .map(|&(_, min)| usize::from(min))
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

    #[test]
    fn minimum_lengths_are_sorted_and_name_assigned_codes() {
        assert!(MIN_NATIONAL_DIGITS.windows(2).all(|w| w[0].0 < w[1].0));
        for &(code, min) in MIN_NATIONAL_DIGITS {
            let digits = format!("{code}{}", "5".repeat(usize::from(min)));
            assert_eq!(
                split(digits.as_bytes()).map(|(found, _)| found),
                Some(code),
                "{code} is not assigned"
            );
            assert!((4..=12).contains(&min), "{code}: {min}");
        }
        let check = |code, expected| assert_eq!(min_national_digits(code), expected, "{code}");
        check(1, Some(10));
        check(33, Some(9));
        check(34, Some(9));
        check(65, Some(8));
        check(379, None);
    }
}
