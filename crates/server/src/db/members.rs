//! Members and their coupon wallets.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate};
use rules::quote::MemberSnapshot;
use rules::{Coupon, CouponKind, Program, TierId};
use serde::Serialize;
use sqlx::FromRow;

use super::Db;

/// A stored member as the API shows them: who they are and the quote's snapshot of them
/// (the app previews quotes from `snapshot` directly).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub id: String,
    pub nickname: String,
    pub snapshot: MemberSnapshot,
}

/// A member as written by the seed (and, later, by registration).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub id: String,
    pub phone: Option<String>,
    pub nickname: String,
    pub tier: TierId,
    pub qualifying_spend_fen: i64,
    pub lifetime_spend_fen: i64,
    pub points_balance: i64,
    pub birthday: Option<NaiveDate>,
    pub first_order: bool,
    pub coupons: Vec<WalletCoupon>,
}

/// A coupon in a wallet: what the quote needs, plus what the wallet screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletCoupon {
    pub coupon: Coupon,
    pub title: String,
    pub source: String,
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

/// Makes the demo members exactly `members`, in one transaction: each is inserted or reset
/// to its seed state with a fresh wallet, and demo members no longer seeded are removed.
/// Running it again never duplicates anything.
pub async fn replace_demo_members(
    db: &Db,
    members: &[NewMember],
    now: DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let now = now.to_rfc3339();
    let mut tx = db.begin().await?;
    let existing: Vec<(String,)> = sqlx::query_as("SELECT id FROM members WHERE is_demo = TRUE")
        .fetch_all(&mut *tx)
        .await?;
    for (id,) in existing {
        if !members.iter().any(|m| m.id == id) {
            // Coupons go with it (ON DELETE CASCADE).
            sqlx::query("DELETE FROM members WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
    }
    for m in members {
        sqlx::query(
            "INSERT INTO members (id, phone, nickname, tier, qualifying_spend_fen, \
               lifetime_spend_fen, points_balance, birthday, first_order, is_demo, \
               created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $10) \
             ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, \
               nickname = excluded.nickname, tier = excluded.tier, \
               qualifying_spend_fen = excluded.qualifying_spend_fen, \
               lifetime_spend_fen = excluded.lifetime_spend_fen, \
               points_balance = excluded.points_balance, birthday = excluded.birthday, \
               first_order = excluded.first_order, is_demo = TRUE, \
               updated_at = excluded.updated_at",
        )
        .bind(&m.id)
        .bind(&m.phone)
        .bind(&m.nickname)
        .bind(m.tier.as_str())
        .bind(m.qualifying_spend_fen)
        .bind(m.lifetime_spend_fen)
        .bind(m.points_balance)
        .bind(m.birthday.map(|d| d.to_string()))
        .bind(m.first_order)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("seeding member {}", m.id))?;
        sqlx::query("DELETE FROM coupons WHERE member_id = $1")
            .bind(&m.id)
            .execute(&mut *tx)
            .await?;
        for c in &m.coupons {
            insert_coupon(&mut tx, &m.id, c, &now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn insert_coupon(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    member_id: &str,
    c: &WalletCoupon,
    now: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO coupons (id, member_id, kind, title, source, valid_from, valid_until, \
           first_order_only, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&c.coupon.id)
    .bind(member_id)
    .bind(serde_json::to_string(&c.coupon.kind)?)
    .bind(&c.title)
    .bind(&c.source)
    .bind(c.coupon.valid_from.to_rfc3339())
    .bind(c.coupon.valid_until.to_rfc3339())
    .bind(c.coupon.first_order_only)
    .bind(now)
    .execute(&mut **tx)
    .await
    .with_context(|| format!("seeding coupon {}", c.coupon.id))?;
    Ok(())
}

#[derive(FromRow)]
struct MemberRow {
    id: String,
    nickname: String,
    tier: String,
    qualifying_spend_fen: i64,
    lifetime_spend_fen: i64,
    points_balance: i64,
    birthday: Option<String>,
    first_order: bool,
}

#[derive(FromRow)]
struct CouponRow {
    id: String,
    member_id: String,
    kind: String,
    valid_from: String,
    valid_until: String,
    first_order_only: bool,
}

/// The demo members with their unused coupons, in tier order (then id).
pub async fn demo_members(db: &Db, program: &Program) -> anyhow::Result<Vec<Member>> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT id, nickname, tier, qualifying_spend_fen, lifetime_spend_fen, points_balance, \
           birthday, first_order \
         FROM members WHERE is_demo = TRUE ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    let coupon_rows: Vec<CouponRow> = sqlx::query_as(
        "SELECT c.id, c.member_id, c.kind, c.valid_from, c.valid_until, c.first_order_only \
         FROM coupons c JOIN members m ON m.id = c.member_id \
         WHERE m.is_demo = TRUE AND c.used_at IS NULL \
         ORDER BY c.valid_until, c.id",
    )
    .fetch_all(db)
    .await?;
    let mut wallets: HashMap<String, Vec<Coupon>> = HashMap::new();
    for row in coupon_rows {
        let member_id = row.member_id.clone();
        wallets.entry(member_id).or_default().push(coupon(row)?);
    }
    let mut members = rows
        .into_iter()
        .map(|row| {
            let coupons = wallets.remove(&row.id).unwrap_or_default();
            member(row, coupons)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Unknown tiers (a program edited since seeding) sort last rather than failing.
    members.sort_by_key(|m| program.tier_rank(&m.snapshot.tier).unwrap_or(usize::MAX));
    Ok(members)
}

fn member(row: MemberRow, coupons: Vec<Coupon>) -> anyhow::Result<Member> {
    let birthday = row
        .birthday
        .map(|b| b.parse::<NaiveDate>())
        .transpose()
        .with_context(|| format!("member {}: stored birthday", row.id))?;
    Ok(Member {
        snapshot: MemberSnapshot {
            tier: TierId(row.tier),
            qualifying_spend_fen: row.qualifying_spend_fen,
            lifetime_spend_fen: row.lifetime_spend_fen,
            points_balance: row.points_balance,
            birthday,
            first_order: row.first_order,
            coupons,
        },
        id: row.id,
        nickname: row.nickname,
    })
}

fn coupon(row: CouponRow) -> anyhow::Result<Coupon> {
    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text).with_context(|| format!("coupon {}: time", row.id))
    };
    let kind: CouponKind =
        serde_json::from_str(&row.kind).with_context(|| format!("coupon {}: kind", row.id))?;
    Ok(Coupon {
        kind,
        valid_from: at(&row.valid_from)?,
        valid_until: at(&row.valid_until)?,
        first_order_only: row.first_order_only,
        id: row.id,
    })
}
