//! Invites (PROGRAM.md §4): when an invitee registers with an inviter's code, both get the
//! invite coupon; the inviter's rewarded invites are capped per calendar year, and the one
//! that reaches `bonus_at_invite` in a year adds the bonus coupon.

use serde::{Deserialize, Serialize};

use crate::issuance::Grant;
use crate::program::Program;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invites {
    /// Given to the invitee, and to the inviter while under the yearly cap.
    pub reward: Grant,
    /// Given to the inviter with their `bonus_at_invite`-th rewarded invite of a year.
    pub bonus: Grant,
    pub bonus_at_invite: i64,
    pub max_rewarded_per_year: i64,
    /// An invite is accepted at registration: within this many days of it.
    pub accept_within_days: i64,
}

/// What one accepted invite gives the inviter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InviterReward {
    pub rewarded: bool,
    pub bonus: bool,
}

impl Program {
    /// The inviter's reward for an invite accepted after `rewarded_this_year` rewarded
    /// invites in the same calendar year.
    pub fn inviter_reward(&self, rewarded_this_year: i64) -> InviterReward {
        let i = &self.invites;
        let rewarded = rewarded_this_year < i.max_rewarded_per_year;
        InviterReward {
            rewarded,
            bonus: rewarded && rewarded_this_year + 1 == i.bonus_at_invite,
        }
    }

    pub(crate) fn validate_invites(&self) -> Result<(), (String, &'static str)> {
        let i = &self.invites;
        for (name, g) in [("reward", &i.reward), ("bonus", &i.bonus)] {
            let at = |f: &str| format!("invites.{name}.coupon.{f}");
            g.coupon.kind.validate().map_err(|m| (at("kind"), m))?;
            if g.coupon.valid_days <= 0 {
                return Err((at("valid_days"), "must be positive"));
            }
        }
        let positive = [
            ("bonus_at_invite", i.bonus_at_invite),
            ("max_rewarded_per_year", i.max_rewarded_per_year),
            ("accept_within_days", i.accept_within_days),
        ];
        for (name, value) in positive {
            if value <= 0 {
                return Err((format!("invites.{name}"), "must be positive"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_adds_the_bonus_and_the_eleventh_gives_nothing() {
        let p = Program::default_program();
        let r = |n| p.inviter_reward(n);
        assert_eq!(
            r(0),
            InviterReward {
                rewarded: true,
                bonus: false
            }
        );
        assert_eq!(
            r(2),
            InviterReward {
                rewarded: true,
                bonus: true
            }
        );
        assert_eq!(
            r(3),
            InviterReward {
                rewarded: true,
                bonus: false
            }
        );
        assert_eq!(
            r(9),
            InviterReward {
                rewarded: true,
                bonus: false
            }
        );
        assert_eq!(
            r(10),
            InviterReward {
                rewarded: false,
                bonus: false
            }
        );
    }
}
