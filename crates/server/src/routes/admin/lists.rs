//! What the console's lists share: a page's `limit`, a local date in a query, and the
//! spreadsheet (CSV) a list downloads as.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use contract::ErrorCode;

use crate::error::ApiError;

const PAGE_DEFAULT: u32 = 50;
const PAGE_MAX: u32 = 200;
/// A spreadsheet of more rows than this is cut there (narrow the filters).
const SPREADSHEET_MAX_ROWS: usize = 100_000;
/// Rows read a query at a time for a spreadsheet.
pub const SPREADSHEET_BATCH: i64 = 1_000;

/// A page's size: 1 to `PAGE_MAX`, `PAGE_DEFAULT` when not asked.
pub fn page_limit(asked: Option<u32>) -> Result<u32, ApiError> {
    let limit = asked.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidLimit,
            format!("limit must be 1 to {PAGE_MAX}"),
        ));
    }
    Ok(limit)
}

/// A query's local date (`YYYY-MM-DD`) named `name`, if given.
pub fn local_date(name: &str, text: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    text.as_deref().map(|t| date(name, t)).transpose()
}

/// A query's local date (`YYYY-MM-DD`) named `name`.
pub fn date(name: &str, text: &str) -> Result<NaiveDate, ApiError> {
    rules::rfc3339::parse_date(text).map_err(|_| {
        ApiError::invalid(ErrorCode::InvalidDate, format!("{name} must be YYYY-MM-DD"))
    })
}

/// A list as CSV, written row by row up to `SPREADSHEET_MAX_ROWS`.
pub struct Spreadsheet {
    out: csv::Writer<Vec<u8>>,
    rows: usize,
}

impl Spreadsheet {
    pub fn new(header: &[&str]) -> Result<Spreadsheet, ApiError> {
        // A byte-order mark: spreadsheet programs then read the Chinese in it as UTF-8.
        let mut sheet = Spreadsheet {
            out: csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec()),
            rows: 0,
        };
        sheet.write(header)?;
        Ok(sheet)
    }

    /// Whether another row fits.
    pub fn has_room(&self) -> bool {
        self.rows < SPREADSHEET_MAX_ROWS
    }

    /// Adds a row; nothing once the sheet is full.
    pub fn row<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<(), ApiError> {
        if self.has_room() {
            self.write(fields)?;
            self.rows += 1;
        }
        Ok(())
    }

    fn write<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<(), ApiError> {
        self.out
            .write_record(fields)
            .map_err(|e| ApiError::Internal(e.into()))
    }

    /// The download, as `filename`.
    pub fn into_response(self, filename: &str) -> Result<Response, ApiError> {
        let body = self
            .out
            .into_inner()
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
        let disposition = format!("attachment; filename=\"{filename}\"");
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    }
}
