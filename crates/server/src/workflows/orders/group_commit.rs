//! Group commit: SQLite has one writer, so the orders of concurrent requests are written
//! by one writer, as many as are waiting in one transaction. A refused order rolls back
//! alone and answers its refusal, the others are kept: each order runs in a savepoint of
//! its own (on the writer thread, only once a first pass of the batch without savepoints
//! met a refusal: [`SqliteWriter`]). Nobody gets an answer before the commit, so an answer
//! means the order is on disk, and a crash mid-batch loses only orders that were never
//! answered (the shop retries them; idempotency makes the retry safe).
//!
//! Why: before, every request opened its own `BEGIN IMMEDIATE` and waited on SQLite's
//! busy handler, which sleeps and retries; 16 shops sending at once spent most of their
//! time asleep, and each order paid a commit of its own.
//!
//! On an SQLite file the writer is a thread of its own with a rusqlite connection
//! ([`SqliteWriter`]): an order's fifteen-odd statements are plain calls there, where
//! through sqlx each is a hop to the connection's thread and back, and those hops bounded
//! the writer at about a thousand orders a second. The order's code is the same either
//! way (`db::exec::Exec`). An in-memory database (one sqlx connection) keeps a writer task.
//!
//! PostgreSQL keeps a transaction per order ([`super::record_order`]): its row locks let
//! different members' orders commit side by side, and two servers can share it.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use futures_util::FutureExt as _;
use tokio::sync::{mpsc, oneshot};

use super::ParsedOrder;
use super::{admit, parse, record_order, write, Checked, ChecksRan, OrderRecorded, OrderRequest};
use crate::db::checkpoints::Checkpoints;
use crate::db::exec::{sqlite_error, Exec, SqliteExec};
use crate::db::{backend, begin_write, is_unique_violation, open_sqlite_writer, sqlite_file};
use crate::db::{Backend, Db};
use crate::workflows::{Failure, Outcome, Recorded};
use crate::LoadedProgram;

/// The most orders one transaction holds: a batch stays short enough that the first
/// order in it is not kept waiting long for the last.
const MAX_BATCH: usize = 64;
/// Orders waiting for the writer beyond this make their requests wait to be queued.
const QUEUE: usize = 1024;

type Answer = Outcome<Recorded<OrderRecorded>>;

/// An order for the writer, and where its answer goes.
struct Job {
    order: ParsedOrder,
    program: Arc<LoadedProgram>,
    now: DateTime<FixedOffset>,
    reply: oneshot::Sender<Answer>,
}

/// Records orders: through one writer on SQLite (a thread for a file, a task in memory),
/// in a transaction each on PostgreSQL (see the module's comment). Cheap to share; the
/// writer starts on first use, and again if it has stopped (a task's runtime shut down
/// while this lives on, a thread that could not start).
pub struct OrderWriter {
    db: Db,
    /// The SQLite file the writer thread opens; `None` for an in-memory database.
    file: Option<PathBuf>,
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl OrderWriter {
    pub fn new(db: Db) -> OrderWriter {
        OrderWriter {
            file: sqlite_file(&db),
            db,
            queue: Mutex::new(None),
        }
    }

    /// Records an order sent with the API key `shop_key_id` (see `super`'s comment).
    /// `now` is the server's clock.
    pub async fn record(
        &self,
        program: &Arc<LoadedProgram>,
        req: OrderRequest,
        shop_key_id: String,
        now: &DateTime<FixedOffset>,
    ) -> Answer {
        let order = parse(req, shop_key_id)?;
        if backend(&self.db) == Backend::Postgres {
            return record_order(&self.db, &program.program, order, now).await;
        }
        // The checks that read run on the writer, in its transaction, where the pages are
        // in its cache: a read on another connection after each commit starts again from
        // SQLite's file and log (the checks' two reads cost the request threads more than
        // all the rest of an order's work there).
        let (reply, answer) = oneshot::channel();
        let job = Job {
            order,
            program: program.clone(),
            now: *now,
            reply,
        };
        let stopped = || Failure::Internal(anyhow::anyhow!("the order writer has stopped"));
        let queue = self.queue();
        queue.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    fn queue(&self) -> mpsc::Sender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        match &*queue {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(QUEUE);
                match &self.file {
                    Some(file) => {
                        let file = file.clone();
                        let thread = std::thread::Builder::new().name("order-writer".into());
                        // A thread that cannot start leaves the queue closed: this order
                        // answers that the writer has stopped, the next one tries again.
                        if let Err(e) = thread.spawn(move || run_on_thread(&file, receiver)) {
                            tracing::error!("cannot start the order writer: {e}");
                        }
                    }
                    None => {
                        tokio::spawn(run(self.db.clone(), receiver));
                    }
                }
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// The first job and every other one waiting, up to [`MAX_BATCH`]: the orders and where
/// their answers go.
fn batch(first: Job, queue: &mut mpsc::Receiver<Job>) -> (Vec<BatchOrder>, Vec<Reply>) {
    let mut jobs = vec![first];
    while jobs.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    // How well group commit groups: the orders each transaction carried.
    metrics::counter!("order_batches_total").increment(1);
    metrics::histogram!("order_batch_size").record(jobs.len() as f64);
    jobs.into_iter()
        .map(|j| ((j.order, j.program, j.now), j.reply))
        .unzip()
}

type Reply = oneshot::Sender<Answer>;

fn answer_all(answers: Vec<Answer>, replies: Vec<Reply>) {
    for (answer, reply) in answers.into_iter().zip(replies) {
        // The request may have gone (client hung up); the order stands.
        let _ = reply.send(answer);
    }
}

/// The writer task (an in-memory database): takes every order waiting and writes them
/// together.
async fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let (orders, replies) = batch(first, &mut queue);
        // In a task of its own: a panic outside an order's own write (which answers that
        // order only, see `write_orders`) answers this batch's requests with an error
        // (their reply senders drop) and leaves the writer running.
        let db = db.clone();
        let written = tokio::spawn(async move {
            answer_all(write_batch(&db, &orders).await, replies);
        });
        if let Err(e) = written.await {
            tracing::error!("an order batch failed: {e}");
        }
    }
}

/// The writer thread (an SQLite file): as [`run`], on a connection of its own, opened
/// again after a failure to open it or a panic.
fn run_on_thread(file: &Path, mut queue: mpsc::Receiver<Job>) {
    let mut writer: Option<SqliteWriter> = None;
    while let Some(first) = queue.blocking_recv() {
        let (orders, replies) = batch(first, &mut queue);
        let open = match writer.take() {
            Some(open) => Ok(open),
            None => SqliteWriter::open(file),
        };
        let mut open = match open {
            Ok(open) => open,
            Err(e) => {
                tracing::error!("the order writer cannot open the database: {e}");
                answer_all(batch_failed(&orders, &e), replies);
                continue;
            }
        };
        // A panic outside an order's own write answers this batch's requests with an
        // error (their reply senders drop) and drops the connection, which rolls back.
        match std::panic::catch_unwind(AssertUnwindSafe(|| open.write_batch(&orders))) {
            Ok(answers) => {
                answer_all(answers, replies);
                writer = Some(open);
            }
            Err(_) => tracing::error!("an order batch panicked"),
        }
    }
}

/// SQLite's order writer: a rusqlite connection on the writer's thread (see the module's
/// comment).
pub struct SqliteWriter {
    conn: SqliteExec,
    checkpoints: Checkpoints,
}

impl SqliteWriter {
    pub fn open(file: &Path) -> anyhow::Result<SqliteWriter> {
        let conn = open_sqlite_writer(file)?;
        // Checkpoints run on a thread of their own (`db::checkpoints`), not in our commits.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(SqliteWriter {
            conn: SqliteExec::new(conn),
            checkpoints: Checkpoints::start(file)?,
        })
    }

    /// As [`write_batch`], on this connection.
    pub fn write_batch(&mut self, orders: &[BatchOrder]) -> Vec<Answer> {
        let written = self.try_write_batch(orders);
        if !self.conn.conn().is_autocommit() {
            // The batch failed inside its transaction: nothing of it stays.
            if let Err(e) = self.conn.conn().execute_batch("ROLLBACK") {
                tracing::error!("the order writer cannot roll back: {e}");
            }
        }
        written.unwrap_or_else(|e| batch_failed(orders, &e))
    }

    /// First the whole batch in one go, no savepoints: a savepoint copies each page an
    /// order first writes into its journal, and those copies took about a tenth of the
    /// writer's time. When an order of it is not recorded (a refusal, an error, a panic),
    /// the transaction is rolled back and the batch written again the careful way, each
    /// order in a savepoint of its own ([`write_orders`]).
    fn try_write_batch(&mut self, orders: &[BatchOrder]) -> anyhow::Result<Vec<Answer>> {
        let sql = |conn: &SqliteExec, sql| conn.conn().execute_batch(sql).map_err(sqlite_error);
        // Every statement on rusqlite is synchronous: the futures are ready at once.
        let waited = || anyhow::anyhow!("an order's write waited on rusqlite");
        sql(&self.conn, "BEGIN IMMEDIATE")?;
        let all = write_all_or_none(&mut self.conn, orders);
        let answers = match all.now_or_never().ok_or_else(waited)? {
            Some(answers) => answers,
            None => {
                sql(&self.conn, "ROLLBACK")?;
                sql(&self.conn, "BEGIN IMMEDIATE")?;
                let each = write_orders(&mut self.conn, orders);
                each.now_or_never().ok_or_else(waited)??
            }
        };
        sql(&self.conn, "COMMIT")?;
        self.checkpoints.committed();
        Ok(answers)
    }
}

/// An order for [`write_batch`]: the order, the program it is priced by, and `now`.
pub type BatchOrder = (ParsedOrder, Arc<LoadedProgram>, DateTime<FixedOffset>);

/// Writes `orders` in one transaction, each in its own savepoint, and answers each, in
/// order, once the transaction is committed. When the transaction itself fails, every
/// order in it answers the failure (none is recorded).
/// Through sqlx (see [`SqliteWriter::write_batch`] for the writer thread's).
pub async fn write_batch(db: &Db, orders: &[BatchOrder]) -> Vec<Answer> {
    match try_write_batch(db, orders).await {
        Ok(answers) => answers,
        Err(e) => batch_failed(orders, &e.into()),
    }
}

/// Every order of a batch that was not recorded answers why.
fn batch_failed(orders: &[BatchOrder], e: &anyhow::Error) -> Vec<Answer> {
    tracing::error!("a batch of {} orders was not recorded: {e}", orders.len());
    orders
        .iter()
        .map(|_| {
            Err(Failure::Internal(anyhow::anyhow!(
                "the order's batch was not recorded: {e}"
            )))
        })
        .collect()
}

async fn try_write_batch(db: &Db, orders: &[BatchOrder]) -> Result<Vec<Answer>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let answers = write_orders(&mut tx, orders).await?;
    tx.commit().await?;
    Ok(answers)
}

/// Writes `orders` in the transaction open on `conn`, one after another with no savepoint;
/// `None` as soon as one fails after it wrote (the caller rolls the transaction back). A
/// replay, or an order refused by its checks, wrote nothing: its answer stands.
async fn write_all_or_none(conn: &mut impl Exec, orders: &[BatchOrder]) -> Option<Vec<Answer>> {
    let mut answers = Vec::with_capacity(orders.len());
    for batch_order in orders {
        match write_one(conn, batch_order).await {
            Written::Kept(answer) => answers.push(answer),
            Written::Undo(_) => return None,
        }
    }
    Some(answers)
}

/// An order's answer in a batch, and whether the transaction holds writes of it to undo.
enum Written {
    /// Recorded, replayed, or refused before it wrote anything.
    Kept(Answer),
    /// Refused or failed after it wrote: its writes must be rolled back.
    Undo(Answer),
}

/// Checks and writes one order of a batch in the transaction open on `conn`. A panic
/// while doing so (a bug in the rules for one cart, say) answers that order with an error.
async fn write_one(conn: &mut impl Exec, (order, program, now): &BatchOrder) -> Written {
    let panicked = || {
        Err(Failure::Internal(anyhow::anyhow!(
            "recording the order panicked"
        )))
    };
    // Only reads: nothing to undo when it refuses.
    let admitted = AssertUnwindSafe(admit(conn, order, now))
        .catch_unwind()
        .await;
    let order = match admitted {
        Ok(Ok(Checked::Ready(order))) => order,
        Ok(Ok(Checked::Replayed(replayed))) => return Written::Kept(Ok(*replayed)),
        Ok(Err(refused)) => return Written::Kept(Err(refused)),
        Err(_) => return Written::Kept(panicked()),
    };
    let written = AssertUnwindSafe(write(
        conn,
        &program.program,
        &order,
        now,
        ChecksRan::InItsTransaction,
    ))
    .catch_unwind()
    .await;
    Written::Undo(match written {
        // One writer at a time (BEGIN IMMEDIATE), and the stored-answer check sees this
        // batch's earlier orders: a unique violation here is not a concurrent order but a
        // collision elsewhere (a generated id), our fault.
        Ok(Err(Failure::Storage(e))) if is_unique_violation(&e) => Err(Failure::Internal(
            anyhow::anyhow!("a unique violation while recording the order: {e}"),
        )),
        Ok(Ok(recorded)) => return Written::Kept(Ok(recorded)),
        Ok(refused) => refused,
        Err(_) => panicked(),
    })
}

/// Writes `orders` in the transaction open on `conn`, each in a savepoint of its own.
async fn write_orders(conn: &mut impl Exec, orders: &[BatchOrder]) -> sqlx::Result<Vec<Answer>> {
    let mut answers = Vec::with_capacity(orders.len());
    for batch_order in orders {
        conn.run("SAVEPOINT order_write", &[]).await?;
        // An order not recorded after it wrote (a panic too) rolls back its savepoint; the
        // others are kept.
        let answer = match write_one(conn, batch_order).await {
            Written::Kept(answer) => answer,
            Written::Undo(answer) => {
                conn.run("ROLLBACK TO order_write", &[]).await?;
                answer
            }
        };
        conn.run("RELEASE order_write", &[]).await?;
        answers.push(answer);
    }
    Ok(answers)
}
