//! The command line: `member-center serve …` (`cli/serve.rs`), `migrate`, the stores,
//! users and shop keys, the jobs (`cli/jobs.rs`), the keys, backups and restores.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rules::Program;
use tracing_subscriber::EnvFilter;

use crate::db;

mod jobs;
mod keys;
mod people;
mod serve;
mod sms_config;

pub use keys::{open_sealed, KeyArgs};
pub use people::{create_user, ApiKeyCommand, StoreCommand, UserCommand};
pub use serve::{ServeArgs, SmsSenderKind};

#[derive(Debug, Parser)]
#[command(
    name = "member-center",
    version,
    about = "The member center (会员中心) server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The log's shape on stderr: `text` lines for people, or `json` lines (one object
    /// per event, with the request's id) for a log collector.
    #[arg(long, global = true, env = "MC_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrating the database first).
    Serve(Box<ServeArgs>),
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
    /// The data keys that seal members' personal data at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// A consistent copy of the database while the server runs (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump's custom format).
    Backup {
        /// The copy to write; never overwritten.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A backup put into an empty database (no server running on it), migrated to this
    /// binary's schema and checked.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Replace a database that is not empty.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Prints a new key file: the blind index's key and a first data key (`k1`), 32
    /// random bytes each. Keep it outside the database and its backups.
    Generate {
        /// The data key's id.
        #[arg(long, default_value = "k1")]
        id: String,
    },
    /// Prints one new data key (`k2:…`) to put at the top of the key file (the current key
    /// is the first), keeping the others, before `keys rotate`.
    New {
        #[arg(long)]
        id: String,
    },
    /// Re-seals every value under the current data key, in batches, beside running
    /// servers (which must have the new key file already); resumable. Ends by naming the
    /// keys no value needs any more.
    Rotate {
        /// Members per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
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
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// The latest runs of the jobs (by the servers or by hand), newest first: the day,
    /// when, how long, by whom, and what each step did or why it failed.
    Status {
        #[arg(long, default_value_t = 10)]
        limit: i64,
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

/// Parses the command line and runs it; errors are printed with their causes.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match execute(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("member_center=info,tower_http=info"));
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().with_current_span(true).init(),
    }
}

pub async fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Migrate(args) => {
            let db = db::connect(&args.database_url).await?;
            db::migrate(&db).await?;
            println!("database {} is up to date", args.database_url);
            Ok(())
        }
        Command::Serve(args) => serve::serve(*args).await,
        Command::User(command) => people::user(command).await,
        Command::Store(command) => people::store(command).await,
        Command::ApiKey(command) => people::api_key(command).await,
        Command::Jobs(JobsCommand::Run {
            date,
            allow_future,
            program,
            db,
            keys,
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
            let pool = open_sealed(&db, &keys, false).await?;
            jobs::run_jobs_by_hand(&pool, &program, date).await
        }
        Command::Keys(KeysCommand::Generate { id }) => {
            let text = crate::vault::Keyring::generate(&id)?;
            // Checked as a server would read it.
            crate::vault::Keyring::parse(&text)?;
            print!("{text}");
            Ok(())
        }
        Command::Keys(KeysCommand::New { id }) => {
            println!("{}", crate::vault::Keyring::new_data_key(&id)?);
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate { batch, db, keys }) => {
            keys::rotate(&db, &keys, batch).await
        }
        Command::Backup { to, db } => {
            crate::backup::backup(&db.database_url, &to).await?;
            let bytes = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            println!("backup written to {} ({bytes} bytes)", to.display());
            Ok(())
        }
        Command::Restore { from, replace, db } => {
            let check = crate::backup::restore(&db.database_url, &from, replace).await?;
            println!("{}", serde_json::to_string(&check)?);
            anyhow::ensure!(
                check.balance_mismatches.is_empty(),
                "restored, but {} members' balances differ from their ledgers",
                check.balance_mismatches.len()
            );
            Ok(())
        }
        Command::Jobs(JobsCommand::Status { limit, db }) => {
            let pool = open(&db).await?;
            jobs::print_job_runs(&pool, limit).await
        }
    }
}

pub(crate) async fn open(args: &DbArgs) -> anyhow::Result<db::Db> {
    let pool = db::connect(&args.database_url).await?;
    db::migrate(&pool).await?;
    Ok(pool)
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
