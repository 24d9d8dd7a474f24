//! The campaign monitor (seed 004): registrations and orders in two-hour buckets over a
//! campaign's window (a 618, a 双十一, a launch), as charts, a table and a CSV.

use chrono::Days;
use leptos::prelude::*;

use crate::components::{save_file, Loader};
use crate::data::console::{self as api, CampaignBucket, CampaignMonitor as Monitor};
use crate::pages::admin::chart::{Chart, Series};
use crate::pages::admin::format::Unit;
use crate::pages::admin::words::{now, t, Word};
use crate::pages::admin::{console, error_notice, field};

/// A bucket's start as its table writes it: `2026-06-18 20:00`.
fn start(bucket: &CampaignBucket) -> String {
    bucket.start.format("%Y-%m-%d %H:%M").to_string()
}

/// The CSV of the table: every bucket with its three figures.
fn csv(monitor: &Monitor) -> String {
    let mut out = format!(
        "\u{feff}{},{},{},{}\r\n",
        now(Word::BucketStart),
        now(Word::Registrations),
        now(Word::Orders),
        now(Word::Sales)
    );
    for b in &monitor.buckets {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            start(b),
            b.registrations,
            b.orders,
            Unit::Fen.plain(b.sales_fen.get())
        ));
    }
    out
}

#[component]
pub fn CampaignMonitor() -> impl IntoView {
    let console = console();
    let yesterday = console
        .today
        .checked_sub_days(Days::new(1))
        .unwrap_or(console.today);
    let from = RwSignal::new(yesterday.to_string());
    let to = RwSignal::new(console.today.to_string());
    let loader = Loader::new();
    let monitor = RwSignal::new(None::<Monitor>);
    let load = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t) = (from.get_untracked(), to.get_untracked());
        loader.run(async move { api::campaign(&f, &t).await }, move |m| {
            monitor.set(Some(m))
        });
    };
    let shown = move || monitor.get().map(|m| view! { <Buckets m /> });
    view! {
        <section class="card campaign" data-testid="campaign">
            <h2 class="card__title">{t(Word::Campaign)}</h2>
            <p class="hint">{t(Word::CampaignHint)}</p>
            <form class="console__filters" on:submit=load>
                {field(Word::From, "date", from, "campaign-from")}
                {field(Word::To, "date", to, "campaign-to")}
                <button type="submit" class="button button--primary" data-testid="campaign-show"
                    disabled=loader.busy>{t(Word::Apply)}</button>
            </form>
            {error_notice(loader.error, "campaign-error")}
            {shown}
        </section>
    }
}

#[component]
fn Buckets(m: Monitor) -> impl IntoView {
    let series = |title, value: fn(&CampaignBucket) -> i64| Series {
        title,
        unit: Unit::Count,
        bars: true,
        points: m.buckets.iter().map(|b| (start(b), value(b))).collect(),
    };
    let registrations = series(Word::Registrations, |b| b.registrations);
    let orders = series(Word::Orders, |b| b.orders);
    let rows = m
        .buckets
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{start(b)}</th>
                    <td>{b.registrations}</td>
                    <td>{b.orders}</td>
                    <td>{Unit::Fen.show(b.sales_fen.get())}</td>
                </tr>
            }
        })
        .collect_view();
    let body = csv(&m);
    let download = move |_| {
        let name = format!("{}.csv", now(Word::Campaign));
        let _ = save_file(&body, &name, "text/csv;charset=utf-8");
    };
    view! {
        <div class="campaign__charts">
            <figure><figcaption>{t(Word::Registrations)}</figcaption><Chart series=registrations /></figure>
            <figure><figcaption>{t(Word::Orders)}</figcaption><Chart series=orders /></figure>
        </div>
        <button type="button" class="button button--ghost" data-testid="campaign-csv" on:click=download>
            {t(Word::DownloadCsv)}
        </button>
        <div class="table-scroll">
            <table class="table" data-testid="campaign-table">
                <caption class="sr-only">{t(Word::Campaign)}</caption>
                <thead><tr>
                    <th scope="col">{t(Word::BucketStart)}</th>
                    <th scope="col">{t(Word::Registrations)}</th>
                    <th scope="col">{t(Word::Orders)}</th>
                    <th scope="col">{t(Word::Sales)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
