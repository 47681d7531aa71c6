//! KYC Age Verification 0.2.1 and KYC Fill-in 0.4.1 against the sandbox, through `netid-reqwest`:
//! every outcome the default subscribers exercise, with three-legged tokens obtained by CIBA.

use netid_camara::kyc_age_verification::{AgeCheck, AgeQuery, AgeThreshold, Restriction};
use netid_camara::operation::Bearer;
use netid_camara::{CallOptions, CamaraError, SpecVersion};
use netid_core::error_info::ErrorCode;
use netid_core::kyc::KycClaims;
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use netid_core::secret::Pii;

use crate::support::Sandbox;

const PETER: &str = "tel:+33699901040";
const LEA: &str = "tel:+33600000011";
const PREPAID: &str = "tel:+33600000012";
const TARO: &str = "tel:+819012345678";

fn query(years: u32) -> AgeQuery {
    AgeQuery::new(AgeThreshold::new(years).expect("in range"))
}

fn operator_code(error: &CamaraError) -> Option<(u16, ErrorCode)> {
    error
        .as_operator()
        .map(|error| (error.status(), error.code().clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn age_verification_outcomes_come_from_the_subscriber_data() {
    let sandbox = Sandbox::start().await;
    let client = sandbox.camara(SpecVersion::KycAgeVerification0_2_1);
    let scope = [ApiScope::KycAgeVerificationVerify];

    let peter = sandbox.token(PETER, &scope).await;
    let mut identity = KycClaims::new();
    identity.given_name = Some(Pii::new(String::from("Peter")));
    identity.family_name = Some(Pii::new(String::from("Lefebvre")));
    let adult = client
        .kyc_age_verification(
            Bearer::three_legged(&peter),
            query(18)
                .with_identity(identity)
                .with_content_lock()
                .with_parental_control(),
            CallOptions::new(),
        )
        .await
        .expect("answered")
        .value;
    assert_eq!(adult.age_check, AgeCheck::AtLeast);
    assert_eq!(adult.verified_status, Some(true));
    assert_eq!(adult.identity_match_score.map(|score| score.value()), Some(100));
    assert_eq!(adult.content_lock, Some(Restriction::Inactive));
    assert_eq!(adult.parental_control, Some(Restriction::Inactive));
    // No one on file is 120; indicators not asked for are not returned.
    let old = client
        .kyc_age_verification(Bearer::three_legged(&peter), query(120), CallOptions::new())
        .await
        .expect("answered")
        .value;
    assert_eq!(
        (old.age_check, old.content_lock, old.identity_match_score),
        (AgeCheck::Below, None, None)
    );

    let lea = sandbox.token(LEA, &scope).await;
    let minor = client
        .kyc_age_verification(
            Bearer::three_legged(&lea),
            query(18).with_content_lock().with_parental_control(),
            CallOptions::new(),
        )
        .await
        .expect("answered")
        .value;
    assert_eq!(minor.age_check, AgeCheck::Below);
    assert_eq!(minor.content_lock, Some(Restriction::Active));
    assert_eq!(minor.parental_control, Some(Restriction::Active));

    let prepaid = sandbox.token(PREPAID, &scope).await;
    let unknown = client
        .kyc_age_verification(Bearer::three_legged(&prepaid), query(18), CallOptions::new())
        .await
        .expect("answered")
        .value;
    assert_eq!(unknown.age_check, AgeCheck::NotAvailable);

    let taro = sandbox.token(TARO, &scope).await;
    let refused = client
        .kyc_age_verification(Bearer::three_legged(&taro), query(18), CallOptions::new())
        .await
        .expect_err("not applicable");
    assert_eq!(
        operator_code(&refused),
        Some((422, ErrorCode::ServiceNotApplicable))
    );

    // A three-legged token with the number beside it: the client leaves it out of the body, as
    // Commonalities 0.6 requires.
    let number = PhoneNumber::parse_strict("+33699901040").expect("number");
    client
        .kyc_age_verification(
            Bearer::three_legged(&peter).with_phone_number(&number),
            query(18),
            CallOptions::new(),
        )
        .await
        .expect("the number is not sent");

    let wrong_scope = sandbox.token(PETER, &[ApiScope::KycFillInSetAll]).await;
    let denied = client
        .kyc_age_verification(Bearer::three_legged(&wrong_scope), query(18), CallOptions::new())
        .await
        .expect_err("no scope");
    assert_eq!(operator_code(&denied), Some((403, ErrorCode::PermissionDenied)));
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fill_in_releases_what_the_scopes_allow() {
    let sandbox = Sandbox::start().await;
    let client = sandbox.camara(SpecVersion::KycFillIn0_4_1);

    let all = sandbox.token(PETER, &[ApiScope::KycFillInSetAll]).await;
    let record = client
        .kyc_fill_in(Bearer::three_legged(&all), CallOptions::new())
        .await
        .expect("answered")
        .value;
    assert_eq!(
        record.given_name.as_ref().map(|name| name.expose_pii().as_str()),
        Some("Peter")
    );
    assert_eq!(
        record.phone_number.as_ref().map(PhoneNumber::expose_e164),
        Some("+33699901040")
    );
    assert!(record.birthdate.is_some() && record.email.is_some());
    let debug = format!("{record:?}");
    assert!(!debug.contains("Peter") && !debug.contains("1985"), "{debug}");

    let given_name = netid_camara::kyc_fill_in::attribute_scope("givenName").expect("attribute");
    let narrow = sandbox.token(PETER, &[given_name]).await;
    let record = client
        .kyc_fill_in(Bearer::three_legged(&narrow), CallOptions::new())
        .await
        .expect("answered")
        .value;
    let mut expected = KycClaims::new();
    expected.given_name = Some(Pii::new(String::from("Peter")));
    assert_eq!(record, expected);

    let none = sandbox.token(PETER, &[ApiScope::KycAgeVerificationVerify]).await;
    let denied = client
        .kyc_fill_in(Bearer::three_legged(&none), CallOptions::new())
        .await
        .expect_err("no fill-in scope");
    assert_eq!(operator_code(&denied), Some((403, ErrorCode::PermissionDenied)));

    let prepaid = sandbox.token(PREPAID, &[ApiScope::KycFillInSetAll]).await;
    let empty = client
        .kyc_fill_in(Bearer::three_legged(&prepaid), CallOptions::new())
        .await
        .expect_err("nothing on file");
    assert_eq!(
        operator_code(&empty),
        Some((422, ErrorCode::ServiceNotApplicable))
    );
    sandbox.server.shutdown().await;
}
