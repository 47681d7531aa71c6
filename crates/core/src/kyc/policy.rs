//! A caller's decision on a KYC Match result.

use std::collections::BTreeMap;

use super::{KycField, KycMatchResult, Match, MatchScore};

/// What one field contributes to a [`Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The field is fine.
    Accept,
    /// A person should look at the field.
    Review,
    /// The field disqualifies the customer.
    Reject,
}

/// How a [`Policy`] treats one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldRule {
    /// The field does not affect the decision (the default for every field).
    Ignore,
    /// The field must be `true`.
    Require {
        /// A `false` result with a score at least this high is sent to review instead of rejected;
        /// `None` rejects every mismatch.
        review_from: Option<MatchScore>,
        /// The verdict when the operator answers `not_available` or leaves the field out.
        if_unavailable: Verdict,
    },
}

impl FieldRule {
    /// The field must match: a mismatch rejects, an unavailable value goes to review.
    pub const fn require() -> Self {
        FieldRule::Require {
            review_from: None,
            if_unavailable: Verdict::Review,
        }
    }

    /// The field must match, but a mismatch scoring `min_score` or more goes to review instead of
    /// being rejected; an unavailable value goes to review.
    pub const fn review_from(min_score: MatchScore) -> Self {
        FieldRule::Require {
            review_from: Some(min_score),
            if_unavailable: Verdict::Review,
        }
    }

    /// The same rule with another verdict for an unavailable value (no effect on [`FieldRule::Ignore`]).
    pub const fn if_unavailable(self, verdict: Verdict) -> Self {
        match self {
            FieldRule::Ignore => FieldRule::Ignore,
            FieldRule::Require { review_from, .. } => FieldRule::Require {
                review_from,
                if_unavailable: verdict,
            },
        }
    }

    /// The verdict of this rule on one field's result (`None`: the operator left the field out).
    pub fn verdict(self, result: Option<(Match, Option<MatchScore>)>) -> Verdict {
        let FieldRule::Require {
            review_from,
            if_unavailable,
        } = self
        else {
            return Verdict::Accept;
        };
        match result {
            Some((Match::Matched, _)) => Verdict::Accept,
            Some((Match::Mismatched, score)) => match (score, review_from) {
                (Some(score), Some(min)) if score >= min => Verdict::Review,
                _ => Verdict::Reject,
            },
            Some((Match::NotAvailable, _)) | None => if_unavailable,
        }
    }
}

/// The outcome of a [`Policy`] on a result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decision {
    /// Every rule is satisfied.
    Accept,
    /// No rule rejects, but these fields need a person's review (spec order).
    Review {
        /// The fields to review.
        fields: Vec<KycField>,
    },
    /// These fields reject the customer (spec order).
    Reject {
        /// The rejecting fields.
        fields: Vec<KycField>,
    },
}

/// Per-field rules that turn a [`KycMatchResult`] into a [`Decision`]: any rejecting field rejects,
/// otherwise any field under review sends the whole result to review, otherwise it is accepted.
///
/// Fields without a rule are ignored, so an empty policy accepts everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    rules: BTreeMap<KycField, FieldRule>,
}

impl Policy {
    /// A policy with no rule (every field ignored).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the rule of `field`.
    pub fn with_rule(mut self, field: KycField, rule: FieldRule) -> Self {
        self.set_rule(field, rule);
        self
    }

    /// Sets the rule of `field` in place.
    pub fn set_rule(&mut self, field: KycField, rule: FieldRule) {
        if rule == FieldRule::Ignore {
            self.rules.remove(&field);
        } else {
            self.rules.insert(field, rule);
        }
    }

    /// The rule of `field` ([`FieldRule::Ignore`] if none was set).
    pub fn rule(&self, field: KycField) -> FieldRule {
        self.rules.get(&field).copied().unwrap_or(FieldRule::Ignore)
    }

    /// Applies the rules to `result`.
    pub fn decide(&self, result: &KycMatchResult) -> Decision {
        let mut review = Vec::new();
        let mut reject = Vec::new();
        for (field, rule) in &self.rules {
            let outcome = result.get(*field).map(|m| (m.result, m.score));
            match rule.verdict(outcome) {
                Verdict::Accept => {}
                Verdict::Review => review.push(*field),
                Verdict::Reject => reject.push(*field),
            }
        }
        if !reject.is_empty() {
            Decision::Reject { fields: reject }
        } else if !review.is_empty() {
            Decision::Review { fields: review }
        } else {
            Decision::Accept
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc::FieldMatch;

    fn score(value: u8) -> MatchScore {
        MatchScore::new(value).expect("test score in range")
    }

    fn check(rule: FieldRule, result: Option<(Match, Option<u8>)>, expected: Verdict) {
        let result = result.map(|(m, s)| (m, s.map(score)));
        assert_eq!(rule.verdict(result), expected, "{rule:?} on {result:?}");
    }

    #[test]
    fn rules() {
        use Match::{Matched, Mismatched, NotAvailable};
        check(FieldRule::Ignore, Some((Mismatched, None)), Verdict::Accept);
        check(FieldRule::require(), Some((Matched, None)), Verdict::Accept);
        check(
            FieldRule::require(),
            Some((Mismatched, Some(99))),
            Verdict::Reject,
        );
        check(FieldRule::require(), Some((NotAvailable, None)), Verdict::Review);
        check(FieldRule::require(), None, Verdict::Review);
        check(
            FieldRule::require().if_unavailable(Verdict::Reject),
            None,
            Verdict::Reject,
        );
        check(
            FieldRule::require().if_unavailable(Verdict::Accept),
            Some((NotAvailable, None)),
            Verdict::Accept,
        );
        check(
            FieldRule::Ignore.if_unavailable(Verdict::Reject),
            None,
            Verdict::Accept,
        );
        check(
            FieldRule::review_from(score(90)),
            Some((Mismatched, Some(90))),
            Verdict::Review,
        );
        check(
            FieldRule::review_from(score(90)),
            Some((Mismatched, Some(89))),
            Verdict::Reject,
        );
        check(
            FieldRule::review_from(score(90)),
            Some((Mismatched, None)),
            Verdict::Reject,
        );
    }

    #[test]
    fn decisions_aggregate_fields() {
        let mut result = KycMatchResult::new();
        result.insert(KycField::GivenName, FieldMatch::mismatched(Some(score(96))));
        result.insert(KycField::FamilyName, FieldMatch::matched());
        result.insert(KycField::Gender, FieldMatch::not_available());
        result.insert(KycField::Birthdate, FieldMatch::mismatched(None));

        assert_eq!(Policy::new().decide(&result), Decision::Accept);
        let policy = Policy::new()
            .with_rule(KycField::FamilyName, FieldRule::require())
            .with_rule(KycField::GivenName, FieldRule::review_from(score(90)))
            .with_rule(KycField::Gender, FieldRule::require());
        assert_eq!(
            policy.decide(&result),
            Decision::Review {
                fields: vec![KycField::GivenName, KycField::Gender]
            }
        );
        let policy = policy.with_rule(KycField::Birthdate, FieldRule::require());
        assert_eq!(
            policy.decide(&result),
            Decision::Reject {
                fields: vec![KycField::Birthdate]
            }
        );
        let policy = policy.with_rule(KycField::Birthdate, FieldRule::Ignore);
        assert_eq!(policy.rule(KycField::Birthdate), FieldRule::Ignore);
        assert_eq!(
            policy
                .with_rule(KycField::Gender, FieldRule::Ignore)
                .decide(&result),
            Decision::Review {
                fields: vec![KycField::GivenName]
            }
        );
    }
}
