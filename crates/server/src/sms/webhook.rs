//! The generic sender: `POST` of the code as JSON to the operator's HTTPS endpoint, signed
//! so the endpoint can tell it came from this server and is fresh.
//!
//! ```text
//! POST <--sms-webhook-url>
//! Content-Type: application/json
//! X-MC-Timestamp: 1796054400
//! X-MC-Signature: v1=<hex HMAC-SHA256(secret, "1796054400." + body)>
//!
//! {"purpose":"login_code","phone":"+8613800001234","code":"123456","locale":"zh",
//!  "expires_at":"2026-12-01T00:05:00+08:00"}
//! ```
//!
//! A points-expiry reminder goes the same way, as `{"purpose":"points_expiry","phone":…,
//! "locale":"zh","points":1200,"last_day":"2026-12-31","stop_url":"https://…"}`.
//!
//! The endpoint recomputes the signature over the timestamp and the raw body, compares in
//! constant time, and refuses a timestamp more than a few minutes old (a replay). Any 2xx
//! answer means accepted; anything else is an error, retried by the shopper.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::{transport_error, CodeMessage, ReminderMessage, SendError};

pub const NAME: &str = "webhook";

#[derive(Clone)]
pub struct Webhook {
    url: reqwest::Url,
    secret: Vec<u8>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Webhook {
    /// Without the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("host", &self.url.host_str())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Body<'a> {
    purpose: &'static str,
    phone: &'a str,
    code: &'a str,
    locale: &'a str,
    expires_at: String,
}

#[derive(Serialize)]
struct ReminderBody<'a> {
    purpose: &'static str,
    phone: &'a str,
    locale: &'a str,
    points: i64,
    last_day: String,
    stop_url: Option<&'a str>,
}

impl Webhook {
    /// An `https://` endpoint (`http://` only on a loopback address, for a local bridge)
    /// and a secret of at least 32 bytes.
    pub fn new(url: &str, secret: &str) -> Result<Webhook, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("--sms-webhook-url: {e}"))?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(
                "--sms-webhook-url must be https:// (http:// only to a loopback address)".into(),
            );
        }
        if secret.len() < 32 {
            return Err("MC_SMS_WEBHOOK_SECRET must be at least 32 characters".into());
        }
        Ok(Webhook {
            url,
            secret: secret.as_bytes().to_vec(),
            client: super::http_client(),
        })
    }

    pub async fn send_code(&self, m: &CodeMessage<'_>) -> Result<(), SendError> {
        let body = serde_json::to_string(&Body {
            purpose: "login_code",
            phone: m.phone,
            code: m.code,
            locale: m.locale,
            expires_at: m.expires_at.to_rfc3339(),
        })
        .expect("the body serializes");
        self.post(body).await
    }

    pub async fn send_reminder(&self, m: &ReminderMessage<'_>) -> Result<(), SendError> {
        let body = serde_json::to_string(&ReminderBody {
            purpose: "points_expiry",
            phone: m.phone,
            locale: m.locale,
            points: m.points,
            last_day: m.last_day.to_string(),
            stop_url: m.stop_url,
        })
        .expect("the body serializes");
        self.post(body).await
    }

    /// POSTs `body`, signed; any 2xx is accepted.
    async fn post(&self, body: String) -> Result<(), SendError> {
        let timestamp = chrono::Utc::now().timestamp();
        let answer = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-MC-Timestamp", timestamp)
            .header("X-MC-Signature", signature(&self.secret, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error(NAME, e))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SendError {
                provider: NAME,
                reason: format!("answered {status}"),
            })
        }
    }
}

/// `v1=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same computation by another implementation: `printf '1796054400.{"a":1}' |
    /// openssl dgst -sha256 -hmac 'k'`.
    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_the_body() {
        assert_eq!(
            signature(b"k", 1_796_054_400, r#"{"a":1}"#),
            "v1=f7e919953fb3f7b4ce6568116bcce6c80cf206cfd987827fa4b6e8d80ec23147"
        );
    }

    #[test]
    fn only_https_or_a_loopback_and_a_long_secret_are_taken() {
        let secret = "s".repeat(32);
        assert!(Webhook::new("https://sms.example.com/hook", &secret).is_ok());
        assert!(Webhook::new("http://127.0.0.1:9000/hook", &secret).is_ok());
        assert!(Webhook::new("http://sms.example.com/hook", &secret).is_err());
        assert!(Webhook::new("https://sms.example.com/hook", "short").is_err());
        assert!(Webhook::new("not a url", &secret).is_err());
    }
}
