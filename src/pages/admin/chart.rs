//! The console's trends: a small SVG chart written for this app (a chart crate costs far
//! more bytes, and a canvas is nothing to a screen reader), the same numbers beneath as a
//! table, and a CSV of exactly what is drawn. Coordinates are integers: the chart is drawn
//! on a 600 × 160 grid and scaled by the browser.

use leptos::prelude::*;

use super::format::Unit;
use super::words::{now, t, Word};

const WIDTH: i64 = 600;
const HEIGHT: i64 = 160;
/// Room under the baseline for nothing but the stroke; labels are in the table.
const PAD: i64 = 4;

/// One figure over time: a label per point (a period, a bucket) and its value.
#[derive(Clone, PartialEq)]
pub struct Series {
    pub title: Word,
    pub unit: Unit,
    /// Bars for counts per period, a line for a level (a share).
    pub bars: bool,
    pub points: Vec<(String, i64)>,
}

impl Series {
    /// The CSV of the drawn points: the period and the value as the table shows it
    /// (a byte order mark first, so a spreadsheet reads the Chinese right).
    pub fn csv(&self) -> String {
        let mut out = format!("\u{feff}{},{}\r\n", now(Word::Period), now(self.title));
        for (label, value) in &self.points {
            out.push_str(&format!("{label},{}\r\n", self.unit.plain(*value)));
        }
        out
    }
}

/// The bars' or the line's shapes on the grid: `(x, y, width, height)` per bar, or the
/// line's points.
fn geometry(values: &[i64]) -> (Vec<(i64, i64, i64, i64)>, String) {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let min = values.iter().copied().min().unwrap_or(0).min(0);
    let span = max - min;
    let n = values.len().max(1) as i64;
    let step = WIDTH / n;
    let y_of = |v: i64| HEIGHT - PAD - (v - min) * (HEIGHT - 2 * PAD) / span;
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let (top, base) = (y_of(v.max(0)), y_of(v.min(0)));
            (
                i as i64 * step + step / 8,
                top,
                (step * 3 / 4).max(1),
                (base - top).max(1),
            )
        })
        .collect();
    let line = values
        .iter()
        .enumerate()
        .map(|(i, &v)| format!("{},{}", i as i64 * step + step / 2, y_of(v)))
        .collect::<Vec<_>>()
        .join(" ");
    (bars, line)
}

/// The chart alone: `small` for a card (decorative: the card says the figures), else
/// labelled for screen readers, which read the table beneath.
#[component]
pub fn Chart(series: Series, #[prop(optional)] small: bool) -> impl IntoView {
    let values: Vec<i64> = series.points.iter().map(|(_, v)| *v).collect();
    let (bars, line) = geometry(&values);
    let shapes = if series.bars {
        bars.into_iter()
            .map(|(x, y, w, h)| view! { <rect class="chart__bar" x=x y=y width=w height=h /> })
            .collect_view()
            .into_any()
    } else {
        view! { <polyline class="chart__line" points=line /> }.into_any()
    };
    let class = if small { "chart chart--small" } else { "chart" };
    view! {
        <svg class=class viewBox="0 0 600 160" preserveAspectRatio="none"
            role=(!small).then_some("img") aria-hidden=small.then_some("true")
            aria-label=(!small).then(|| now(series.title))>
            <line class="chart__axis" x1="0" y1="156" x2="600" y2="156" />
            {shapes}
        </svg>
    }
}

/// A trend opened from its card: the chart, its table and its CSV.
#[component]
pub fn TrendPanel(series: Series, filename: String, on_close: Callback<()>) -> impl IntoView {
    let rows = series
        .points
        .iter()
        .map(|(label, value)| {
            let shown = series.unit.show(*value);
            view! { <tr><th scope="row">{label.clone()}</th><td>{shown}</td></tr> }
        })
        .collect_view();
    let csv = series.csv();
    let download = move |_| {
        let _ = crate::components::save_file(&csv, &filename, "text/csv;charset=utf-8");
    };
    let title = series.title;
    view! {
        <section class="card trend" data-testid="trend" aria-label=t(title)>
            <div class="card__head">
                <h3 class="card__title">{t(title)}" "{t(Word::Trend)}</h3>
                <button type="button" class="button button--ghost" data-testid="trend-csv" on:click=download>
                    {t(Word::DownloadCsv)}
                </button>
                <button type="button" class="button button--ghost" data-testid="trend-close"
                    on:click=move |_| on_close.run(())>{t(Word::Close)}</button>
            </div>
            <Chart series=series.clone() />
            <table class="table" data-testid="trend-table">
                <caption class="sr-only">{t(title)}</caption>
                <thead><tr><th scope="col">{t(Word::Period)}</th><th scope="col">{t(Word::Value)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stand_on_the_baseline_and_the_tallest_fills_the_grid() {
        let (bars, _) = geometry(&[0, 5, 10]);
        assert_eq!(bars.len(), 3);
        // The tallest reaches the top padding; every bar ends at the baseline.
        assert_eq!(bars[2].1, PAD);
        for (_, y, _, h) in &bars[1..] {
            assert_eq!(y + h, HEIGHT - PAD);
        }
        assert_eq!(bars[1].3 * 2, bars[2].3);
    }

    #[test]
    fn an_all_zero_series_draws_flat_and_does_not_divide_by_zero() {
        let (bars, line) = geometry(&[0, 0]);
        assert!(bars.iter().all(|b| b.3 == 1));
        assert_eq!(line, "150,156 450,156");
        let (none, empty) = geometry(&[]);
        assert!(none.is_empty() && empty.is_empty());
    }

    #[test]
    fn negative_values_hang_below_zero() {
        let (bars, _) = geometry(&[-5, 5]);
        let zero = bars[1].1 + bars[1].3;
        assert_eq!(bars[0].1, zero);
        assert_eq!(bars[0].3, bars[1].3);
    }
}
