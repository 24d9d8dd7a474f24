//! The dashboard: the program's figures for a range beside the period before it, each
//! card with its trend (chart, table, CSV), the shares and breakdowns, and the campaign
//! monitor.

use chrono::{Datelike, Days, NaiveDate};
use leptos::prelude::*;

use super::chart::{Chart, Series, TrendPanel};
use super::format::{change, percent, Unit};
use super::words::{now, t, Word};
use super::{console, error_notice, field};
use crate::components::Loader;
use crate::data::console::{self as api, Dashboard, Kpi, Part, TrendPoint};
use crate::words::labels::coupon_source;
use crate::words::text::{dyn_text, lang, local};

mod breakdowns;
mod campaign;

/// The ranges an operator picks from; `Custom` reads the two date fields.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Range {
    Today,
    Days7,
    Days30,
    Month,
    Custom,
}

impl Range {
    const ALL: [Range; 5] = [
        Range::Today,
        Range::Days7,
        Range::Days30,
        Range::Month,
        Range::Custom,
    ];

    fn word(self) -> Word {
        match self {
            Range::Today => Word::RangeToday,
            Range::Days7 => Word::Range7,
            Range::Days30 => Word::Range30,
            Range::Month => Word::RangeMonth,
            Range::Custom => Word::RangeCustom,
        }
    }

    /// The dates it covers, both included, ending today (`Custom`: none, the fields say).
    fn dates(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let back = |days| today.checked_sub_days(Days::new(days));
        let from = match self {
            Range::Today => Some(today),
            Range::Days7 => back(6),
            Range::Days30 => back(29),
            Range::Month => today.with_day(1),
            Range::Custom => None,
        }?;
        Some((from, today))
    }
}

/// A card: its figure in the answer, how it is counted and drawn.
struct Card {
    /// The card's name in the page (`data-kpi`), for tests and people reading the DOM.
    id: &'static str,
    title: Word,
    unit: Unit,
    kpi: fn(&Dashboard) -> Option<&Kpi>,
}

const CARDS: &[Card] = &[
    Card {
        id: "new_members",
        title: Word::NewMembers,
        unit: Unit::Count,
        kpi: |d| Some(&d.new_members),
    },
    Card {
        id: "active_members",
        title: Word::ActiveMembers,
        unit: Unit::Count,
        kpi: |d| Some(&d.active_members),
    },
    Card {
        id: "member_sales",
        title: Word::MemberSales,
        unit: Unit::Fen,
        kpi: |d| Some(&d.member_sales_fen),
    },
    Card {
        id: "reported_sales",
        title: Word::ReportedSales,
        unit: Unit::Fen,
        kpi: |d| d.reported_sales_fen.as_ref(),
    },
    Card {
        id: "points_issued",
        title: Word::PointsIssued,
        unit: Unit::Points,
        kpi: |d| Some(&d.points_issued),
    },
    Card {
        id: "points_redeemed",
        title: Word::PointsRedeemed,
        unit: Unit::Points,
        kpi: |d| Some(&d.points_redeemed),
    },
    Card {
        id: "points_expired",
        title: Word::PointsExpired,
        unit: Unit::Points,
        kpi: |d| Some(&d.points_expired),
    },
    Card {
        id: "coupons_issued",
        title: Word::CouponsIssued,
        unit: Unit::Count,
        kpi: |d| Some(&d.coupons_issued),
    },
    Card {
        id: "coupons_used",
        title: Word::CouponsUsed,
        unit: Unit::Count,
        kpi: |d| Some(&d.coupons_used),
    },
    Card {
        id: "coupons_expired",
        title: Word::CouponsExpired,
        unit: Unit::Count,
        kpi: |d| Some(&d.coupons_expired),
    },
    Card {
        id: "upgrades",
        title: Word::Upgrades,
        unit: Unit::Count,
        kpi: |d| Some(&d.upgrades),
    },
    Card {
        id: "downgrades",
        title: Word::Downgrades,
        unit: Unit::Count,
        kpi: |d| Some(&d.downgrades),
    },
];

/// A trend's period as its table and CSV write it: a day, or `from–to`.
fn period(point: &TrendPoint) -> String {
    if point.from == point.to {
        point.from.to_string()
    } else {
        format!("{}–{}", point.from, point.to)
    }
}

fn series_of(card: &Card, kpi: &Kpi) -> Series {
    Series {
        title: card.title,
        unit: card.unit,
        bars: true,
        points: kpi.trend.iter().map(|p| (period(p), p.value)).collect(),
    }
}

/// The daily active share of seed 004, as a line.
fn daily_share(d: &Dashboard) -> Series {
    Series {
        title: Word::DailyActiveShare,
        unit: Unit::Bp,
        bars: false,
        points: d
            .daily_active
            .iter()
            .map(|day| (day.date.to_string(), day.share_bp.unwrap_or(0)))
            .collect(),
    }
}

#[component]
pub fn DashboardPart() -> impl IntoView {
    let console = console();
    let range = RwSignal::new(Range::Days30);
    let (from, to) = Range::Days30
        .dates(console.today)
        .unwrap_or((console.today, console.today));
    let custom_from = RwSignal::new(from.to_string());
    let custom_to = RwSignal::new(to.to_string());
    let loader = Loader::new();
    let answer = RwSignal::new(None::<Dashboard>);
    let open = RwSignal::new(None::<(Series, String)>);
    let load = move || {
        let (from, to) = match range.get_untracked().dates(console.today) {
            Some((f, t)) => (f.to_string(), t.to_string()),
            None => (custom_from.get_untracked(), custom_to.get_untracked()),
        };
        open.set(None);
        loader.run(async move { api::dashboard(&from, &to).await }, move |d| {
            answer.set(Some(d))
        });
    };
    load();
    let choices = Range::ALL
        .into_iter()
        .map(|r| {
            view! {
                <button type="button" class="tab" aria-pressed=move || (range.get() == r).to_string()
                    on:click=move |_| { range.set(r); if r != Range::Custom { load() } }>{t(r.word())}</button>
            }
        })
        .collect_view();
    let custom = move || {
        (range.get() == Range::Custom).then(|| {
            view! {
                <form class="console__filters" on:submit=move |ev| { ev.prevent_default(); load() }>
                    {field(Word::From, "date", custom_from, "range-from")}
                    {field(Word::To, "date", custom_to, "range-to")}
                    <button type="submit" class="button button--primary">{t(Word::Apply)}</button>
                </form>
            }
        })
    };
    let figures = move || answer.get().map(|d| view! { <Figures d open /> });
    let trend = move || {
        open.get().map(|(series, filename)| {
            view! { <TrendPanel series filename on_close=Callback::new(move |()| open.set(None)) /> }
        })
    };
    view! {
        <section class="console__part" data-testid="dashboard" aria-busy=move || loader.busy.get().to_string()>
            <div class="tabs console__ranges" role="group">{choices}</div>
            {custom}
            {error_notice(loader.error, "dashboard-error")}
            {figures}
            {trend}
            <campaign::CampaignMonitor />
        </section>
    }
}

#[component]
fn Figures(d: Dashboard, open: RwSignal<Option<(Series, String)>>) -> impl IntoView {
    let span = dyn_text({
        let (f, to, pf, pt) = (d.from, d.to, d.previous_from, d.previous_to);
        move || format!("{f} – {to} · {} {pf} – {pt}", now(Word::Previous))
    });
    let suffix = format!("{}_{}", d.from, d.to);
    let cards = CARDS
        .iter()
        .map(|card| match (card.kpi)(&d) {
            Some(kpi) => {
                let series = series_of(card, kpi);
                let filename = suffix.clone();
                view! { <KpiCard id=card.id unit=card.unit kpi=kpi.clone() series filename open /> }.into_any()
            }
            None => view! {
                <article class="card kpi" data-testid="kpi" data-kpi=card.id>
                    <h3 class="kpi__title">{t(card.title)}</h3>
                    <p class="kpi__value muted" data-testid="kpi-not-reported">{t(Word::NotReported)}</p>
                </article>
            }
            .into_any(),
        })
        .collect_view();
    let shares = breakdowns::shares(&d, open, suffix.clone());
    let tables = breakdowns::tables(&d);
    view! {
        <p class="hint" data-testid="dashboard-span">{span}</p>
        <div class="kpis">{cards}</div>
        {shares}
        {tables}
    }
}

/// A figure's card: this period, the one before and the change, its trend in small, and
/// a button that opens the trend.
#[component]
fn KpiCard(
    id: &'static str,
    unit: Unit,
    kpi: Kpi,
    series: Series,
    filename: String,
    open: RwSignal<Option<(Series, String)>>,
) -> impl IntoView {
    let title = series.title;
    let delta = change(kpi.change_percent);
    let direction = match kpi.change_percent {
        Some(p) if p > 0 => "up",
        Some(p) if p < 0 => "down",
        _ => "flat",
    };
    let shown = series.clone();
    let open_trend = move |_| {
        let name = format!("{}_{filename}.csv", now(title));
        open.set(Some((shown.clone(), name)));
    };
    view! {
        <article class="card kpi" data-testid="kpi" data-kpi=id data-current=kpi.current
            data-previous=kpi.previous>
            <h3 class="kpi__title">{t(title)}</h3>
            <p class="kpi__value">{unit.show(kpi.current)}</p>
            <p class="kpi__compare">
                <span class="muted">{t(Word::Previous)}" "{unit.show(kpi.previous)}</span>" "
                {match delta {
                    Some(d) => view! { <span class="kpi__change" data-direction=direction data-testid="kpi-change">{d}</span> }.into_any(),
                    None => view! { <span class="kpi__change muted" data-testid="kpi-change" title=t(Word::NoPrevious)>"—"</span> }.into_any(),
                }}
            </p>
            <Chart series small=true />
            <button type="button" class="button button--ghost kpi__open" data-testid="kpi-trend"
                on:click=open_trend>{t(Word::Trend)}</button>
        </article>
    }
}

/// A share in basis points, or "not reported" / "—" when there is none.
fn share(bp: Option<i64>, none: Word) -> Signal<String> {
    let locale = lang();
    dyn_text(move || {
        locale.track();
        bp.map(percent).unwrap_or_else(|| now(none))
    })
}

/// A part's label: a tier's name, a channel's or a store's code.
fn part_label(kind: Word, key: &str) -> Signal<String> {
    let console = console();
    let key = key.to_owned();
    let tier = console.program.with_value(|p| {
        p.tiers
            .iter()
            .find(|t| t.id.as_str() == key)
            .map(|t| t.name.clone())
    });
    let locale = lang();
    dyn_text(move || {
        locale.track();
        match (kind, &tier) {
            (Word::MembersPerTier, Some(name)) => local(name.clone())(),
            (Word::ByChannel, _) => channel_word(&key).map(now).unwrap_or_else(|| key.clone()),
            (Word::BySource, _) => serde_json::from_str(&format!("\"{key}\""))
                .map(|source| coupon_source(locale.get(), source).to_owned())
                .unwrap_or_else(|_| key.clone()),
            _ if key.is_empty() => now(Word::NoStore),
            _ => key.clone(),
        }
    })
}

fn channel_word(key: &str) -> Option<Word> {
    Some(match key {
        "phone" => Word::ChannelPhone,
        "store_qr" => Word::ChannelStoreQr,
        "host_link" => Word::ChannelHostLink,
        "operator" => Word::ChannelOperator,
        "invite" => Word::ChannelInvite,
        _ => return None,
    })
}

/// The parts of a breakdown as table rows: the key, this period, the one before.
fn part_rows(kind: Word, parts: &[Part], unit: Unit) -> impl IntoView {
    parts
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{part_label(kind, &p.key)}</th>
                    <td>{unit.show(p.current)}</td>
                    <td>{unit.show(p.previous)}</td>
                </tr>
            }
        })
        .collect_view()
}
