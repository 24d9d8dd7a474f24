//! Error answers: `{"error": {"code": "snake_case", "message": "…"}}`.

use serde::{Deserialize, Serialize};

use crate::AllVariants;

/// The body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// `code_invalid` at login: the wrong codes still allowed before the code is locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<i64>,
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Every error code the API answers with, and the two the app gives a request that
        /// got no answer it could read. On the wire, its name (`as_str`). Serde by hand
        /// through `as_str` and `parse`: the derive compiles two more tables of the 69
        /// names into the browser's first screen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// The wire code, `snake_case`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            /// The code of a wire name.
            pub fn parse(name: &str) -> Option<ErrorCode> {
                match name {
                    $($name => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }

        impl AllVariants for ErrorCode {
            const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];
        }
    };
}

error_codes! {
    // The request as such.
    /// 400: the body is not JSON.
    InvalidJson = "invalid_json",
    /// 400: the body could not be read.
    InvalidBody = "invalid_body",
    /// 422: JSON of the wrong shape, type or with an unknown field.
    InvalidRequest = "invalid_request",
    /// 400: a path parameter does not decode.
    InvalidPath = "invalid_path",
    /// 422: a query string of the wrong shape.
    InvalidQuery = "invalid_query",
    /// 422: a control character (NUL…) in a body, path or query.
    InvalidCharacters = "invalid_characters",
    UnsupportedMediaType = "unsupported_media_type",
    PayloadTooLarge = "payload_too_large",
    NotFound = "not_found",
    MethodNotAllowed = "method_not_allowed",
    /// 500: our fault; logged.
    Internal = "internal",
    // Who is asking.
    Unauthorized = "unauthorized",
    Forbidden = "forbidden",
    InvalidApiKey = "invalid_api_key",
    // Login.
    InvalidPhone = "invalid_phone",
    /// Not 6 digits.
    InvalidCode = "invalid_code",
    /// The wrong code.
    CodeInvalid = "code_invalid",
    CodeExpired = "code_expired",
    CodeSentRecently = "code_sent_recently",
    TooManyAttempts = "too_many_attempts",
    TooManyRequests = "too_many_requests",
    TooManyCodes = "too_many_codes",
    /// 503: the SMS provider did not accept the code (an outage, a timeout); no code is
    /// pending, so asking again at once is allowed (`Retry-After` says when it is wise).
    SmsUnavailable = "sms_unavailable",
    /// 429: a staff user looked up too many members this hour.
    TooManyLookups = "too_many_lookups",
    ConsentRequired = "consent_required",
    /// 401: a host's login link that is unknown, used, expired or from a revoked key.
    LoginLinkInvalid = "login_link_invalid",
    /// 422: a login link's `return_to` that is not a path of the app.
    InvalidReturnTo = "invalid_return_to",
    // The member's own data.
    InvalidNickname = "invalid_nickname",
    InvalidLocale = "invalid_locale",
    InvalidBirthday = "invalid_birthday",
    BirthdayAlreadySet = "birthday_already_set",
    AlreadyCheckedIn = "already_checked_in",
    InvalidCursor = "invalid_cursor",
    InvalidLimit = "invalid_limit",
    InvalidStatus = "invalid_status",
    // The quote (the rules' codes, see `ErrorCode::of_quote`).
    InvalidCart = "invalid_cart",
    InvalidMember = "invalid_member",
    InvalidOptions = "invalid_options",
    InvalidTime = "invalid_time",
    CouponNotFound = "coupon_not_found",
    CouponExpired = "coupon_expired",
    CouponNotYetValid = "coupon_not_yet_valid",
    CouponFirstOrderOnly = "coupon_first_order_only",
    CouponBelowThreshold = "coupon_below_threshold",
    /// The program's default step is 100 points; the code keeps PROGRAM.md's name.
    PointsNotWholeStep = "points_not_whole_100",
    PointsExceedBalance = "points_exceed_balance",
    PointsExceedCap = "points_exceed_cap",
    // Orders and refunds (shops).
    InvalidOrderId = "invalid_order_id",
    InvalidRefundId = "invalid_refund_id",
    PaidAtOutOfRange = "paid_at_out_of_range",
    MemberNotFound = "member_not_found",
    OrderConflict = "order_conflict",
    OrderNotFound = "order_not_found",
    RefundConflict = "refund_conflict",
    InvalidAmount = "invalid_amount",
    RefundExceedsOrder = "refund_exceeds_order",
    CouponUsed = "coupon_used",
    // The points mall and idempotent writes.
    IdempotencyKeyRequired = "idempotency_key_required",
    InvalidIdempotencyKey = "invalid_idempotency_key",
    IdempotencyConflict = "idempotency_conflict",
    ItemNotFound = "item_not_found",
    TierTooLow = "tier_too_low",
    OutOfStock = "out_of_stock",
    LimitReached = "limit_reached",
    InsufficientPoints = "insufficient_points",
    // Invites.
    InviteNotFound = "invite_not_found",
    InviteSelf = "invite_self",
    InviteTooLate = "invite_too_late",
    InviteAlreadyAccepted = "invite_already_accepted",
    // Staff.
    GrantNotFound = "grant_not_found",
    // The event calendar.
    /// 400: a date that is not `YYYY-MM-DD`.
    InvalidDate = "invalid_date",
    /// 400: `to` before `from`, or more than 366 days.
    InvalidRange = "invalid_range",
    /// 404: no launch with that id in the program.
    LaunchNotFound = "launch_not_found",
    ReasonRequired = "reason_required",
    // The operators' console: people, stores and keys.
    /// 422: a store code that is not 1 to 16 letters, digits or '-'.
    InvalidStoreCode = "invalid_store_code",
    /// 422: a store named in a request that does not exist.
    StoreNotFound = "store_not_found",
    /// 422: a staff account needs its store.
    StoreRequired = "store_required",
    /// 422: a name (a store's, a key's) that is empty or too long.
    InvalidName = "invalid_name",
    /// 404: no API key with that id.
    ApiKeyNotFound = "api_key_not_found",
    /// 409: an admin cannot change their own role (nobody could undo it from the console).
    OwnRole = "own_role",
    /// 422: a points adjustment of 0, or beyond the program's maximum.
    InvalidAdjustment = "invalid_adjustment",
    // The app's own, never sent by the server.
    /// No answer: the network failed.
    Network = "network",
    /// An answer the app could not read (or a code it does not know).
    BadResponse = "bad_response",
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ErrorCode, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ErrorCode::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code `{name}`")))
    }
}

impl ErrorCode {
    /// The code of a quote the rules refused.
    pub fn of_quote(e: &rules::QuoteError) -> ErrorCode {
        use rules::QuoteError as Q;
        match e {
            Q::InvalidCart(_) => ErrorCode::InvalidCart,
            Q::InvalidMember(_) => ErrorCode::InvalidMember,
            Q::InvalidOptions(_) => ErrorCode::InvalidOptions,
            Q::InvalidTime => ErrorCode::InvalidTime,
            Q::CouponNotFound => ErrorCode::CouponNotFound,
            Q::CouponExpired => ErrorCode::CouponExpired,
            Q::CouponNotYetValid => ErrorCode::CouponNotYetValid,
            Q::CouponFirstOrderOnly => ErrorCode::CouponFirstOrderOnly,
            Q::CouponBelowThreshold { .. } => ErrorCode::CouponBelowThreshold,
            Q::PointsNotWholeStep { .. } => ErrorCode::PointsNotWholeStep,
            Q::PointsExceedBalance { .. } => ErrorCode::PointsExceedBalance,
            Q::PointsExceedCap { .. } => ErrorCode::PointsExceedCap,
        }
    }

    /// The refusal of a redemption for this reason.
    pub fn of_ineligible(reason: rules::mall::Ineligible) -> ErrorCode {
        use rules::mall::Ineligible as I;
        match reason {
            I::TierTooLow => ErrorCode::TierTooLow,
            I::OutOfStock => ErrorCode::OutOfStock,
            I::LimitReached => ErrorCode::LimitReached,
            I::InsufficientPoints => ErrorCode::InsufficientPoints,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_its_serde_name_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn the_rules_codes_are_the_contracts() {
        use rules::QuoteError as Q;
        for e in [
            Q::InvalidCart("x"),
            Q::InvalidMember("x"),
            Q::InvalidOptions("x"),
            Q::InvalidTime,
            Q::CouponNotFound,
            Q::CouponExpired,
            Q::CouponNotYetValid,
            Q::CouponFirstOrderOnly,
            Q::CouponBelowThreshold {
                missing_fen: rules::Fen(1),
            },
            Q::PointsNotWholeStep {
                step: rules::Points(100),
            },
            Q::PointsExceedBalance {
                balance: rules::Points(1),
            },
            Q::PointsExceedCap {
                cap: rules::Points(1),
            },
        ] {
            assert_eq!(ErrorCode::of_quote(&e).as_str(), e.code());
        }
        use rules::mall::Ineligible as I;
        for r in [
            I::TierTooLow,
            I::OutOfStock,
            I::LimitReached,
            I::InsufficientPoints,
        ] {
            assert_eq!(ErrorCode::of_ineligible(r).as_str(), r.code());
        }
    }
}
