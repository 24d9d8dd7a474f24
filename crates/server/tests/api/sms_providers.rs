//! Alibaba Cloud's and Tencent Cloud's `SendSms`, whole requests, against local fakes that
//! check each request as the provider would (its action, version, parameters and
//! signature, recomputed under the fake's copy of the secret) and answer with the
//! provider's documented success and error bodies.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use member_center::sms::aliyun::{self, Aliyun};
use member_center::sms::tencent::{self, Signed, Tencent};
use member_center::sms::{http_client, Sender, Template, Templates};
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Options, TestApp};

const PHONE: &str = "13912345678";
const SECRET_ID: &str = "fake-secret-id";
const SECRET_KEY: &str = "fake-secret-key";

fn templates() -> Templates {
    Templates {
        zh: Template {
            id: "SMS_ZH_1".into(),
            sign_name: "会员中心".into(),
        },
        en: Template {
            id: "SMS_EN_1".into(),
            sign_name: "Member Center".into(),
        },
    }
}

/// What the fake provider saw (the code it would text, the template it chose) and
/// whether it should refuse.
#[derive(Clone, Default)]
struct Fake {
    texted: Arc<Mutex<Vec<(String, String)>>>,
    refuse: Arc<Mutex<bool>>,
    bad_signatures: Arc<Mutex<usize>>,
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

async fn app_with(sender: Sender) -> TestApp {
    spawn_with(Options {
        no_dev_codes: true,
        sms: Some(sender),
        ..Options::default()
    })
    .await
}

async fn ask(app: &TestApp, language: &str) -> crate::helpers::TestResponse {
    let body = json!({ "phone": PHONE });
    let headers = [("accept-language", language)];
    app.call_with(Method::POST, "/api/auth/otp", &headers, None, Some(&body))
        .await
}

async fn log_in(app: &TestApp, code: &str) -> StatusCode {
    let version = &app.state.program.program.membership.privacy_notice_version;
    let body = json!({ "phone": PHONE, "code": code, "consent_version": version, "bearer": true });
    app.post_json("/api/auth/login", &body).await.status
}

// Tencent Cloud.

async fn tencent_fake(State(fake): State<Fake>, headers: HeaderMap, body: String) -> Json<Value> {
    let header = |name: &str| headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("x-tc-action"), "SendSms");
    assert_eq!(header("x-tc-version"), "2021-01-11");
    assert_eq!(header("x-tc-region"), "ap-guangzhou");
    assert_eq!(header("content-type"), "application/json; charset=utf-8");
    let expected = tencent::authorization(
        SECRET_ID,
        SECRET_KEY,
        &Signed {
            service: "sms",
            host: &header("host"),
            action: "SendSms",
            timestamp: header("x-tc-timestamp").parse().unwrap(),
            payload: &body,
        },
    );
    if header("authorization") != expected {
        *fake.bad_signatures.lock().unwrap() += 1;
        return Json(json!({ "Response": { "Error": {
            "Code": "AuthFailure.SignatureFailure",
            "Message": "The provided credentials could not be validated. Please check your signature is correct."
        }, "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6" } }));
    }
    let sms: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sms["PhoneNumberSet"], json!([format!("+86{PHONE}")]));
    assert_eq!(sms["SmsSdkAppId"], "1400006666");
    let params = sms["TemplateParamSet"].as_array().unwrap();
    assert_eq!(params[1], "5", "the minutes the code is valid");
    if *fake.refuse.lock().unwrap() {
        return Json(json!({ "Response": { "SendStatusSet": [{
            "SerialNo": "", "PhoneNumber": format!("+86{PHONE}"), "Fee": 0, "SessionContext": "",
            "Code": "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
            "Message": "request content does not match the template content", "IsoCode": ""
        }], "RequestId": "4e394811-9ebd-4d66-98ee-730b21c4a681" } }));
    }
    let template = format!(
        "{} {}",
        sms["SignName"].as_str().unwrap(),
        sms["TemplateId"].as_str().unwrap()
    );
    fake.texted
        .lock()
        .unwrap()
        .push((params[0].as_str().unwrap().to_owned(), template));
    Json(json!({ "Response": { "SendStatusSet": [{
        "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": format!("+86{PHONE}"),
        "Fee": 1, "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN"
    }], "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279" } }))
}

async fn tencent_sender(fake: &Fake, secret_key: &str) -> Sender {
    let url = serve(
        Router::new()
            .route("/", post(tencent_fake))
            .with_state(fake.clone()),
    )
    .await;
    Sender::Tencent(Tencent {
        secret_id: SECRET_ID.into(),
        secret_key: secret_key.into(),
        app_id: "1400006666".into(),
        region: "ap-guangzhou".into(),
        templates: templates(),
        reminder_templates: None,
        endpoint: url.parse().unwrap(),
        client: http_client(),
    })
}

#[tokio::test]
async fn tencent_texts_the_code_in_the_shoppers_language_and_it_logs_in() {
    let fake = Fake::default();
    let app = app_with(tencent_sender(&fake, SECRET_KEY).await).await;
    let res = ask(&app, "en-US").await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json());
    let (code, template) = fake.texted.lock().unwrap()[0].clone();
    assert_eq!(template, "Member Center SMS_EN_1");
    assert_eq!(log_in(&app, &code).await, StatusCode::OK);
    assert_eq!(*fake.bad_signatures.lock().unwrap(), 0);
}

#[tokio::test]
async fn tencent_refusals_and_a_wrong_secret_answer_503() {
    let fake = Fake::default();
    *fake.refuse.lock().unwrap() = true;
    let app = app_with(tencent_sender(&fake, SECRET_KEY).await).await;
    ask(&app, "zh")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");

    let fake = Fake::default();
    let app = app_with(tencent_sender(&fake, "not-the-secret").await).await;
    ask(&app, "zh")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");
    assert_eq!(*fake.bad_signatures.lock().unwrap(), 1);
}

// Alibaba Cloud.

async fn aliyun_fake(State(fake): State<Fake>, RawQuery(query): RawQuery) -> Json<Value> {
    let pairs: BTreeMap<String, String> = url::form_urlencoded::parse(query.unwrap().as_bytes())
        .into_owned()
        .collect();
    let signature = pairs["Signature"].clone();
    let rest: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let expected = aliyun::signature(SECRET_KEY, "GET", &aliyun::canonical_query(&rest));
    if signature != expected || pairs["AccessKeyId"] != SECRET_ID {
        *fake.bad_signatures.lock().unwrap() += 1;
        return Json(json!({ "Code": "SignatureDoesNotMatch",
            "Message": "Specified signature is not matched with our calculation.",
            "RequestId": "8906582E-6722-4A1B-B6D1-B2C1C3C8C3C1" }));
    }
    assert_eq!(pairs["Action"], "SendSms");
    assert_eq!(pairs["Version"], "2017-05-25");
    assert_eq!(pairs["SignatureMethod"], "HMAC-SHA1");
    assert_eq!(pairs["PhoneNumbers"], PHONE);
    if *fake.refuse.lock().unwrap() {
        return Json(json!({ "Message": "触发天级流控Permits:10",
            "RequestId": "C0A0BE93-B44F-4350-BCC8-B677F78C3802",
            "Code": "isv.BUSINESS_LIMIT_CONTROL" }));
    }
    let param: Value = serde_json::from_str(&pairs["TemplateParam"]).unwrap();
    let template = format!("{} {}", pairs["SignName"], pairs["TemplateCode"]);
    fake.texted
        .lock()
        .unwrap()
        .push((param["code"].as_str().unwrap().to_owned(), template));
    Json(
        json!({ "Code": "OK", "Message": "OK", "BizId": "9006197469364984****",
        "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990" }),
    )
}

async fn aliyun_sender(fake: &Fake, secret: &str) -> Sender {
    let url = serve(
        Router::new()
            .route("/", get(aliyun_fake))
            .with_state(fake.clone()),
    )
    .await;
    Sender::Aliyun(Aliyun {
        access_key_id: SECRET_ID.into(),
        access_key_secret: secret.into(),
        templates: templates(),
        reminder_templates: None,
        endpoint: url.parse().unwrap(),
        client: http_client(),
    })
}

#[tokio::test]
async fn aliyun_texts_the_code_in_the_shoppers_language_and_it_logs_in() {
    let fake = Fake::default();
    let app = app_with(aliyun_sender(&fake, SECRET_KEY).await).await;
    let res = ask(&app, "zh-CN").await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.json());
    let (code, template) = fake.texted.lock().unwrap()[0].clone();
    assert_eq!(template, "会员中心 SMS_ZH_1");
    assert_eq!(log_in(&app, &code).await, StatusCode::OK);
}

#[tokio::test]
async fn aliyun_refusals_and_a_wrong_secret_answer_503() {
    let fake = Fake::default();
    *fake.refuse.lock().unwrap() = true;
    let app = app_with(aliyun_sender(&fake, SECRET_KEY).await).await;
    ask(&app, "zh")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");

    let fake = Fake::default();
    let app = app_with(aliyun_sender(&fake, "not-the-secret").await).await;
    ask(&app, "zh")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "sms_unavailable");
    assert_eq!(*fake.bad_signatures.lock().unwrap(), 1);
}
