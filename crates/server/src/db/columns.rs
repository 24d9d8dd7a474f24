//! A row's columns by name, whichever driver read it: sqlx's `Any` row, or rusqlite's on
//! SQLite's read path ([`super::sqlite_reads`]). The rows both read are parsed once, by
//! code generic over [`Columns`] (a member, the sums, a wallet coupon).

use anyhow::Context as _;
use sqlx::Row as _;

pub trait Columns {
    fn text(&self, name: &str) -> anyhow::Result<Option<String>>;
    fn int(&self, name: &str) -> anyhow::Result<Option<i64>>;

    fn text_required(&self, name: &str) -> anyhow::Result<String> {
        self.text(name)?
            .with_context(|| format!("column `{name}` is NULL"))
    }

    fn int_required(&self, name: &str) -> anyhow::Result<i64> {
        self.int(name)?
            .with_context(|| format!("column `{name}` is NULL"))
    }
}

impl Columns for super::Row {
    fn text(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self.try_get(name)?)
    }

    fn int(&self, name: &str) -> anyhow::Result<Option<i64>> {
        Ok(self.try_get(name)?)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self.get(name)?)
    }

    fn int(&self, name: &str) -> anyhow::Result<Option<i64>> {
        Ok(self.get(name)?)
    }
}
