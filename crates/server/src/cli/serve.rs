//! `member-center serve`: its flags, and the server with what runs beside it (the daily
//! jobs, the nightly backup).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::sms_config::sms_sender;
use super::{load_program, DbArgs};
use crate::base_path::BasePath;
use crate::db::demo::Member;
use crate::routes::host_bridge::{self, HostBridge};
use crate::routes::static_files::Site;
use crate::security::FrameAncestors;
use crate::workflows::schedule::{self, Schedule};
use crate::{demo_seed, AppState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmsSenderKind {
    Aliyun,
    Tencent,
    Webhook,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub keys: super::KeyArgs,
    /// Seed one demo member per tier (reset on every start) and enable /api/demo/*;
    /// implies --dev-codes.
    #[arg(long)]
    pub demo: bool,
    /// Log one-time login codes and return them as `dev_code` (no SMS gateway).
    #[arg(long)]
    pub dev_codes: bool,
    /// The built app (`cargo xtask build`'s dist folder) to serve at --base-path.
    #[arg(long)]
    pub dist: Option<PathBuf>,
    /// Serve the app, its files and its API under this prefix (`/member`), for a host
    /// site that mounts the member center inside its own; the default is the root.
    #[arg(long, default_value = "/")]
    pub base_path: BasePath,
    /// A program definition (JSON) instead of the default program.
    #[arg(long)]
    pub program: Option<PathBuf>,
    /// Origins allowed to embed the app in a frame, e.g. "https://shop.example".
    #[arg(long)]
    pub frame_ancestors: Option<FrameAncestors>,
    /// A reverse proxy in front of the server (repeat for a chain): from this peer, the
    /// client's address for the login limits is taken from `X-Forwarded-For`.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where shoppers reach the app (`https://member.example.com`): the start of the
    /// login links made for host apps. Without it a link is a path.
    #[arg(long, value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Inside a mini-program's web-view: the JS-SDK that defines `wx.miniProgram`, served
    /// by the operator (the page loads no external script without it).
    #[arg(long, value_parser = host_bridge::parse_script_url)]
    pub jssdk_url: Option<String>,
    /// How login codes reach phones: `aliyun` (Alibaba Cloud SMS), `tencent` (Tencent
    /// Cloud SMS) or `webhook` (a signed POST to --sms-webhook-url). Refused together
    /// with --dev-codes or --demo.
    #[arg(long, env = "MC_SMS_SENDER", value_enum)]
    pub sms_sender: Option<SmsSenderKind>,
    /// The webhook sender's HTTPS endpoint.
    #[arg(long, env = "MC_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<String>,
    /// The webhook sender's signing secret (at least 32 characters); prefer the variable.
    #[arg(long, env = "MC_SMS_WEBHOOK_SECRET", hide_env_values = true)]
    pub sms_webhook_secret: Option<String>,
    /// The provider's approved template for Chinese (Alibaba: `SMS_…` with `${code}`;
    /// Tencent: its id, `{1}` the code and `{2}` the minutes it is valid).
    #[arg(long, env = "MC_SMS_TEMPLATE_ZH")]
    pub sms_template_zh: Option<String>,
    /// The template for English (default: the Chinese one).
    #[arg(long, env = "MC_SMS_TEMPLATE_EN")]
    pub sms_template_en: Option<String>,
    /// The points-expiry reminder's approved template for Chinese (Alibaba: `${points}`,
    /// `${date}`, `${link}`; Tencent: `{1}` points, `{2}` the last day, `{3}` the link
    /// that stops them). Without it Alibaba and Tencent send no reminders.
    #[arg(long, env = "MC_SMS_REMINDER_TEMPLATE_ZH")]
    pub sms_reminder_template_zh: Option<String>,
    /// The reminder's template for English (default: the Chinese one).
    #[arg(long, env = "MC_SMS_REMINDER_TEMPLATE_EN")]
    pub sms_reminder_template_en: Option<String>,
    /// The local time (the program's time zone) after which the day's points-expiry
    /// reminders go out, to members who opted in.
    #[arg(long, env = "MC_REMINDERS_AT", default_value = "10:00", value_parser = parse_time_of_day)]
    pub reminders_at: chrono::NaiveTime,
    /// The approved signature (签名) messages are sent under, for Chinese.
    #[arg(long, env = "MC_SMS_SIGN_NAME_ZH")]
    pub sms_sign_name_zh: Option<String>,
    /// The signature for English (default: the Chinese one).
    #[arg(long, env = "MC_SMS_SIGN_NAME_EN")]
    pub sms_sign_name_en: Option<String>,
    /// The provider's API address instead of its public one (a regional endpoint, a test
    /// double).
    #[arg(long, env = "MC_SMS_ENDPOINT")]
    pub sms_endpoint: Option<String>,
    /// Alibaba Cloud: the AccessKey id and secret (variables only).
    #[arg(skip = std::env::var("ALIBABA_CLOUD_ACCESS_KEY_ID").ok())]
    pub aliyun_access_key_id: Option<String>,
    #[arg(skip = std::env::var("ALIBABA_CLOUD_ACCESS_KEY_SECRET").ok())]
    pub aliyun_access_key_secret: Option<String>,
    /// Tencent Cloud: the SMS application's id.
    #[arg(long, env = "MC_TENCENT_SMS_APP_ID")]
    pub tencent_sms_app_id: Option<String>,
    /// Tencent Cloud: the region the SMS API is called in.
    #[arg(long, env = "MC_TENCENT_SMS_REGION", default_value = "ap-guangzhou")]
    pub tencent_sms_region: String,
    /// Tencent Cloud: the SecretId and SecretKey (variables only).
    #[arg(skip = std::env::var("TENCENTCLOUD_SECRET_ID").ok())]
    pub tencent_secret_id: Option<String>,
    #[arg(skip = std::env::var("TENCENTCLOUD_SECRET_KEY").ok())]
    pub tencent_secret_key: Option<String>,
    /// The local time (the program's time zone) at which the day's jobs run: points
    /// expiry, the monthly and birthday coupons, the downgrade evaluation. Missed days
    /// are caught up at start, oldest first; one server of a database runs them.
    #[arg(long, env = "MC_JOBS_AT", default_value = "00:05", value_parser = parse_time_of_day)]
    pub jobs_at: chrono::NaiveTime,
    /// This server never runs the daily jobs (another does, or cron runs `jobs run`).
    /// `--demo` never runs them.
    #[arg(long)]
    pub no_jobs: bool,
    /// Take a backup a day into this folder (a folder all servers of the database share,
    /// or give it to one server only): `member-center-YYYY-MM-DD.backup`.
    #[arg(long, env = "MC_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How many daily backups --backup-dir keeps.
    #[arg(long, env = "MC_BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,
    /// The local time (the program's time zone) after which the day's backup is taken.
    #[arg(long, env = "MC_BACKUP_AT", default_value = "03:00", value_parser = parse_time_of_day)]
    pub backup_at: chrono::NaiveTime,
    /// A bearer token for `GET /metrics` (Prometheus text); without it there is no
    /// `/metrics`. Keep it out of the command line where others can read it: the variable.
    #[arg(long, env = "MC_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The mini-program page "go shopping" opens.
    #[arg(long, value_parser = host_bridge::parse_page, default_value = host_bridge::FIRST_PAGE)]
    pub miniprogram_shop_page: String,
    /// The mini-program page "use this coupon" opens, with `?coupon=ID`.
    #[arg(long, value_parser = host_bridge::parse_page, default_value = host_bridge::FIRST_PAGE)]
    pub miniprogram_coupon_page: String,
}

fn parse_time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| "a time like 00:05".to_owned())
}

/// An `http(s)://host[:port]` origin without a trailing slash, path, query or spaces.
fn parse_public_url(url: &str) -> Result<String, String> {
    let url = url.trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// (or http://)")?;
    let ok =
        !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ', '"', '\'', '<', '>', '\\']);
    ok.then(|| url.to_owned())
        .ok_or_else(|| "must be an origin like https://member.example.com".to_owned())
}

pub(super) async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Everything that can be wrong with the configuration fails before binding the port.
    let program = load_program(args.program.as_deref())?;
    let sms = sms_sender(&args)?;
    let site = args
        .dist
        .as_deref()
        .map(|dist| Site::load(dist, &args.base_path, args.demo))
        .transpose()?;
    let db = super::open_sealed(&args.db, &args.keys, args.demo).await?;
    let mut state = AppState::new(program, db)
        .with_dev_codes(args.dev_codes)
        .with_demo(args.demo)
        .with_sms(sms)
        .with_frame_ancestors(args.frame_ancestors.unwrap_or_default())
        .with_host_bridge(HostBridge {
            jssdk_url: args.jssdk_url,
            shop_page: args.miniprogram_shop_page,
            coupon_page: args.miniprogram_coupon_page,
        })
        .with_public_url(args.public_url)
        .with_base_path(args.base_path.clone())
        .with_trusted_proxies(args.trusted_proxies)
        .with_metrics_token(args.metrics_token.as_deref());
    if let Some(site) = site {
        state = state.with_site(site);
    }
    if let Some(clock) = test_clock()? {
        state = state.with_clock(clock);
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    println!(
        "member-center listening on http://{addr}{}",
        args.base_path.dir()
    );
    if args.dist.is_none() {
        println!("  no --dist: serving the API only");
    }
    if args.demo {
        let now = chrono::Utc::now().fixed_offset();
        let members = demo_seed::seed(&state.db, &state.program.program, now).await?;
        print_demo_members(&members);
    }
    // Demo data is made afresh at every start, as of now: no day of jobs runs over it.
    if !args.no_jobs && !args.demo {
        let schedule = Schedule::new(args.jobs_at);
        tracing::info!(at = %args.jobs_at, holder = %schedule.holder, "the daily jobs run here");
        tokio::spawn(schedule::run_forever(
            state.db.clone(),
            state.program.clone(),
            schedule,
            state.clock.clone(),
        ));
    }
    if let Some(sender) = state.sms.as_deref() {
        spawn_reminders(&state, sender, args.reminders_at);
    }
    // Coupons granted to a churn list by a server that stopped before the list's end.
    crate::workflows::churn::resume_all(&state.db, &state.program, &state.clock).await?;
    if let Some(dir) = args.backup_dir.clone() {
        anyhow::ensure!(args.backup_keep > 0, "--backup-keep must be at least 1");
        let nightly = crate::backup::Nightly {
            dir,
            keep: args.backup_keep,
            at: args.backup_at,
        };
        tokio::spawn(backups_forever(
            nightly,
            args.db.database_url.clone(),
            state.clone(),
        ));
    }
    tracing::info!(%addr, demo = args.demo, "serving");
    crate::serve(listener, state, crate::shutdown_signal()).await?;
    Ok(())
}

/// `--backup-dir`: looks every few minutes whether the day's backup is due.
/// `MC_TEST_CLOCK` (RFC 3339) pins the clock of a debug build, for the tests that run the
/// binary across a date (two servers over a month's end). A release build never reads it.
fn test_clock() -> anyhow::Result<Option<crate::clock::Clock>> {
    if !cfg!(debug_assertions) {
        return Ok(None);
    }
    let Ok(at) = std::env::var("MC_TEST_CLOCK") else {
        return Ok(None);
    };
    let at = chrono::DateTime::parse_from_rfc3339(&at).context("MC_TEST_CLOCK")?;
    tracing::warn!(%at, "the clock is pinned (MC_TEST_CLOCK, a debug build)");
    Ok(Some(crate::clock::Clock::pinned(at)))
}

/// The points-expiry reminders, when the sender can send them (every server may: each
/// reminder is claimed once in the database).
fn spawn_reminders(state: &AppState, sender: &crate::sms::Sender, at: chrono::NaiveTime) {
    if !sender.sends_reminders() {
        tracing::info!("no --sms-reminder-template-zh: no points-expiry reminders are sent");
        return;
    }
    let link_base = state
        .public_url
        .as_deref()
        .map(|url| format!("{url}{}", state.base_path.dir()));
    if link_base.is_none() {
        tracing::warn!("no --public-url: points-expiry reminders carry no link to stop them");
    }
    tokio::spawn(crate::workflows::reminders::run_forever(
        state.db.clone(),
        state.program.clone(),
        sender.clone(),
        link_base,
        at,
        state.clock.clone(),
    ));
}

async fn backups_forever(nightly: crate::backup::Nightly, url: String, state: AppState) {
    let holder = format!("serve:{}", crate::crypto::random_token(9));
    loop {
        let now = state.clock.now();
        match nightly
            .tick(&url, &state.db, &state.program.program, &holder, &now)
            .await
        {
            Ok(Some(file)) => tracing::info!(file = %file.display(), "backup taken"),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "the backup failed; tried again later")
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
    }
}

fn print_demo_members(members: &[Member]) {
    println!("demo members (pick one with the persona switcher on the home screen):");
    for m in members {
        println!(
            "  {:<16} {}  {:<8} spend {}  points {}",
            m.id,
            m.nickname,
            m.tier,
            rules::money::format_yuan(m.qualifying_spend_fen),
            m.points_balance
        );
    }
}
