//! The SMS sender `serve` is configured with (`--sms-sender` and its settings).

use anyhow::Context;

use super::serve::{ServeArgs, SmsSenderKind};
use crate::sms::aliyun::Aliyun;
use crate::sms::tencent::Tencent;
use crate::sms::webhook::Webhook;
use crate::sms::{self, Sender, Template, Templates};

/// The configured SMS sender, checked: its settings complete, and never beside the
/// development modes that show codes on screen.
pub(super) fn sms_sender(args: &ServeArgs) -> anyhow::Result<Option<Sender>> {
    let Some(kind) = args.sms_sender else {
        if !args.dev_codes && !args.demo {
            tracing::warn!(
                "no --sms-sender: login codes reach no one (choose a sender, or --dev-codes \
                 for development)"
            );
        }
        return Ok(None);
    };
    anyhow::ensure!(
        !args.dev_codes && !args.demo,
        "--sms-sender delivers real codes: it cannot run with --dev-codes or --demo"
    );
    let sender = match kind {
        SmsSenderKind::Webhook => {
            let url = args
                .sms_webhook_url
                .as_deref()
                .context("--sms-sender webhook needs --sms-webhook-url (MC_SMS_WEBHOOK_URL)")?;
            let secret = args.sms_webhook_secret.as_deref().context(
                "--sms-sender webhook needs MC_SMS_WEBHOOK_SECRET (or --sms-webhook-secret)",
            )?;
            Sender::Webhook(Webhook::new(url, secret).map_err(anyhow::Error::msg)?)
        }
        SmsSenderKind::Aliyun => Sender::Aliyun(Aliyun {
            access_key_id: required(&args.aliyun_access_key_id, "ALIBABA_CLOUD_ACCESS_KEY_ID")?,
            access_key_secret: required(
                &args.aliyun_access_key_secret,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            )?,
            templates: sms_templates(args)?,
            reminder_templates: reminder_templates(args)?,
            endpoint: sms_endpoint(args, sms::aliyun::ENDPOINT)?,
            client: sms::http_client(),
        }),
        SmsSenderKind::Tencent => Sender::Tencent(Tencent {
            secret_id: required(&args.tencent_secret_id, "TENCENTCLOUD_SECRET_ID")?,
            secret_key: required(&args.tencent_secret_key, "TENCENTCLOUD_SECRET_KEY")?,
            app_id: required(&args.tencent_sms_app_id, "--tencent-sms-app-id")?,
            region: args.tencent_sms_region.clone(),
            templates: sms_templates(args)?,
            reminder_templates: reminder_templates(args)?,
            endpoint: sms_endpoint(args, sms::tencent::ENDPOINT)?,
            client: sms::http_client(),
        }),
    };
    Ok(Some(sender))
}

fn required(value: &Option<String>, name: &str) -> anyhow::Result<String> {
    value
        .clone()
        .filter(|v| !v.trim().is_empty())
        .with_context(|| format!("this --sms-sender needs {name}"))
}

/// The templates and signatures per language; English falls back to Chinese.
fn sms_templates(args: &ServeArgs) -> anyhow::Result<Templates> {
    let zh = Template {
        id: required(&args.sms_template_zh, "--sms-template-zh")?,
        sign_name: required(&args.sms_sign_name_zh, "--sms-sign-name-zh")?,
    };
    let en = Template {
        id: args
            .sms_template_en
            .clone()
            .unwrap_or_else(|| zh.id.clone()),
        sign_name: args
            .sms_sign_name_en
            .clone()
            .unwrap_or_else(|| zh.sign_name.clone()),
    };
    Ok(Templates { zh, en })
}

/// The reminder's templates, when configured; under the login codes' signatures.
fn reminder_templates(args: &ServeArgs) -> anyhow::Result<Option<Templates>> {
    let Some(zh_id) = args.sms_reminder_template_zh.clone() else {
        return Ok(None);
    };
    let signatures = sms_templates(args)?;
    let en_id = args
        .sms_reminder_template_en
        .clone()
        .unwrap_or_else(|| zh_id.clone());
    Ok(Some(Templates {
        zh: Template {
            id: zh_id,
            sign_name: signatures.zh.sign_name,
        },
        en: Template {
            id: en_id,
            sign_name: signatures.en.sign_name,
        },
    }))
}

fn sms_endpoint(args: &ServeArgs, default: &str) -> anyhow::Result<reqwest::Url> {
    let url = args.sms_endpoint.as_deref().unwrap_or(default);
    reqwest::Url::parse(url).with_context(|| format!("--sms-endpoint {url}"))
}
