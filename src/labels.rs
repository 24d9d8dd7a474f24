//! Text for values that come from the rules (coupon kinds, error codes, categories), in
//! the given locale. Pure functions of the locale, so they are tested natively.

use chrono::{DateTime, FixedOffset};
use rules::money::{format_yuan, Fen};
use rules::{Coupon, CouponKind};

use crate::display::zhe;
use crate::i18n::*;

/// Fills `{name}` placeholders of a translated template. (leptos_i18n's own
/// interpolation returns views, or strings only with an option its Cargo.toml
/// configuration cannot set; attributes and `<option>`s need strings.)
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Yuan without the sign, for phrases like 满100减15: `10000` → `100`, `9950` → `99.50`.
pub fn yuan_plain(fen: Fen) -> String {
    format_yuan(fen).replacen('¥', "", 1)
}

/// A coupon described by its kind: `满100减15` / `¥15 off ¥100+`.
pub fn coupon_kind(locale: Locale, kind: &CouponKind) -> String {
    match kind {
        CouponKind::NoThreshold { off_fen } => fill(
            td_string!(locale, coupon_kind.no_threshold),
            &[("off", &yuan_plain(*off_fen))],
        ),
        CouponKind::Threshold {
            min_spend_fen,
            off_fen,
        } => fill(
            td_string!(locale, coupon_kind.threshold),
            &[
                ("min", &yuan_plain(*min_spend_fen)),
                ("off", &yuan_plain(*off_fen)),
            ],
        ),
        CouponKind::Percent {
            percent_off,
            max_off_fen,
        } => {
            let template = match max_off_fen {
                None => td_string!(locale, coupon_kind.percent),
                Some(_) => td_string!(locale, coupon_kind.percent_capped),
            };
            let cap = max_off_fen.map(yuan_plain).unwrap_or_default();
            fill(
                template,
                &[
                    ("zhe", &zhe(*percent_off)),
                    ("percent", &percent_off.to_string()),
                    ("cap", &cap),
                ],
            )
        }
    }
}

/// A wallet coupon for the coupon picker: its kind, and why it can't be used now if so.
pub fn coupon_option(locale: Locale, coupon: &Coupon, now: &DateTime<FixedOffset>) -> String {
    let status = if *now < coupon.valid_from {
        td_string!(locale, coupon_status.not_yet_valid)
    } else if *now >= coupon.valid_until {
        td_string!(locale, coupon_status.expired)
    } else {
        ""
    };
    format!("{}{status}", coupon_kind(locale, &coupon.kind))
}

/// A quote error code as a friendly sentence.
pub fn quote_error(locale: Locale, code: &str) -> &'static str {
    match code {
        "invalid_cart" => td_string!(locale, errors.invalid_cart),
        "invalid_member" => td_string!(locale, errors.invalid_member),
        "invalid_options" => td_string!(locale, errors.invalid_options),
        "invalid_time" => td_string!(locale, errors.invalid_time),
        "coupon_not_found" => td_string!(locale, errors.coupon_not_found),
        "coupon_expired" => td_string!(locale, errors.coupon_expired),
        "coupon_not_yet_valid" => td_string!(locale, errors.coupon_not_yet_valid),
        "coupon_first_order_only" => td_string!(locale, errors.coupon_first_order_only),
        "coupon_below_threshold" => td_string!(locale, errors.coupon_below_threshold),
        "points_not_whole_100" => td_string!(locale, errors.points_not_whole_100),
        "points_exceed_balance" => td_string!(locale, errors.points_exceed_balance),
        "points_exceed_cap" => td_string!(locale, errors.points_exceed_cap),
        _ => td_string!(locale, errors.unknown),
    }
}

/// A login or account error code as a sentence; `{s}` is the wait in seconds.
pub fn login_error(locale: Locale, code: &str) -> &'static str {
    match code {
        "invalid_phone" => td_string!(locale, login_errors.invalid_phone),
        "code_invalid" => td_string!(locale, login_errors.code_invalid),
        "code_expired" => td_string!(locale, login_errors.code_expired),
        "too_many_attempts" => td_string!(locale, login_errors.too_many_attempts),
        "code_sent_recently" => td_string!(locale, login_errors.code_sent_recently),
        "too_many_requests" => td_string!(locale, login_errors.too_many_requests),
        "too_many_codes" => td_string!(locale, login_errors.too_many_codes),
        "consent_required" => td_string!(locale, login_errors.consent_required),
        "invalid_code" => td_string!(locale, login_errors.invalid_code),
        "network" => td_string!(locale, login_errors.network),
        "already_checked_in" => td_string!(locale, points.already_checked_in),
        "birthday_already_set" => td_string!(locale, profile.birthday_already_set),
        "invalid_birthday" => td_string!(locale, profile.birthday_invalid),
        "invalid_nickname" => td_string!(locale, profile.nickname_invalid),
        "unauthorized" => td_string!(locale, login.need_login),
        _ => td_string!(locale, login_errors.unknown),
    }
}

/// A points ledger entry's kind as a name.
pub fn points_kind(locale: Locale, kind: &str) -> &'static str {
    match kind {
        "earn" => td_string!(locale, points_kind.earn),
        "campaign_bonus" => td_string!(locale, points_kind.campaign_bonus),
        "order_bonus" => td_string!(locale, points_kind.order_bonus),
        "milestone_bonus" => td_string!(locale, points_kind.milestone_bonus),
        "checkin" => td_string!(locale, points_kind.checkin),
        "refund_return" => td_string!(locale, points_kind.refund_return),
        "opening" => td_string!(locale, points_kind.opening),
        "points_used" => td_string!(locale, points_kind.points_used),
        "refund_take_back" => td_string!(locale, points_kind.refund_take_back),
        "milestone_take_back" => td_string!(locale, points_kind.milestone_take_back),
        "expire" => td_string!(locale, points_kind.expire),
        _ => td_string!(locale, points_kind.other),
    }
}

/// A category id of the cart editor as a name; unknown ids are shown as they are.
pub fn category(locale: Locale, id: &str) -> String {
    match id {
        "apparel" => td_string!(locale, categories.apparel).to_string(),
        "electronics" => td_string!(locale, categories.electronics).to_string(),
        "home" => td_string!(locale, categories.home).to_string(),
        "beauty" => td_string!(locale, categories.beauty).to_string(),
        "fresh" => td_string!(locale, categories.fresh).to_string(),
        "special" => td_string!(locale, categories.special).to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview_model::CATEGORIES;

    #[test]
    fn templates_are_filled_by_name() {
        assert_eq!(
            fill("满{min}减{off}", &[("off", "15"), ("min", "100")]),
            "满100减15"
        );
        assert_eq!(fill("no placeholder", &[("x", "1")]), "no placeholder");
        assert_eq!(fill("{a}{a}", &[("a", "¥1")]), "¥1¥1");
    }

    #[test]
    fn coupon_kinds_in_both_languages() {
        let threshold = CouponKind::Threshold {
            min_spend_fen: 10000,
            off_fen: 1500,
        };
        assert_eq!(coupon_kind(Locale::zh, &threshold), "满100减15");
        assert_eq!(coupon_kind(Locale::en, &threshold), "¥15 off ¥100+");
        let free = CouponKind::NoThreshold { off_fen: 1000 };
        assert_eq!(coupon_kind(Locale::zh, &free), "10元无门槛券");
        let pct = CouponKind::Percent {
            percent_off: 15,
            max_off_fen: Some(5000),
        };
        assert_eq!(coupon_kind(Locale::zh, &pct), "8.5折券（最高减50元）");
        assert_eq!(coupon_kind(Locale::en, &pct), "15% off (up to ¥50)");
    }

    #[test]
    fn coupon_options_say_when_unusable() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let coupon = Coupon {
            id: "c".into(),
            kind: CouponKind::NoThreshold { off_fen: 500 },
            valid_from: at("2026-03-01T00:00:00+08:00"),
            valid_until: at("2026-04-01T00:00:00+08:00"),
            first_order_only: false,
        };
        let label = |now: &str| coupon_option(Locale::zh, &coupon, &at(now));
        assert_eq!(label("2026-03-10T10:00:00+08:00"), "5元无门槛券");
        assert_eq!(label("2026-04-01T00:00:00+08:00"), "5元无门槛券（已过期）");
        assert_eq!(
            label("2026-02-28T23:59:59+08:00"),
            "5元无门槛券（未到使用时间）"
        );
        let en = coupon_option(Locale::en, &coupon, &at("2026-05-01T00:00:00+08:00"));
        assert_eq!(en, "¥5 off, no minimum (expired)");
    }

    #[test]
    fn every_quote_error_code_has_its_own_text() {
        let codes = [
            "invalid_cart",
            "invalid_member",
            "invalid_options",
            "invalid_time",
            "coupon_not_found",
            "coupon_expired",
            "coupon_not_yet_valid",
            "coupon_first_order_only",
            "coupon_below_threshold",
            "points_not_whole_100",
            "points_exceed_balance",
            "points_exceed_cap",
        ];
        let unknown = quote_error(Locale::zh, "something_new");
        for locale in [Locale::zh, Locale::en] {
            let mut seen = std::collections::HashSet::new();
            for code in codes {
                let text = quote_error(locale, code);
                assert!(seen.insert(text), "{code}: {text}");
                assert_ne!(text, quote_error(locale, "something_new"));
            }
        }
        assert_eq!(unknown, "暂时无法试算，请稍后再试");
    }

    #[test]
    fn every_login_error_and_entry_kind_has_its_own_text() {
        let codes = [
            "invalid_phone",
            "code_invalid",
            "code_expired",
            "too_many_attempts",
            "code_sent_recently",
            "too_many_requests",
            "too_many_codes",
            "consent_required",
            "invalid_code",
        ];
        let kinds = [
            "earn",
            "campaign_bonus",
            "order_bonus",
            "milestone_bonus",
            "checkin",
            "refund_return",
            "opening",
            "points_used",
            "refund_take_back",
            "milestone_take_back",
            "expire",
        ];
        for locale in [Locale::zh, Locale::en] {
            let mut seen = std::collections::HashSet::new();
            for code in codes {
                assert!(seen.insert(login_error(locale, code)), "{code}");
            }
            assert!(!seen.contains(login_error(locale, "new_code")));
            let mut seen = std::collections::HashSet::new();
            for kind in kinds {
                assert!(seen.insert(points_kind(locale, kind)), "{kind}");
            }
            assert!(!seen.contains(points_kind(locale, "new_kind")));
        }
    }

    #[test]
    fn every_category_has_a_name() {
        for id in CATEGORIES {
            assert_ne!(category(Locale::zh, id), id);
            assert_ne!(category(Locale::en, id), id);
        }
        assert_eq!(category(Locale::zh, "fresh"), "生鲜");
    }
}
