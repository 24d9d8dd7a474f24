//! Tiers (会员等级): thresholds on trailing qualifying spend, upgrades, the next-tier gap
//! and the "¥X to the next tier" prompt.

use serde::{Deserialize, Serialize};

use crate::money::{format_yuan, Fen};
use crate::program::{Program, Text};

/// A tier's id as the program names it (`regular`, `silver`, …). Tier order is the
/// order of the program's list, not the id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TierId(pub String);

impl TierId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for TierId {
    fn from(s: &str) -> Self {
        TierId(s.to_owned())
    }
}

impl std::fmt::Display for TierId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: TierId,
    pub name: Text,
    /// The card colour, `#rrggbb`.
    pub color: String,
    /// Trailing 365-day qualifying spend that reaches this tier.
    pub threshold_fen: Fen,
    /// 120 = points ×1.2.
    pub points_rate_percent: i64,
    pub birthday_month_discount_percent: i64,
    /// Gold and up: the order's shipping fee is waived.
    pub free_shipping: bool,
    /// The perk named in the upgrade prompt.
    pub headline_perk: Text,
    pub perks: Vec<Text>,
}

/// The next tier up and what is missing to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextTier {
    pub tier: TierId,
    pub gap_fen: Fen,
}

impl Program {
    /// The highest tier whose threshold this qualifying spend reaches.
    pub fn tier_for_spend(&self, qualifying_spend_fen: Fen) -> &Tier {
        self.tiers
            .iter()
            .rev()
            .find(|t| qualifying_spend_fen >= t.threshold_fen)
            .unwrap_or(&self.tiers[0])
    }

    /// The tier after an order: spend can lift a member, never lower them.
    pub fn tier_after(&self, held: &TierId, qualifying_spend_fen: Fen) -> TierId {
        let reached = self.tier_for_spend(qualifying_spend_fen);
        match self.tier_rank(held) {
            Some(rank) if rank >= self.tier_rank(&reached.id).unwrap_or(0) => held.clone(),
            _ => reached.id.clone(),
        }
    }

    /// The tier above `held` and the gap to it from this spend; none at the top tier.
    /// The gap is positive whenever `held` is at least the tier the spend reaches.
    pub fn next_tier(&self, held: &TierId, qualifying_spend_fen: Fen) -> Option<NextTier> {
        let rank = self.tier_rank(held)?;
        let next = self.tiers.get(rank + 1)?;
        Some(NextTier {
            tier: next.id.clone(),
            gap_fen: next.threshold_fen - qualifying_spend_fen,
        })
    }

    /// The prompt `距金卡会员还差¥123.45，升级即享顺丰包邮` in the given language.
    pub fn next_tier_prompt(&self, next: &NextTier, lang: &str) -> String {
        let Some(tier) = self.tier(&next.tier) else {
            return String::new();
        };
        self.prompts
            .next_tier
            .get(lang)
            .replace("{tier}", tier.name.get(lang))
            .replace("{gap}", &format_yuan(next.gap_fen))
            .replace("{perk}", tier.headline_perk.get(lang))
    }

    /// Where a spend sits on the tier progress bar, in basis points (0..=10000) so the
    /// app needs no floats. Each step between two thresholds gets an equal width (a
    /// linear scale would squeeze the low tiers into a sliver); beyond the top threshold
    /// the bar is full.
    pub fn progress_basis_points(&self, fen: Fen) -> i64 {
        let steps = self.tiers.len() as i64 - 1;
        if steps <= 0 {
            return 10_000;
        }
        let width = 10_000 / steps;
        for (i, pair) in self.tiers.windows(2).enumerate() {
            let (low, high) = (pair[0].threshold_fen, pair[1].threshold_fen);
            if fen < high {
                let within = (fen.max(low) - low) as i128 * width as i128 / (high - low) as i128;
                return i as i64 * width + within as i64;
            }
        }
        10_000
    }

    /// Where each tier's threshold is marked on the progress bar, in basis points.
    pub fn tier_marks_basis_points(&self) -> Vec<(TierId, i64)> {
        self.tiers
            .iter()
            .map(|t| (t.id.clone(), self.progress_basis_points(t.threshold_fen)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_in_both_languages() {
        let p = Program::default_program();
        let next = p.next_tier(&"silver".into(), 187655).unwrap();
        assert_eq!(
            next,
            NextTier {
                tier: "gold".into(),
                gap_fen: 12345
            }
        );
        assert_eq!(
            p.next_tier_prompt(&next, "zh"),
            "距金卡会员还差¥123.45，升级即享顺丰包邮"
        );
        assert_eq!(
            p.next_tier_prompt(&next, "en"),
            "¥123.45 more to Gold: unlock free express shipping"
        );
        assert_eq!(p.next_tier(&"diamond".into(), 0), None);
    }

    #[test]
    fn tiers_by_spend() {
        let p = Program::default_program();
        assert_eq!(p.tier_for_spend(49999).id.as_str(), "regular");
        assert_eq!(p.tier_for_spend(50000).id.as_str(), "silver");
        assert_eq!(p.tier_after(&"gold".into(), 0).as_str(), "gold");
        assert_eq!(p.tier_after(&"regular".into(), 600000).as_str(), "diamond");
        // Three equal steps: 0 | ¥500 | ¥2,000 | ¥5,000.
        assert_eq!(p.progress_basis_points(0), 0);
        assert_eq!(p.progress_basis_points(25000), 1666);
        assert_eq!(p.progress_basis_points(50000), 3333);
        assert_eq!(p.progress_basis_points(350000), 3333 * 2 + 1666);
        assert_eq!(p.progress_basis_points(500000), 10000);
        assert_eq!(p.progress_basis_points(900000), 10000);
        let marks: Vec<i64> = p
            .tier_marks_basis_points()
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert_eq!(marks, [0, 3333, 6666, 10000]);
    }
}
