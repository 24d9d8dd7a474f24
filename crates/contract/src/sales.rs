//! `PUT /api/v1/stores/{code}/sales/{date}`: a store's whole day of sales as the shop
//! counts them (every buyer, members or not), so the console can show the members' share.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesReport {
    /// What every buyer paid that local day, in fen.
    pub total_fen: rules::Fen,
    /// How many orders that was.
    pub order_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesRecorded {
    pub store: String,
    #[serde(deserialize_with = "rules::rfc3339::date")]
    pub date: NaiveDate,
    pub total_fen: rules::Fen,
    pub order_count: i64,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub reported_at: DateTime<FixedOffset>,
}
