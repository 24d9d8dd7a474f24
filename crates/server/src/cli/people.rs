//! `user`, `store` and `api-key`: the people, stores and shop keys from the command line,
//! through the same workflows as the operators' console (`workflows::people`), audited
//! with no actor.

use clap::Subcommand;
use contract::admin::UserRequest;
use contract::auth::Role;
use rules::Program;

use super::{open, open_sealed, DbArgs, KeyArgs};
use crate::db;
use crate::workflows::people;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create (or promote) the account of a phone with a role; `member` takes the role
    /// away.
    Create {
        #[arg(long, value_parser = ["member", "staff", "analyst", "admin"])]
        role: String,
        #[arg(long)]
        phone: String,
        /// The store a staff account works at (`store create` first); required for staff.
        #[arg(long, required_if_eq("role", "staff"))]
        store: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Every account with a role beyond member: id, role, phone (masked), store, nickname.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create a store, or rename the one with this code.
    Create {
        /// Letters, digits and '-', at most 16 (`SH001`): it goes into the join QR code.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Every store, one per line: code and name.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Every key, newest first: id, name, created, last used, revoked (UTC).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a key by its id (`key_…`): it stops working at once, and so do the login
    /// links it made.
    Revoke {
        #[arg(long)]
        id: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub(super) async fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            role,
            phone,
            store,
            db,
            keys,
        } => {
            let pool = open_sealed(&db, &keys, false).await?;
            let id = create_user(&pool, &role, &phone, store.as_deref()).await?;
            println!("{role} account {id}");
        }
        UserCommand::List { db, keys } => {
            let pool = open_sealed(&db, &keys, false).await?;
            for person in db::people::list(&pool).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    person.id,
                    person.role.as_str(),
                    person
                        .phone
                        .as_deref()
                        .map(rules::phone::mask)
                        .unwrap_or_default(),
                    person.store.map(|s| s.code).unwrap_or_default(),
                    person.nickname.unwrap_or_default(),
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn store(command: StoreCommand) -> anyhow::Result<()> {
    match command {
        StoreCommand::Create { code, name, db } => {
            let pool = open(&db).await?;
            let saved = people::save_store(&pool, None, &code, &name, &now()).await?;
            println!("store {}: {}", saved.code, saved.name);
        }
        StoreCommand::List { db } => {
            let pool = open(&db).await?;
            for store in db::stores::list(&pool).await? {
                println!("{}\t{}", store.code, store.name);
            }
        }
    }
    Ok(())
}

pub(super) async fn api_key(command: ApiKeyCommand) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create { name, db } => {
            let pool = open(&db).await?;
            let (id, key) = people::create_api_key(&pool, None, &name, &now()).await?;
            println!(
                "API key {id} ({}); shown once, keep it secret:\n{key}",
                name.trim()
            );
        }
        ApiKeyCommand::List { db } => {
            let pool = open(&db).await?;
            let when = |at: Option<i64>| {
                at.and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or("-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
            };
            for key in db::people::api_keys(&pool).await? {
                println!(
                    "{}\t{}\tcreated {}\tlast used {}\trevoked {}",
                    key.id,
                    key.name,
                    when(Some(key.created_at_ms)),
                    when(key.last_used_at_ms),
                    when(key.revoked_at_ms),
                );
            }
        }
        ApiKeyCommand::Revoke { id, db } => {
            let pool = open(&db).await?;
            people::revoke_api_key(&pool, None, &id, &now()).await?;
            println!("API key {id} revoked");
        }
    }
    Ok(())
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// Creates the account of a phone with a role, or changes the role (and the store) of an
/// existing one. A store must exist; staff need one.
pub async fn create_user(
    pool: &db::Db,
    role: &str,
    phone: &str,
    store: Option<&str>,
) -> anyhow::Result<String> {
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("no role `{role}`"))?;
    let request = UserRequest {
        phone: phone.to_owned(),
        role,
        store: store.map(str::to_owned),
    };
    let program = Program::default_program();
    Ok(people::set_role(pool, &program, None, &request, &now()).await?)
}
