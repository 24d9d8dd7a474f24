//! Invites in storage: each member's invite code (made at the first ask) and the accepted
//! invites, one per invitee, with whether the inviter was rewarded.

use super::{Db, Tx};

/// Invite codes are read aloud, typed from a poster and put in links as they are: upper
/// case letters and digits without the look-alikes 0/O and 1/I/L (Crockford's choice),
/// nothing a URL would escape. 8 of 31 symbols: 8.5 × 10¹¹ codes.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH: usize = 8;

fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// The member's invite code, made now if they have none; none for a deleted member. A
/// concurrent first ask keeps the first code.
pub async fn code_of(
    conn: &mut sqlx::AnyConnection,
    member_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query("UPDATE members SET invite_code = $1 WHERE id = $2 AND invite_code IS NULL")
        .bind(new_code())
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
    let code: Option<Option<String>> = sqlx::query_scalar(
        "SELECT invite_code FROM members WHERE id = $1 AND deleted_at_ms IS NULL",
    )
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(code.flatten())
}

/// The member whose code this is. Typed by hand, a code may come in lower case; codes
/// made before the readable alphabet are mixed case, so the code as given matches too.
pub async fn inviter_by_code(db: &Db, code: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT id FROM members WHERE invite_code IN ($1, $2) AND deleted_at_ms IS NULL",
    )
    .bind(code)
    .bind(code.trim().to_ascii_uppercase())
    .fetch_optional(db)
    .await
}

/// The inviter's rewarded invites in a calendar year.
pub async fn rewarded_in(
    conn: &mut sqlx::AnyConnection,
    inviter: &str,
    year: i32,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM invites \
         WHERE inviter_id = $1 AND year = $2 AND rewarded = TRUE",
    )
    .bind(inviter)
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await
}

/// Whether this member has accepted an invite.
pub async fn has_accepted(tx: &mut Tx<'_>, invitee: &str) -> sqlx::Result<bool> {
    let done: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM invites WHERE invitee_id = $1")
            .bind(invitee)
            .fetch_one(&mut **tx)
            .await?;
    Ok(done > 0)
}

/// An accepted invite.
pub struct NewInvite<'a> {
    pub invitee_id: &'a str,
    pub inviter_id: &'a str,
    pub year: i32,
    pub rewarded: bool,
    pub at_ms: i64,
}

pub async fn insert(tx: &mut Tx<'_>, i: &NewInvite<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invites (invitee_id, inviter_id, year, rewarded, at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(i.invitee_id)
    .bind(i.inviter_id)
    .bind(i64::from(i.year))
    .bind(i.rewarded)
    .bind(i.at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
