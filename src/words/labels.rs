//! Text for values that come from the rules (coupon kinds, error codes, categories), in
//! the given locale. Pure functions of the locale, so they are tested natively.

use chrono::{DateTime, FixedOffset};
use contract::coupons::{CouponSource, CouponStatus};
use contract::mall::Ineligible;
use contract::points::EntryKind;
use contract::ErrorCode;
use rules::coupon::CouponProblem;
use rules::money::format_yuan;
use rules::{Coupon, CouponKind, Text};

use crate::i18n::*;
use crate::words::display::{last_day, zhe};

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

/// Names as one list in a sentence: `普通会员、银卡会员`, `Regular, Silver and Gold`.
pub fn list(locale: Locale, names: &[&str]) -> String {
    match (locale, names) {
        (Locale::zh, _) => names.join("、"),
        (Locale::en, [.., last]) if names.len() > 1 => {
            format!("{} and {last}", names[..names.len() - 1].join(", "))
        }
        (Locale::en, _) => names.join(""),
    }
}

/// A coupon described by its kind: `满¥100.00减¥15.00` / `¥15.00 off ¥100.00+`.
pub fn coupon_kind(locale: Locale, kind: &CouponKind) -> String {
    match kind {
        CouponKind::NoThreshold { off_fen } => fill(
            td_string!(locale, coupon_kind.no_threshold),
            &[("off", &format_yuan(*off_fen))],
        ),
        CouponKind::Threshold {
            min_spend_fen,
            off_fen,
        } => fill(
            td_string!(locale, coupon_kind.threshold),
            &[
                ("min", &format_yuan(*min_spend_fen)),
                ("off", &format_yuan(*off_fen)),
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
            let cap = max_off_fen.map(format_yuan).unwrap_or_default();
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

/// A wallet coupon for the coupon picker, told apart from its neighbours: its title (when
/// known), its value, its last day, and why it can't be used now if so (the rules decide:
/// `Coupon::validity`).
pub fn coupon_option(
    locale: Locale,
    coupon: &Coupon,
    title: Option<&Text>,
    now: &DateTime<FixedOffset>,
) -> String {
    let status = match coupon.validity(now) {
        Err(CouponProblem::NotYetValid) => td_string!(locale, coupon_status.not_yet_valid),
        Err(CouponProblem::Expired) => td_string!(locale, coupon_status.expired),
        _ => "",
    };
    let value = coupon_kind(locale, &coupon.kind);
    let named = match title {
        Some(title) => format!("{} · {value}", title.get(locale.as_str())),
        None => value,
    };
    let last = fill(
        td_string!(locale, preview.coupon_last_day),
        &[("date", &last_day(&coupon.valid_until))],
    );
    format!("{named} · {last}{status}")
}

/// Any error code of the API (and the app's own two) as a sentence; `{s}` in a 429's text
/// is the wait in seconds. Exhaustive: a code added to the contract fails this build until
/// it has its text.
pub fn error_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode as E;
    match code {
        // The quote.
        E::InvalidCart => td_string!(locale, errors.invalid_cart),
        E::InvalidMember => td_string!(locale, errors.invalid_member),
        E::InvalidOptions => td_string!(locale, errors.invalid_options),
        E::InvalidTime => td_string!(locale, errors.invalid_time),
        E::CouponNotFound => td_string!(locale, errors.coupon_not_found),
        E::CouponExpired => td_string!(locale, errors.coupon_expired),
        E::CouponNotYetValid => td_string!(locale, errors.coupon_not_yet_valid),
        E::CouponFirstOrderOnly => td_string!(locale, errors.coupon_first_order_only),
        E::CouponBelowThreshold => td_string!(locale, errors.coupon_below_threshold),
        E::PointsNotWholeStep => td_string!(locale, errors.points_not_whole_100),
        E::PointsExceedBalance => td_string!(locale, errors.points_exceed_balance),
        E::PointsExceedCap => td_string!(locale, errors.points_exceed_cap),
        // Login.
        E::InvalidPhone => td_string!(locale, login_errors.invalid_phone),
        E::CodeInvalid => td_string!(locale, login_errors.code_invalid),
        E::CodeExpired => td_string!(locale, login_errors.code_expired),
        E::TooManyAttempts => td_string!(locale, login_errors.too_many_attempts),
        E::CodeSentRecently => td_string!(locale, login_errors.code_sent_recently),
        E::TooManyRequests => td_string!(locale, login_errors.too_many_requests),
        E::TooManyCodes => td_string!(locale, login_errors.too_many_codes),
        E::SmsUnavailable => td_string!(locale, login_errors.sms_unavailable),
        E::TooManyLookups => td_string!(locale, login_errors.too_many_requests),
        E::ConsentRequired => td_string!(locale, login_errors.consent_required),
        E::InvalidCode => td_string!(locale, login_errors.invalid_code),
        E::Unauthorized | E::InvalidApiKey => td_string!(locale, login.need_login),
        E::LoginLinkInvalid => td_string!(locale, login_errors.login_link_invalid),
        E::Network => td_string!(locale, login_errors.network),
        // The member's own data.
        E::AlreadyCheckedIn => td_string!(locale, points.already_checked_in),
        E::BirthdayAlreadySet => td_string!(locale, profile.birthday_already_set),
        E::InvalidBirthday => td_string!(locale, profile.birthday_invalid),
        E::InvalidNickname => td_string!(locale, profile.nickname_invalid),
        E::InvalidCharacters => td_string!(locale, api_errors.invalid_characters),
        // The mall.
        E::InsufficientPoints => ineligible(locale, Ineligible::InsufficientPoints),
        E::OutOfStock => ineligible(locale, Ineligible::OutOfStock),
        E::LimitReached => ineligible(locale, Ineligible::LimitReached),
        E::TierTooLow => ineligible(locale, Ineligible::TierTooLow),
        E::ItemNotFound => td_string!(locale, api_errors.item_not_found),
        E::IdempotencyKeyRequired | E::InvalidIdempotencyKey | E::IdempotencyConflict => {
            td_string!(locale, api_errors.idempotency)
        }
        // Invites.
        E::InviteNotFound => td_string!(locale, api_errors.invite_not_found),
        E::InviteSelf => td_string!(locale, api_errors.invite_self),
        E::InviteTooLate => td_string!(locale, api_errors.invite_too_late),
        E::InviteAlreadyAccepted => td_string!(locale, api_errors.invite_already_accepted),
        E::CouponUsed => td_string!(locale, api_errors.coupon_used),
        // Requests the app makes right never get these; if one does, say what kind it is.
        E::InvalidJson
        | E::InvalidBody
        | E::InvalidRequest
        | E::InvalidPath
        | E::InvalidQuery
        | E::UnsupportedMediaType
        | E::PayloadTooLarge
        | E::MethodNotAllowed
        | E::InvalidCursor
        | E::InvalidLimit
        | E::InvalidDate
        | E::InvalidRange
        | E::LaunchNotFound
        | E::InvalidStatus
        | E::InvalidLocale
        | E::InvalidReturnTo
        | E::ReasonRequired
        | E::InvalidStoreCode
        | E::StoreNotFound
        | E::StoreRequired
        | E::InvalidName
        | E::ApiKeyNotFound
        | E::OwnRole
        | E::InvalidAdjustment => td_string!(locale, api_errors.bad_request),
        E::Forbidden => td_string!(locale, api_errors.forbidden),
        E::NotFound | E::MemberNotFound | E::OrderNotFound | E::GrantNotFound => {
            td_string!(locale, api_errors.not_found)
        }
        // The shops' order API.
        E::InvalidOrderId
        | E::InvalidRefundId
        | E::PaidAtOutOfRange
        | E::InvalidAmount
        | E::RefundExceedsOrder => td_string!(locale, api_errors.bad_request),
        E::OrderConflict | E::RefundConflict => td_string!(locale, api_errors.conflict),
        E::Internal | E::BadResponse => td_string!(locale, api_errors.server),
    }
}

/// The text of an error shown (see `Loader::error`); none for none.
pub fn error_of(locale: Locale, code: Option<ErrorCode>) -> &'static str {
    code.map_or("", |code| error_text(locale, code))
}

/// An error's wire name for `data-code` (tests and support); empty for none.
pub fn error_name(code: Option<ErrorCode>) -> &'static str {
    code.map_or("", ErrorCode::as_str)
}

/// Why an item of the mall can't be redeemed now.
pub fn ineligible(locale: Locale, reason: Ineligible) -> &'static str {
    match reason {
        Ineligible::InsufficientPoints => td_string!(locale, mall.reason.insufficient_points),
        Ineligible::OutOfStock => td_string!(locale, mall.reason.out_of_stock),
        Ineligible::LimitReached => td_string!(locale, mall.reason.limit_reached),
        Ineligible::TierTooLow => td_string!(locale, mall.reason.tier_too_low),
    }
}

/// A points ledger entry's kind as a name.
pub fn points_kind(locale: Locale, kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Earn => td_string!(locale, points_kind.earn),
        EntryKind::CampaignBonus => td_string!(locale, points_kind.campaign_bonus),
        EntryKind::OrderBonus => td_string!(locale, points_kind.order_bonus),
        EntryKind::MilestoneBonus => td_string!(locale, points_kind.milestone_bonus),
        EntryKind::Checkin => td_string!(locale, points_kind.checkin),
        EntryKind::RefundReturn => td_string!(locale, points_kind.refund_return),
        EntryKind::Opening => td_string!(locale, points_kind.opening),
        EntryKind::PointsUsed => td_string!(locale, points_kind.points_used),
        EntryKind::RefundTakeBack => td_string!(locale, points_kind.refund_take_back),
        EntryKind::MilestoneTakeBack => td_string!(locale, points_kind.milestone_take_back),
        EntryKind::Mall => td_string!(locale, points_kind.mall),
        EntryKind::Expire => td_string!(locale, points_kind.expire),
        EntryKind::Adjustment => td_string!(locale, points_kind.adjustment),
    }
}

/// How a coupon came into the wallet.
pub fn coupon_source(locale: Locale, source: CouponSource) -> &'static str {
    match source {
        CouponSource::Welcome => td_string!(locale, wallet.source.welcome),
        CouponSource::FirstOrder => td_string!(locale, wallet.source.first_order),
        CouponSource::Monthly => td_string!(locale, wallet.source.monthly),
        CouponSource::Birthday => td_string!(locale, wallet.source.birthday),
        CouponSource::Invite => td_string!(locale, wallet.source.invite),
        CouponSource::Mall => td_string!(locale, wallet.source.mall),
        CouponSource::Campaign => td_string!(locale, wallet.source.campaign),
        CouponSource::Staff => td_string!(locale, wallet.source.staff),
    }
}

/// The stamp on a coupon that can no longer be used (an available one shows none).
pub fn coupon_stamp(locale: Locale, status: CouponStatus) -> &'static str {
    match status {
        CouponStatus::Available => td_string!(locale, wallet.tabs.available),
        CouponStatus::Used => td_string!(locale, wallet.stamp.used),
        CouponStatus::Expired => td_string!(locale, wallet.stamp.expired),
        CouponStatus::Void => td_string!(locale, wallet.stamp.void),
    }
}

/// A coupon's status as the wallet names it (the third tab holds the expired and the void).
pub fn coupon_status(locale: Locale, status: CouponStatus) -> &'static str {
    match status {
        CouponStatus::Available => td_string!(locale, wallet.tabs.available),
        CouponStatus::Used => td_string!(locale, wallet.tabs.used),
        CouponStatus::Expired => td_string!(locale, wallet.tabs.expired),
        CouponStatus::Void => td_string!(locale, wallet.tabs.void),
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
    use crate::data::preview_model::CATEGORIES;

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
            min_spend_fen: rules::Fen(10000),
            off_fen: rules::Fen(1500),
        };
        assert_eq!(coupon_kind(Locale::zh, &threshold), "满¥100.00减¥15.00");
        assert_eq!(coupon_kind(Locale::en, &threshold), "¥15.00 off ¥100.00+");
        let free = CouponKind::NoThreshold {
            off_fen: rules::Fen(1000),
        };
        assert_eq!(coupon_kind(Locale::zh, &free), "¥10.00无门槛券");
        let pct = CouponKind::Percent {
            percent_off: 15,
            max_off_fen: Some(rules::Fen(5000)),
        };
        assert_eq!(coupon_kind(Locale::zh, &pct), "8.5折券（最高减¥50.00）");
        assert_eq!(coupon_kind(Locale::en, &pct), "15% off (up to ¥50.00)");
    }

    #[test]
    fn coupon_options_say_when_unusable() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let coupon = Coupon {
            id: "c".into(),
            kind: CouponKind::NoThreshold {
                off_fen: rules::Fen(500),
            },
            valid_from: at("2026-03-01T00:00:00+08:00"),
            valid_until: at("2026-04-01T00:00:00+08:00"),
            first_order_only: false,
        };
        let title = Text {
            zh: "生日礼包".into(),
            en: "Birthday gift".into(),
        };
        let label = |now: &str| coupon_option(Locale::zh, &coupon, Some(&title), &at(now));
        assert_eq!(
            label("2026-03-10T10:00:00+08:00"),
            "生日礼包 · ¥5.00无门槛券 · 2026-03-31到期"
        );
        assert_eq!(
            label("2026-04-01T00:00:00+08:00"),
            "生日礼包 · ¥5.00无门槛券 · 2026-03-31到期（已过期）"
        );
        assert_eq!(
            label("2026-02-28T23:59:59+08:00"),
            "生日礼包 · ¥5.00无门槛券 · 2026-03-31到期（未到使用时间）"
        );
        let en = coupon_option(Locale::en, &coupon, None, &at("2026-05-01T00:00:00+08:00"));
        assert_eq!(en, "¥5.00 off, no minimum · until 2026-03-31 (expired)");
    }

    /// Every variant of every wire enum the app shows, serialized as the server sends it,
    /// has its own text in both languages.
    #[test]
    fn every_wire_enum_variant_has_text_in_both_languages() {
        use contract::AllVariants;
        fn check<T: AllVariants + serde::Serialize + Copy>(
            text: impl Fn(Locale, T) -> &'static str,
        ) {
            for v in T::ALL {
                let name = serde_json::to_string(v).unwrap();
                let (zh, en) = (text(Locale::zh, *v), text(Locale::en, *v));
                assert!(!zh.is_empty() && !en.is_empty(), "{name}");
                assert_ne!(zh, en, "{name}: the same text in both languages");
            }
        }
        check(error_text);
        check(points_kind);
        check(ineligible);
        check(coupon_source);
        check(coupon_status);
        check(coupon_stamp);
    }

    /// Codes a member can meet have their own sentence, not a generic one.
    #[test]
    fn member_facing_codes_are_specific() {
        let generic = [
            error_text(Locale::zh, ErrorCode::InvalidRequest),
            error_text(Locale::zh, ErrorCode::Internal),
        ];
        for code in [
            ErrorCode::InvalidPhone,
            ErrorCode::CodeInvalid,
            ErrorCode::CodeSentRecently,
            ErrorCode::InsufficientPoints,
            ErrorCode::InviteNotFound,
            ErrorCode::InvalidNickname,
            ErrorCode::CouponExpired,
            ErrorCode::Network,
        ] {
            assert!(!generic.contains(&error_text(Locale::zh, code)), "{code}");
        }
        assert_eq!(points_kind(Locale::zh, EntryKind::Mall), "积分商城兑换");
        assert_eq!(points_kind(Locale::en, EntryKind::Mall), "Mall redemption");
    }

    #[test]
    fn every_category_has_a_name() {
        for id in CATEGORIES {
            assert_ne!(category(Locale::zh, id), id);
            assert_ne!(category(Locale::en, id), id);
        }
        assert_eq!(category(Locale::zh, "fresh"), "生鲜");
    }

    #[test]
    fn names_read_as_one_list_in_either_language() {
        assert_eq!(
            list(Locale::zh, &["普通会员", "银卡会员"]),
            "普通会员、银卡会员"
        );
        assert_eq!(list(Locale::en, &["Regular"]), "Regular");
        assert_eq!(
            list(Locale::en, &["Regular", "Silver"]),
            "Regular and Silver"
        );
        assert_eq!(
            list(Locale::en, &["Regular", "Silver", "Gold"]),
            "Regular, Silver and Gold"
        );
    }

    /// One voice in each catalogue: Chinese addresses the member as 您, never 你; English
    /// carries no Chinese characters or full-width punctuation (except the switch to
    /// Chinese, which names it in its own script).
    #[test]
    fn each_catalogue_keeps_its_own_language_and_voice() {
        fn strings(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, v) in map {
                        strings(&format!("{prefix}.{key}"), v, out);
                    }
                }
                serde_json::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
                _ => {}
            }
        }
        let read = |json: &str| {
            let mut out = vec![];
            strings("", &serde_json::from_str(json).unwrap(), &mut out);
            out
        };
        let zh = read(include_str!("../../locales/zh.json"));
        let en = read(include_str!("../../locales/en.json"));
        assert!(zh.len() > 300 && en.len() == zh.len());
        let informal: Vec<_> = zh.iter().filter(|(_, s)| s.contains('你')).collect();
        assert!(informal.is_empty(), "你 instead of 您: {informal:?}");
        // CJK punctuation, CJK ideographs, full-width forms.
        let cjk = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
        let chinese_in_english: Vec<_> = en
            .iter()
            .filter(|(key, s)| !key.starts_with(".app.lang_switch") && s.chars().any(cjk))
            .collect();
        assert!(
            chinese_in_english.is_empty(),
            "Chinese in the English catalogue: {chinese_in_english:?}"
        );
    }
}
