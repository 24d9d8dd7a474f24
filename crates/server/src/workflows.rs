//! Workflows: what the member center does when a request changes something — send a
//! login code and sign in, record an order or a refund, redeem in the mall, check in,
//! accept an invite, grant a coupon, update or erase a profile, the scheduled jobs — and
//! the limits that refuse a request before it does. Each is one write transaction over storage ([`crate::db`],
//! which holds every table and query), decides with the rules crate, and fails with a
//! [`Refusal`] in the domain's words. Which HTTP status and stable code a refusal answers
//! is decided in one place, `error.rs`.

pub mod adjustments;
pub mod calendar_feeds;
pub mod checkins;
pub mod churn;
pub mod invites;
pub mod issuance;
pub mod jobs;
pub mod limits;
pub mod login;
pub mod mall;
pub mod orders;
pub mod people;
pub mod phone;
pub mod profile;
pub mod refunds;
pub mod reminders;
pub mod sales;
pub mod schedule;
pub mod staff;

use rules::mall::Ineligible;
use rules::QuoteError;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::crypto::sha256_hex;
use crate::db::answers::StoredAnswer;
use crate::db::exec::Exec;
use crate::db::members;
use phone::Phone;

/// Why a workflow did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The session's member is gone (erased since the session was made).
    #[error("log in first: no valid session")]
    NotLoggedIn,
    /// `tries_left`: the wrong codes still allowed before this code is locked (none when
    /// there is no code to count against).
    #[error("wrong code")]
    WrongCode { tries_left: Option<i64> },
    #[error("the code has expired; request a new one")]
    CodeExpired,
    #[error("too many wrong codes; request a new one")]
    TooManyAttempts { retry_after_s: u64 },
    /// A counted limit reached; it resets in `retry_after_s`.
    #[error("{limit}")]
    Limited {
        limit: limits::Limit,
        retry_after_s: u64,
    },
    /// The SMS provider did not take the code; nothing is pending.
    #[error("the code could not be sent just now; please try again shortly")]
    SmsUnavailable { retry_after_s: u64 },
    #[error("registering needs consent to the privacy notice, version {version}")]
    ConsentRequired { version: String },
    /// A host's login link that is unknown, used, expired or minted by a revoked key.
    #[error("this login link is not valid (used, expired or unknown); ask the host for a new one")]
    LoginLinkInvalid,
    /// A shop's key revoked after it was last seen valid (`auth::RememberedShopKey`).
    #[error("send a valid API key as `Authorization: Bearer <key>`")]
    ApiKeyRevoked,
    #[error("a mainland China mobile number has 11 digits and starts with 13 to 19")]
    InvalidPhone,
    #[error("no member with that id or phone")]
    MemberNotFound,
    #[error("the program has no such tier")]
    UnknownTier,
    #[error("name the member by exactly one of member_id and phone")]
    MemberNamedTwice,
    #[error("{0} must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`")]
    InvalidShopId(ShopId),
    #[error("Idempotency-Key must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`")]
    InvalidIdempotencyKey,
    /// The id (an order's, a refund's, an idempotency key) was recorded with another body.
    #[error("`{id}` was already recorded with a different body")]
    DifferentBody { record: Record, id: String },
    #[error("the order id was recorded concurrently; retry")]
    RecordedConcurrently,
    #[error("paid_at must be an RFC 3339 time with an offset")]
    InvalidPaidAt,
    #[error("paid_at must be within the last {max_age_days} days and not in the future")]
    PaidAtOutOfRange { max_age_days: u64 },
    #[error("the coupon has already been used")]
    CouponUsed,
    #[error("no such order")]
    OrderNotFound,
    #[error("amount_fen must be positive")]
    InvalidAmount,
    #[error("at most {refundable_fen} fen of this order can still be refunded")]
    RefundExceedsOrder { refundable_fen: rules::Fen },
    #[error("no mall item with that id")]
    ItemNotFound,
    #[error(transparent)]
    Ineligible(Ineligible),
    #[error("already checked in today")]
    AlreadyCheckedIn,
    #[error("no such invite code")]
    InviteNotFound,
    #[error("a member cannot accept their own invite")]
    InviteSelf,
    #[error("an invite is accepted within {within_days} days of registration")]
    InviteTooLate { within_days: i64 },
    #[error(
        "this member (or this phone, under an earlier account) has already accepted an invite"
    )]
    InviteAlreadyAccepted,
    #[error("the birthday can be set only once")]
    BirthdayAlreadySet,
    #[error("no staff grant with that id")]
    GrantNotFound,
    #[error("a reason of 1 to {max_chars} characters is required")]
    ReasonRequired { max_chars: usize },
    #[error("this grant was already issued")]
    GrantAlreadyIssued,
    #[error("a store code is 1 to 16 letters, digits or '-'")]
    InvalidStoreCode,
    #[error("no store {code}: create it first")]
    StoreNotFound { code: String },
    #[error("a staff account needs the store it works at")]
    StoreRequired,
    #[error("a name of 1 to {max_chars} characters is required")]
    InvalidName { max_chars: usize },
    #[error("no live API key with that id")]
    ApiKeyNotFound,
    #[error("an admin cannot change their own role")]
    OwnRole,
    #[error(transparent)]
    Adjustment(rules::console::AdjustmentProblem),
    #[error("a day's sales are reported once the day has begun, not before")]
    SalesDayAhead,
}

/// Which id a shop sent: its order or its refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopId {
    Order,
    Refund,
}

impl std::fmt::Display for ShopId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ShopId::Order => "order_id",
            ShopId::Refund => "refund_id",
        })
    }
}

/// What an idempotent write records its answer as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Order,
    Refund,
    /// A mall redemption or a staff grant, under the caller's Idempotency-Key.
    Keyed,
}

/// A workflow's failure: a refusal, the quote's own refusal, or our fault (storage, a
/// stored value that does not read back), which answers 500 and is logged.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Quote(#[from] QuoteError),
    #[error("database error: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type Outcome<T> = Result<T, Failure>;

/// A recorded answer, and whether it is a replay of an earlier identical request.
pub struct Recorded<T> {
    pub answer: T,
    pub replayed: bool,
}

impl<T> Recorded<T> {
    fn new(answer: T) -> Recorded<T> {
        Recorded {
            answer,
            replayed: false,
        }
    }
}

/// Ids a shop or a client chooses (order, refund, Idempotency-Key): 1 to 64 of
/// `A–Z a–z 0–9 - _ . :` (UUIDs fit).
fn is_client_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// The most characters an operator's reason (a grant's, an adjustment's) may have.
const REASON_MAX_CHARS: usize = 200;

/// An operator's reason, trimmed: 1 to [`REASON_MAX_CHARS`] characters.
fn checked_reason(reason: &str) -> Result<&str, Refusal> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(Refusal::ReasonRequired {
            max_chars: REASON_MAX_CHARS,
        });
    }
    Ok(reason)
}

/// Refuses an Idempotency-Key that is not a client id.
pub fn check_key(key: &str) -> Result<(), Refusal> {
    is_client_id(key)
        .then_some(())
        .ok_or(Refusal::InvalidIdempotencyKey)
}

/// The hash a request is recognised by when it comes again.
pub(crate) fn request_hash<T: Serialize>(req: &T) -> String {
    let bytes = serde_json::to_vec(req).expect("requests serialize");
    sha256_hex(&[&bytes])
}

/// The answer to replay, if `stored` was recorded from the same request (its hash is one
/// of `hashes`); refused as a different body when it was not.
fn replay<T: DeserializeOwned>(
    stored: Option<StoredAnswer>,
    record: Record,
    id: &str,
    hashes: &[&str],
) -> Outcome<Option<Recorded<T>>> {
    let Some(stored) = stored else {
        return Ok(None);
    };
    if !hashes.contains(&stored.request_sha256.as_str()) {
        return Err(Refusal::DifferentBody {
            record,
            id: id.to_owned(),
        }
        .into());
    }
    let answer = serde_json::from_str(&stored.response)
        .map_err(|e| anyhow::anyhow!("stored answer of {id}: {e}"))?;
    Ok(Some(Recorded {
        answer,
        replayed: true,
    }))
}

/// A member as a shop or staff names them: by id or by phone, exactly one of the two.
#[derive(Debug, Clone, Copy)]
enum MemberNamed<'a> {
    Id(&'a str),
    Phone(&'a Phone),
}

impl<'a> MemberNamed<'a> {
    fn of(id: Option<&'a str>, phone: Option<&'a Phone>) -> Result<MemberNamed<'a>, Refusal> {
        match (id, phone) {
            (Some(id), None) => Ok(MemberNamed::Id(id)),
            (None, Some(phone)) => Ok(MemberNamed::Phone(phone)),
            _ => Err(Refusal::MemberNamedTwice),
        }
    }

    /// The member's id. One named by id is checked when it is locked.
    async fn resolve(self, db: &mut impl Exec) -> Outcome<String> {
        match self {
            MemberNamed::Id(id) => Ok(id.to_owned()),
            MemberNamed::Phone(phone) => Ok(members::id_by_phone(db, phone.as_str())
                .await?
                .ok_or(Refusal::MemberNotFound)?),
        }
    }
}
