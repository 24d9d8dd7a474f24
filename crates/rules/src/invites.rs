//! Invites (PROGRAM.md §4): when an invitee registers with an inviter's code, both get the
//! invite coupon; the inviter's rewarded invites are capped per calendar year, and the one
//! that reaches `bonus_at_invite` in a year adds the bonus coupon.

use serde::{Deserialize, Serialize};

use crate::issuance::Grant;
use crate::validate::{ensure, ProgramError};

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

impl Invites {
    /// The inviter's reward for an invite accepted after `rewarded_this_year` rewarded
    /// invites in the same calendar year.
    pub fn inviter_reward(&self, rewarded_this_year: i64) -> InviterReward {
        let rewarded = rewarded_this_year < self.max_rewarded_per_year;
        InviterReward {
            rewarded,
            bonus: rewarded && rewarded_this_year + 1 == self.bonus_at_invite,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ProgramError> {
        for (name, g) in [("reward", &self.reward), ("bonus", &self.bonus)] {
            g.coupon
                .validate()
                .map_err(|e| e.within(&format!("{name}.coupon")))?;
        }
        for (name, value) in [
            ("bonus_at_invite", self.bonus_at_invite),
            ("max_rewarded_per_year", self.max_rewarded_per_year),
            ("accept_within_days", self.accept_within_days),
        ] {
            ensure(value > 0, name, "must be positive")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Program;

    #[test]
    fn the_third_adds_the_bonus_and_the_eleventh_gives_nothing() {
        let p = Program::default_program();
        let r = |n| p.invites.inviter_reward(n);
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
