//! Login codes delivered to phones: a sender chosen by configuration (`--sms-sender`),
//! called after the code is stored and outside any transaction, bounded in time.
//!
//! - `aliyun`: Alibaba Cloud SMS's `SendSms` (its RPC signature, HMAC-SHA1);
//! - `tencent`: Tencent Cloud SMS's `SendSms` (TC3-HMAC-SHA256);
//! - `webhook`: a signed HTTPS POST to the operator's own endpoint, which bridges any
//!   gateway (or a WeChat service message).
//!
//! A sender's error never carries the code, the phone or a secret: it is logged as is.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};

pub mod aliyun;
pub mod tencent;
pub mod webhook;

/// How long a provider may take to accept a message before the shopper is told to try
/// again (503 `sms_unavailable`).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// A login code to deliver.
#[derive(Debug, Clone, Copy)]
pub struct CodeMessage<'a> {
    /// The mobile number in E.164 (`+8613800001234`), as stored.
    pub phone: &'a str,
    pub code: &'a str,
    /// `zh` or `en`: the language the shopper reads.
    pub locale: &'a str,
    pub expires_at: DateTime<FixedOffset>,
    /// The minutes the code stays valid (a provider's template says so).
    pub valid_minutes: u64,
}

/// A points-expiry reminder to deliver (seed 002's 积分到期提醒).
#[derive(Debug, Clone, Copy)]
pub struct ReminderMessage<'a> {
    pub phone: &'a str,
    pub locale: &'a str,
    pub points: i64,
    /// The last local day the points can be used.
    pub last_day: chrono::NaiveDate,
    /// Where the member stops these reminders (without `--public-url`, none).
    pub stop_url: Option<&'a str>,
}

/// A provider's approved message template and the signature (签名) it is sent under.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub sign_name: String,
}

/// One template per language the shopper may read.
#[derive(Debug, Clone)]
pub struct Templates {
    pub zh: Template,
    pub en: Template,
}

impl Templates {
    pub fn of(&self, locale: &str) -> &Template {
        if locale == "en" {
            &self.en
        } else {
            &self.zh
        }
    }
}

/// Why a message was not accepted: the provider, and what it said (its error code or
/// the transport's failure), never the message's content.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {reason}")]
pub struct SendError {
    pub provider: &'static str,
    pub reason: String,
}

/// The configured way codes reach phones.
#[derive(Debug, Clone)]
pub enum Sender {
    Aliyun(aliyun::Aliyun),
    Tencent(tencent::Tencent),
    Webhook(webhook::Webhook),
}

impl Sender {
    /// Hands the code to the provider; `Ok` once the provider accepted it.
    pub async fn send_code(&self, message: &CodeMessage<'_>) -> Result<(), SendError> {
        match self {
            Sender::Aliyun(a) => a.send_code(message).await,
            Sender::Tencent(t) => {
                t.send_code(message, &message.valid_minutes.to_string())
                    .await
            }
            Sender::Webhook(w) => w.send_code(message).await,
        }
    }

    /// Hands a points-expiry reminder to the provider (Alibaba and Tencent only when
    /// their reminder templates are configured: see [`Sender::sends_reminders`]).
    pub async fn send_reminder(&self, message: &ReminderMessage<'_>) -> Result<(), SendError> {
        match self {
            Sender::Aliyun(a) => a.send_reminder(message).await,
            Sender::Tencent(t) => t.send_reminder(message).await,
            Sender::Webhook(w) => w.send_reminder(message).await,
        }
    }

    /// Whether reminders can go out this way.
    pub fn sends_reminders(&self) -> bool {
        match self {
            Sender::Aliyun(a) => a.reminder_templates.is_some(),
            Sender::Tencent(t) => t.reminder_templates.is_some(),
            Sender::Webhook(_) => true,
        }
    }

    /// The provider's name, for the log and the metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Sender::Aliyun(_) => aliyun::NAME,
            Sender::Tencent(_) => tencent::NAME,
            Sender::Webhook(_) => webhook::NAME,
        }
    }
}

/// The HTTP client every sender uses: HTTPS with the web's root certificates, and no
/// request allowed to outlast [`SEND_TIMEOUT`].
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .connect_timeout(SEND_TIMEOUT)
        .build()
        .expect("the TLS backend initialises")
}

/// Sends `request` and reads the provider's JSON answer (its status beside it).
pub(crate) async fn json_answer(
    provider: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, serde_json::Value), SendError> {
    let answer = request
        .send()
        .await
        .map_err(|e| transport_error(provider, e))?;
    let status = answer.status();
    let json = answer
        .json()
        .await
        .map_err(|e| transport_error(provider, e))?;
    Ok((status, json))
}

/// A transport failure, described without its URL (which may carry a secret).
pub(crate) fn transport_error(provider: &'static str, e: reqwest::Error) -> SendError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    SendError {
        provider,
        reason: format!("{kind}: {}", e.without_url()),
    }
}
