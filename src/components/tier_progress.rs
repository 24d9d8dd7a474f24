use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use rules::money::{format_yuan, Fen};
use rules::TierId;

use crate::data::program::HomeProgram;

use crate::i18n::*;
use crate::words::display::{percent_css, yuan_number};
use crate::words::labels::fill;
use crate::words::text::{lang, local, tr};

/// The tier progress bar: a real `progressbar` whose values are the qualifying spend in
/// yuan (`aria-valuenow="1876.55"`, max = the top tier's threshold), every tier's
/// threshold marked and labelled, and the next-tier prompt (or the top-tier line).
///
/// The fill uses the program's equal-width tier steps (basis points), so the low tiers
/// are not squeezed into a sliver; the aria values stay in plain yuan.
/// `persona`: shown by staff about a demo persona (the top tier's line speaks of "this
/// member").
#[component]
pub fn TierProgress(
    program: Arc<HomeProgram>,
    tier: TierId,
    spend_fen: Fen,
    #[prop(optional)] persona: bool,
) -> impl IntoView {
    let locale = lang();
    let top = program.tiers.last().map_or(Fen::ZERO, |t| t.threshold_fen);
    let next = program.tiers.next(&tier, spend_fen);
    let fill_width = percent_css(program.tiers.progress_basis_points(spend_fen));
    let color = program.tiers.by_id(&tier).map(|t| t.color.clone());

    let valuetext = {
        let (program, next) = (program.clone(), next.clone());
        move || {
            let current = locale.get();
            let lang = current.as_str();
            let spend = format_yuan(spend_fen);
            let next_tier = next.as_ref().and_then(|n| program.tiers.by_id(&n.tier));
            match next_tier {
                Some(t) => fill(
                    td_string!(current, home.valuetext),
                    &[
                        ("spend", spend.as_str()),
                        ("tier", t.name.get(lang)),
                        ("threshold", format_yuan(t.threshold_fen).as_str()),
                    ],
                ),
                None => {
                    let name = program.tiers.by_id(&tier).map_or("", |t| t.name.get(lang));
                    fill(
                        td_string!(current, home.valuetext_top),
                        &[("spend", spend.as_str()), ("tier", name)],
                    )
                }
            }
        }
    };

    let marks = program
        .tiers
        .iter()
        .zip(program.tiers.marks_basis_points())
        .map(|(t, (_, bp))| {
            let name = t.name.clone();
            let reached = spend_fen >= t.threshold_fen;
            view! {
                <li
                    class="progress__mark"
                    class:progress__mark--reached=reached
                    style:left=percent_css(bp)
                    style:--mark-color=t.color.clone()
                >
                    <span class="progress__dot" aria-hidden="true"></span>
                    <span class="progress__name">{local(name)}</span>
                    <span class="progress__threshold">{format_yuan(t.threshold_fen)}</span>
                </li>
            }
        })
        .collect_view();

    // Which line shows is fixed for the member; only its text follows the locale.
    let prompt = match next {
        Some(n) => Either::Left(view! {
            <p class="prompt" data-testid="next-tier-prompt">
                {move || program.prompts.next_tier_text(&program.tiers, &n, locale.get().as_str())}
            </p>
        }),
        None => Either::Right(view! {
            <p class="prompt prompt--top" data-testid="next-tier-prompt">
                {move || match persona {
                    false => td_string!(locale.get(), home.top_tier),
                    true => td_string!(locale.get(), staff.persona_top_tier),
                }}
            </p>
        }),
    };

    view! {
        <section class="card progress-card" style:--tier=color>
            <div class="card__head">
                <h2 class="card__title">{tr!(home.progress_title)}</h2>
                <span class="card__aside">{tr!(home.spend)} " " <strong>{format_yuan(spend_fen)}</strong></span>
            </div>
            <div
                class="progress"
                role="progressbar"
                data-testid="tier-progress"
                aria-label=tr!(home.progress_label)
                aria-valuemin="0"
                aria-valuemax=yuan_number(top)
                aria-valuenow=yuan_number(spend_fen.clamp(Fen::ZERO, top))
                aria-valuetext=valuetext
            >
                <div class="progress__track">
                    <div class="progress__fill" style:width=fill_width></div>
                </div>
                <ol class="progress__marks">{marks}</ol>
            </div>
            {prompt}
        </section>
    }
}
