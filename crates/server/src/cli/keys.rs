//! The data keys on the command line: where a command finds them, the database opened
//! with them (checked, and old plain-text rows sealed), and `keys rotate`.

use std::path::PathBuf;

use clap::Args;

use super::DbArgs;
use crate::db::{self, sealing};
use crate::vault::{self, Keyring};

/// How many members a sealing transaction rewrites.
const START_UP_BATCH: i64 = 500;

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The data keys (`member-center keys generate`): they seal members' phones, nicknames
    /// and birthdays at rest. Or the file's text in `MC_DATA_KEYS`. Required but with
    /// --demo, which has keys of its own.
    #[arg(long, env = "MC_DATA_KEYS_FILE")]
    pub data_keys_file: Option<PathBuf>,
}

impl KeyArgs {
    pub fn load(&self, demo: bool) -> anyhow::Result<Keyring> {
        // Set but empty is unset (a blank line in an environment file).
        let text = std::env::var("MC_DATA_KEYS")
            .ok()
            .filter(|t| !t.trim().is_empty());
        Ok(vault::load(
            self.data_keys_file.as_deref(),
            text.as_deref(),
            demo,
        )?)
    }
}

/// The database, migrated, with the keys installed and checked against it, and the rows
/// an older version wrote in plain text sealed (the first start after an upgrade).
pub async fn open_sealed(db_args: &DbArgs, keys: &KeyArgs, demo: bool) -> anyhow::Result<db::Db> {
    let keys = keys.load(demo)?;
    vault::install(keys.clone())?;
    let pool = db::connect(&db_args.database_url).await?;
    db::migrate(&pool).await?;
    let now = crate::clock::ms(&chrono::Utc::now().fixed_offset());
    sealing::verify_keys(&pool, &keys, now).await?;
    let sealed = sealing::seal_plain_once(
        &pool,
        &keys,
        START_UP_BATCH,
        |p| {
            tracing::info!(
                sealed = p.members,
                of = p.members_to_do,
                "sealing members' data"
            )
        },
        now,
    )
    .await?;
    if let Some(done) = sealed.filter(|d| d.members + d.login_links > 0) {
        tracing::info!(
            members = done.members,
            login_links = done.login_links,
            "personal data written in plain text is sealed now"
        );
    }
    Ok(pool)
}

/// `keys rotate`: every value moved onto the current key, `batch` members a transaction,
/// then the keys nothing needs leave the database's record.
pub(super) async fn rotate(db_args: &DbArgs, key_args: &KeyArgs, batch: i64) -> anyhow::Result<()> {
    anyhow::ensure!(batch > 0, "--batch must be at least 1");
    let pool = open_sealed(db_args, key_args, false).await?;
    let keys = vault::keyring()?;
    let now = crate::clock::ms(&chrono::Utc::now().fixed_offset());
    println!("re-sealing under the key `{}`", keys.current_id());
    let done = sealing::run(
        &pool,
        keys,
        sealing::Pass::OffCurrent,
        batch,
        |p| println!("members: {} of {}", p.members, p.members_to_do),
        now,
    )
    .await?;
    println!(
        "done: {} members, {} login links re-sealed",
        done.members, done.login_links
    );
    // No compaction here (it would lock the tables under running servers): a value under
    // the old key left in free space is noise once that key is destroyed.
    let retired = sealing::retire_unused_keys(&pool, keys).await?;
    if retired.is_empty() {
        println!("no older key is in use");
    } else {
        println!(
            "no value is sealed with {} any more: remove it from the key file (keep `index`)",
            retired
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}
