//! Members: registration, their state as the quote sees it (the snapshot), their wallets,
//! and the demo members.

use anyhow::Context;
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use rules::quote::MemberSnapshot;
use rules::Text;
use rules::{Coupon, CouponKind, Program, TierId};
use sqlx::Row as _;

use super::ledger::{self, EntryKind, Source};
pub use contract::demo::DemoMember as Member;

use super::{lock_member, Db, Tx};
use crate::clock::{ms, random_token};
use crate::error::ApiError;
use contract::ErrorCode;

/// A member as written by the demo seed.
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
    pub title: Text,
    pub source: rules::coupon::CouponSource,
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

/// The stored columns of a member that are not computed from orders. (Booleans are read
/// as 0/1 BIGINT: sqlx's `Any` driver cannot decode SQLite's BOOLEAN.)
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub id: String,
    pub phone: Option<String>,
    pub nickname: String,
    pub role: contract::auth::Role,
    pub locale: Option<String>,
    pub tier: TierId,
    pub lifetime_spend_fen: i64,
    pub points_balance: i64,
    pub birthday: Option<NaiveDate>,
    pub first_order: bool,
    pub below_count: u32,
    pub checkin_date: Option<NaiveDate>,
    pub checkin_streak: u32,
    pub consent_version: Option<String>,
    pub consent_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

const MEMBER_COLUMNS: &str = "id, phone, nickname, role, locale, tier, lifetime_spend_fen, \
    points_balance, birthday, CAST(CASE WHEN first_order THEN 1 ELSE 0 END AS BIGINT), below_count, checkin_date, checkin_streak, \
    consent_version, consent_at_ms, created_at_ms";

fn member_row(r: &super::Row) -> anyhow::Result<MemberRow> {
    let date = |text: Option<String>| -> anyhow::Result<Option<NaiveDate>> {
        Ok(text.map(|t| t.parse::<NaiveDate>()).transpose()?)
    };
    Ok(MemberRow {
        id: r.try_get(0)?,
        phone: r.try_get(1)?,
        nickname: r.try_get(2)?,
        role: {
            let name: String = r.try_get(3)?;
            contract::auth::Role::parse(&name).with_context(|| format!("stored role `{name}`"))?
        },
        locale: r.try_get(4)?,
        tier: TierId(r.try_get(5)?),
        lifetime_spend_fen: r.try_get(6)?,
        points_balance: r.try_get(7)?,
        birthday: date(r.try_get(8)?).context("stored birthday")?,
        first_order: r.try_get::<i64, _>(9)? != 0,
        below_count: u32::try_from(r.try_get::<i64, _>(10)?).unwrap_or(0),
        checkin_date: date(r.try_get(11)?).context("stored check-in date")?,
        checkin_streak: u32::try_from(r.try_get::<i64, _>(12)?).unwrap_or(0),
        consent_version: r.try_get(13)?,
        consent_at_ms: r.try_get(14)?,
        created_at_ms: r.try_get(15)?,
    })
}

/// A member that exists and is not deleted.
pub async fn get<'e, E>(db: E, member_id: &str) -> anyhow::Result<Option<MemberRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1 AND deleted_at_ms IS NULL");
    let row = sqlx::query(&sql).bind(member_id).fetch_optional(db).await?;
    row.as_ref().map(member_row).transpose()
}

/// The member id of a phone (E.164), if registered.
pub async fn id_by_phone<'e, E>(db: E, phone: &str) -> anyhow::Result<Option<String>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(
        sqlx::query_scalar("SELECT id FROM members WHERE phone = $1 AND deleted_at_ms IS NULL")
            .bind(phone)
            .fetch_optional(db)
            .await?,
    )
}

/// Registers a member at their first login, with their consent to the privacy notice.
pub async fn register(
    tx: &mut Tx<'_>,
    program: &Program,
    phone: &str,
    role: &str,
    consent_version: &str,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<String> {
    let id = format!("m_{}", random_token(12));
    let nickname = format!("会员{}", &phone[phone.len().saturating_sub(4)..]);
    sqlx::query(
        "INSERT INTO members (id, phone, nickname, tier, role, consent_version, consent_at_ms, \
           created_at_ms, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8)",
    )
    .bind(&id)
    .bind(phone)
    .bind(&nickname)
    .bind(program.tiers[0].id.as_str())
    .bind(role)
    .bind(consent_version)
    .bind(ms(now))
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Trailing qualifying spend at `at`: Σ earn base less refunds of orders paid in
/// (at − window, at], window = 365 days.
pub async fn trailing_spend<'e, E>(
    db: E,
    member_id: &str,
    from_ms: i64,
    at_ms: i64,
) -> anyhow::Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(earn_base_fen - refunded_fen), 0) AS BIGINT) FROM orders \
         WHERE member_id = $1 AND paid_at_ms > $2 AND paid_at_ms <= $3",
    )
    .bind(member_id)
    .bind(from_ms)
    .bind(at_ms)
    .fetch_one(db)
    .await?)
}

/// The start of the trailing window that ends at `at` (exclusive).
pub fn window_start(at: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    *at - Days::new(365)
}

/// The coupons not used yet (expired ones included: the quote tells them apart by time).
pub async fn unused_coupons<'e, E>(db: E, member_id: &str) -> anyhow::Result<Vec<Coupon>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT id, kind, valid_from, valid_until, \
           CAST(CASE WHEN first_order_only THEN 1 ELSE 0 END AS BIGINT) FROM coupons \
         WHERE member_id = $1 AND used_at IS NULL ORDER BY valid_until, id",
    )
    .bind(member_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(coupon).collect()
}

fn coupon(r: &super::Row) -> anyhow::Result<Coupon> {
    let id: String = r.try_get(0)?;
    let at = |text: String| {
        DateTime::parse_from_rfc3339(&text).with_context(|| format!("coupon {id}: time"))
    };
    let kind: String = r.try_get(1)?;
    let kind: CouponKind =
        serde_json::from_str(&kind).with_context(|| format!("coupon {id}: kind"))?;
    Ok(Coupon {
        kind,
        valid_from: at(r.try_get(2)?)?,
        valid_until: at(r.try_get(3)?)?,
        first_order_only: r.try_get::<i64, _>(4)? != 0,
        id,
    })
}

/// The member as the quote sees them at `at` (trailing spend up to `at`), with the balance
/// as it stands at `now` (unrecorded expiry subtracted) and the coupons a quote at `at` is
/// given ([`rules::coupon::quotable_wallet`]: those valid then, and `named`, the coupon the
/// order names).
pub async fn snapshot(
    conn: &mut sqlx::AnyConnection,
    program: &Program,
    member: &MemberRow,
    at: &DateTime<FixedOffset>,
    named: Option<&str>,
) -> anyhow::Result<MemberSnapshot> {
    let spend = trailing_spend(&mut *conn, &member.id, ms(&window_start(at)), ms(at)).await?;
    let expired = ledger::expired_unrecorded(&mut *conn, &member.id, ms(at)).await?;
    Ok(MemberSnapshot {
        tier: member.tier.clone(),
        qualifying_spend_fen: spend,
        lifetime_spend_fen: member.lifetime_spend_fen,
        points_balance: member.points_balance - expired,
        birthday: member.birthday,
        first_order: member.first_order,
        coupons: rules::coupon::quotable_wallet(
            unused_coupons(&mut *conn, &member.id).await?,
            at,
            named,
            program.limits.max_coupons,
        ),
    })
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
        "DELETE FROM milestones_held WHERE member_id = $1",
        "DELETE FROM checkins WHERE member_id = $1",
        "DELETE FROM mall_redemptions WHERE member_id = $1",
        "DELETE FROM invites WHERE invitee_id = $1 OR inviter_id = $1",
        "DELETE FROM audit_log WHERE member_id = $1 OR actor_id = $1",
        "DELETE FROM sessions WHERE member_id = $1",
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
    sqlx::query(
        "INSERT INTO members (id, phone, nickname, tier, lifetime_spend_fen, birthday, \
           first_order, is_demo, consent_version, consent_at_ms, created_at_ms, created_at, \
           updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9, $9, $10, $10)",
    )
    .bind(&m.id)
    .bind(&m.phone)
    .bind(&m.nickname)
    .bind(m.tier.as_str())
    .bind(m.lifetime_spend_fen)
    .bind(m.birthday.map(|d| d.to_string()))
    .bind(m.first_order)
    .bind(&program.membership.privacy_notice_version)
    .bind(ms(now))
    .bind(now.to_rfc3339())
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
        if fen > 0 {
            seed_order(tx, &format!("{}-seed-{key}", m.id), &m.id, &at, fen, now).await?;
        }
    }
    ledger::credit(
        tx,
        program,
        &m.id,
        EntryKind::Opening,
        m.points_balance,
        now,
        Source::default(),
    )
    .await?;
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
    fen: i64,
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

/// Puts a coupon in a member's wallet.
pub async fn insert_coupon(
    tx: &mut Tx<'_>,
    member_id: &str,
    c: &WalletCoupon,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO coupons (id, member_id, kind, title, title_en, source, valid_from, \
           valid_until, first_order_only, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&c.coupon.id)
    .bind(member_id)
    .bind(serde_json::to_string(&c.coupon.kind)?)
    .bind(&c.title.zh)
    .bind(&c.title.en)
    .bind(c.source.as_str())
    .bind(c.coupon.valid_from.to_rfc3339())
    .bind(c.coupon.valid_until.to_rfc3339())
    .bind(c.coupon.first_order_only)
    .bind(now.to_rfc3339())
    .execute(&mut **tx)
    .await
    .with_context(|| format!("coupon {}", c.coupon.id))?;
    Ok(())
}

/// The demo members with their snapshots at `now`, in tier order (then id).
pub async fn demo_members(
    db: &Db,
    program: &Program,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<Vec<Member>> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM members WHERE is_demo = TRUE ORDER BY id")
            .fetch_all(db)
            .await?;
    let mut members = vec![];
    for id in ids {
        let Some(row) = get(db, &id).await? else {
            continue;
        };
        let mut conn = db.acquire().await?;
        members.push(Member {
            snapshot: snapshot(&mut conn, program, &row, now, None).await?,
            id: row.id,
            nickname: row.nickname,
        });
    }
    // Unknown tiers (a program edited since seeding) sort last rather than failing.
    members.sort_by_key(|m| program.tiers.rank(&m.snapshot.tier).unwrap_or(usize::MAX));
    Ok(members)
}

/// Applies a validated `PATCH /api/me` in one transaction after the member's lock: the
/// birthday is set once (the same date again is no change).
pub async fn update_profile(
    db: &Db,
    member_id: &str,
    update: &contract::me::Update,
    now: &DateTime<FixedOffset>,
) -> Result<(), ApiError> {
    let mut tx = super::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(ApiError::unauthorized());
    }
    let member = get(&mut *tx, member_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if let (Some(new), Some(old)) = (update.birthday, member.birthday) {
        if new != old {
            return Err(ApiError::conflict(
                ErrorCode::BirthdayAlreadySet,
                "the birthday can be set only once",
            ));
        }
    }
    sqlx::query(
        "UPDATE members SET nickname = COALESCE($1, nickname), locale = COALESCE($2, locale), \
           birthday = COALESCE(birthday, $3), updated_at = $4 WHERE id = $5",
    )
    .bind(update.nickname.as_deref().map(str::trim))
    .bind(update.locale.as_deref())
    .bind(update.birthday.map(|b| b.to_string()))
    .bind(now.to_rfc3339())
    .bind(member_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Erases a member's personal data and ends every session, in one transaction: the phone,
/// nickname, birthday and language go, unused coupons and pending codes too. The ledger
/// and orders stay, tied to the now anonymous id, for the shop's accounts.
pub async fn erase(db: &Db, member_id: &str, now: &DateTime<FixedOffset>) -> Result<(), ApiError> {
    let mut tx = super::begin_write(db).await?;
    if !lock_member(&mut tx, member_id).await? {
        return Err(ApiError::unauthorized());
    }
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE members SET phone = NULL, nickname = '', birthday = NULL, locale = NULL, \
           deleted_at_ms = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(ms(now))
    .bind(now.to_rfc3339())
    .bind(member_id)
    .execute(&mut *tx)
    .await?;
    for sql in [
        "DELETE FROM sessions WHERE member_id = $1",
        "DELETE FROM coupons WHERE member_id = $1 AND used_at IS NULL",
    ] {
        sqlx::query(sql).bind(member_id).execute(&mut *tx).await?;
    }
    if let Some(phone) = phone {
        sqlx::query("DELETE FROM otp_codes WHERE phone = $1")
            .bind(phone)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
