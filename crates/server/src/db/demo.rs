//! The demo members in storage: seeded with their history (two orders, an opening
//! balance, a wallet) for store staff to demo perks, and listed with their snapshots.

use anyhow::Context;
use chrono::{DateTime, Days, FixedOffset, Months};
pub use contract::demo::DemoMember as Member;
use rules::quote::MemberSnapshot;
use rules::{Fen, Points, Program, TierId};

use super::ledger::{self, EntryKind, Source};
use super::members::{insert_coupon, WalletCoupon};
use super::{Db, Tx};
use crate::clock::ms;

/// A member as written by the demo seed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub id: String,
    pub phone: Option<String>,
    pub nickname: String,
    pub tier: TierId,
    pub qualifying_spend_fen: Fen,
    pub lifetime_spend_fen: Fen,
    pub points_balance: Points,
    pub birthday: Option<rules::Birthday>,
    pub first_order: bool,
    pub coupons: Vec<WalletCoupon>,
}

impl NewMember {
    /// The member as the quote sees them.
    pub fn snapshot(&self) -> MemberSnapshot {
        MemberSnapshot {
            tier: self.tier.clone(),
            qualifying_spend_fen: self.qualifying_spend_fen,
            lifetime_spend_fen: self.lifetime_spend_fen,
            points_balance: self.points_balance,
            birthday: self.birthday,
            first_order: self.first_order,
            coupons: self.coupons.iter().map(|c| c.coupon.clone()).collect(),
        }
    }
}

/// Makes the demo members exactly `members`, in one transaction: each is removed with
/// everything it had and inserted in its seed state, with two seed orders that make its
/// trailing and lifetime spend, an opening points balance and a fresh wallet. Demo members
/// no longer seeded are removed. Running it again never duplicates anything.
pub async fn replace_demo_members(
    db: &Db,
    program: &Program,
    members: &[NewMember],
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let mut tx = crate::db::begin_write(db).await?;
    let existing: Vec<String> = sqlx::query_scalar("SELECT id FROM members WHERE is_demo = TRUE")
        .fetch_all(&mut *tx)
        .await?;
    for id in existing {
        delete_with_history(&mut tx, &id).await?;
    }
    for m in members {
        insert_demo_member(&mut tx, program, m, &now)
            .await
            .with_context(|| format!("seeding member {}", m.id))?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a member row and every row that refers to it (demo members only: a real
/// member's ledger is kept, anonymized, by account deletion).
async fn delete_with_history(tx: &mut Tx<'_>, id: &str) -> anyhow::Result<()> {
    for sql in [
        "DELETE FROM point_lots WHERE member_id = $1",
        "DELETE FROM points_ledger WHERE member_id = $1",
        "DELETE FROM refunds WHERE order_id IN (SELECT id FROM orders WHERE member_id = $1)",
        "DELETE FROM orders WHERE member_id = $1",
        // Its orders' triggers leave zeros behind (see `members::SPEND_PERIOD_MS`).
        "DELETE FROM spend_periods WHERE member_id = $1",
        "DELETE FROM milestones_held WHERE member_id = $1",
        "DELETE FROM checkins WHERE member_id = $1",
        "DELETE FROM mall_redemptions WHERE member_id = $1",
        "DELETE FROM invites WHERE invitee_id = $1 OR inviter_id = $1",
        "DELETE FROM audit_log WHERE member_id = $1 OR actor_id = $1",
        "DELETE FROM sessions WHERE member_id = $1",
        "DELETE FROM tier_changes WHERE member_id = $1",
        "DELETE FROM member_days WHERE member_id = $1",
        "DELETE FROM coupons WHERE member_id = $1",
        "DELETE FROM members WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_demo_member(
    tx: &mut Tx<'_>,
    program: &Program,
    m: &NewMember,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let keys = crate::vault::keyring()?;
    let birthday = m.birthday.map(|d| d.to_string());
    sqlx::query(
        "INSERT INTO members (id, phone, nickname, tier, tier_celebrated, lifetime_spend_fen, \
           birthday, first_order, is_demo, consent_version, consent_at_ms, created_at_ms, \
           gifts_seen_ms, updated_at_ms, phone_index) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, TRUE, $8, $9, $9, $9, $9, $10)",
    )
    .bind(&m.id)
    .bind(keys.seal_some(crate::vault::MEMBER_PHONE, m.phone.as_deref()))
    .bind(keys.seal_some(crate::vault::MEMBER_NICKNAME, Some(&m.nickname)))
    .bind(m.tier.as_str())
    .bind(m.lifetime_spend_fen)
    .bind(keys.seal_some(crate::vault::MEMBER_BIRTHDAY, birthday.as_deref()))
    .bind(m.first_order)
    .bind(&program.membership.privacy_notice_version)
    .bind(ms(now))
    .bind(m.phone.as_deref().map(|p| keys.phone_index(p)))
    .execute(&mut **tx)
    .await?;
    // Spend lives in orders: one recent order makes the trailing spend, one older than the
    // window the rest of the lifetime spend.
    let recent = *now - Days::new(20);
    let old = *now - Days::new(400);
    let older_part = m.lifetime_spend_fen - m.qualifying_spend_fen;
    for (key, at, fen) in [
        ("recent", recent, m.qualifying_spend_fen),
        ("old", old, older_part),
    ] {
        if fen.is_positive() {
            seed_order(tx, &format!("{}-seed-{key}", m.id), &m.id, &at, fen, now).await?;
        }
    }
    // About half the opening balance was earned a year ago, so it expires first: the
    // points planner and the expiry reminder have a lot to show.
    let year_ago = *now - Months::new(12);
    let older = if program.points.expire_at(&program.time_zone, &year_ago) > *now {
        Points(m.points_balance.get() / 2 / 100 * 100)
    } else {
        Points::ZERO
    };
    for (points, at) in [(older, &year_ago), (m.points_balance - older, now)] {
        let source = Source::default();
        ledger::credit(tx, program, &m.id, EntryKind::Opening, points, at, source).await?;
    }
    for c in &m.coupons {
        insert_coupon(tx, &m.id, c, now).await?;
    }
    Ok(())
}

async fn seed_order(
    tx: &mut Tx<'_>,
    order_id: &str,
    member_id: &str,
    paid_at: &DateTime<FixedOffset>,
    fen: Fen,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO orders (id, member_id, request_sha256, paid_at_ms, earn_base_fen, \
           payable_fen, refundable_points, points_used, quote, response, received_at_ms) \
         VALUES ($1, $2, 'seed', $3, $4, $4, 0, 0, '{}', '{}', $5)",
    )
    .bind(order_id)
    .bind(member_id)
    .bind(ms(paid_at))
    .bind(fen)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The demo members' ids, in id order.
pub async fn demo_ids(db: &Db) -> anyhow::Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM members WHERE is_demo = TRUE ORDER BY id")
            .fetch_all(db)
            .await?,
    )
}
