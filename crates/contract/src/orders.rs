//! `POST /api/v1/orders` and `POST /api/v1/orders/{id}/refund` (shops, by API key), and
//! `GET /api/me/orders` (the member's own orders).

use chrono::{DateTime, FixedOffset};
use rules::quote::{CartLine, CouponChoice, PointsChoice};
use rules::Quote;
use rules::{Fen, Points};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/orders`: a paid order as the shop reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub order_id: String,
    /// The member, by id or by phone (exactly one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// RFC 3339 with an offset.
    pub paid_at: String,
    pub lines: Vec<CartLine>,
    pub shipping_fen: Fen,
    /// The shopper's choice: `auto`, `none` or a coupon id.
    pub coupon: CouponChoice,
    /// The shopper's choice: a number of points or `max`.
    pub points: PointsChoice,
}

/// The answer: the order as recorded, with the quote it was charged by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRecorded {
    pub order_id: String,
    pub member_id: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub paid_at: DateTime<FixedOffset>,
    pub quote: Quote,
}

/// `POST /api/v1/orders/{id}/refund`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    pub refund_id: String,
    pub amount_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundRecorded {
    pub refund_id: String,
    pub order_id: String,
    pub amount_fen: Fen,
    /// All refunds of the order so far, this one included.
    pub refunded_fen: Fen,
    pub points_taken_back: Points,
    pub points_returned: Points,
    pub milestone_points_taken_back: Points,
    pub points_balance_after: Points,
}

/// `GET /api/me/orders?cursor=&limit=`: `cursor` is the id of the last order of the page
/// before (its `next_cursor`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrdersQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A page of the member's orders, newest paid first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    pub orders: Vec<PastOrder>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One of the member's orders, with its refunds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastOrder {
    pub id: String,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub paid_at: DateTime<FixedOffset>,
    /// What the member paid.
    pub payable_fen: Fen,
    /// What the order earned: the sum of its credit entries in the ledger (tier points,
    /// campaign, order and milestone bonuses), as credited, before any refund.
    pub points_earned: Points,
    /// Points used as cash.
    pub points_used: Points,
    /// All refunds so far.
    pub refunded_fen: Fen,
    /// Oldest first.
    pub refunds: Vec<PastRefund>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastRefund {
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
    pub amount_fen: Fen,
}
