//! Coupons in storage: issued under an issue key that is unique (`coupons.issue_key`;
//! `workflows::issuance` says which are due and their keys), read, used and counted.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Days, FixedOffset};
use rules::coupon::CouponTemplate;
use rules::issuance::Grant;
use rules::Program;
use rules::Text;

use super::columns::Columns;
use super::exec::Exec;
use super::Tx;
use crate::args;
use crate::clock::{from_ms, ms};
use crate::crypto::random_token;
use contract::coupons::{CouponStatus, WalletCoupon};
use contract::me::CouponCounts;
use rules::coupon::{coupon_status, CouponSource};

/// A stored coupon's title: `title` and `title_en`, which coupons issued before it
/// existed lack (their English is the Chinese title, as they showed before).
pub fn stored_title(zh: String, en: Option<String>) -> Text {
    Text {
        en: en.unwrap_or_else(|| zh.clone()),
        zh,
    }
}

/// Issues one coupon valid from `from` unless `issue_key` was issued before; its id when
/// this call issued it.
#[allow(clippy::too_many_arguments)] // each is one fact of the coupon
pub async fn issue(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    title: &Text,
    template: &CouponTemplate,
    source: CouponSource,
    issue_key: &str,
    from: &DateTime<FixedOffset>,
) -> anyhow::Result<Option<String>> {
    // Coupon times in the program's offset, like every other coupon's.
    let from = from.with_timezone(&program.offset());
    let until = from + Days::new(template.valid_days as u64);
    let id = format!("c_{}", random_token(12));
    let done = sqlx::query(
        "INSERT INTO coupons (id, member_id, kind, title, title_en, source, valid_from_ms, \
           valid_until_ms, first_order_only, created_at_ms, issue_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(member_id)
    .bind(serde_json::to_string(&template.kind)?)
    .bind(&title.zh)
    .bind(&title.en)
    .bind(source.as_str())
    .bind(ms(&from))
    .bind(ms(&until))
    .bind(template.first_order_only)
    .bind(ms(&from))
    .bind(issue_key)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// Issues a rule's coupon under `key` (see [`issue`]).
pub async fn grant(
    tx: &mut Tx<'_>,
    program: &Program,
    member_id: &str,
    g: &Grant,
    source: CouponSource,
    key: &str,
    from: &DateTime<FixedOffset>,
) -> anyhow::Result<Option<String>> {
    issue(
        tx, program, member_id, &g.title, &g.coupon, source, key, from,
    )
    .await
}

/// Marks a coupon used by an order; false when it is not this member's unused coupon (a
/// concurrent order used it first).
pub async fn mark_used(
    tx: &mut impl Exec,
    member_id: &str,
    coupon_id: &str,
    order_id: &str,
    now: &DateTime<FixedOffset>,
) -> sqlx::Result<bool> {
    let changed = tx
        .run(
            "UPDATE coupons SET used_at_ms = $1, used_order_id = $2 \
             WHERE id = $3 AND member_id = $4 AND used_at_ms IS NULL",
            args![ms(now), order_id, coupon_id, member_id],
        )
        .await?;
    Ok(changed == 1)
}

/// Whether this member has used this coupon.
pub async fn is_used(tx: &mut impl Exec, member_id: &str, coupon_id: &str) -> sqlx::Result<bool> {
    let used = tx
        .one(
            "SELECT CAST(COUNT(*) AS BIGINT) AS used FROM coupons \
             WHERE id = $1 AND member_id = $2 AND used_at_ms IS NOT NULL",
            args![coupon_id, member_id],
            |r| r.int_required("used"),
        )
        .await?;
    Ok(used > 0)
}

/// A coupon an order used, with the end of its validity (Unix ms).
#[derive(Debug, sqlx::FromRow)]
pub struct UsedCoupon {
    pub id: String,
    pub valid_until_ms: i64,
}

pub async fn used_by_order(tx: &mut Tx<'_>, order_id: &str) -> sqlx::Result<Vec<UsedCoupon>> {
    sqlx::query_as("SELECT id, valid_until_ms FROM coupons WHERE used_order_id = $1")
        .bind(order_id)
        .fetch_all(&mut **tx)
        .await
}

/// Makes a used coupon unused again (its order was refunded in whole).
pub async fn release(tx: &mut Tx<'_>, coupon_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE coupons SET used_at_ms = NULL, used_order_id = NULL WHERE id = $1")
        .bind(coupon_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A stored coupon's columns as [`wallet_coupon`] reads them, from `coupons` named `c`:
/// prefixed, so that a query may read them beside a member's (`db::home`).
pub const WALLET_COLUMNS: &str = "c.id AS c_id, c.kind AS c_kind, c.title AS c_title, \
    c.source AS c_source, c.valid_from_ms AS c_valid_from_ms, \
    c.valid_until_ms AS c_valid_until_ms, \
    CAST(CASE WHEN c.first_order_only THEN 1 ELSE 0 END AS BIGINT) AS c_first_order_only, \
    c.used_at_ms AS c_used_at_ms, c.used_order_id AS c_used_order_id, c.title_en AS c_title_en, \
    c.created_at_ms AS c_created_at_ms";

/// The member's wallet at `now`, what expires first first; only `wanted` coupons if given,
/// times in `offset` (the program's). Each row carries the member's `first_order` flag,
/// which a first-order coupon's status depends on (`rules::coupon::coupon_status`).
pub async fn wallet<'e, E>(
    db: E,
    member_id: &str,
    now: &DateTime<FixedOffset>,
    offset: FixedOffset,
    wanted: Option<CouponStatus>,
) -> anyhow::Result<Vec<WalletCoupon>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {WALLET_COLUMNS}, \
             CAST(CASE WHEN m.first_order THEN 1 ELSE 0 END AS BIGINT) AS m_first_order \
             FROM coupons c JOIN members m ON m.id = c.member_id WHERE c.member_id = $1"
        )
    });
    let rows = sqlx::query(&SQL).bind(member_id).fetch_all(db).await?;
    let mut coupons = vec![];
    for r in &rows {
        let first_order = r.int_required("m_first_order")? != 0;
        if let Some(coupon) = wallet_coupon(r, now, offset, first_order)? {
            if wanted.is_none_or(|w| w == coupon.status) {
                coupons.push(coupon);
            }
        }
    }
    sort_wallet(&mut coupons);
    Ok(coupons)
}

pub use contract::coupons::sort_wallet;

/// The coupon of a row read with [`WALLET_COLUMNS`], its times in `offset`, its status at
/// `now` for a member whose next order is (`first_order`) or is not their first; `None`
/// when the row has none (a member without coupons, read with a `LEFT JOIN`).
pub fn wallet_coupon(
    r: &(impl Columns + ?Sized),
    now: &DateTime<FixedOffset>,
    offset: FixedOffset,
    first_order: bool,
) -> anyhow::Result<Option<WalletCoupon>> {
    let Some(id) = r.text("c_id")? else {
        return Ok(None);
    };
    let bad = |what: &str, e: &dyn std::fmt::Display| anyhow::anyhow!("coupon {id}: {what}: {e}");
    let time = |ms: i64| from_ms(ms, offset);
    let kind = r.text_required("c_kind")?;
    let kind = serde_json::from_str(&kind).map_err(|e| bad("kind", &e))?;
    let valid_until = time(r.int_required("c_valid_until_ms")?);
    let used_at = r.int("c_used_at_ms")?.map(time);
    let source = r.text_required("c_source")?;
    let source = CouponSource::parse(&source).ok_or_else(|| bad("source", &source))?;
    let first_order_only = r.int_required("c_first_order_only")? != 0;
    Ok(Some(WalletCoupon {
        kind,
        title: stored_title(r.text_required("c_title")?, r.text("c_title_en")?),
        source,
        valid_from: time(r.int_required("c_valid_from_ms")?),
        status: coupon_status(
            used_at.is_some(),
            &valid_until,
            first_order_only,
            first_order,
            now,
        ),
        valid_until,
        first_order_only,
        used_at,
        used_order_id: r.text("c_used_order_id")?,
        received_at: r.int("c_created_at_ms")?.map(time),
        id,
    }))
}

/// The titles of the unused coupons of a wallet, by id: the preview's coupon list names
/// each coupon as the wallet does.
pub fn unused_titles(wallet: &[WalletCoupon]) -> BTreeMap<String, Text> {
    wallet
        .iter()
        .filter(|c| c.used_at.is_none())
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect()
}

/// A wallet's coupons counted by status (as [`wallet`] read them).
pub fn counts(wallet: &[WalletCoupon]) -> CouponCounts {
    let mut counts = CouponCounts::default();
    for c in wallet {
        match c.status {
            CouponStatus::Used => counts.used += 1,
            CouponStatus::Expired => counts.expired += 1,
            CouponStatus::Void => counts.void += 1,
            CouponStatus::Available => counts.available += 1,
        }
    }
    counts
}
