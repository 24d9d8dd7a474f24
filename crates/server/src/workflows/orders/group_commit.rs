//! Group commit: SQLite has one writer, so the orders of concurrent requests are written
//! by one task, as many as are waiting in one transaction. Each order runs in a
//! savepoint of its own: a refused order rolls back its savepoint only and answers its
//! refusal, the others are kept. Nobody gets an answer before the commit, so an answer
//! means the order is on disk, and a crash mid-batch loses only orders that were never
//! answered (the shop retries them; idempotency makes the retry safe).
//!
//! Why: before, every request opened its own `BEGIN IMMEDIATE` and waited on SQLite's
//! busy handler, which sleeps and retries; 16 shops sending at once spent most of their
//! time asleep, and each order paid a commit of its own.
//!
//! PostgreSQL keeps a transaction per order ([`super::record_order`]): its row locks let
//! different members' orders commit side by side, and two servers can share it.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use futures_util::FutureExt as _;
use sqlx::Acquire;
use tokio::sync::{mpsc, oneshot};

use super::{check, record_order, write, Checked, CheckedOrder, OrderRecorded, OrderRequest};
use crate::db::{backend, begin_write, is_unique_violation, Backend, Db};
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
    order: CheckedOrder,
    program: Arc<LoadedProgram>,
    now: DateTime<FixedOffset>,
    reply: oneshot::Sender<Answer>,
}

/// Records orders: through one writer task on SQLite, in a transaction each on
/// PostgreSQL (see the module's comment). Cheap to share; the task starts on first use,
/// and again if it has stopped (its runtime shut down while this lives on).
pub struct OrderWriter {
    db: Db,
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl OrderWriter {
    pub fn new(db: Db) -> OrderWriter {
        OrderWriter {
            db,
            queue: Mutex::new(None),
        }
    }

    /// Records an order (see `super`'s comment). `now` is the server's clock.
    pub async fn record(
        &self,
        program: &Arc<LoadedProgram>,
        req: OrderRequest,
        now: &DateTime<FixedOffset>,
    ) -> Answer {
        if backend(&self.db) == Backend::Postgres {
            return record_order(&self.db, &program.program, req, now).await;
        }
        // The checks read only: they run beside the writer, on connections of their own.
        let order = match check(&self.db, req, now).await? {
            Checked::Replayed(replayed) => return Ok(replayed),
            Checked::Ready(order) => order,
        };
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
                tokio::spawn(run(self.db.clone(), receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// The writer: takes every order waiting (up to [`MAX_BATCH`]) and writes them together.
async fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        // In a task of its own: a panic outside an order's own write (which answers that
        // order only, see `try_write_batch`) answers this batch's requests with an error
        // (their reply senders drop) and leaves the writer running.
        let db = db.clone();
        let batch = tokio::spawn(async move {
            let (orders, replies): (Vec<_>, Vec<_>) = jobs
                .into_iter()
                .map(|j| ((j.order, j.program, j.now), j.reply))
                .unzip();
            for (answer, reply) in write_batch(&db, &orders).await.into_iter().zip(replies) {
                // The request may have gone (client hung up); the order stands.
                let _ = reply.send(answer);
            }
        });
        if let Err(e) = batch.await {
            tracing::error!("an order batch failed: {e}");
        }
    }
}

/// An order for [`write_batch`]: the order, the program it is priced by, and `now`.
pub type BatchOrder = (CheckedOrder, Arc<LoadedProgram>, DateTime<FixedOffset>);

/// Writes `orders` in one transaction, each in its own savepoint, and answers each, in
/// order, once the transaction is committed. When the transaction itself fails, every
/// order in it answers the failure (none is recorded).
pub async fn write_batch(db: &Db, orders: &[BatchOrder]) -> Vec<Answer> {
    match try_write_batch(db, orders).await {
        Ok(answers) => answers,
        Err(e) => {
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
    }
}

async fn try_write_batch(db: &Db, orders: &[BatchOrder]) -> Result<Vec<Answer>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let mut answers = Vec::with_capacity(orders.len());
    for (order, program, now) in orders {
        let mut savepoint = tx.begin().await?;
        // A panic while writing one order (a bug in the rules for one cart, say) answers
        // that order with an error and rolls back its savepoint; the others are kept.
        let written = AssertUnwindSafe(write(&mut savepoint, &program.program, order, now))
            .catch_unwind()
            .await;
        let answer = match written {
            // One writer at a time (BEGIN IMMEDIATE), and the stored-answer check sees
            // this batch's earlier orders: a unique violation here is not a concurrent
            // order but a collision elsewhere (a generated id), our fault.
            Ok(Err(Failure::Storage(e))) if is_unique_violation(&e) => Err(Failure::Internal(
                anyhow::anyhow!("a unique violation while recording the order: {e}"),
            )),
            Ok(answer) => answer,
            Err(_) => Err(Failure::Internal(anyhow::anyhow!(
                "recording the order panicked"
            ))),
        };
        match &answer {
            Ok(recorded) if !recorded.replayed => savepoint.commit().await?,
            _ => savepoint.rollback().await?,
        }
        answers.push(answer);
    }
    tx.commit().await?;
    Ok(answers)
}
