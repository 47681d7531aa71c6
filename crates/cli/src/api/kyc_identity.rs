//! `netid kyc-age-verification` and `netid kyc-fill-in`: their flags, their plans and how their
//! answers print. The fill-in answer is personal data: every value prints as `[redacted]` (the phone
//! number masked) unless `--reveal`.

use netid::Api;
use netid::crates::camara::kyc_age_verification::{AgeQuery, AgeThreshold, AgeVerification};
use netid::description::EnvLookup;
use netid_core::kyc::KycClaims;
use serde_json::{Map, Value};

use super::args::CallArgs;
use super::plan::{ApiPlan, Request, parse_number};

/// `netid kyc-age-verification` flags: one per property of the spec's `VerifyRequestBody`.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct KycAgeVerificationArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (E.164; lenient forms accepted).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
    /// `ageThreshold`: the age to check, 0 to 120 years.
    #[arg(long, value_name = "YEARS")]
    pub age_threshold: u32,
    /// `idDocument`: the number of the official identity document.
    #[arg(long, value_name = "TEXT")]
    pub id_document: Option<String>,
    /// `name`: the complete name.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// `givenName`.
    #[arg(long, value_name = "TEXT")]
    pub given_name: Option<String>,
    /// `familyName`.
    #[arg(long, value_name = "TEXT")]
    pub family_name: Option<String>,
    /// `middleNames`.
    #[arg(long, value_name = "TEXT")]
    pub middle_names: Option<String>,
    /// `familyNameAtBirth`.
    #[arg(long, value_name = "TEXT")]
    pub family_name_at_birth: Option<String>,
    /// `birthdate`, `YYYY-MM-DD`.
    #[arg(long, value_name = "DATE")]
    pub birthdate: Option<String>,
    /// `email`.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// `includeContentLock`: also ask whether the line has a content lock.
    #[arg(long)]
    pub include_content_lock: bool,
    /// `includeParentalControl`: also ask whether the line has parental control on.
    #[arg(long)]
    pub include_parental_control: bool,
}

/// `netid kyc-fill-in` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct KycFillInArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (required unless `--login-hint` or the token from
    /// `--access-token-env` identifies the subscriber).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
}

impl KycAgeVerificationArgs {
    /// The identity fields given, as claims; no value appears in an error.
    fn identity(&self) -> Result<KycClaims, String> {
        let mut claims = Map::new();
        for (key, value) in [
            ("idDocument", &self.id_document),
            ("name", &self.name),
            ("givenName", &self.given_name),
            ("familyName", &self.family_name),
            ("middleNames", &self.middle_names),
            ("familyNameAtBirth", &self.family_name_at_birth),
            ("birthdate", &self.birthdate),
            ("email", &self.email),
        ] {
            if let Some(value) = value {
                claims.insert(key.to_owned(), Value::from(value.as_str()));
            }
        }
        serde_json::from_value(Value::Object(claims)).map_err(|error| {
            // serde names the field and the expected form, never the value given.
            format!("invalid identity field: {error}")
        })
    }
}

impl ApiPlan {
    /// `netid kyc-age-verification`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn kyc_age_verification(args: &KycAgeVerificationArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let request = || {
            let threshold =
                AgeThreshold::new(args.age_threshold).map_err(|error| format!("--age-threshold: {error}"))?;
            let mut query = AgeQuery::new(threshold).with_identity(args.identity()?);
            if args.include_content_lock {
                query = query.with_content_lock();
            }
            if args.include_parental_control {
                query = query.with_parental_control();
            }
            let number = subscriber_number(&args.call, args.phone_number.as_deref())?;
            Ok((Request::KycAgeVerification(Box::new(query)), number))
        };
        Self::build(&args.call, Api::KycAgeVerification, request, env)
    }

    /// `netid kyc-fill-in`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn kyc_fill_in(args: &KycFillInArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let request = || {
            let number = subscriber_number(&args.call, args.phone_number.as_deref())?;
            Ok((Request::KycFillIn, number))
        };
        Self::build(&args.call, Api::KycFillIn, request, env)
    }
}

/// `--phone-number`, required unless a login hint or a token names the subscriber.
fn subscriber_number(
    call: &CallArgs,
    text: Option<&str>,
) -> Result<Option<netid_core::phone::PhoneNumber>, String> {
    match text {
        Some(text) => parse_number("--phone-number", text).map(Some),
        None if call.access_token_env.is_some() || call.login_hint.is_some() => Ok(None),
        None => Err(String::from("give --phone-number NUMBER")),
    }
}

/// An age verification answer, under the spec's property names; absent ones are left out.
pub(super) fn age_result(answer: &AgeVerification) -> Value {
    let mut map = Map::new();
    map.insert("ageCheck".to_owned(), Value::from(answer.age_check.as_str()));
    if let Some(verified) = answer.verified_status {
        map.insert("verifiedStatus".to_owned(), Value::from(verified));
    }
    if let Some(score) = answer.identity_match_score {
        map.insert("identityMatchScore".to_owned(), Value::from(score.value()));
    }
    if let Some(lock) = answer.content_lock {
        map.insert("contentLock".to_owned(), Value::from(lock.as_str()));
    }
    if let Some(control) = answer.parental_control {
        map.insert("parentalControl".to_owned(), Value::from(control.as_str()));
    }
    Value::Object(map)
}

/// A fill-in answer under the spec's property names: with `reveal` the values, otherwise
/// `[redacted]` for each (the phone number masked), so the output shows which attributes came.
pub(super) fn fill_in_result(record: &KycClaims, reveal: bool) -> Value {
    let Ok(Value::Object(values)) = serde_json::to_value(record) else {
        return Value::Object(Map::new());
    };
    if reveal {
        return Value::Object(values);
    }
    let masked = values
        .into_iter()
        .map(|(key, value)| {
            let shown = match (&record.phone_number, key.as_str()) {
                (Some(number), "phoneNumber") => Value::from(number.to_string()),
                _ => {
                    drop(value);
                    Value::from("[redacted]")
                }
            };
            (key, shown)
        })
        .collect();
    Value::Object(masked)
}

#[cfg(test)]
mod tests {
    use netid::crates::camara::kyc_age_verification::{AgeCheck, Restriction};
    use netid_core::phone::PhoneNumber;

    use super::*;

    #[test]
    fn fill_in_values_print_only_with_reveal() {
        let mut record = KycClaims::new();
        record.phone_number = Some(PhoneNumber::parse_strict("+33699901040").unwrap());
        record.given_name = Some(String::from("Peter").into());
        record.birthdate = Some(time::macros::date!(1985 - 04 - 12).into());
        let masked = fill_in_result(&record, false).to_string();
        assert_eq!(
            masked,
            r#"{"birthdate":"[redacted]","givenName":"[redacted]","phoneNumber":"+33*******40"}"#
        );
        let revealed = fill_in_result(&record, true).to_string();
        assert_eq!(
            revealed,
            r#"{"birthdate":"1985-04-12","givenName":"Peter","phoneNumber":"+33699901040"}"#
        );
    }

    #[test]
    fn age_answers_keep_the_spec_names() {
        let mut answer = AgeVerification::new(AgeCheck::Below);
        assert_eq!(age_result(&answer).to_string(), r#"{"ageCheck":"false"}"#);
        answer.parental_control = Some(Restriction::Active);
        answer.verified_status = Some(true);
        assert_eq!(
            age_result(&answer).to_string(),
            r#"{"ageCheck":"false","parentalControl":"true","verifiedStatus":true}"#
        );
    }

    #[test]
    fn identity_flags_become_claims_without_echoing_values() {
        let mut args = KycAgeVerificationArgs {
            given_name: Some(String::from("Peter")),
            birthdate: Some(String::from("1985-04-12")),
            ..KycAgeVerificationArgs::default()
        };
        let claims = args.identity().unwrap();
        assert!(claims.given_name.is_some() && claims.birthdate.is_some());
        args.birthdate = Some(String::from("12/04/1985"));
        let error = args.identity().unwrap_err();
        assert!(!error.contains("1985"), "{error}");
    }
}
