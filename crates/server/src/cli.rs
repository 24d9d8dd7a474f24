//! The command line: `member-center serve …` and `member-center migrate`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rules::Program;
use tracing_subscriber::EnvFilter;

use crate::base_path::BasePath;
use crate::db::demo::Member;
use crate::routes::host_bridge::{self, HostBridge};
use crate::routes::static_files::Site;
use crate::security::FrameAncestors;
use crate::{db, demo_seed, AppState};

#[derive(Debug, Parser)]
#[command(
    name = "member-center",
    version,
    about = "The member center (会员中心) server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrating the database first).
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DbArgs),
    /// Accounts with a role: `user create --role staff --phone 13800000000 --store SH001`.
    #[command(subcommand)]
    User(UserCommand),
    /// Stores: `store create --code SH001 --name 上海静安店`, `store list`.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Shops' API keys for /api/v1/*: `api-key create --name my-shop`.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Scheduled jobs: points expiry and the monthly downgrade evaluation.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create (or promote) the account of a phone with a role.
    Create {
        #[arg(long, value_parser = ["member", "staff", "admin"])]
        role: String,
        #[arg(long)]
        phone: String,
        /// The store a staff account works at (`store create` first); required for staff.
        #[arg(long, required_if_eq("role", "staff"))]
        store: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create a store, or rename the one with this code.
    Create {
        /// Letters, digits and '-', at most 16 (`SH001`): it goes into the join QR code.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Every store, one per line: code and name.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a key by its id (`key_…`): it stops working at once, and so do the login
    /// links it made.
    Revoke {
        #[arg(long)]
        id: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run the jobs as of a local date (default: today in the program's time zone).
    Run {
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Accept a date after today (tests and rehearsals only: the run expires points and
        /// drops tiers as of that date, for real).
        #[arg(long)]
        allow_future: bool,
        #[arg(long)]
        program: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database: `sqlite://path` (the file is created if missing) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://member-center.db"
    )]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
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
    /// The mini-program page "go shopping" opens.
    #[arg(long, value_parser = host_bridge::parse_page, default_value = host_bridge::FIRST_PAGE)]
    pub miniprogram_shop_page: String,
    /// The mini-program page "use this coupon" opens, with `?coupon=ID`.
    #[arg(long, value_parser = host_bridge::parse_page, default_value = host_bridge::FIRST_PAGE)]
    pub miniprogram_coupon_page: String,
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

/// Parses the command line and runs it; errors are printed with their causes.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match execute(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("member_center=info,tower_http=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub async fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Migrate(args) => {
            let db = db::connect(&args.database_url).await?;
            db::migrate(&db).await?;
            println!("database {} is up to date", args.database_url);
            Ok(())
        }
        Command::Serve(args) => serve(args).await,
        Command::User(UserCommand::Create {
            role,
            phone,
            store,
            db,
        }) => {
            let pool = open(&db).await?;
            let id = create_user(&pool, &role, &phone, store.as_deref()).await?;
            println!(
                "{role} account {id} for {}",
                rules::phone::mask(&phone_e164(&phone)?)
            );
            Ok(())
        }
        Command::Store(StoreCommand::Create { code, name, db }) => {
            anyhow::ensure!(
                contract::staff::is_store_code(&code),
                "--code must be 1 to 16 letters, digits or '-'"
            );
            anyhow::ensure!(!name.trim().is_empty(), "--name must not be empty");
            let pool = open(&db).await?;
            let now = chrono::Utc::now().fixed_offset();
            db::stores::upsert(&pool, &code, name.trim(), crate::clock::ms(&now)).await?;
            println!("store {code}: {}", name.trim());
            Ok(())
        }
        Command::Store(StoreCommand::List { db }) => {
            let pool = open(&db).await?;
            for store in db::stores::list(&pool).await? {
                println!("{}\t{}", store.code, store.name);
            }
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Create { name, db }) => {
            let pool = open(&db).await?;
            let now = chrono::Utc::now().fixed_offset();
            let (id, key) = db::auth::create_api_key(&pool, &name, crate::clock::ms(&now)).await?;
            println!("API key {id} ({name}); shown once, keep it secret:\n{key}");
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Revoke { id, db }) => {
            let pool = open(&db).await?;
            let now = chrono::Utc::now().fixed_offset();
            anyhow::ensure!(
                db::auth::revoke_api_key(&pool, &id, crate::clock::ms(&now)).await?,
                "no live API key {id}"
            );
            println!("API key {id} revoked");
            Ok(())
        }
        Command::Jobs(JobsCommand::Run {
            date,
            allow_future,
            program,
            db,
        }) => {
            let program = load_program(program.as_deref())?;
            let today = program.local_date(&chrono::Utc::now().fixed_offset());
            let date = date.unwrap_or(today);
            if date > today && !allow_future {
                anyhow::bail!(
                    "--date {date} is after today ({today}): the run would expire points and \
                     drop tiers as of that date now; pass --allow-future only to rehearse"
                );
            }
            let pool = open(&db).await?;
            let report = crate::workflows::jobs::run(&pool, &program, date).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
    }
}

async fn open(args: &DbArgs) -> anyhow::Result<db::Db> {
    let pool = db::connect(&args.database_url).await?;
    db::migrate(&pool).await?;
    Ok(pool)
}

fn phone_e164(phone: &str) -> anyhow::Result<String> {
    crate::workflows::phone::Phone::parse(phone)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Creates the account of a phone with a role, or changes the role (and the store) of an
/// existing one. A store must exist.
pub async fn create_user(
    pool: &db::Db,
    role: &str,
    phone: &str,
    store: Option<&str>,
) -> anyhow::Result<String> {
    let phone = phone_e164(phone)?;
    if let Some(code) = store {
        anyhow::ensure!(
            db::stores::get(pool, code).await?.is_some(),
            "no store {code}: `store create --code {code} --name …` first"
        );
    }
    let program = Program::default_program();
    let now = chrono::Utc::now().fixed_offset();
    let mut tx = db::begin_write(pool).await?;
    let id = match db::members::id_by_phone(&mut *tx, &phone).await? {
        Some(id) => {
            db::members::set_role(&mut tx, &id, role).await?;
            id
        }
        None => {
            let version = &program.membership.privacy_notice_version;
            db::members::register(&mut tx, &program, &phone, role, version, &now).await?
        }
    };
    db::stores::assign(&mut tx, &id, store).await?;
    tx.commit().await?;
    Ok(id)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Everything that can be wrong with the configuration fails before binding the port.
    let program = load_program(args.program.as_deref())?;
    let site = args
        .dist
        .as_deref()
        .map(|dist| Site::load(dist, &args.base_path, args.demo))
        .transpose()?;
    let db = db::connect(&args.db.database_url).await?;
    db::migrate(&db).await?;
    let mut state = AppState::new(program, db)
        .with_dev_codes(args.dev_codes)
        .with_demo(args.demo)
        .with_frame_ancestors(args.frame_ancestors.unwrap_or_default())
        .with_host_bridge(HostBridge {
            jssdk_url: args.jssdk_url,
            shop_page: args.miniprogram_shop_page,
            coupon_page: args.miniprogram_coupon_page,
        })
        .with_public_url(args.public_url)
        .with_base_path(args.base_path.clone())
        .with_trusted_proxies(args.trusted_proxies);
    if let Some(site) = site {
        state = state.with_site(site);
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
    tracing::info!(%addr, demo = args.demo, "serving");
    crate::serve(listener, state, crate::shutdown_signal()).await?;
    Ok(())
}

fn load_program(path: Option<&Path>) -> anyhow::Result<Program> {
    let Some(path) = path else {
        return Ok(Program::default_program());
    };
    let json = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the program file {}", path.display()))?;
    // ProgramError names the field, e.g. `tiers[2].threshold_fen: must be greater …`.
    Program::from_json(&json).with_context(|| format!("in {}", path.display()))
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
