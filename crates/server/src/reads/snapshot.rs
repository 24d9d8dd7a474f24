//! The member as the quote sees them: what the preview is given and what an order is
//! priced with.

use chrono::{DateTime, FixedOffset};
use rules::coupon::Coupon;
use rules::quote::MemberSnapshot;
use rules::Program;

use crate::db::exec::Exec;
use crate::db::members::{sums, unused_coupons, MemberRow, Sums};

/// The member as the quote sees them at `at` (trailing spend up to `at`), with the balance
/// as it stands at `at` (unrecorded expiry subtracted) and the coupons a quote at `at` is
/// given ([`rules::coupon::quotable_wallet`]: those the member may use then, and `named`,
/// the coupon the order names).
pub async fn snapshot(
    conn: &mut impl Exec,
    program: &Program,
    member: &MemberRow,
    at: &DateTime<FixedOffset>,
    named: Option<&str>,
) -> anyhow::Result<MemberSnapshot> {
    let sums = sums(conn, &member.id, at, at).await?;
    let unused = unused_coupons(conn, &member.id, program.offset()).await?;
    Ok(snapshot_of(program, member, at, named, &sums, unused))
}

/// [`snapshot`] from what was read.
pub fn snapshot_of(
    program: &Program,
    member: &MemberRow,
    at: &DateTime<FixedOffset>,
    named: Option<&str>,
    sums: &Sums,
    unused_coupons: Vec<Coupon>,
) -> MemberSnapshot {
    MemberSnapshot {
        tier: member.tier.clone(),
        qualifying_spend_fen: sums.trailing_spend,
        lifetime_spend_fen: member.lifetime_spend_fen,
        points_balance: member.points_balance - sums.expired,
        birthday: member.birthday,
        first_order: member.first_order,
        coupons: rules::coupon::quotable_wallet(
            unused_coupons,
            at,
            member.first_order,
            named,
            program.limits.max_coupons,
        ),
    }
}
