//! The console's people and keys as stored: accounts with a role beyond member, and the
//! shops' API keys (never the keys themselves).

use sqlx::Row as _;

use super::Db;
use crate::vault;
use contract::auth::Role;

/// An account with a role beyond member, its phone and nickname opened.
pub struct Person {
    pub id: String,
    pub phone: Option<String>,
    pub nickname: Option<String>,
    pub role: Role,
    pub store: Option<super::stores::Store>,
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<Person>> {
    read(db, "m.role <> 'member' ORDER BY m.role, m.id", None).await
}

/// One account, whatever its role.
pub async fn get(db: &Db, id: &str) -> anyhow::Result<Option<Person>> {
    Ok(read(db, "m.id = $1", Some(id)).await?.pop())
}

async fn read(db: &Db, filter: &str, id: Option<&str>) -> anyhow::Result<Vec<Person>> {
    let keys = vault::keyring()?;
    let sql = format!(
        "SELECT m.id, m.phone, m.nickname, m.role, s.code, s.name \
         FROM members m LEFT JOIN stores s ON s.code = m.store_code WHERE {filter}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let rows = query.fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            let open = |name: &str, column| -> anyhow::Result<Option<String>> {
                let stored: Option<String> = r.try_get(name)?;
                Ok(stored.map(|v| keys.open(column, &v)).transpose()?)
            };
            let role: String = r.try_get("role")?;
            let code: Option<String> = r.try_get("code")?;
            let name: Option<String> = r.try_get("name")?;
            Ok(Person {
                id: r.try_get("id")?,
                phone: open("phone", vault::MEMBER_PHONE)?,
                nickname: open("nickname", vault::MEMBER_NICKNAME)?.filter(|n| !n.is_empty()),
                role: Role::parse(&role).ok_or_else(|| anyhow::anyhow!("stored role `{role}`"))?,
                store: code
                    .zip(name)
                    .map(|(code, name)| super::stores::Store { code, name }),
            })
        })
        .collect()
}

/// A member's role and store as stored.
pub async fn role_of(tx: &mut super::Tx<'_>, id: &str) -> anyhow::Result<(String, Option<String>)> {
    let row = sqlx::query("SELECT role, store_code FROM members WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((row.try_get("role")?, row.try_get("store_code")?))
}

/// A shop's API key as listed.
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

/// Every key, newest first.
pub async fn api_keys(db: &Db) -> anyhow::Result<Vec<ApiKeyRow>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at_ms, last_used_at_ms, revoked_at_ms FROM api_keys \
         ORDER BY created_at_ms DESC, id DESC",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiKeyRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at_ms: r.try_get("created_at_ms")?,
                last_used_at_ms: r.try_get("last_used_at_ms")?,
                revoked_at_ms: r.try_get("revoked_at_ms")?,
            })
        })
        .collect()
}

/// Records that a key was used at `now_ms` (never moving the time back).
pub async fn touch_api_key(db: &Db, id: &str, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at_ms = $1 \
         WHERE id = $2 AND (last_used_at_ms IS NULL OR last_used_at_ms < $1)",
    )
    .bind(now_ms)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}
