//! Tencent Cloud SMS (`SendSms`, API version 2021-01-11), signed with TC3-HMAC-SHA256 as
//! "签名方法 v3" documents it (cloud.tencent.com/document/api/213/30654): a canonical
//! request over the method, path, signed headers and the body's SHA-256; a key derived
//! from the secret by date, service and `tc3_request`; the signature in `Authorization`.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{json_answer, CodeMessage, ReminderMessage, SendError, Template, Templates};

pub const NAME: &str = "tencent";
const SERVICE: &str = "sms";
const ACTION: &str = "SendSms";
const VERSION: &str = "2021-01-11";
pub const ENDPOINT: &str = "https://sms.tencentcloudapi.com";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

#[derive(Clone)]
pub struct Tencent {
    pub secret_id: String,
    pub secret_key: String,
    /// The SMS application (`SmsSdkAppId`).
    pub app_id: String,
    pub region: String,
    pub templates: Templates,
    /// The points-expiry reminder's templates (`{1}` points, `{2}` the last day, `{3}`
    /// the link that stops them), if any.
    pub reminder_templates: Option<Templates>,
    pub endpoint: reqwest::Url,
    pub client: reqwest::Client,
}

impl std::fmt::Debug for Tencent {
    /// Without the secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tencent")
            .field("app_id", &self.app_id)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSms<'a> {
    phone_number_set: [&'a str; 1],
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    /// The template's `{1}`, `{2}`, …: for a code, the code and the minutes it stays valid.
    template_param_set: &'a [&'a str],
}

impl Tencent {
    pub async fn send_code(&self, m: &CodeMessage<'_>, minutes: &str) -> Result<(), SendError> {
        self.send(self.templates.of(m.locale), m.phone, &[m.code, minutes])
            .await
    }

    /// The reminder, when its templates are configured (else nothing is sent).
    pub async fn send_reminder(&self, m: &ReminderMessage<'_>) -> Result<(), SendError> {
        let Some(templates) = &self.reminder_templates else {
            return Ok(());
        };
        let (points, day) = (m.points.to_string(), m.last_day.to_string());
        let params = [
            points.as_str(),
            day.as_str(),
            m.stop_url.unwrap_or_default(),
        ];
        self.send(templates.of(m.locale), m.phone, &params).await
    }

    async fn send(
        &self,
        template: &Template,
        phone: &str,
        params: &[&str],
    ) -> Result<(), SendError> {
        let body = serde_json::to_string(&SendSms {
            phone_number_set: [phone],
            sms_sdk_app_id: &self.app_id,
            sign_name: &template.sign_name,
            template_id: &template.id,
            template_param_set: params,
        })
        .expect("the body serializes");
        let now = Utc::now();
        let host = host_of(&self.endpoint);
        let authorization = authorization(
            &self.secret_id,
            &self.secret_key,
            &Signed {
                service: SERVICE,
                host: &host,
                action: ACTION,
                timestamp: now.timestamp(),
                payload: &body,
            },
        );
        let request = self
            .client
            .post(self.endpoint.clone())
            .header(reqwest::header::AUTHORIZATION, authorization)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("X-TC-Action", ACTION)
            .header("X-TC-Version", VERSION)
            .header("X-TC-Timestamp", now.timestamp())
            .header("X-TC-Region", &self.region)
            .body(body);
        let (status, json) = json_answer(NAME, request).await?;
        outcome(status, &json)
    }
}

/// The host as signed and sent (`sms.tencentcloudapi.com`, or `127.0.0.1:port` for a fake).
fn host_of(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// Tencent's answer: an `Error` for the request as a whole, else one status per number,
/// `Ok` when sent.
fn outcome(status: reqwest::StatusCode, json: &Value) -> Result<(), SendError> {
    let response = &json["Response"];
    let code = match &response["Error"]["Code"] {
        Value::String(code) => code.clone(),
        _ => match response["SendStatusSet"][0]["Code"].as_str() {
            Some("Ok") => return Ok(()),
            Some(code) => code.to_owned(),
            None => format!("an answer without a status ({status})"),
        },
    };
    Err(SendError {
        provider: NAME,
        reason: code,
    })
}

/// What a TC3 signature covers.
pub struct Signed<'a> {
    pub service: &'a str,
    pub host: &'a str,
    pub action: &'a str,
    /// Unix seconds; the credential's date is its UTC date.
    pub timestamp: i64,
    pub payload: &'a str,
}

/// The canonical request: POST to `/`, no query, the content type, host and action
/// signed.
pub fn canonical_request(s: &Signed<'_>) -> String {
    format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{}\nx-tc-action:{}\n\n\
         content-type;host;x-tc-action\n{}",
        s.host,
        s.action.to_ascii_lowercase(),
        hex::encode(Sha256::digest(s.payload.as_bytes()))
    )
}

fn date_of(timestamp: i64) -> String {
    DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

pub fn string_to_sign(s: &Signed<'_>) -> String {
    format!(
        "TC3-HMAC-SHA256\n{}\n{}/{}/tc3_request\n{}",
        s.timestamp,
        date_of(s.timestamp),
        s.service,
        hex::encode(Sha256::digest(canonical_request(s).as_bytes()))
    )
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The signature's hex: the secret derived by date, service and `tc3_request`.
pub fn signature(secret_key: &str, s: &Signed<'_>) -> String {
    let date = hmac(format!("TC3{secret_key}").as_bytes(), &date_of(s.timestamp));
    let service = hmac(&date, s.service);
    let signing = hmac(&service, "tc3_request");
    hex::encode(hmac(&signing, &string_to_sign(s)))
}

/// The `Authorization` header.
pub fn authorization(secret_id: &str, secret_key: &str, s: &Signed<'_>) -> String {
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{}/{}/tc3_request, \
         SignedHeaders=content-type;host;x-tc-action, Signature={}",
        date_of(s.timestamp),
        s.service,
        signature(secret_key, s)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of "签名方法 v3" (cloud.tencent.com/document/api/213/30654): a
    /// CVM `DescribeInstances` request at 1551113065, its body exactly as the page gives
    /// it, signed with the page's (masked) credentials.
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn example() -> Signed<'static> {
        Signed {
            service: "cvm",
            host: "cvm.tencentcloudapi.com",
            action: "DescribeInstances",
            timestamp: 1_551_113_065,
            payload: PAYLOAD,
        }
    }

    #[test]
    fn the_canonical_request_and_string_to_sign_are_the_documented_ones() {
        let canonical = canonical_request(&example());
        assert_eq!(
            canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\n\
             host:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\n\
             content-type;host;x-tc-action\n\
             35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            string_to_sign(&example()),
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
    }

    #[test]
    fn the_signature_is_the_documented_one() {
        // The page as it stands: SecretId "AKID" and 32 asterisks, SecretKey 32 asterisks.
        let (id, key) = (format!("AKID{}", "*".repeat(32)), "*".repeat(32));
        assert_eq!(
            authorization(&id, &key, &example()),
            format!(
                "TC3-HMAC-SHA256 Credential={id}/2019-02-25/cvm/tc3_request, \
                 SignedHeaders=content-type;host;x-tc-action, \
                 Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
            )
        );
        // An earlier revision of the same page, with a partly masked key.
        assert_eq!(
            signature("Gu5t9xGARNpq86cd98joQYCN3*******", &example()),
            "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3"
        );
    }

    /// The bodies of the SendSms page's examples (tencentcloud-cli's examples.json) and
    /// the error-code page's (cloud.tencent.com/document/api/382/38780).
    #[test]
    fn the_documented_answers_are_read() {
        let ok: Value = serde_json::from_str(
            r#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8618501234444","Fee":1,"SessionContext":"outsid_1729495320_1011","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}"#,
        )
        .unwrap();
        assert!(outcome(reqwest::StatusCode::OK, &ok).is_ok());
        let refused: Value = serde_json::from_str(
            r#"{"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8618501234444","Fee":0,"SessionContext":"","Code":"FailedOperation.TemplateParamSetNotMatchApprovedTemplate","Message":"request content does not match the template content","IsoCode":""}],"RequestId":"4e394811-9ebd-4d66-98ee-730b21c4a681"}}"#,
        )
        .unwrap();
        let e = outcome(reqwest::StatusCode::OK, &refused).unwrap_err();
        assert_eq!(
            e.reason,
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"
        );
        let error: Value = serde_json::from_str(
            r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated. Please check your signature is correct."},"RequestId":"ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}"#,
        )
        .unwrap();
        let e = outcome(reqwest::StatusCode::OK, &error).unwrap_err();
        assert_eq!(e.reason, "AuthFailure.SignatureFailure");
    }
}
