//! The sealed columns' upkeep (see `vault.rs`): checking at start that the key file is the
//! one the database was written with, sealing the rows an older version wrote in plain
//! text (the start-up step), and moving every value onto the current key (`keys rotate`).
//! Both passes go in batches of short transactions, each row rewritten under its
//! member's lock, so they run beside a serving server and can be killed and run again.

use sqlx::Row as _;

use super::{begin_write, lock_member_row, phone_claims, Db};
use crate::vault::{self, Keyring, VaultError};

/// Checks the key file against the keys this database was sealed and indexed with, and
/// records the current key and the index key when they are new to it. Fails closed:
/// a wrong key, or a key the data still needs that the file lacks, stops the command.
pub async fn verify_keys(db: &Db, keys: &Keyring, now_ms: i64) -> anyhow::Result<()> {
    let rows = sqlx::query("SELECT key_id, check_value FROM vault_keys")
        .fetch_all(db)
        .await?;
    for row in rows {
        let id: String = row.try_get("key_id")?;
        let check: String = row.try_get("check_value")?;
        if id == vault::INDEX {
            anyhow::ensure!(
                check == keys.index_check(),
                "the key file's `index` key is not the one this database's phones were \
                 indexed with: logins would not find their members. Use the key file the \
                 database was written with"
            );
        } else if keys.holds(&id) {
            keys.opens_check(&check).map_err(|_| {
                anyhow::anyhow!(
                    "the key file's key `{id}` is not the key `{id}` this database was sealed \
                     with. Use the key file the database was written with"
                )
            })?;
        } else {
            anyhow::bail!(
                "this database holds values sealed with the data key `{id}`, which the key \
                 file does not hold: put `{id}` back in the file (after the current key) \
                 until `member-center keys rotate` has moved them off it"
            );
        }
    }
    for (id, check) in [
        (vault::INDEX.to_owned(), keys.index_check()),
        (keys.current_id().to_owned(), keys.check_value()),
    ] {
        sqlx::query(
            "INSERT INTO vault_keys (key_id, check_value, added_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(id)
        .bind(check)
        .bind(now_ms)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Which values a pass rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Values written in plain text (before sealing), and phones without their index.
    Plain,
    /// Every value not sealed under the current key (`keys rotate`).
    OffCurrent,
}

impl Pass {
    /// The `LIKE` pattern of the values the pass leaves alone. (Key ids are lowercase
    /// letters and digits: SQLite's `LIKE` ignores case.)
    fn done_pattern(self, keys: &Keyring) -> String {
        match self {
            Pass::Plain => "v1.%".into(),
            Pass::OffCurrent => format!("v1.{}.%", keys.current_id()),
        }
    }
}

/// How far a pass got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub members: u64,
    pub login_links: u64,
    /// Members that were still to do when the pass started.
    pub members_to_do: u64,
}

/// The members a pass has still to do, `$1` the pattern of the values it leaves alone.
const TO_DO: &str = "((phone IS NOT NULL AND (phone NOT LIKE $1 OR phone_index IS NULL)) \
    OR (nickname <> '' AND nickname NOT LIKE $1) \
    OR (birthday IS NOT NULL AND birthday NOT LIKE $1))";

/// Rewrites the values `pass` names, `batch` members a transaction, calling `progress`
/// after each. Plain-text rows also get the once-per-phone claims they would have had
/// (`phone_claims`), which members registered before the claims existed lack.
pub async fn run(
    db: &Db,
    keys: &Keyring,
    pass: Pass,
    batch: i64,
    mut progress: impl FnMut(Progress),
    now_ms: i64,
) -> anyhow::Result<Progress> {
    let done = pass.done_pattern(keys);
    let mut seen = Progress {
        members_to_do: u64::try_from(
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM members WHERE {TO_DO}"))
                .bind(&done)
                .fetch_one(db)
                .await?,
        )
        .unwrap_or(0),
        ..Progress::default()
    };
    let mut after = String::new();
    loop {
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM members WHERE {TO_DO} AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(&done)
        .bind(&after)
        .bind(batch)
        .fetch_all(db)
        .await?;
        let Some(last) = ids.last() else { break };
        after = last.clone();
        let mut tx = begin_write(db).await?;
        for id in &ids {
            reseal_member(&mut tx, keys, id, now_ms).await?;
        }
        tx.commit().await?;
        seen.members += ids.len() as u64;
        progress(seen);
    }
    seen.login_links = reseal_login_links(db, keys, &done, batch).await?;
    Ok(seen)
}

async fn reseal_member(
    tx: &mut super::Tx<'_>,
    keys: &Keyring,
    id: &str,
    now_ms: i64,
) -> anyhow::Result<()> {
    lock_member_row(tx, id).await?;
    let row = sqlx::query("SELECT phone, nickname, birthday FROM members WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let stored = |name: &str| -> anyhow::Result<Option<String>> { Ok(row.try_get(name)?) };
    let (phone, nickname, birthday) = (stored("phone")?, stored("nickname")?, stored("birthday")?);
    let open = |column, value: &Option<String>| -> Result<Option<String>, VaultError> {
        value.as_deref().map(|v| keys.open(column, v)).transpose()
    };
    let plain_phone = open(vault::MEMBER_PHONE, &phone)?;
    let plain_nickname = open(vault::MEMBER_NICKNAME, &nickname)?;
    let plain_birthday = open(vault::MEMBER_BIRTHDAY, &birthday)?;
    sqlx::query("UPDATE members SET phone = $1, phone_index = $2, nickname = $3, birthday = $4 WHERE id = $5")
        .bind(keys.seal_some(vault::MEMBER_PHONE, plain_phone.as_deref()))
        .bind(plain_phone.as_deref().map(|p| keys.phone_index(p)))
        .bind(keys.seal_some(vault::MEMBER_NICKNAME, plain_nickname.as_deref()).unwrap_or_default())
        .bind(keys.seal_some(vault::MEMBER_BIRTHDAY, plain_birthday.as_deref()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let first_sealing = phone.as_deref().is_some_and(|p| !Keyring::is_sealed(p));
    if let (true, Some(phone)) = (first_sealing, plain_phone) {
        phone_claims::backfill(tx, keys, id, &phone, now_ms).await?;
    }
    Ok(())
}

/// The upkeep step that seals what an older version wrote in plain text.
const PLAIN_SEALED: &str = "plain-text-sealed";

/// The start-up step: the rows an older version wrote in plain text sealed (`run` with
/// `Pass::Plain`), the storage they leave compacted, and the step recorded as done, so
/// later starts skip the two scans of every member. Once a database is migrated only
/// versions that seal write to it, so nothing plain can appear after. `None`: an earlier
/// start had done it.
pub async fn seal_plain_once(
    db: &Db,
    keys: &Keyring,
    batch: i64,
    progress: impl FnMut(Progress),
    now_ms: i64,
) -> anyhow::Result<Option<Progress>> {
    let recorded: Option<i64> =
        sqlx::query_scalar("SELECT done_at_ms FROM upkeep_steps WHERE step = $1")
            .bind(PLAIN_SEALED)
            .fetch_optional(db)
            .await?;
    if recorded.is_some() {
        return Ok(None);
    }
    let done = run(db, keys, Pass::Plain, batch, progress, now_ms).await?;
    if done.members + done.login_links > 0 {
        compact(db).await?;
    }
    sqlx::query(
        "INSERT INTO upkeep_steps (step, done_at_ms) VALUES ($1, $2) \
         ON CONFLICT (step) DO NOTHING",
    )
    .bind(PLAIN_SEALED)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(Some(done))
}

/// Login links live minutes; one still pending holds a phone, sealed like a member's.
async fn reseal_login_links(
    db: &Db,
    keys: &Keyring,
    done: &str,
    batch: i64,
) -> anyhow::Result<u64> {
    let mut count = 0;
    loop {
        let rows = sqlx::query(
            "SELECT code_sha256, phone FROM login_links WHERE phone NOT LIKE $1 LIMIT $2",
        )
        .bind(done)
        .bind(batch)
        .fetch_all(db)
        .await?;
        if rows.is_empty() {
            return Ok(count);
        }
        for row in rows {
            let code: String = row.try_get("code_sha256")?;
            let phone: String = row.try_get("phone")?;
            let plain = keys.open(vault::LINK_PHONE, &phone)?;
            // Only if unchanged meanwhile (a link is written once; this is belt and braces).
            sqlx::query("UPDATE login_links SET phone = $1 WHERE code_sha256 = $2 AND phone = $3")
                .bind(keys.seal(vault::LINK_PHONE, &plain))
                .bind(code)
                .bind(phone)
                .execute(db)
                .await?;
            count += 1;
        }
    }
}

/// Rewrites the members' and login links' storage after a pass changed rows, so that
/// the values it replaced do not linger in free space (SQLite keeps a freed cell's bytes
/// in its page and in the write-ahead log; PostgreSQL keeps the old row versions).
/// Takes the tables' locks while it runs: the start-up step runs it before serving.
pub async fn compact(db: &Db) -> anyhow::Result<()> {
    match super::backend(db) {
        super::Backend::Sqlite => {
            sqlx::raw_sql("VACUUM").execute(db).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(db)
                .await?;
        }
        super::Backend::Postgres => {
            sqlx::raw_sql("VACUUM FULL members, login_links, otp_codes")
                .execute(db)
                .await?;
        }
    }
    Ok(())
}

/// After a rotation: the data keys no value is sealed with any more leave `vault_keys`
/// (and may leave the key file). Returns their ids.
pub async fn retire_unused_keys(db: &Db, keys: &Keyring) -> anyhow::Result<Vec<String>> {
    let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM members WHERE {TO_DO}"))
        .bind(Pass::OffCurrent.done_pattern(keys))
        .fetch_one(db)
        .await?;
    anyhow::ensure!(
        left == 0,
        "{left} members still hold values under older keys: run `keys rotate` again"
    );
    let retired: Vec<String> = sqlx::query_scalar(
        "SELECT key_id FROM vault_keys WHERE key_id <> $1 AND key_id <> $2 ORDER BY key_id",
    )
    .bind(vault::INDEX)
    .bind(keys.current_id())
    .fetch_all(db)
    .await?;
    for id in &retired {
        sqlx::query("DELETE FROM vault_keys WHERE key_id = $1")
            .bind(id)
            .execute(db)
            .await?;
    }
    Ok(retired)
}
