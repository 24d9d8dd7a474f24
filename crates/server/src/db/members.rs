//! Members: registration, their state as the quote sees it (the snapshot), their wallets,
//! and the demo members.

use std::sync::LazyLock;

use anyhow::Context;
use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use rules::Text;
use rules::{Birthday, Coupon, CouponKind, Fen, Points, Program, TierId};

use super::columns::Columns;
use super::exec::Exec;
use super::{Db, Tx};
use crate::args;
use crate::clock::{from_ms, ms};
use crate::crypto::random_token;
use crate::vault;

/// A coupon in a wallet: what the quote needs, plus what the wallet screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletCoupon {
    pub coupon: Coupon,
    pub title: Text,
    pub source: rules::coupon::CouponSource,
}

/// The stored columns of a member that are not computed from orders. (Booleans are read
/// as 0/1 BIGINT: sqlx's `Any` driver cannot decode SQLite's BOOLEAN.)
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub id: String,
    pub phone: Option<String>,
    /// `None` until the member chooses one (stored as ''): the app names them by the
    /// last digits of their phone, in their language.
    pub nickname: Option<String>,
    pub role: contract::auth::Role,
    pub locale: Option<String>,
    pub tier: TierId,
    /// The last tier the member was shown (`Tiers::to_celebrate`).
    pub tier_celebrated: Option<TierId>,
    /// Coupons received up to this instant (Unix ms) were announced; none yet when absent.
    pub gifts_seen_ms: Option<i64>,
    pub lifetime_spend_fen: Fen,
    pub points_balance: Points,
    pub birthday: Option<Birthday>,
    pub first_order: bool,
    pub below_count: u32,
    pub checkin_date: Option<NaiveDate>,
    pub checkin_streak: u32,
    pub consent_version: Option<String>,
    pub consent_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

const MEMBER_COLUMNS: &str = "id, phone, nickname, role, locale, tier, tier_celebrated, gifts_seen_ms, \
    lifetime_spend_fen, \
    points_balance, birthday, CAST(CASE WHEN first_order THEN 1 ELSE 0 END AS BIGINT) AS first_order, \
    below_count, checkin_date, checkin_streak, \
    consent_version, consent_at_ms, created_at_ms";

pub(super) fn member_row(r: &(impl Columns + ?Sized)) -> anyhow::Result<MemberRow> {
    let keys = vault::keyring()?;
    let sealed = |name: &str, column: &'static str| -> anyhow::Result<Option<String>> {
        Ok(r.text(name)?.map(|v| keys.open(column, &v)).transpose()?)
    };
    let date = |name: &str| -> anyhow::Result<Option<NaiveDate>> {
        r.text(name)?
            .map(|t| t.parse::<NaiveDate>())
            .transpose()
            .with_context(|| format!("stored {name}"))
    };
    let count = |name: &str| -> anyhow::Result<u32> {
        Ok(u32::try_from(r.int_required(name)?).unwrap_or(0))
    };
    Ok(MemberRow {
        id: r.text_required("id")?,
        phone: sealed("phone", vault::MEMBER_PHONE)?,
        nickname: sealed("nickname", vault::MEMBER_NICKNAME)?.filter(|n| !n.is_empty()),
        role: {
            let name = r.text_required("role")?;
            contract::auth::Role::parse(&name).with_context(|| format!("stored role `{name}`"))?
        },
        locale: r.text("locale")?,
        tier: TierId(r.text_required("tier")?),
        tier_celebrated: r.text("tier_celebrated")?.map(TierId),
        gifts_seen_ms: r.int("gifts_seen_ms")?,
        lifetime_spend_fen: Fen(r.int_required("lifetime_spend_fen")?),
        points_balance: Points(r.int_required("points_balance")?),
        birthday: sealed("birthday", vault::MEMBER_BIRTHDAY)?
            .map(|t| t.parse::<Birthday>())
            .transpose()
            .context("stored birthday")?,
        first_order: r.int_required("first_order")? != 0,
        below_count: count("below_count")?,
        checkin_date: date("checkin_date")?,
        checkin_streak: count("checkin_streak")?,
        consent_version: r.text("consent_version")?,
        consent_at_ms: r.int("consent_at_ms")?,
        created_at_ms: r.int_required("created_at_ms")?,
    })
}

/// The [`MEMBER_COLUMNS`] of the member whose session has the token hash `$1` and is live
/// at `$2` (ms), the member not deleted: [`by_session`], and the home's query (`db::home`).
pub(super) fn session_member_sql() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE deleted_at_ms IS NULL AND id = \
               (SELECT member_id FROM sessions WHERE token_sha256 = $1 AND expires_at_ms > $2)"
        )
    });
    &SQL
}

/// A member that exists and is not deleted.
pub async fn get(db: &mut impl Exec, member_id: &str) -> anyhow::Result<Option<MemberRow>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1 AND deleted_at_ms IS NULL")
    });
    Ok(db
        .optional(&SQL, args![member_id], |r| member_row(r))
        .await?)
}

/// The member of a session token, with the checks of `auth::session_member` (the session
/// not expired at `now_ms`, the member not deleted): the session and the member's row in
/// one round trip.
pub async fn by_session(db: &Db, token: &str, now_ms: i64) -> anyhow::Result<Option<MemberRow>> {
    let row = sqlx::query(session_member_sql())
        .bind(crate::crypto::sha256_hex(&[token.as_bytes()]))
        .bind(now_ms)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(member_row).transpose()
}

/// Locks a member that is not deleted, as `db::lock_member` does, and reads its row: one
/// statement where the order's write ran two.
pub async fn lock(tx: &mut impl Exec, member_id: &str) -> anyhow::Result<Option<MemberRow>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "UPDATE members SET lock_version = lock_version + 1 \
             WHERE id = $1 AND deleted_at_ms IS NULL RETURNING {MEMBER_COLUMNS}"
        )
    });
    Ok(tx
        .optional(&SQL, args![member_id], |r| member_row(r))
        .await?)
}

/// The member id of a phone (E.164), if registered: found by its blind index.
pub async fn id_by_phone(db: &mut impl Exec, phone: &str) -> anyhow::Result<Option<String>> {
    let index = vault::phone_index(phone)?;
    Ok(db
        .optional(
            "SELECT id FROM members WHERE phone_index = $1 AND deleted_at_ms IS NULL",
            args![&index],
            |r| r.text_required("id"),
        )
        .await?)
}

/// The member with this phone for staff: never a demo member, never an erased one.
pub async fn real_id_by_phone(db: &super::Db, phone: &str) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM members WHERE phone_index = $1 AND deleted_at_ms IS NULL \
           AND is_demo = FALSE",
    )
    .bind(vault::phone_index(phone)?)
    .fetch_optional(db)
    .await?)
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
    register_by(
        tx,
        program,
        phone,
        role,
        consent_version,
        Channel::Phone,
        now,
    )
    .await
}

/// How a member registered (`members.channel`): the console counts new members by it. A
/// store's join link is recorded when the store is (`stores::attribute_join`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Phone,
    HostLink,
    Operator,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::HostLink => "host_link",
            Channel::Operator => "operator",
        }
    }
}

/// [`register`] by another channel than a phone login.
pub async fn register_by(
    tx: &mut Tx<'_>,
    program: &Program,
    phone: &str,
    role: &str,
    consent_version: &str,
    channel: Channel,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<String> {
    let id = format!("m_{}", random_token(12));
    let keys = vault::keyring()?;
    sqlx::query(
        "INSERT INTO members (id, phone, phone_index, nickname, tier, tier_celebrated, role, \
           consent_version, consent_at_ms, created_at_ms, updated_at_ms, channel) \
         VALUES ($1, $2, $7, '', $3, $3, $4, $5, $6, $6, $6, $8)",
    )
    .bind(&id)
    .bind(keys.seal(vault::MEMBER_PHONE, phone))
    .bind(program.tiers[0].id.as_str())
    .bind(role)
    .bind(consent_version)
    .bind(ms(now))
    .bind(keys.phone_index(phone))
    .bind(channel.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Trailing qualifying spend at `at`: Σ earn base less refunds of orders paid in
/// (at − window, at], window = 365 days.
pub async fn trailing_spend(
    db: &mut impl Exec,
    member_id: &str,
    from_ms: i64,
    at_ms: i64,
) -> anyhow::Result<Fen> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {} AS spend", trailing_spend_sql("$1", "$2", "$3")));
    let spend = db
        .one(&SQL, args![member_id, from_ms, at_ms], |r| {
            r.int_required("spend")
        })
        .await?;
    Ok(Fen(spend))
}

/// The width of a period of `spend_periods` (30 days; the migration
/// `20261202000013_spend_periods` computes `paid_at_ms / 2592000000` in its triggers).
pub const SPEND_PERIOD_MS: i64 = 2_592_000_000;

/// The trailing spend of `member` over `(from, at]` (SQL expressions) as one SQL value.
/// A member's year of orders is summed from `spend_periods` (the triggers on `orders`
/// keep each period's Σ earn base − refunds) instead of order by order: the periods
/// after `from`'s up to `at`'s, plus the orders of `from`'s period after `from`, minus
/// those of `at`'s period after `at` (paid a little ahead of the server's clock, or
/// later than a past `at`). So the sum reads about 13 periods and the orders of the
/// window's first period, however many orders the year holds.
pub fn trailing_spend_sql(member: &str, from: &str, at: &str) -> String {
    let p = SPEND_PERIOD_MS;
    let orders = format!(
        "SELECT COALESCE(SUM(earn_base_fen - refunded_fen), 0) FROM orders \
         WHERE member_id = {member}"
    );
    format!(
        "CAST((SELECT COALESCE(SUM(spend_fen), 0) FROM spend_periods \
             WHERE member_id = {member} AND period > {from} / {p} AND period <= {at} / {p}) \
           + ({orders} AND paid_at_ms > {from} AND paid_at_ms < ({from} / {p} + 1) * {p}) \
           - ({orders} AND paid_at_ms > {at} AND paid_at_ms < ({at} / {p} + 1) * {p}) \
         AS BIGINT)"
    )
}

/// The start of the trailing window that ends at `at` (exclusive).
pub fn window_start(at: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    *at - Days::new(365)
}

/// The coupons not used yet (expired ones included: the quote tells them apart by time),
/// their times in `offset` (the program's).
pub async fn unused_coupons(
    db: &mut impl Exec,
    member_id: &str,
    offset: FixedOffset,
) -> anyhow::Result<Vec<Coupon>> {
    Ok(db
        .all(
            "SELECT id, kind, valid_from_ms, valid_until_ms, \
               CAST(CASE WHEN first_order_only THEN 1 ELSE 0 END AS BIGINT) AS first_order_only \
             FROM coupons WHERE member_id = $1 AND used_at_ms IS NULL \
             ORDER BY valid_until_ms, id",
            args![member_id],
            |r| coupon(r, offset),
        )
        .await?)
}

fn coupon(r: &dyn Columns, offset: FixedOffset) -> anyhow::Result<Coupon> {
    let id = r.text_required("id")?;
    let kind = r.text_required("kind")?;
    let kind: CouponKind =
        serde_json::from_str(&kind).with_context(|| format!("coupon {id}: kind"))?;
    Ok(Coupon {
        kind,
        valid_from: from_ms(r.int_required("valid_from_ms")?, offset),
        valid_until: from_ms(r.int_required("valid_until_ms")?, offset),
        first_order_only: r.int_required("first_order_only")? != 0,
        id,
    })
}

/// The sums a member's standing at `at` needs, read in one query: the trailing spend
/// ([`trailing_spend`] with the window ending at `at`), the points expired by `at` but not
/// yet recorded ([`super::ledger::expired_unrecorded`]) and the points expiring in
/// (`at`, `warn_until`] with the first of those expiries (the home screen's warning). One
/// round trip instead of three: each is a hop to the database's thread, and the home
/// screen and every order need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub trailing_spend: Fen,
    pub expired: Points,
    pub expiring: Option<(Points, i64)>,
}

pub async fn sums(
    db: &mut impl Exec,
    member_id: &str,
    at: &DateTime<FixedOffset>,
    warn_until: &DateTime<FixedOffset>,
) -> anyhow::Result<Sums> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {}", sums_columns("$1", "$2", "$3", "$4")));
    let (from, at, until) = (ms(&window_start(at)), ms(at), ms(warn_until));
    Ok(db
        .one(&SQL, args![member_id, from, at, until], |r| sums_of(r))
        .await?)
}

/// The [`Sums`] at `at` (as [`snapshot`] reads them), and the trailing spend at `later`
/// (≥ `at`), in one statement: an order reads both, the second to place its member's tier
/// once the order is in (`workflows::orders`).
pub async fn sums_and_spend_at(
    db: &mut impl Exec,
    member_id: &str,
    at: &DateTime<FixedOffset>,
    later: &DateTime<FixedOffset>,
) -> anyhow::Result<(Sums, Fen)> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let sums = sums_columns("$1", "$2", "$3", "$3");
        format!(
            "SELECT {sums}, {} AS spend_later",
            trailing_spend_sql("$1", "$4", "$5")
        )
    });
    let (from, at) = (ms(&window_start(at)), ms(at));
    let (later_from, later) = (ms(&window_start(later)), ms(later));
    Ok(db
        .one(&SQL, args![member_id, from, at, later_from, later], |r| {
            Ok((sums_of(r)?, Fen(r.int_required("spend_later")?)))
        })
        .await?)
}

/// The select list of [`Sums`] for the member `member` (an SQL expression: a parameter,
/// or a subquery), with the trailing window `(from, at]` and the warning up to `until`
/// (parameters), read back by [`sums_of`].
pub fn sums_columns(member: &str, from: &str, at: &str, until: &str) -> String {
    let lots = format!("FROM point_lots WHERE member_id = {member} AND remaining > 0");
    let trailing = trailing_spend_sql(member, from, at);
    format!(
        "{trailing} AS trailing_spend, \
         (SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) {lots} \
           AND expires_at_ms <= {at}) AS expired, \
         (SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) {lots} \
           AND expires_at_ms > {at} AND expires_at_ms <= {until}) AS expiring, \
         (SELECT MIN(expires_at_ms) {lots} \
           AND expires_at_ms > {at} AND expires_at_ms <= {until}) AS first_expiry"
    )
}

/// The [`Sums`] of a row read with [`sums_columns`].
pub fn sums_of(row: &(impl Columns + ?Sized)) -> anyhow::Result<Sums> {
    let expiring = Points(row.int_required("expiring")?);
    Ok(Sums {
        trailing_spend: Fen(row.int_required("trailing_spend")?),
        expired: Points(row.int_required("expired")?),
        expiring: row
            .int("first_expiry")?
            .filter(|_| expiring.is_positive())
            .map(|at| (expiring, at)),
    })
}

/// Puts a coupon in a member's wallet.
pub async fn insert_coupon(
    tx: &mut impl Exec,
    member_id: &str,
    c: &WalletCoupon,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let kind = serde_json::to_string(&c.coupon.kind)?;
    tx.run(
        "INSERT INTO coupons (id, member_id, kind, title, title_en, source, valid_from_ms, \
           valid_until_ms, first_order_only, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        args![
            &c.coupon.id,
            member_id,
            &kind,
            &c.title.zh,
            &c.title.en,
            c.source.as_str(),
            ms(&c.coupon.valid_from),
            ms(&c.coupon.valid_until),
            c.coupon.first_order_only,
            ms(now)
        ],
    )
    .await
    .with_context(|| format!("coupon {}", c.coupon.id))?;
    Ok(())
}

/// Writes a profile update: nickname and language when given, the birthday only where
/// none is set (the caller refuses a change).
pub async fn apply_profile(
    tx: &mut Tx<'_>,
    member_id: &str,
    update: &contract::me::Update,
    now: &DateTime<FixedOffset>,
) -> anyhow::Result<()> {
    let keys = vault::keyring()?;
    let nickname = update.nickname.as_deref().map(str::trim);
    let birthday = update.birthday.map(|b| b.to_string());
    sqlx::query(
        "UPDATE members SET nickname = COALESCE($1, nickname), locale = COALESCE($2, locale), \
           birthday = COALESCE(birthday, $3), updated_at_ms = $4 WHERE id = $5",
    )
    .bind(keys.seal_some(vault::MEMBER_NICKNAME, nickname))
    .bind(update.locale.as_deref())
    .bind(keys.seal_some(vault::MEMBER_BIRTHDAY, birthday.as_deref()))
    .bind(ms(now))
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Erases a member's personal data and ends every session: the phone, nickname, birthday
/// and language go, unused coupons and pending codes too. The ledger and orders stay, tied
/// to the now anonymous id, for the shop's accounts.
pub async fn erase_personal_data(
    tx: &mut Tx<'_>,
    member_id: &str,
    now: &DateTime<FixedOffset>,
) -> sqlx::Result<()> {
    let phone_index: Option<String> =
        sqlx::query_scalar("SELECT phone_index FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query(
        "UPDATE members SET phone = NULL, phone_index = NULL, nickname = '', birthday = NULL, \
           locale = NULL, \
           deleted_at_ms = $1, updated_at_ms = $1 WHERE id = $2",
    )
    .bind(ms(now))
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    for sql in [
        "DELETE FROM sessions WHERE member_id = $1",
        "DELETE FROM calendar_feeds WHERE member_id = $1",
        "DELETE FROM coupons WHERE member_id = $1 AND used_at_ms IS NULL",
    ] {
        sqlx::query(sql).bind(member_id).execute(&mut **tx).await?;
    }
    if let Some(index) = phone_index {
        sqlx::query("DELETE FROM otp_codes WHERE phone_index = $1")
            .bind(index)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// After an order: the tier it leads to, the new lifetime spend, no longer a first order,
/// and the latest paid time of their orders (a late-reported order does not move it
/// back). An upgrade starts the downgrade count afresh: "below" was about the old tier.
pub async fn after_order(
    tx: &mut impl Exec,
    member_id: &str,
    tier: &TierId,
    lifetime_spend_fen: Fen,
    paid_at_ms: i64,
    now: &DateTime<FixedOffset>,
) -> sqlx::Result<()> {
    tx.run(
        "UPDATE members SET tier = $1, lifetime_spend_fen = $2, first_order = FALSE, \
           below_count = CASE WHEN tier = $1 THEN below_count ELSE 0 END, \
           last_order_at_ms = CASE WHEN last_order_at_ms >= $5 THEN last_order_at_ms \
             ELSE $5 END, \
           updated_at_ms = $3 WHERE id = $4",
        args![
            tier.as_str(),
            lifetime_spend_fen,
            ms(now),
            member_id,
            paid_at_ms
        ],
    )
    .await?;
    Ok(())
}

/// Lowers lifetime spend by a refund; the lifetime spend after it.
pub async fn reduce_lifetime_spend(
    tx: &mut Tx<'_>,
    member_id: &str,
    refund_fen: Fen,
    now: &DateTime<FixedOffset>,
) -> sqlx::Result<Fen> {
    sqlx::query_scalar(
        "UPDATE members SET lifetime_spend_fen = lifetime_spend_fen - $1, updated_at_ms = $2 \
         WHERE id = $3 RETURNING lifetime_spend_fen",
    )
    .bind(refund_fen)
    .bind(ms(now))
    .bind(member_id)
    .fetch_one(&mut **tx)
    .await
}

/// The member's stored points balance (what an answer reports after a write).
pub async fn points_balance<'e, E>(db: E, member_id: &str) -> sqlx::Result<Points>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT points_balance FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(db)
        .await
}

/// Members not deleted, by id: those after `after` (from the first when none), at most
/// `limit`. One page of a walk over every member in bounded memory (`workflows::jobs::MemberPages`).
pub async fn active_ids_after(
    db: &Db,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT id FROM members WHERE deleted_at_ms IS NULL AND id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after.unwrap_or(""))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The date of the last downgrade evaluation applied to the member.
pub async fn last_evaluation(
    tx: &mut Tx<'_>,
    member_id: &str,
) -> anyhow::Result<Option<NaiveDate>> {
    let last: Option<String> =
        sqlx::query_scalar("SELECT last_evaluation FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&mut **tx)
            .await?;
    last.map(|d| d.parse())
        .transpose()
        .context("stored last evaluation")
}

/// Stores a downgrade evaluation's outcome.
pub async fn set_evaluation(
    tx: &mut Tx<'_>,
    member_id: &str,
    tier: &TierId,
    below_count: u32,
    date: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        // A downgrade is seen as it happens (the app says so on home): a later upgrade
        // back is celebrated again.
        "UPDATE members SET tier_celebrated = CASE WHEN tier <> $1 THEN $1 \
           ELSE tier_celebrated END, tier = $1, below_count = $2, last_evaluation = $3 \
         WHERE id = $4",
    )
    .bind(tier.as_str())
    .bind(i64::from(below_count))
    .bind(date.to_string())
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records that the member was shown `tier`, if it is still the tier they hold (an
/// answer to an older summary changes nothing). Whether anything changed.
pub async fn set_tier_celebrated(db: &Db, member_id: &str, tier: &TierId) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE members SET tier_celebrated = $1 WHERE id = $2 AND tier = $1")
        .bind(tier.as_str())
        .bind(member_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that the coupons received up to `until_ms` were announced (never moving back).
pub async fn set_gifts_seen(db: &Db, member_id: &str, until_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE members SET gifts_seen_ms = $1 WHERE id = $2 \
         AND (gifts_seen_ms IS NULL OR gifts_seen_ms < $1)",
    )
    .bind(until_ms)
    .bind(member_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_role(tx: &mut Tx<'_>, member_id: &str, role: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE members SET role = $1 WHERE id = $2")
        .bind(role)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
