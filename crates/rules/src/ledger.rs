//! The points ledger's arithmetic (PROGRAM.md §2, "Ledger details"): lots that expire,
//! debits that spend the earliest expiry first, a debt that later credits repay first, and
//! the cumulative pro-rata take-back of a refund. The server stores lots and entries; what
//! happens to them is decided here, so it is tested without a database.

use crate::units::{Fen, Points};

/// What is left of one credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    pub id: i64,
    pub remaining: Points,
    /// Unix milliseconds of the first instant the lot is expired.
    pub expires_at_ms: i64,
}

/// A debit's effect: the lots it touched with what is left of each, and the part no lot
/// covered (added to the member's debt).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Debit {
    pub lots: Vec<(i64, Points)>,
    pub shortfall: Points,
}

/// Spends `points` (≥ 0) from the open lots, earliest expiry first (then oldest lot).
/// Lots already expired at `now_ms` are not spent: expiry takes them.
pub fn debit(lots: &[Lot], points: Points, now_ms: i64) -> Debit {
    let mut open: Vec<&Lot> = lots
        .iter()
        .filter(|l| l.remaining.is_positive() && l.expires_at_ms > now_ms)
        .collect();
    open.sort_by_key(|l| (l.expires_at_ms, l.id));
    let mut left = points.max(Points::ZERO);
    let mut touched = vec![];
    for lot in open {
        if left == Points::ZERO {
            break;
        }
        let take = left.min(lot.remaining);
        left -= take;
        touched.push((lot.id, lot.remaining - take));
    }
    Debit {
        lots: touched,
        shortfall: left,
    }
}

/// A credit's effect: the part that repays the debt, and the part that opens a new lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    pub repaid: Points,
    pub opens_lot: Points,
}

pub fn credit(debt: Points, points: Points) -> Credit {
    let repaid = points.clamp(Points::ZERO, debt.max(Points::ZERO));
    Credit {
        repaid,
        opens_lot: points.max(Points::ZERO) - repaid,
    }
}

/// The points a refund has taken back and returned so far, cumulative: with `refunded_fen`
/// (all refunds of the order so far, this one included) out of `earn_base_fen`, the order's
/// earned points P become floor(P × R / base) taken back, and its points used as cash
/// floor(used × R / base) returned. A full refund takes back and returns exactly all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundPoints {
    pub taken_back: Points,
    pub returned: Points,
}

pub fn refund_points(
    refundable_points: Points,
    points_used: Points,
    earn_base_fen: Fen,
    refunded_fen: Fen,
) -> RefundPoints {
    if !earn_base_fen.is_positive() {
        return RefundPoints {
            taken_back: Points::ZERO,
            returned: Points::ZERO,
        };
    }
    let r = refunded_fen.clamp(Fen::ZERO, earn_base_fen).get() as i128;
    let base = earn_base_fen.get() as i128;
    // i128: points × fen can pass i64 at the program's limits.
    let share = |points: Points| Points((points.get().max(0) as i128 * r / base) as i64);
    RefundPoints {
        taken_back: share(refundable_points),
        returned: share(points_used),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(id: i64, remaining: i64, expires_at_ms: i64) -> Lot {
        Lot {
            id,
            remaining: Points(remaining),
            expires_at_ms,
        }
    }

    #[test]
    fn debit_spends_earliest_expiry_first_and_leaves_a_shortfall() {
        let lots = [lot(1, 100, 300), lot(2, 50, 200), lot(3, 70, 50)];
        // Lot 3 has expired at now = 100: not spendable.
        let d = debit(&lots, Points(120), 100);
        assert_eq!(d.lots, vec![(2, Points(0)), (1, Points(30))]);
        assert_eq!(d.shortfall, Points(0));
        let d = debit(&lots, Points(200), 100);
        assert_eq!(d.lots, vec![(2, Points(0)), (1, Points(0))]);
        assert_eq!(d.shortfall, Points(50));
        assert_eq!(debit(&lots, Points(0), 100), Debit::default());
    }

    #[test]
    fn credits_repay_debt_first() {
        assert_eq!(
            credit(Points(30), Points(100)),
            Credit {
                repaid: Points(30),
                opens_lot: Points(70)
            }
        );
        assert_eq!(
            credit(Points(300), Points(100)),
            Credit {
                repaid: Points(100),
                opens_lot: Points(0)
            }
        );
        assert_eq!(
            credit(Points(0), Points(5)),
            Credit {
                repaid: Points(0),
                opens_lot: Points(5)
            }
        );
    }

    #[test]
    fn refunds_are_cumulative_and_whole_refunds_exact() {
        // P = 301 points, 500 used, on a ¥300.07 base refunded in three parts.
        let parts = [Fen(10_001), Fen(10_003), Fen(10_003)];
        let mut r = Fen::ZERO;
        let mut seen = vec![];
        for part in parts {
            r += part;
            seen.push(refund_points(Points(301), Points(500), Fen(30_007), r));
        }
        assert_eq!(seen[0].taken_back, Points(301 * 10_001 / 30_007));
        assert_eq!(
            seen[2],
            RefundPoints {
                taken_back: Points(301),
                returned: Points(500)
            }
        );
        assert!(seen.windows(2).all(|w| w[0].taken_back <= w[1].taken_back));
        let none = refund_points(Points(10), Points(10), Fen::ZERO, Fen::ZERO);
        assert_eq!(none.taken_back, Points::ZERO);
    }
}
