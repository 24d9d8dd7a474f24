//! Checkpoints of an SQLite file's write-ahead log on a thread of their own, for the order
//! writer ([`crate::workflows::orders::group_commit`]).
//!
//! Why: by default the connection whose commit takes the log past 1,000 pages copies the
//! log into the database file then and there, and syncs both files. On the order writer's
//! thread that stopped every order in flight for the copy and the syncs: about a third of
//! its throughput (measured: ~4,400 orders/s with the checkpoints in its commits, ~6,000
//! without). The writer turns its own checkpoints off (`wal_autocheckpoint = 0`) and tells
//! this thread after each commit; the thread checkpoints at most every [`EVERY`], in
//! SQLite's `PASSIVE` mode, which never blocks the writer nor a reader. The pool's
//! connections keep the default (their writes are few).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::time::Duration;

use super::open_sqlite_writer;

/// The longest a commit waits to be checkpointed, under load: the commits of that moment
/// are checkpointed together.
const EVERY: Duration = Duration::from_millis(100);

/// The checkpointing thread of one database file; it ends when this is dropped.
pub struct Checkpoints {
    wake: SyncSender<()>,
}

impl Checkpoints {
    pub fn start(file: &Path) -> std::io::Result<Checkpoints> {
        let (wake, woken) = mpsc::sync_channel(1);
        let file = file.to_path_buf();
        std::thread::Builder::new()
            .name("wal-checkpoints".into())
            .spawn(move || run(file, woken))?;
        Ok(Checkpoints { wake })
    }

    /// After a commit: the log is checkpointed within [`EVERY`].
    pub fn committed(&self) {
        // Full: a checkpoint is already due, which will take this commit too.
        let _ = self.wake.try_send(());
    }
}

fn run(file: PathBuf, woken: Receiver<()>) {
    let mut conn = None;
    while woken.recv().is_ok() {
        std::thread::sleep(EVERY);
        while woken.try_recv().is_ok() {}
        let open = match conn.take() {
            Some(open) => Ok(open),
            None => open_sqlite_writer(&file),
        };
        // A failure is logged and tried again at the next commit; the log grows meanwhile.
        let checkpointed = open.and_then(|c| {
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            Ok(c)
        });
        match checkpointed {
            Ok(c) => conn = Some(c),
            Err(e) => tracing::warn!("the write-ahead log's checkpoint failed: {e}"),
        }
    }
}
