//! How the API's instants and dates are read: `serde(deserialize_with = …)` with these
//! functions on every `DateTime<FixedOffset>` and `NaiveDate` field of a `Deserialize`
//! type in the rules and the contract (one rule, nothing to decide field by field; the
//! test `every_wire_date_field_is_read_here` holds it). This is the one place where the
//! browser reads differently from the server:
//!
//! - in the browser, chrono's dedicated RFC 3339 reader (`DateTime::parse_from_rfc3339`,
//!   a few hundred bytes; a date is read by it as that date's midnight in UTC), for
//!   strings the server always writes in one form;
//! - natively, chrono's own `FromStr`, its general format parser (format items,
//!   `Parsed`, a relaxed RFC 3339 with spaces and `UTC`): a shop's input may use the
//!   relaxed forms. In the browser it would be about 6 kB brotli of the first screen.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// An RFC 3339 instant with its offset: `2026-03-01T00:00:00+08:00`, `…Z`, `….250+08:00`.
pub fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    read_instant(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// [`instant`], or `null`.
pub fn opt_instant<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| read_instant(&s).map_err(D::Error::custom))
        .transpose()
}

/// A calendar date: `2026-03-01`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    read_date(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// [`date`], or `null`.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| read_date(&s).map_err(D::Error::custom))
        .transpose()
}

/// An instant as this target reads the wire's (see the module's comment).
fn read_instant(s: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    #[cfg(target_arch = "wasm32")]
    return parse_instant(s);
    #[cfg(not(target_arch = "wasm32"))]
    return s.parse();
}

/// A date as this target reads the wire's (see the module's comment).
fn read_date(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    #[cfg(target_arch = "wasm32")]
    return parse_date(s);
    #[cfg(not(target_arch = "wasm32"))]
    return s.parse();
}

/// An RFC 3339 instant, strictly (what [`instant`] reads in the browser).
pub fn parse_instant(s: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s)
}

/// A calendar date, strictly (what [`date`] reads in the browser; also what
/// `<input type=date>` gives).
pub fn parse_date(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    // Exactly a date: anything after it would make the instant below unreadable.
    let mut midnight = String::with_capacity(s.len() + 10);
    midnight.push_str(s);
    midnight.push_str("T00:00:00Z");
    Ok(DateTime::parse_from_rfc3339(&midnight)?.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Read {
        #[serde(deserialize_with = "instant")]
        at: DateTime<FixedOffset>,
        #[serde(default, deserialize_with = "opt_instant")]
        used: Option<DateTime<FixedOffset>>,
        #[serde(deserialize_with = "date")]
        on: NaiveDate,
        #[serde(default, deserialize_with = "opt_date")]
        birthday: Option<NaiveDate>,
    }

    fn read(value: serde_json::Value) -> Result<Read, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn reads_what_chrono_writes_as_chrono_reads_it() {
        let instants = [
            "2026-03-01T00:00:00+08:00",
            "2026-12-31T23:59:59Z",
            "2027-06-18T10:00:00.250+08:00",
            "2026-01-01T00:00:00.123456789-05:30",
        ];
        for s in instants {
            let chrono: DateTime<FixedOffset> = s.parse().unwrap();
            assert_eq!(parse_instant(s).unwrap(), chrono, "{s}");
            // And what chrono's serializer writes of it reads back the same.
            let written = serde_json::to_value(chrono).unwrap();
            let r = read(json!({ "at": written, "on": "2026-03-01" })).unwrap();
            assert_eq!(r.at, chrono);
            assert_eq!(r.at.offset(), chrono.offset());
        }
        for s in ["2026-03-01", "2028-02-29", "1990-12-31"] {
            assert_eq!(
                parse_date(s).unwrap(),
                s.parse::<NaiveDate>().unwrap(),
                "{s}"
            );
            let written = serde_json::to_value(s.parse::<NaiveDate>().unwrap()).unwrap();
            let r = read(json!({ "at": "2026-03-01T00:00:00Z", "on": written })).unwrap();
            assert_eq!(r.on.to_string(), s);
        }
    }

    #[test]
    fn optional_fields_read_null_missing_and_a_value() {
        let base = json!({ "at": "2026-03-01T00:00:00Z", "on": "2026-03-01" });
        let r = read(base.clone()).unwrap();
        assert_eq!((r.used, r.birthday), (None, None));
        let mut with_null = base.clone();
        with_null["used"] = json!(null);
        with_null["birthday"] = json!(null);
        let r = read(with_null).unwrap();
        assert_eq!((r.used, r.birthday), (None, None));
        let mut with = base;
        with["used"] = json!("2026-03-02T08:00:00+08:00");
        with["birthday"] = json!("1990-05-20");
        let r = read(with).unwrap();
        assert_eq!(r.used.unwrap().to_rfc3339(), "2026-03-02T08:00:00+08:00");
        assert_eq!(r.birthday.unwrap().to_string(), "1990-05-20");
    }

    /// A date field without the attribute would bring chrono's general parser back into
    /// the first screen's download, and nothing but the bench's byte figure would say so;
    /// one with a target-dependent attribute would read differently outside this module.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_wire_date_field_is_read_here() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut fields = 0;
        let mut missing = Vec::new();
        for dir in ["rules/src", "contract/src"] {
            for entry in std::fs::read_dir(crates.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                // Only the code before the file's tests.
                let code = text.split("#[cfg(test)]").next().unwrap();
                let lines: Vec<&str> = code.lines().collect();
                let mut deserialized = false;
                for (i, line) in lines.iter().enumerate() {
                    let line = line.trim();
                    if line.starts_with("#[derive(") {
                        deserialized = line.contains("Deserialize");
                    }
                    let Some((_, ty)) = line.strip_prefix("pub ").and_then(|f| f.split_once(": "))
                    else {
                        continue;
                    };
                    let ty = ty.trim_end_matches(',');
                    let ty = ty
                        .strip_prefix("Option<")
                        .and_then(|t| t.strip_suffix('>'))
                        .unwrap_or(ty);
                    if !deserialized || !matches!(ty, "DateTime<FixedOffset>" | "NaiveDate") {
                        continue;
                    }
                    fields += 1;
                    let attribute = lines[i.saturating_sub(4)..i].concat();
                    if !attribute.contains("rfc3339::") || attribute.contains("target_arch") {
                        missing.push(format!("{}:{}", path.display(), i + 1));
                    }
                }
            }
        }
        // 29 when written (birthdays have their own type, `Birthday`, read without chrono).
        assert!(
            fields >= 25,
            "found only {fields} date fields: the scan is broken"
        );
        assert!(
            missing.is_empty(),
            "date fields read by chrono's FromStr: {missing:?}"
        );
    }

    #[test]
    fn refuses_what_is_not_exactly_an_instant_or_a_date() {
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T00:00:00",
            "2026-02-30T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T00:00:00+08:00 trailing",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
        for bad in [
            "",
            "2026-02-30",
            "2026-13-01",
            "2026-3-1",
            "2026-03-01T00:00:00Z",
            "2026-03-01 ",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let not_a_date = json!({ "at": "2026-03-01T00:00:00Z", "on": "yesterday" });
        assert!(read(not_a_date).is_err());
        let a_number = json!({ "at": 20260301, "on": "2026-03-01" });
        assert!(read(a_number).is_err());
    }
}
