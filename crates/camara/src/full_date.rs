//! RFC 3339 `full-date` (`YYYY-MM-DD`), the `format: date` of the Number Recycling and KYC Tenure
//! request bodies.

use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::error::InvalidRequest;

const FULL_DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// `date` as `YYYY-MM-DD`, for the body field `field`.
///
/// # Errors
///
/// [`InvalidRequest::DateOutOfRange`] for a year before 0 or after 9999, which `full-date` cannot
/// write (four digits, no sign).
pub(crate) fn format(date: Date, field: &'static str) -> Result<String, InvalidRequest> {
    if !(0..=9999).contains(&date.year()) {
        return Err(InvalidRequest::DateOutOfRange { field });
    }
    date.format(FULL_DATE)
        .map_err(|_| InvalidRequest::DateOutOfRange { field })
}

#[cfg(test)]
mod tests {
    use time::Month;

    use super::*;

    #[test]
    fn four_digit_years_only() {
        let check = |year: i32, expected: Result<&str, InvalidRequest>| {
            let date = Date::from_calendar_date(year, Month::March, 7).expect("valid date");
            assert_eq!(format(date, "tenureDate"), expected.map(str::to_owned), "{year}");
        };
        check(2024, Ok("2024-03-07"));
        check(7, Ok("0007-03-07"));
        check(9999, Ok("9999-03-07"));
        check(-1, Err(InvalidRequest::DateOutOfRange { field: "tenureDate" }));
    }
}
