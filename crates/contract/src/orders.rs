//! `POST /api/v1/orders` and `POST /api/v1/orders/{id}/refund` (shops, by API key).

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
