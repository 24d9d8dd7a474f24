//! The people who run the program, the stores and the shops' keys: changed from the
//! operators' console (`/api/admin/*`) and from the command line through these same
//! functions, each change audited in its own transaction (the command line's actor is
//! none).

use chrono::{DateTime, FixedOffset};
use contract::admin::UserRequest;
use contract::auth::Role;
use contract::staff::is_store_code;
use rules::Program;
use serde_json::json;

use super::phone::Phone;
use super::{Outcome, Refusal};
use crate::clock::ms;
use crate::db::{self, audit, begin_write, members, stores, Db};

/// A store's or a key's name: what a console line shows.
pub const NAME_MAX_CHARS: usize = 40;

/// Who acts: an account of the console, or the command line (none).
pub type Actor<'a> = Option<&'a str>;

/// Gives the account of a phone a role (registering it when the phone has none) and its
/// store; `member` takes every staff and console right at once. Returns the account's id.
pub async fn set_role(
    db: &Db,
    program: &Program,
    actor: Actor<'_>,
    req: &UserRequest,
    now: &DateTime<FixedOffset>,
) -> Outcome<String> {
    let phone = Phone::parse(&req.phone)?;
    if req.role == Role::Staff && req.store.is_none() {
        return Err(Refusal::StoreRequired.into());
    }
    if let Some(code) = &req.store {
        if stores::get(db, code).await?.is_none() {
            return Err(Refusal::StoreNotFound { code: code.clone() }.into());
        }
    }
    let mut tx = begin_write(db).await?;
    let (id, before) = match members::id_by_phone(&mut *tx, phone.as_str()).await? {
        Some(id) => {
            let before = db::people::role_of(&mut tx, &id).await?;
            (id, Some(before))
        }
        None => {
            let version = &program.membership.privacy_notice_version;
            let by = members::Channel::Operator;
            let phone = phone.as_str();
            let id =
                members::register_by(&mut tx, program, phone, "member", version, by, now).await?;
            (id, None)
        }
    };
    if actor == Some(id.as_str()) {
        return Err(Refusal::OwnRole.into());
    }
    members::set_role(&mut tx, &id, req.role.as_str()).await?;
    stores::assign(&mut tx, &id, req.store.as_deref()).await?;
    let detail = json!({
        "role": req.role,
        "store": req.store,
        "previous_role": before.as_ref().map(|(role, _)| role),
        "previous_store": before.as_ref().and_then(|(_, store)| store.as_ref()),
        "registered": before.is_none(),
    });
    audit::record(&mut tx, actor, "user_role", Some(&id), &detail, ms(now)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates the store of `code`, or renames it.
pub async fn save_store(
    db: &Db,
    actor: Actor<'_>,
    code: &str,
    name: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<stores::Store> {
    if !is_store_code(code) {
        return Err(Refusal::InvalidStoreCode.into());
    }
    let name = checked_name(name)?;
    let mut tx = begin_write(db).await?;
    let before = stores::get(&mut *tx, code).await?;
    stores::upsert(&mut *tx, code, name, ms(now)).await?;
    let detail = json!({
        "code": code,
        "name": name,
        "previous_name": before.map(|s| s.name),
    });
    audit::record(&mut tx, actor, "store_saved", None, &detail, ms(now)).await?;
    tx.commit().await?;
    Ok(stores::Store {
        code: code.to_owned(),
        name: name.to_owned(),
    })
}

/// Creates a shop's API key; returns (id, key), the key shown this once.
pub async fn create_api_key(
    db: &Db,
    actor: Actor<'_>,
    name: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<(String, String)> {
    let name = checked_name(name)?;
    let mut tx = begin_write(db).await?;
    let (id, key) = db::auth::create_api_key(&mut *tx, name, ms(now)).await?;
    let detail = json!({ "id": id, "name": name });
    audit::record(&mut tx, actor, "api_key_created", None, &detail, ms(now)).await?;
    tx.commit().await?;
    Ok((id, key))
}

/// Revokes a live key: it stops working at once, and so do the login links it made.
pub async fn revoke_api_key(
    db: &Db,
    actor: Actor<'_>,
    id: &str,
    now: &DateTime<FixedOffset>,
) -> Outcome<()> {
    let mut tx = begin_write(db).await?;
    if !db::auth::revoke_api_key(&mut *tx, id, ms(now)).await? {
        return Err(Refusal::ApiKeyNotFound.into());
    }
    audit::record(
        &mut tx,
        actor,
        "api_key_revoked",
        None,
        &json!({ "id": id }),
        ms(now),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A name trimmed, 1 to [`NAME_MAX_CHARS`] characters and no control characters.
fn checked_name(name: &str) -> Result<&str, Refusal> {
    let name = name.trim();
    let fits = (1..=NAME_MAX_CHARS).contains(&name.chars().count());
    if fits && !name.chars().any(char::is_control) {
        Ok(name)
    } else {
        Err(Refusal::InvalidName {
            max_chars: NAME_MAX_CHARS,
        })
    }
}
