//! The API's error type. Every failure answers `{"error":{"code":"snake_case","message":"…"}}`
//! with a fitting status; bad input is always a 4xx. Internal and database errors answer a
//! generic 500 and are logged: their text may name tables, files or queries, so it is
//! never echoed to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contract::error::ErrorDetail;
use contract::ErrorBody;
use contract::ErrorCode;
use rules::console::AdjustmentProblem;
use rules::mall::Ineligible;
use rules::QuoteError;

use crate::workflows::limits::Limit;
use crate::workflows::{Failure, Record, Refusal, ShopId};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not well-formed JSON.
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(String),
    /// 400: the body could not be read (the connection broke, a bad chunk).
    #[error("the request body could not be read")]
    InvalidBody,
    /// 422: well-formed JSON of the wrong shape, type or with an unknown field. serde's
    /// message only describes the client's own input, so it is safe to return.
    #[error("{0}")]
    InvalidRequest(String),
    /// 400: a path parameter does not decode (invalid UTF-8, the wrong type).
    #[error("the path is not valid: {0}")]
    InvalidPath(String),
    /// 415: the body is not declared as JSON.
    #[error("the body must be JSON, sent with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// 413: the body is over the server's limit.
    #[error("the body is larger than the server accepts")]
    PayloadTooLarge,
    /// 422: the rules refused the quote; the code is the rules crate's stable code.
    #[error(transparent)]
    Quote(#[from] QuoteError),
    /// A refusal with its own status and stable code: 401 (no or a dead session or key),
    /// 403 (not this role), 404, 409 (a conflict with stored state), 422 (a rule of the
    /// request), 429 (a limit; `retry_after_s` goes to the `Retry-After` header).
    #[error("{message}")]
    Rejected {
        status: StatusCode,
        code: ErrorCode,
        message: String,
        retry_after_s: Option<u64>,
        /// A wrong login code: how many more tries the code allows (`tries_left`).
        tries_left: Option<i64>,
    },
    /// 404: no such resource (also: a demo endpoint when not in demo mode).
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 500: a database failure; logged, never echoed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// 500: anything else that is our fault; logged, never echoed.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) | ApiError::InvalidBody | ApiError::InvalidPath(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::InvalidRequest(_) | ApiError::Quote(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Rejected { status, .. } => *status,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Database(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::InvalidJson(_) => ErrorCode::InvalidJson,
            ApiError::InvalidBody => ErrorCode::InvalidBody,
            ApiError::InvalidPath(_) => ErrorCode::InvalidPath,
            ApiError::InvalidRequest(_) => ErrorCode::InvalidRequest,
            ApiError::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::Quote(e) => ErrorCode::of_quote(e),
            ApiError::Rejected { code, .. } => *code,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Database(_) | ApiError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl ApiError {
    pub fn reject(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::Rejected {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
            tries_left: None,
        }
    }

    /// 401 `unauthorized`: no session, or one that has expired or was logged out.
    pub fn unauthorized() -> ApiError {
        ApiError::reject(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "log in first: no valid session",
        )
    }

    /// 422 with a stable code: the request breaks a rule.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::reject(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 409 with a stable code: the request conflicts with what is stored.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::reject(StatusCode::CONFLICT, code, message)
    }

    /// 429 with a stable code and when to try again.
    pub fn too_many(code: ErrorCode, message: impl Into<String>, retry_after_s: u64) -> ApiError {
        ApiError::Rejected {
            status: StatusCode::TOO_MANY_REQUESTS,
            code,
            message: message.into(),
            retry_after_s: Some(retry_after_s),
            tries_left: None,
        }
    }
}

/// The one place a workflow's refusal gets its HTTP status and stable code.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        use StatusCode as S;
        let (status, code) = match &refusal {
            Refusal::NotLoggedIn => (S::UNAUTHORIZED, ErrorCode::Unauthorized),
            Refusal::ApiKeyRevoked => (S::UNAUTHORIZED, ErrorCode::InvalidApiKey),
            Refusal::WrongCode { tries_left } => {
                return ApiError::Rejected {
                    status: S::UNAUTHORIZED,
                    code: ErrorCode::CodeInvalid,
                    message: refusal.to_string(),
                    retry_after_s: None,
                    tries_left: *tries_left,
                };
            }
            Refusal::CodeExpired => (S::UNAUTHORIZED, ErrorCode::CodeExpired),
            Refusal::LoginLinkInvalid => (S::UNAUTHORIZED, ErrorCode::LoginLinkInvalid),
            Refusal::SmsUnavailable { retry_after_s } => {
                return ApiError::Rejected {
                    status: S::SERVICE_UNAVAILABLE,
                    code: ErrorCode::SmsUnavailable,
                    message: refusal.to_string(),
                    retry_after_s: Some(*retry_after_s),
                    tries_left: None,
                };
            }
            Refusal::TooManyAttempts { retry_after_s } => {
                let retry = *retry_after_s;
                return ApiError::too_many(ErrorCode::TooManyAttempts, refusal.to_string(), retry);
            }
            Refusal::Limited {
                limit,
                retry_after_s,
            } => {
                let code = match limit {
                    Limit::FromAddress => ErrorCode::TooManyRequests,
                    Limit::CodesForPhone => ErrorCode::TooManyCodes,
                    Limit::CodeSentRecently => ErrorCode::CodeSentRecently,
                    Limit::InviteTries => ErrorCode::TooManyAttempts,
                    Limit::Lookups => ErrorCode::TooManyLookups,
                };
                return ApiError::too_many(code, refusal.to_string(), *retry_after_s);
            }
            Refusal::ConsentRequired { .. } => {
                (S::UNPROCESSABLE_ENTITY, ErrorCode::ConsentRequired)
            }
            Refusal::InvalidPhone => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidPhone),
            Refusal::MemberNotFound => (S::UNPROCESSABLE_ENTITY, ErrorCode::MemberNotFound),
            Refusal::MemberNamedTwice => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidMember),
            Refusal::UnknownTier => (S::BAD_REQUEST, ErrorCode::InvalidRequest),
            Refusal::InvalidShopId(ShopId::Order) => {
                (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidOrderId)
            }
            Refusal::InvalidShopId(ShopId::Refund) => {
                (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRefundId)
            }
            Refusal::InvalidIdempotencyKey => (S::BAD_REQUEST, ErrorCode::InvalidIdempotencyKey),
            Refusal::DifferentBody { record, .. } => (
                S::CONFLICT,
                match record {
                    Record::Order => ErrorCode::OrderConflict,
                    Record::Refund => ErrorCode::RefundConflict,
                    Record::Keyed => ErrorCode::IdempotencyConflict,
                },
            ),
            Refusal::RecordedConcurrently => (S::CONFLICT, ErrorCode::OrderConflict),
            Refusal::InvalidPaidAt => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidTime),
            Refusal::PaidAtOutOfRange { .. } => {
                (S::UNPROCESSABLE_ENTITY, ErrorCode::PaidAtOutOfRange)
            }
            Refusal::CouponUsed => (S::CONFLICT, ErrorCode::CouponUsed),
            Refusal::OrderNotFound => (S::NOT_FOUND, ErrorCode::OrderNotFound),
            Refusal::InvalidAmount => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidAmount),
            Refusal::RefundExceedsOrder { .. } => {
                (S::UNPROCESSABLE_ENTITY, ErrorCode::RefundExceedsOrder)
            }
            Refusal::ItemNotFound => (S::NOT_FOUND, ErrorCode::ItemNotFound),
            // What the member could change (tier, points) is the request's; what others
            // used up (stock, the limit) conflicts with stored state.
            Refusal::Ineligible(why) => (
                match why {
                    Ineligible::TierTooLow | Ineligible::InsufficientPoints => {
                        S::UNPROCESSABLE_ENTITY
                    }
                    Ineligible::OutOfStock | Ineligible::LimitReached => S::CONFLICT,
                },
                ErrorCode::of_ineligible(*why),
            ),
            Refusal::AlreadyCheckedIn => (S::CONFLICT, ErrorCode::AlreadyCheckedIn),
            Refusal::InviteNotFound => (S::NOT_FOUND, ErrorCode::InviteNotFound),
            Refusal::InviteSelf => (S::UNPROCESSABLE_ENTITY, ErrorCode::InviteSelf),
            Refusal::InviteTooLate { .. } => (S::UNPROCESSABLE_ENTITY, ErrorCode::InviteTooLate),
            Refusal::InviteAlreadyAccepted => (S::CONFLICT, ErrorCode::InviteAlreadyAccepted),
            Refusal::BirthdayAlreadySet => (S::CONFLICT, ErrorCode::BirthdayAlreadySet),
            Refusal::GrantNotFound => (S::NOT_FOUND, ErrorCode::GrantNotFound),
            Refusal::ReasonRequired { .. } => (S::UNPROCESSABLE_ENTITY, ErrorCode::ReasonRequired),
            Refusal::GrantAlreadyIssued => (S::CONFLICT, ErrorCode::IdempotencyConflict),
            Refusal::InvalidStoreCode => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidStoreCode),
            Refusal::StoreNotFound { .. } => (S::UNPROCESSABLE_ENTITY, ErrorCode::StoreNotFound),
            Refusal::StoreRequired => (S::UNPROCESSABLE_ENTITY, ErrorCode::StoreRequired),
            Refusal::InvalidName { .. } => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidName),
            Refusal::ApiKeyNotFound => (S::NOT_FOUND, ErrorCode::ApiKeyNotFound),
            Refusal::OwnRole => (S::CONFLICT, ErrorCode::OwnRole),
            Refusal::SalesDayAhead => (S::UNPROCESSABLE_ENTITY, ErrorCode::InvalidDate),
            Refusal::Adjustment(problem) => (
                S::UNPROCESSABLE_ENTITY,
                match problem {
                    AdjustmentProblem::BelowZero { .. } => ErrorCode::InsufficientPoints,
                    AdjustmentProblem::Zero | AdjustmentProblem::OverMax { .. } => {
                        ErrorCode::InvalidAdjustment
                    }
                },
            ),
        };
        ApiError::reject(status, code, refusal.to_string())
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> ApiError {
        match failure {
            Failure::Refused(refusal) => refusal.into(),
            Failure::Quote(e) => e.into(),
            Failure::Storage(e) => e.into(),
            Failure::Internal(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        // A server error is ours and says nothing of itself; a refusal that is a 5xx (the
        // SMS provider's outage) keeps its message, which tells the shopper what to do.
        let message = if status.is_server_error() && !matches!(self, ApiError::Rejected { .. }) {
            tracing::error!(error = %self, "request failed");
            "an internal error occurred; it has been logged".to_owned()
        } else {
            self.to_string()
        };
        let tries_left = match &self {
            ApiError::Rejected { tries_left, .. } => *tries_left,
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                tries_left,
            },
        };
        let body = serde_json::to_string(&body).expect("an error body serializes");
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if let ApiError::Rejected {
            retry_after_s: Some(s),
            ..
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

/// Unknown paths under /api.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// A known path with a method it does not have.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_errors_are_not_echoed() {
        use http_body_util::BodyExt;
        let err = ApiError::Internal(anyhow::anyhow!("/secret/path.db is locked"));
        let res = err.into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
        assert!(!body.to_string().contains("secret"), "{body}");
    }

    #[test]
    fn quote_errors_keep_their_code() {
        let err = ApiError::from(QuoteError::CouponExpired);
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err.code(), ErrorCode::CouponExpired);
    }
}
