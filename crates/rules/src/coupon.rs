//! Coupons (优惠券): kinds, when one is usable, what it saves, and the automatic choice.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::money::{percent_of, Fen};
use crate::validate::{ensure, ProgramError};

/// JSON: `{"type": "threshold", "min_spend_fen": 20000, "off_fen": 3000}`. Read through
/// [`KindFields`] rather than serde's internally tagged derive, which buffers the object
/// into a generic tree first and cost the browser build 5 kB of wasm for three shapes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "KindFields")]
pub enum CouponKind {
    /// 无门槛券: a fixed amount off any order.
    NoThreshold { off_fen: Fen },
    /// 满减券: a fixed amount off once the order reaches a minimum.
    Threshold { min_spend_fen: Fen, off_fen: Fen },
    /// 折扣券: a percent off, optionally capped.
    Percent {
        percent_off: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_off_fen: Option<Fen>,
    },
}

impl CouponKind {
    /// The order amount (after member discount) the coupon needs.
    pub fn min_spend_fen(&self) -> Fen {
        match self {
            CouponKind::Threshold { min_spend_fen, .. } => *min_spend_fen,
            CouponKind::NoThreshold { .. } | CouponKind::Percent { .. } => Fen::ZERO,
        }
    }

    /// What the coupon takes off an amount; never more than the amount itself.
    pub fn saving(&self, amount_fen: Fen) -> Fen {
        let saving = match self {
            CouponKind::NoThreshold { off_fen } | CouponKind::Threshold { off_fen, .. } => *off_fen,
            CouponKind::Percent {
                percent_off,
                max_off_fen,
            } => {
                let off = percent_of(amount_fen, *percent_off);
                max_off_fen.map_or(off, |cap| off.min(cap))
            }
        };
        saving.min(amount_fen).max(Fen::ZERO)
    }

    /// Refuses amounts and percents that make no sense, naming the field.
    pub fn validate(&self) -> Result<(), ProgramError> {
        match self {
            CouponKind::NoThreshold { off_fen } => {
                ensure(off_fen.is_positive(), "off_fen", "must be positive")
            }
            CouponKind::Threshold {
                min_spend_fen,
                off_fen,
            } => {
                ensure(off_fen.is_positive(), "off_fen", "must be positive")?;
                ensure(
                    !min_spend_fen.is_negative(),
                    "min_spend_fen",
                    "must not be negative",
                )
            }
            CouponKind::Percent {
                percent_off,
                max_off_fen,
            } => {
                ensure(
                    (1..=100).contains(percent_off),
                    "percent_off",
                    "must be 1 to 100",
                )?;
                ensure(
                    max_off_fen.is_none_or(Fen::is_positive),
                    "max_off_fen",
                    "must be positive",
                )
            }
        }
    }
}

/// A coupon to issue: its kind and how long it is valid from issuance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponTemplate {
    pub kind: CouponKind,
    pub valid_days: i64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_order_only: bool,
}

impl CouponTemplate {
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        self.kind.validate().map_err(|e| e.within("kind"))?;
        ensure(self.valid_days > 0, "valid_days", "must be positive")
    }
}

/// Every field any kind has; [`CouponKind`]'s `TryFrom` takes the ones of its `type` and
/// refuses the others, as `deny_unknown_fields` would.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFields {
    #[serde(rename = "type")]
    kind: KindTag,
    off_fen: Option<Fen>,
    min_spend_fen: Option<Fen>,
    percent_off: Option<i64>,
    max_off_fen: Option<Fen>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindTag {
    NoThreshold,
    Threshold,
    Percent,
}

/// A coupon kind's JSON with a field missing, or with a field of another kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CouponKindError {
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("unknown field `{0}`")]
    UnknownField(&'static str),
}

impl TryFrom<KindFields> for CouponKind {
    type Error = CouponKindError;

    fn try_from(f: KindFields) -> Result<Self, CouponKindError> {
        fn required<T>(value: Option<T>, name: &'static str) -> Result<T, CouponKindError> {
            value.ok_or(CouponKindError::MissingField(name))
        }
        let foreign = |name: &'static str, present: bool| match present {
            true => Err(CouponKindError::UnknownField(name)),
            false => Ok(()),
        };
        Ok(match f.kind {
            KindTag::NoThreshold => {
                foreign("min_spend_fen", f.min_spend_fen.is_some())?;
                foreign("percent_off", f.percent_off.is_some())?;
                foreign("max_off_fen", f.max_off_fen.is_some())?;
                CouponKind::NoThreshold {
                    off_fen: required(f.off_fen, "off_fen")?,
                }
            }
            KindTag::Threshold => {
                foreign("percent_off", f.percent_off.is_some())?;
                foreign("max_off_fen", f.max_off_fen.is_some())?;
                CouponKind::Threshold {
                    min_spend_fen: required(f.min_spend_fen, "min_spend_fen")?,
                    off_fen: required(f.off_fen, "off_fen")?,
                }
            }
            KindTag::Percent => {
                foreign("off_fen", f.off_fen.is_some())?;
                foreign("min_spend_fen", f.min_spend_fen.is_some())?;
                CouponKind::Percent {
                    percent_off: required(f.percent_off, "percent_off")?,
                    max_off_fen: f.max_off_fen,
                }
            }
        })
    }
}

/// A coupon in a member's wallet, as the quote sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coupon {
    pub id: String,
    pub kind: CouponKind,
    #[serde(deserialize_with = "crate::rfc3339::instant")]
    pub valid_from: DateTime<FixedOffset>,
    /// The first instant at which the coupon is no longer valid.
    #[serde(deserialize_with = "crate::rfc3339::instant")]
    pub valid_until: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_order_only: bool,
}

/// Why a coupon can't be used for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CouponProblem {
    #[error("the coupon is not valid yet")]
    NotYetValid,
    #[error("the coupon has expired")]
    Expired,
    #[error("the coupon is for a first order only")]
    FirstOrderOnly,
    /// The order (after member discount) is `missing_fen` short of the threshold.
    #[error("the order is {missing_fen} fen short of the coupon's threshold")]
    BelowThreshold { missing_fen: Fen },
}

/// A wallet coupon's state at a time, as the wallet's tabs and counts show it. (Wire enum:
/// the API sends it by its serde name.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    Available,
    Used,
    Expired,
    /// Unused and within its dates, but never usable again: a first-order coupon once
    /// the member has placed a first order.
    Void,
}

/// How a coupon came into the wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponSource {
    Welcome,
    FirstOrder,
    Monthly,
    Birthday,
    Invite,
    Mall,
    Campaign,
    Staff,
}

impl CouponSource {
    /// Whether it came to the member as a gift, announced when it arrives: every source
    /// but the member's own redemption in the mall.
    pub fn is_gift(self) -> bool {
        self != CouponSource::Mall
    }

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CouponSource::Welcome => "welcome",
            CouponSource::FirstOrder => "first_order",
            CouponSource::Monthly => "monthly",
            CouponSource::Birthday => "birthday",
            CouponSource::Invite => "invite",
            CouponSource::Mall => "mall",
            CouponSource::Campaign => "campaign",
            CouponSource::Staff => "staff",
        }
    }

    /// Every source, in the order they are declared.
    pub const ALL: [CouponSource; 8] = [
        CouponSource::Welcome,
        CouponSource::FirstOrder,
        CouponSource::Monthly,
        CouponSource::Birthday,
        CouponSource::Invite,
        CouponSource::Mall,
        CouponSource::Campaign,
        CouponSource::Staff,
    ];

    pub fn parse(name: &str) -> Option<CouponSource> {
        CouponSource::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl CouponStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CouponStatus::Available => "available",
            CouponStatus::Used => "used",
            CouponStatus::Expired => "expired",
            CouponStatus::Void => "void",
        }
    }
}

/// The status at `now` of a coupon: used (whenever it was), else expired from its
/// `valid_until` on, else void when it is for a first order and the member's next order
/// is not their first ([`Coupon::usable`]), else available — a coupon not valid yet is
/// available: the wallet lists it with the day it starts.
///
/// A first-order coupon is voided here, where it is read, rather than retired by the
/// first order's transaction: every reader (the wallet, its counts, home's count, the
/// quote's wallet, the staff lookup) decides from the member's `first_order` flag through
/// this one rule, on either store, for coupons issued before this rule too, and nothing
/// about the coupon itself (its dates) is rewritten.
pub fn coupon_status(
    used: bool,
    valid_until: &DateTime<FixedOffset>,
    first_order_only: bool,
    first_order: bool,
    now: &DateTime<FixedOffset>,
) -> CouponStatus {
    if used {
        CouponStatus::Used
    } else if now >= valid_until {
        CouponStatus::Expired
    } else if first_order_only && !first_order {
        CouponStatus::Void
    } else {
        CouponStatus::Available
    }
}

/// How many of `coupons` a member may use at `now` ([`Coupon::usable`]): the home's
/// count. `first_order`: the member's next order would be their first.
pub fn usable_at(coupons: &[Coupon], now: &DateTime<FixedOffset>, first_order: bool) -> usize {
    coupons
        .iter()
        .filter(|c| c.usable(now, first_order).is_ok())
        .count()
}

impl Coupon {
    /// Whether the coupon may be used at `now` at all (valid_from ≤ now < valid_until),
    /// and if not, why.
    pub fn validity(&self, now: &DateTime<FixedOffset>) -> Result<(), CouponProblem> {
        if *now < self.valid_from {
            Err(CouponProblem::NotYetValid)
        } else if *now >= self.valid_until {
            Err(CouponProblem::Expired)
        } else {
            Ok(())
        }
    }

    /// Whether a member may use the coupon at `now` on some order: within its dates, and
    /// for a first-order coupon, while `first_order` (the member's next order would be
    /// their first).
    pub fn usable(
        &self,
        now: &DateTime<FixedOffset>,
        first_order: bool,
    ) -> Result<(), CouponProblem> {
        self.validity(now)?;
        if self.first_order_only && !first_order {
            return Err(CouponProblem::FirstOrderOnly);
        }
        Ok(())
    }

    /// The saving on an amount (after member discount), or why the coupon is unusable.
    pub fn check(
        &self,
        now: &DateTime<FixedOffset>,
        first_order: bool,
        amount_fen: Fen,
    ) -> Result<Fen, CouponProblem> {
        self.usable(now, first_order)?;
        let min = self.kind.min_spend_fen();
        if amount_fen < min {
            return Err(CouponProblem::BelowThreshold {
                missing_fen: min - amount_fen,
            });
        }
        Ok(self.kind.saving(amount_fen))
    }
}

/// The automatic choice: the largest saving; tie → the earliest `valid_until`; tie → the
/// smallest id in byte order. A coupon that would save nothing is never chosen.
pub fn best_coupon<'a>(
    wallet: &'a [Coupon],
    now: &DateTime<FixedOffset>,
    first_order: bool,
    amount_fen: Fen,
) -> Option<(&'a Coupon, Fen)> {
    wallet
        .iter()
        .filter_map(|c| match c.check(now, first_order, amount_fen) {
            Ok(saving) if saving.is_positive() => Some((c, saving)),
            _ => None,
        })
        .min_by(|(a, sa), (b, sb)| {
            sb.cmp(sa)
                .then(a.valid_until.cmp(&b.valid_until))
                .then(a.id.as_bytes().cmp(b.id.as_bytes()))
        })
}

/// The coupons of a wallet that a quote at `at` is given: those the member may use then
/// ([`Coupon::usable`]: a wallet keeps its used-up, expired and void coupons for the
/// member to see, and a member collects monthly, mall and invite coupons for years),
/// earliest expiry first, at most `max`, so a long-standing member's order is never
/// refused for the size of their wallet. A coupon the shopper named is kept whatever its
/// state, so that the quote says exactly why it cannot be used (`coupon_expired`, not
/// "not found").
pub fn quotable_wallet(
    mut wallet: Vec<Coupon>,
    at: &DateTime<FixedOffset>,
    first_order: bool,
    named: Option<&str>,
    max: usize,
) -> Vec<Coupon> {
    let is_named = |c: &Coupon| named == Some(c.id.as_str());
    wallet.retain(|c| is_named(c) || c.usable(at, first_order).is_ok());
    wallet.sort_by(|a, b| {
        is_named(b)
            .cmp(&is_named(a))
            .then(a.valid_until.cmp(&b.valid_until))
            .then(a.id.as_bytes().cmp(b.id.as_bytes()))
    });
    wallet.truncate(max);
    wallet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn coupon(id: &str, kind: CouponKind) -> Coupon {
        Coupon {
            id: id.into(),
            kind,
            valid_from: at("2026-01-01T00:00:00+08:00"),
            valid_until: at("2026-02-01T00:00:00+08:00"),
            first_order_only: false,
        }
    }

    #[test]
    fn kinds_read_and_write_the_same_json() {
        for kind in [
            CouponKind::NoThreshold { off_fen: Fen(500) },
            CouponKind::Threshold {
                min_spend_fen: Fen(20_000),
                off_fen: Fen(3_000),
            },
            CouponKind::Percent {
                percent_off: 10,
                max_off_fen: Some(Fen(5_000)),
            },
            CouponKind::Percent {
                percent_off: 5,
                max_off_fen: None,
            },
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                serde_json::from_str::<CouponKind>(&json).unwrap(),
                kind,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_value(CouponKind::NoThreshold { off_fen: Fen(500) }).unwrap(),
            serde_json::json!({"type": "no_threshold", "off_fen": 500})
        );
    }

    #[test]
    fn kinds_refuse_missing_foreign_and_unknown_fields() {
        let error = |json: &str| {
            serde_json::from_str::<CouponKind>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(r#"{"type":"threshold","off_fen":1}"#).contains("missing field `min_spend_fen`")
        );
        assert!(
            error(r#"{"type":"no_threshold","off_fen":1,"percent_off":5}"#)
                .contains("unknown field `percent_off`")
        );
        assert!(error(r#"{"type":"percent","percent_off":5,"off_fen":1}"#)
            .contains("unknown field `off_fen`"));
        assert!(error(r#"{"type":"percent","percent_off":5,"colour":1}"#)
            .contains("unknown field `colour`"));
        assert!(error(r#"{"type":"bogo","off_fen":1}"#).contains("unknown variant `bogo`"));
        assert!(error(r#"{"off_fen":1}"#).contains("missing field `type`"));
    }

    #[test]
    fn validity_window_is_half_open() {
        let c = coupon("a", CouponKind::NoThreshold { off_fen: Fen(500) });
        assert_eq!(
            c.check(&at("2026-01-01T00:00:00+08:00"), false, Fen(100)),
            Ok(Fen(100))
        );
        assert_eq!(
            c.check(&at("2026-02-01T00:00:00+08:00"), false, Fen(1000)),
            Err(CouponProblem::Expired)
        );
        assert_eq!(
            c.check(&at("2025-12-31T15:59:59Z"), false, Fen(1000)),
            Err(CouponProblem::NotYetValid)
        );
    }

    #[test]
    fn threshold_says_how_much_more() {
        let c = coupon(
            "t",
            CouponKind::Threshold {
                min_spend_fen: Fen(10000),
                off_fen: Fen(1500),
            },
        );
        assert_eq!(
            c.check(&at("2026-01-10T00:00:00+08:00"), false, Fen(6300)),
            Err(CouponProblem::BelowThreshold {
                missing_fen: Fen(3700)
            })
        );
    }

    #[test]
    fn zero_saving_coupon_is_not_chosen() {
        let wallet = [coupon(
            "p",
            CouponKind::Percent {
                percent_off: 10,
                max_off_fen: None,
            },
        )];
        assert!(best_coupon(&wallet, &at("2026-01-10T00:00:00+08:00"), false, Fen(5)).is_none());
    }

    #[test]
    fn a_quote_is_given_the_coupons_valid_then_earliest_expiry_first() {
        let c = |id: &str, from: &str, until: &str| Coupon {
            valid_from: at(from),
            valid_until: at(until),
            ..coupon(id, CouponKind::NoThreshold { off_fen: Fen(100) })
        };
        let wallet = vec![
            c(
                "late",
                "2026-01-01T00:00:00+08:00",
                "2026-12-01T00:00:00+08:00",
            ),
            c(
                "expired",
                "2025-01-01T00:00:00+08:00",
                "2025-02-01T00:00:00+08:00",
            ),
            c(
                "soon",
                "2026-01-01T00:00:00+08:00",
                "2026-03-01T00:00:00+08:00",
            ),
            c(
                "future",
                "2026-06-01T00:00:00+08:00",
                "2026-07-01T00:00:00+08:00",
            ),
        ];
        let now = at("2026-02-01T00:00:00+08:00");
        let ids = |w: Vec<Coupon>| w.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(quotable_wallet(wallet.clone(), &now, true, None, 200)),
            ["soon", "late"]
        );
        assert_eq!(
            ids(quotable_wallet(wallet.clone(), &now, true, None, 1)),
            ["soon"]
        );
        // Named: kept whatever its state, and first, so the cap never drops it.
        assert_eq!(
            ids(quotable_wallet(
                wallet.clone(),
                &now,
                true,
                Some("expired"),
                2
            )),
            ["expired", "soon"]
        );
        assert_eq!(
            ids(quotable_wallet(wallet, &now, true, Some("late"), 1)),
            ["late"]
        );
    }

    #[test]
    fn status_at_a_time() {
        let until = at("2026-02-01T00:00:00+08:00");
        let before = at("2026-01-31T23:59:59+08:00");
        assert_eq!(
            coupon_status(false, &until, false, true, &before),
            CouponStatus::Available
        );
        assert_eq!(
            coupon_status(false, &until, false, true, &until),
            CouponStatus::Expired
        );
        assert_eq!(
            coupon_status(true, &until, false, true, &before),
            CouponStatus::Used
        );
        assert_eq!(
            coupon_status(true, &until, false, true, &until),
            CouponStatus::Used
        );
        let c = coupon("a", CouponKind::NoThreshold { off_fen: Fen(100) });
        assert_eq!(
            c.validity(&at("2025-12-31T23:59:59+08:00")),
            Err(CouponProblem::NotYetValid)
        );
        assert_eq!(c.validity(&before), Ok(()));
        assert_eq!(c.validity(&until), Err(CouponProblem::Expired));
    }

    #[test]
    fn usable_at_counts_by_validity() {
        let coupon = |id: &str, from: &str, until: &str| Coupon {
            id: id.into(),
            kind: CouponKind::NoThreshold { off_fen: Fen(1000) },
            valid_from: at(from),
            valid_until: at(until),
            first_order_only: false,
        };
        let wallet = [
            coupon(
                "a",
                "2026-03-01T00:00:00+08:00",
                "2026-04-01T00:00:00+08:00",
            ),
            coupon(
                "b",
                "2026-03-20T00:00:00+08:00",
                "2026-04-01T00:00:00+08:00",
            ),
            coupon(
                "c",
                "2026-01-01T00:00:00+08:00",
                "2026-03-10T10:00:00+08:00",
            ),
        ];
        assert_eq!(
            usable_at(&wallet, &at("2026-03-10T10:00:00+08:00"), true),
            1
        );
        assert_eq!(
            usable_at(&wallet, &at("2026-03-10T09:59:59+08:00"), true),
            2
        );
    }

    /// Once the member has placed a first order, a first-order coupon is void: not
    /// available, not counted, not given to a quote (unless named, to say why), and its
    /// check says why. Before it, it is like any other.
    #[test]
    fn a_first_order_coupon_is_void_once_the_first_order_is_placed() {
        let c = Coupon {
            first_order_only: true,
            ..coupon("first", CouponKind::NoThreshold { off_fen: Fen(3000) })
        };
        let other = coupon("other", CouponKind::NoThreshold { off_fen: Fen(100) });
        let now = at("2026-01-10T00:00:00+08:00");
        let later = at("2026-02-01T00:00:00+08:00");
        let status = |used, first_order, when| {
            coupon_status(used, &c.valid_until, c.first_order_only, first_order, when)
        };
        assert_eq!(status(false, true, &now), CouponStatus::Available);
        assert_eq!(status(false, false, &now), CouponStatus::Void);
        assert_eq!(status(true, false, &now), CouponStatus::Used);
        assert_eq!(status(false, false, &later), CouponStatus::Expired);
        // Another coupon is not voided by the first order.
        assert_eq!(
            coupon_status(false, &other.valid_until, false, false, &now),
            CouponStatus::Available
        );
        assert_eq!(c.usable(&now, false), Err(CouponProblem::FirstOrderOnly));
        assert_eq!(c.usable(&now, true), Ok(()));
        let wallet = vec![c.clone(), other.clone()];
        assert_eq!(usable_at(&wallet, &now, true), 2);
        assert_eq!(usable_at(&wallet, &now, false), 1);
        let ids = |w: Vec<Coupon>| w.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(quotable_wallet(wallet.clone(), &now, true, None, 10)),
            ["first", "other"]
        );
        assert_eq!(
            ids(quotable_wallet(wallet.clone(), &now, false, None, 10)),
            ["other"]
        );
        assert_eq!(
            ids(quotable_wallet(wallet, &now, false, Some("first"), 10)),
            ["first", "other"]
        );
        assert_eq!(
            c.check(&now, false, Fen(20_000)),
            Err(CouponProblem::FirstOrderOnly)
        );
    }
}
