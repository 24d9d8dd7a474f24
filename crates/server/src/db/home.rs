//! What `GET /api/me` reads, in one query: the session's member, their [`Sums`] and their
//! wallet. The home screen asks for it on every start: one round trip instead of three
//! (each a hop to sqlx's SQLite thread, or to PostgreSQL), and on SQLite none at all
//! ([`SqliteReads`]).

use std::sync::{LazyLock, OnceLock};

use chrono::{DateTime, FixedOffset};
use rusqlite::named_params;

use super::columns::{ColumnIndex, Columns, IndexedRow};
use super::coupons::{self, WALLET_COLUMNS};
use super::members::{self, member_row, MemberRow, Sums};
use super::sqlite_reads::SqliteReads;
use super::Db;
use crate::clock::ms;
use crate::crypto::sha256_hex;
use contract::coupons::WalletCoupon;

/// The member of a live session with what their home shows.
#[derive(Debug, PartialEq)]
pub struct Home {
    pub member: MemberRow,
    pub sums: Sums,
    /// Every coupon, what expires first first, with its status at `at`.
    pub wallet: Vec<WalletCoupon>,
}

/// The query: one row per coupon (one with no coupon for an empty wallet), each carrying
/// the member and the sums. The sums' subqueries name no column of the row, so both
/// stores compute them once per query. `$1` the session token's hash, `$2` now (ms), `$3`
/// the trailing window's start, `$4` the end of the expiry warning.
static SQL: LazyLock<String> = LazyLock::new(|| {
    let member = "(SELECT member_id FROM sessions WHERE token_sha256 = $1 AND expires_at_ms > $2)";
    format!(
        "SELECT m.*, {sums}, {WALLET_COLUMNS} \
         FROM ({session_member}) m \
         LEFT JOIN coupons c ON c.member_id = m.id",
        session_member = members::session_member_sql(),
        sums = members::sums_columns(member, "$3", "$2", "$4"),
    )
});

/// [`SQL`]'s column positions: its columns never change, so they are looked up once.
static COLUMNS: OnceLock<ColumnIndex> = OnceLock::new();

/// The home of the member whose session `token` is live at `at` (not expired, the member
/// not deleted), with the points expiring up to `warn_until`, the coupons' times in
/// `offset` (the program's); `None` for no such session. Read through `sqlite` when given
/// (see [`SqliteReads`]), else through the pool.
pub async fn read(
    db: &Db,
    sqlite: Option<&SqliteReads>,
    token: &str,
    at: &DateTime<FixedOffset>,
    warn_until: &DateTime<FixedOffset>,
    offset: FixedOffset,
) -> anyhow::Result<Option<Home>> {
    let token_hash = sha256_hex(&[token.as_bytes()]);
    let (now, from, until) = (ms(at), ms(&members::window_start(at)), ms(warn_until));
    let mut home = HomeRows::default();
    if let Some(sqlite) = sqlite {
        let conn = sqlite.connection()?;
        let mut query = conn.conn().prepare_cached(&SQL)?;
        let index = COLUMNS.get_or_init(|| ColumnIndex::of(&query));
        let params = named_params! { "$1": token_hash, "$2": now, "$3": from, "$4": until };
        let mut rows = query.query(params)?;
        while let Some(row) = rows.next()? {
            home.add(&IndexedRow { row, index }, at, offset)?;
        }
    } else {
        let rows = sqlx::query(&SQL)
            .bind(&token_hash)
            .bind(now)
            .bind(from)
            .bind(until)
            .fetch_all(db)
            .await?;
        for row in &rows {
            home.add(row, at, offset)?;
        }
    }
    Ok(home.finish())
}

/// The rows of [`SQL`] as they are read.
#[derive(Default)]
struct HomeRows {
    first: Option<(MemberRow, Sums)>,
    wallet: Vec<WalletCoupon>,
}

impl HomeRows {
    fn add(
        &mut self,
        row: &impl Columns,
        at: &DateTime<FixedOffset>,
        offset: FixedOffset,
    ) -> anyhow::Result<()> {
        let (member, _) = match &self.first {
            Some(first) => first,
            None => self
                .first
                .insert((member_row(row)?, members::sums_of(row)?)),
        };
        let first_order = member.first_order;
        self.wallet
            .extend(coupons::wallet_coupon(row, at, offset, first_order)?);
        Ok(())
    }

    fn finish(self) -> Option<Home> {
        let (member, sums) = self.first?;
        let mut wallet = self.wallet;
        coupons::sort_wallet(&mut wallet);
        Some(Home {
            member,
            sums,
            wallet,
        })
    }
}
