//! The command line: `member-center serve …` and `member-center migrate`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rules::Program;
use tracing_subscriber::EnvFilter;

use crate::db::members::Member;
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
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database, `sqlite://path` (the file is created if missing).
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
    /// Seed one demo member per tier (reset on every start) and enable /api/demo/*.
    #[arg(long)]
    pub demo: bool,
    /// The built app (Trunk's dist folder) to serve at /.
    #[arg(long)]
    pub dist: Option<PathBuf>,
    /// A program definition (JSON) instead of the default program.
    #[arg(long)]
    pub program: Option<PathBuf>,
    /// Origins allowed to embed the app in a frame, e.g. "https://shop.example".
    #[arg(long)]
    pub frame_ancestors: Option<FrameAncestors>,
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
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Everything that can be wrong with the configuration fails before binding the port.
    let program = load_program(args.program.as_deref())?;
    let site = args.dist.as_deref().map(Site::load).transpose()?;
    let db = db::connect(&args.db.database_url).await?;
    db::migrate(&db).await?;
    let mut state = AppState::new(program, db)
        .with_demo(args.demo)
        .with_frame_ancestors(args.frame_ancestors.unwrap_or_default());
    if let Some(site) = site {
        state = state.with_site(site);
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    println!("member-center listening on http://{addr}/");
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
        let s = &m.snapshot;
        println!(
            "  {:<16} {}  {:<8} spend {}  points {}",
            m.id,
            m.nickname,
            s.tier,
            rules::money::format_yuan_exact(s.qualifying_spend_fen),
            s.points_balance
        );
    }
}
