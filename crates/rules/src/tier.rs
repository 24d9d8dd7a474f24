//! Tiers (会员等级): thresholds on trailing qualifying spend, upgrades, the next-tier gap
//! and the "¥X to the next tier" prompt.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::money::{format_yuan, Fen};
use crate::text::Text;
use crate::validate::{ensure, ensure_percent, ProgramError};

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

/// The program's tiers in tier order, lowest first; thresholds strictly increase and the
/// first is 0. Reads as a slice of [`Tier`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tiers(pub Vec<Tier>);

impl Deref for Tiers {
    type Target = [Tier];

    fn deref(&self) -> &[Tier] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Tiers {
    type Item = &'a Tier;
    type IntoIter = std::slice::Iter<'a, Tier>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The next tier up and what is missing to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextTier {
    pub tier: TierId,
    pub gap_fen: Fen,
}

impl Tiers {
    /// The tier with this id.
    pub fn by_id(&self, id: &TierId) -> Option<&Tier> {
        self.0.iter().find(|t| &t.id == id)
    }

    /// The rank of a tier in tier order (0 = lowest), or none for an unknown id.
    pub fn rank(&self, id: &TierId) -> Option<usize> {
        self.0.iter().position(|t| &t.id == id)
    }

    /// Whether `held` ranks at least as high as `min`. An unknown tier held (a program
    /// edited since) ranks below every tier.
    pub fn at_least(&self, held: &TierId, min: &TierId) -> bool {
        let held = self.rank(held);
        held.is_some() && held >= self.rank(min)
    }

    /// The highest tier whose threshold this qualifying spend reaches.
    pub fn for_spend(&self, qualifying_spend_fen: Fen) -> &Tier {
        self.0
            .iter()
            .rev()
            .find(|t| qualifying_spend_fen >= t.threshold_fen)
            .unwrap_or(&self.0[0])
    }

    /// The tier after an order: spend can lift a member, never lower them.
    pub fn after(&self, held: &TierId, qualifying_spend_fen: Fen) -> TierId {
        let reached = self.for_spend(qualifying_spend_fen);
        match self.rank(held) {
            Some(rank) if rank >= self.rank(&reached.id).unwrap_or(0) => held.clone(),
            _ => reached.id.clone(),
        }
    }

    /// The tier to celebrate: `held`, when it ranks above the last tier the member was
    /// shown (`celebrated`); none when it does not, or either is unknown to this program.
    pub fn to_celebrate(&self, celebrated: Option<&TierId>, held: &TierId) -> Option<TierId> {
        let seen = self.rank(celebrated?)?;
        (self.rank(held)? > seen).then(|| held.clone())
    }

    /// The tier above `held` and the gap to it from this spend; none at the top tier.
    /// The gap is positive whenever `held` is at least the tier the spend reaches.
    pub fn next(&self, held: &TierId, qualifying_spend_fen: Fen) -> Option<NextTier> {
        let rank = self.rank(held)?;
        let next = self.0.get(rank + 1)?;
        Some(NextTier {
            tier: next.id.clone(),
            gap_fen: next.threshold_fen - qualifying_spend_fen,
        })
    }

    /// Where a spend sits on the tier progress bar, in basis points (0..=10000) so the
    /// app needs no floats. Each step between two thresholds gets an equal width (a
    /// linear scale would squeeze the low tiers into a sliver); beyond the top threshold
    /// the bar is full.
    pub fn progress_basis_points(&self, fen: Fen) -> i64 {
        let steps = self.0.len() as i64 - 1;
        if steps <= 0 {
            return 10_000;
        }
        let width = 10_000 / steps;
        for (i, pair) in self.0.windows(2).enumerate() {
            let (low, high) = (pair[0].threshold_fen, pair[1].threshold_fen);
            if fen < high {
                let within =
                    (fen.max(low) - low).get() as i128 * width as i128 / (high - low).get() as i128;
                return i as i64 * width + within as i64;
            }
        }
        10_000
    }

    /// Where each tier's threshold is marked on the progress bar, in basis points.
    pub fn marks_basis_points(&self) -> Vec<(TierId, i64)> {
        self.0
            .iter()
            .map(|t| (t.id.clone(), self.progress_basis_points(t.threshold_fen)))
            .collect()
    }

    /// Refuses an empty list, duplicate or malformed ids, thresholds that do not start at
    /// 0 and strictly increase, and rates or colours out of range.
    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        ensure(!self.0.is_empty(), "", "must list at least one tier")?;
        for (i, tier) in self.0.iter().enumerate() {
            let at = |f: &str| format!("[{i}].{f}");
            ensure(
                !tier.id.as_str().is_empty()
                    && tier.id.as_str().chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    }),
                at("id"),
                "must be lowercase letters, digits, '-' or '_'",
            )?;
            ensure(
                !self.0[..i].iter().any(|t| t.id == tier.id),
                at("id"),
                "is used by another tier",
            )?;
            if i == 0 {
                ensure(
                    tier.threshold_fen == Fen::ZERO,
                    at("threshold_fen"),
                    "the first tier's must be 0",
                )?;
            } else {
                ensure(
                    tier.threshold_fen > self.0[i - 1].threshold_fen,
                    at("threshold_fen"),
                    "must be greater than the tier below's",
                )?;
            }
            ensure(
                (0..=1000).contains(&tier.points_rate_percent),
                at("points_rate_percent"),
                "must be from 0 to 1000",
            )?;
            ensure_percent(
                tier.birthday_month_discount_percent,
                &at("birthday_month_discount_percent"),
            )?;
            ensure(
                tier.color.len() == 7
                    && tier.color.starts_with('#')
                    && tier.color[1..].chars().all(|c| c.is_ascii_hexdigit()),
                at("color"),
                "must be a colour like #c8972b",
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompts {
    /// "¥X to the next tier", with `{tier}`, `{gap}` and `{perk}` placeholders.
    pub next_tier: Text,
}

impl Prompts {
    /// The prompt `距金卡会员还差¥123.45，升级即享顺丰包邮` in the given language.
    pub fn next_tier_text(&self, tiers: &Tiers, next: &NextTier, lang: &str) -> String {
        let Some(tier) = tiers.by_id(&next.tier) else {
            return String::new();
        };
        self.next_tier
            .get(lang)
            .replace("{tier}", tier.name.get(lang))
            .replace("{gap}", &format_yuan(next.gap_fen))
            .replace("{perk}", tier.headline_perk.get(lang))
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        for (name, text) in [("zh", &self.next_tier.zh), ("en", &self.next_tier.en)] {
            ensure(
                text.contains("{tier}") && text.contains("{gap}"),
                format!("next_tier.{name}"),
                "must contain {tier} and {gap}",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgrade_is_celebrated_until_seen_and_nothing_else_is() {
        let tiers = crate::Program::default_program().tiers;
        let [regular, silver, gold] = ["regular", "silver", "gold"].map(TierId::from);
        assert_eq!(
            tiers.to_celebrate(Some(&regular), &gold),
            Some(gold.clone())
        );
        assert_eq!(tiers.to_celebrate(Some(&gold), &gold), None, "seen");
        assert_eq!(
            tiers.to_celebrate(Some(&gold), &silver),
            None,
            "a downgrade"
        );
        assert_eq!(tiers.to_celebrate(None, &gold), None, "nothing recorded");
        let unknown = TierId::from("platinum");
        assert_eq!(tiers.to_celebrate(Some(&unknown), &gold), None);
        assert_eq!(tiers.to_celebrate(Some(&regular), &unknown), None);
    }
    use crate::program::Program;

    #[test]
    fn prompt_in_both_languages() {
        let p = Program::default_program();
        let next = p.tiers.next(&"silver".into(), Fen(187655)).unwrap();
        assert_eq!(
            next,
            NextTier {
                tier: "gold".into(),
                gap_fen: Fen(12345)
            }
        );
        assert_eq!(
            p.prompts.next_tier_text(&p.tiers, &next, "zh"),
            "距金卡会员还差¥123.45，升级即享顺丰包邮"
        );
        assert_eq!(
            p.prompts.next_tier_text(&p.tiers, &next, "en"),
            "¥123.45 more to Gold: unlock free express shipping"
        );
        assert_eq!(p.tiers.next(&"diamond".into(), Fen(0)), None);
    }

    #[test]
    fn tiers_by_spend() {
        let p = Program::default_program();
        assert_eq!(p.tiers.for_spend(Fen(49999)).id.as_str(), "regular");
        assert_eq!(p.tiers.for_spend(Fen(50000)).id.as_str(), "silver");
        assert_eq!(p.tiers.after(&"gold".into(), Fen(0)).as_str(), "gold");
        assert_eq!(
            p.tiers.after(&"regular".into(), Fen(600000)).as_str(),
            "diamond"
        );
        // Three equal steps: 0 | ¥500 | ¥2,000 | ¥5,000.
        assert_eq!(p.tiers.progress_basis_points(Fen(0)), 0);
        assert_eq!(p.tiers.progress_basis_points(Fen(25000)), 1666);
        assert_eq!(p.tiers.progress_basis_points(Fen(50000)), 3333);
        assert_eq!(p.tiers.progress_basis_points(Fen(350000)), 3333 * 2 + 1666);
        assert_eq!(p.tiers.progress_basis_points(Fen(500000)), 10000);
        assert_eq!(p.tiers.progress_basis_points(Fen(900000)), 10000);
        let marks: Vec<i64> = p
            .tiers
            .marks_basis_points()
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert_eq!(marks, [0, 3333, 6666, 10000]);
    }
}
