//! Alibaba Cloud SMS (`SendSms`, API version 2017-05-25), signed as its RPC API documents
//! ("HTTP协议及签名", help.aliyun.com/document_detail/56189): the parameters sorted by
//! name and percent-encoded (RFC 3986), `GET&%2F&` and the encoded query signed with
//! HMAC-SHA1 under the secret and `&`, in Base64.

use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use sha1::Sha1;

use super::{json_answer, CodeMessage, ReminderMessage, SendError, Template, Templates};
use crate::crypto::random_token;

pub const NAME: &str = "aliyun";
pub const ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

/// What RFC 3986 leaves unreserved; everything else is encoded (a space as `%20`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Clone)]
pub struct Aliyun {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub templates: Templates,
    /// The points-expiry reminder's templates (`${points}`, `${date}`, `${link}`), if any.
    pub reminder_templates: Option<Templates>,
    pub endpoint: reqwest::Url,
    pub client: reqwest::Client,
}

impl std::fmt::Debug for Aliyun {
    /// Without the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aliyun").finish_non_exhaustive()
    }
}

impl Aliyun {
    pub async fn send_code(&self, m: &CodeMessage<'_>) -> Result<(), SendError> {
        let param = serde_json::json!({ "code": m.code });
        self.send(self.templates.of(m.locale), m.phone, &param)
            .await
    }

    /// The reminder, when its templates are configured (else nothing is sent).
    pub async fn send_reminder(&self, m: &ReminderMessage<'_>) -> Result<(), SendError> {
        let Some(templates) = &self.reminder_templates else {
            return Ok(());
        };
        let param = serde_json::json!({
            "points": m.points.to_string(),
            "date": m.last_day.to_string(),
            "link": m.stop_url.unwrap_or_default(),
        });
        self.send(templates.of(m.locale), m.phone, &param).await
    }

    async fn send(&self, template: &Template, phone: &str, param: &Value) -> Result<(), SendError> {
        let nonce = random_token(16);
        let timestamp = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        // Mainland numbers without the country code, as the console shows them.
        let phone = phone.strip_prefix("+86").unwrap_or(phone);
        let template_param = param.to_string();
        let params = [
            ("AccessKeyId", self.access_key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", phone),
            ("RegionId", "cn-hangzhou"),
            ("SignName", &template.sign_name),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", &nonce),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", &template.id),
            ("TemplateParam", &template_param),
            ("Timestamp", &timestamp),
            ("Version", "2017-05-25"),
        ];
        let query = canonical_query(&params);
        let signature = signature(&self.access_key_secret, "GET", &query);
        let mut url = self.endpoint.clone();
        url.set_query(Some(&format!("Signature={}&{query}", encode(&signature))));
        let (status, json) = json_answer(NAME, self.client.get(url)).await?;
        outcome(status, &json)
    }
}

/// `OK`, or the error's code (`isv.BUSINESS_LIMIT_CONTROL`, …).
fn outcome(status: reqwest::StatusCode, json: &Value) -> Result<(), SendError> {
    match json["Code"].as_str() {
        Some("OK") => Ok(()),
        Some(code) => Err(SendError {
            provider: NAME,
            reason: code.to_owned(),
        }),
        None => Err(SendError {
            provider: NAME,
            reason: format!("an answer without a code ({status})"),
        }),
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// The parameters sorted by name, each name and value encoded, joined by `&`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<_> = params.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    format!("{method}&%2F&{}", encode(canonical_query))
}

/// Base64 of HMAC-SHA1 over the string to sign, keyed by the secret and `&`.
pub fn signature(secret: &str, method: &str, canonical_query: &str) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("any key length");
    mac.update(string_to_sign(method, canonical_query).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SendSms example of "HTTP协议及签名" (help.aliyun.com/document_detail/56189, the
    /// revision with the full inputs): AccessKeyId `testId`, secret `testSecret`.
    #[test]
    fn the_send_sms_example_signs_as_documented() {
        let params = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", r#"{"customer":"test"}"#),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ];
        let query = canonical_query(&params);
        assert_eq!(
            query,
            "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001\
             &RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8\
             &SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466\
             &SignatureVersion=1.0&TemplateCode=SMS_71390007\
             &TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z\
             &Version=2017-05-25"
        );
        assert!(string_to_sign("GET", &query).starts_with(
            "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
        ));
        assert_eq!(
            signature("testSecret", "GET", &query),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
        assert_eq!(
            encode("zJDF+Lrzhj/ThnlvIToysFRq6t4="),
            "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"
        );
    }

    /// The RPC signature page's own example (`DescribeRegions`, secret `testsecret`), the
    /// parameters given in another order.
    #[test]
    fn the_describe_regions_example_signs_as_documented() {
        let params = [
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("Version", "2014-05-26"),
            ("SignatureVersion", "1.0"),
        ];
        assert_eq!(
            signature("testsecret", "GET", &canonical_query(&params)),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    /// The success body of SendSms's reference (the generated SDK's model) and an error's
    /// shape (`Code` other than `OK`, with `Message` and `RequestId`).
    #[test]
    fn the_documented_answers_are_read() {
        let ok: Value = serde_json::from_str(
            r#"{"Code":"OK","Message":"OK","BizId":"9006197469364984****","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}"#,
        )
        .unwrap();
        assert!(outcome(reqwest::StatusCode::OK, &ok).is_ok());
        let limited: Value = serde_json::from_str(
            r#"{"Message":"触发天级流控Permits:10","RequestId":"C0A0BE93-B44F-4350-BCC8-B677F78C3802","Code":"isv.BUSINESS_LIMIT_CONTROL"}"#,
        )
        .unwrap();
        let e = outcome(reqwest::StatusCode::OK, &limited).unwrap_err();
        assert_eq!(e.reason, "isv.BUSINESS_LIMIT_CONTROL");
    }
}
