//! A row's columns by name, whichever driver read it: sqlx's `Any` row, or rusqlite's on
//! SQLite's read path ([`super::sqlite_reads`]). The rows both read are parsed once, by
//! code generic over [`Columns`] (a member, the sums, a wallet coupon).

use std::collections::HashMap;

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

/// A rusqlite row with its statement's column names looked up once ([`ColumnIndex`]):
/// rusqlite finds a column by name by comparing it with every column's name, through
/// SQLite, on every read.
pub struct IndexedRow<'a> {
    pub row: &'a rusqlite::Row<'a>,
    pub index: &'a ColumnIndex,
}

/// A statement's column positions by name.
pub struct ColumnIndex(HashMap<String, usize>);

impl ColumnIndex {
    pub fn of(statement: &rusqlite::Statement<'_>) -> ColumnIndex {
        let names = statement.column_names().into_iter().enumerate();
        ColumnIndex(names.map(|(i, name)| (name.to_owned(), i)).collect())
    }
}

impl IndexedRow<'_> {
    fn at(&self, name: &str) -> anyhow::Result<usize> {
        self.index
            .0
            .get(name)
            .copied()
            .with_context(|| format!("no column `{name}`"))
    }
}

impl Columns for IndexedRow<'_> {
    fn text(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self.row.get(self.at(name)?)?)
    }

    fn int(&self, name: &str) -> anyhow::Result<Option<i64>> {
        Ok(self.row.get(self.at(name)?)?)
    }
}
