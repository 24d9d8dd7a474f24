//! `GET /api/me/points`: the points ledger, newest first.

use chrono::{DateTime, FixedOffset};
use rules::{Fen, Points, Text};
use serde::{Deserialize, Serialize};

use crate::AllVariants;

/// What a ledger entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Tier points of an order.
    Earn,
    CampaignBonus,
    OrderBonus,
    MilestoneBonus,
    Checkin,
    /// Points returned by a refund of an order that used them as cash.
    RefundReturn,
    /// The balance a demo member starts with.
    Opening,
    /// Points used as cash by an order.
    PointsUsed,
    RefundTakeBack,
    MilestoneTakeBack,
    /// Points spent on a points-mall redemption.
    Mall,
    Expire,
    /// Points an operator added or took, with a reason (the console; the reason is in the
    /// audit log, not shown to the member).
    Adjustment,
}

impl EntryKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Earn => "earn",
            EntryKind::CampaignBonus => "campaign_bonus",
            EntryKind::OrderBonus => "order_bonus",
            EntryKind::MilestoneBonus => "milestone_bonus",
            EntryKind::Checkin => "checkin",
            EntryKind::RefundReturn => "refund_return",
            EntryKind::Opening => "opening",
            EntryKind::PointsUsed => "points_used",
            EntryKind::RefundTakeBack => "refund_take_back",
            EntryKind::MilestoneTakeBack => "milestone_take_back",
            EntryKind::Mall => "mall",
            EntryKind::Expire => "expire",
            EntryKind::Adjustment => "adjustment",
        }
    }

    /// The kind of a stored name.
    pub fn parse(name: &str) -> Option<EntryKind> {
        EntryKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl AllVariants for EntryKind {
    const ALL: &'static [EntryKind] = &[
        EntryKind::Earn,
        EntryKind::CampaignBonus,
        EntryKind::OrderBonus,
        EntryKind::MilestoneBonus,
        EntryKind::Checkin,
        EntryKind::RefundReturn,
        EntryKind::Opening,
        EntryKind::PointsUsed,
        EntryKind::RefundTakeBack,
        EntryKind::MilestoneTakeBack,
        EntryKind::Mall,
        EntryKind::Expire,
        EntryKind::Adjustment,
    ];
}

/// Which entries a history page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Credits.
    Earn,
    /// Debits.
    Spend,
}

impl Direction {
    /// The wire name, as serde writes it (`?kind=earn`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Earn => "earn",
            Direction::Spend => "spend",
        }
    }
}

/// `?cursor=&limit=&kind=earn|spend`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsQuery {
    pub cursor: Option<i64>,
    pub limit: Option<i64>,
    pub kind: Option<Direction>,
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    pub points: Points,
    pub balance_after: Points,
    pub order_id: Option<String>,
    #[serde(deserialize_with = "rules::rfc3339::instant")]
    pub at: DateTime<FixedOffset>,
    /// What the entry was for, as data the app words; none when its kind says it all (an
    /// opening balance, a check-in, an expiry) or what it named is gone. Answers from
    /// before it was added have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
}

/// What a ledger entry names: read from the stored order, refund and redemption rows, with
/// titles from the loaded program (mall items, campaigns) or the stored coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// An order's points (earned, used, its bonuses): the order, what the member paid and
    /// the coupon it used.
    Order {
        id: String,
        payable_fen: Fen,
        #[serde(default)]
        coupon: Option<Text>,
    },
    /// A refund's points (taken back, returned): the order and the refund's amount.
    Refund { order_id: String, amount_fen: Fen },
    /// A points-mall redemption: the item as the program (or the coupon it issued) names it.
    MallItem { item_id: String, title: Text },
    /// A campaign's bonus on an order: the campaign of the order's local date.
    Campaign { name: Text, order_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsPage {
    pub entries: Vec<Entry>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<i64>,
}

/// `GET /api/me/points/plan`: the member's points by the date they expire, oldest first,
/// with what each lot can still buy and the bonus-points campaigns before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsPlan {
    /// The spendable balance now (expired points already taken off).
    pub points_balance: Points,
    pub lots: Vec<LotPlan>,
}

pub use rules::planner::{LotPlan, PlanCampaign, PlanItem};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directions_name_is_the_one_serde_writes() {
        for d in [Direction::Earn, Direction::Spend] {
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.as_str()));
        }
    }

    #[test]
    fn each_kind_is_its_serde_name() {
        for kind in EntryKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(EntryKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(EntryKind::parse("other"), None);
    }

    #[test]
    fn an_entry_without_a_subject_still_reads() {
        let json = r#"{"id":3,"kind":"checkin","points":5,"balance_after":5,
            "order_id":null,"at":"2026-03-01T09:00:00+08:00"}"#;
        let entry: Entry = serde_json::from_str(json).unwrap();
        assert_eq!(entry.subject, None);
    }

    #[test]
    fn a_subject_is_tagged_by_its_type() {
        let subject = Subject::Order {
            id: "SO-1".into(),
            payable_fen: Fen(32_000),
            coupon: None,
        };
        let json = serde_json::to_value(&subject).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "order", "id": "SO-1", "payable_fen": 32000, "coupon": null})
        );
        assert_eq!(serde_json::from_value::<Subject>(json).unwrap(), subject);
    }
}
