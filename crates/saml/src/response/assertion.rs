//! The Assertion's protocol checks (SAML Profiles §4.1.4): Issuer, bearer SubjectConfirmation,
//! InResponseTo, Conditions and audiences; replay and the outstanding request are left to
//! [`UnconsumedAssertion`], once every pure check has passed.

use std::time::SystemTime;

use uppsala::{Document, NodeId};

use super::structure::{require_version, required_attr};
use super::{ResponseVerifier, UnconsumedAssertion, VerifiedAssertion};
use crate::error::{Check, Error, reject};
use crate::signature::{Signed, short};
use crate::xml::{self, NS_SAML};

const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

impl ResponseVerifier {
    pub(super) fn assertion(
        &self,
        doc: &Document<'_>,
        response_irt: Option<&str>,
        a: NodeId,
        signed: Signed,
        now: SystemTime,
    ) -> Result<UnconsumedAssertion, Error> {
        require_version(doc, a, "Assertion")?;
        let assertion_id = required_attr(doc, a, "ID", "Assertion")?;
        xml::parse_instant(
            required_attr(doc, a, "IssueInstant", "Assertion")?,
            "IssueInstant",
        )?;
        let issuer = xml::optional_child(doc, a, NS_SAML, "Issuer")?
            .ok_or_else(|| Error::reject(Check::Issuer, "the Assertion has no Issuer"))?;
        self.check_issuer(doc, issuer, "Assertion")?;

        let subject = xml::required_child(doc, a, NS_SAML, "Subject")?;
        let name_id = self.name_id(doc, subject)?;
        let confirmation = self.bearer_confirmation(doc, subject, now)?;

        // InResponseTo: the confirmation's and the Response's must agree; absent means unsolicited.
        let in_response_to = match (confirmation.in_response_to, response_irt) {
            (Some(c), Some(r)) if c != r => {
                return reject(
                    Check::InResponseTo,
                    "the Response and the Assertion answer different requests",
                );
            }
            (c, r) => c.or(r),
        };
        if in_response_to.is_none() && !self.insecure_allow_unsolicited {
            return reject(
                Check::InResponseTo,
                "unsolicited responses are not allowed (no InResponseTo)",
            );
        }

        let conditions_until = self.conditions(doc, a, now)?;

        let mut session_index = None;
        let mut class_ref = None;
        if let Some(authn) = xml::children_named(doc, a, NS_SAML, "AuthnStatement").next() {
            session_index = xml::attr(doc, authn, "SessionIndex").map(str::to_owned);
            if let Some(ctx) = xml::optional_child(doc, authn, NS_SAML, "AuthnContext")?
                && let Some(r) = xml::optional_child(doc, ctx, NS_SAML, "AuthnContextClassRef")?
            {
                class_ref = Some(xml::full_text(doc, r)?.trim().to_owned());
            }
        }
        let attributes = self.attributes(doc, a)?;

        // State changes come last, once every pure check has passed: the caller makes them
        // through `UnconsumedAssertion`.
        let mut until = confirmation.not_on_or_after;
        if let Some(c) = conditions_until {
            until = until.min(c);
        }
        let assertion = VerifiedAssertion {
            name_id,
            session_index,
            authn_context_class_ref: class_ref,
            attributes,
            assertion_id: assertion_id.to_owned(),
            issuer: self.idp.entity_id.clone(),
            in_response_to: in_response_to.map(str::to_owned),
            not_on_or_after: until,
            response_signed: signed.response,
            assertion_signed: signed.assertion,
        };
        Ok(UnconsumedAssertion::new(
            assertion,
            xml::add(until, self.clock_skew),
            now,
        ))
    }

    /// Finds a bearer SubjectConfirmation whose data passes every check; reports the first
    /// failure when none does.
    fn bearer_confirmation<'d>(
        &self,
        doc: &'d Document<'_>,
        subject: NodeId,
        now: SystemTime,
    ) -> Result<Confirmation<'d>, Error> {
        let mut first_error = None;
        for sc in xml::children_named(doc, subject, NS_SAML, "SubjectConfirmation") {
            if xml::attr(doc, sc, "Method") != Some(CM_BEARER) {
                continue;
            }
            match self.check_confirmation(doc, sc, now) {
                Ok(c) => return Ok(c),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error
            .unwrap_or_else(|| Error::reject(Check::SubjectConfirmation, "no bearer SubjectConfirmation")))
    }

    fn check_confirmation<'d>(
        &self,
        doc: &'d Document<'_>,
        sc: NodeId,
        now: SystemTime,
    ) -> Result<Confirmation<'d>, Error> {
        let data = xml::optional_child(doc, sc, NS_SAML, "SubjectConfirmationData")?
            .ok_or_else(|| Error::reject(Check::SubjectConfirmation, "no SubjectConfirmationData"))?;
        match xml::attr(doc, data, "Recipient") {
            Some(r) if r == self.sp.acs_url => {}
            Some(r) => {
                return reject(
                    Check::SubjectConfirmation,
                    format!("Recipient {} is not the ACS URL {}", short(r), self.sp.acs_url),
                );
            }
            None => {
                return reject(
                    Check::SubjectConfirmation,
                    "SubjectConfirmationData has no Recipient",
                );
            }
        }
        let until = xml::attr(doc, data, "NotOnOrAfter").ok_or_else(|| {
            Error::reject(
                Check::SubjectConfirmation,
                "SubjectConfirmationData has no NotOnOrAfter",
            )
        })?;
        let until = xml::parse_instant(until, "NotOnOrAfter")?;
        if now >= xml::add(until, self.clock_skew) {
            return reject(
                Check::SubjectConfirmation,
                "the bearer confirmation has expired (NotOnOrAfter)",
            );
        }
        if let Some(nb) = xml::attr(doc, data, "NotBefore")
            && xml::add(now, self.clock_skew) < xml::parse_instant(nb, "NotBefore")?
        {
            return reject(
                Check::SubjectConfirmation,
                "the bearer confirmation is not yet valid (NotBefore)",
            );
        }
        Ok(Confirmation {
            not_on_or_after: until,
            in_response_to: xml::attr(doc, data, "InResponseTo"),
        })
    }

    /// Checks Conditions; returns its NotOnOrAfter when present.
    fn conditions(
        &self,
        doc: &Document<'_>,
        a: NodeId,
        now: SystemTime,
    ) -> Result<Option<SystemTime>, Error> {
        let Some(c) = xml::optional_child(doc, a, NS_SAML, "Conditions")? else {
            return reject(
                Check::Audience,
                "the Assertion has no Conditions (an audience is required)",
            );
        };
        if let Some(nb) = xml::attr(doc, c, "NotBefore")
            && xml::add(now, self.clock_skew) < xml::parse_instant(nb, "NotBefore")?
        {
            return reject(Check::Conditions, "the Assertion is not yet valid (NotBefore)");
        }
        let until = match xml::attr(doc, c, "NotOnOrAfter") {
            Some(t) => {
                let t = xml::parse_instant(t, "NotOnOrAfter")?;
                if now >= xml::add(t, self.clock_skew) {
                    return reject(Check::Conditions, "the Assertion has expired (NotOnOrAfter)");
                }
                Some(t)
            }
            None => None,
        };
        let mut restrictions = 0;
        for r in xml::children_named(doc, c, NS_SAML, "AudienceRestriction") {
            restrictions += 1;
            let mut found = false;
            for aud in xml::children_named(doc, r, NS_SAML, "Audience") {
                if xml::full_text(doc, aud)?.trim() == self.sp.entity_id {
                    found = true;
                }
            }
            if !found {
                return reject(
                    Check::Audience,
                    format!(
                        "the SP {} is missing from an AudienceRestriction",
                        self.sp.entity_id
                    ),
                );
            }
        }
        if restrictions == 0 {
            return reject(Check::Audience, "the Assertion has no AudienceRestriction");
        }
        Ok(until)
    }
}

struct Confirmation<'d> {
    not_on_or_after: SystemTime,
    in_response_to: Option<&'d str>,
}
