use std::sync::Arc;

use crate::data::program::HomeProgram;
use leptos::prelude::*;
use rules::Text;

use crate::data::api::DemoMember;
use crate::words::display::{member_name, mix, rate};
use crate::words::text::{lang, local, tr};
use rules::money::group_thousands;

/// The member card: tier name on the tier's colour, nickname, points and coupons.
/// `phone_masked`: the logged-in member's, which names them until they choose a nickname.
#[component]
pub fn MemberCard(
    program: Arc<HomeProgram>,
    member: DemoMember,
    phone_masked: Option<String>,
) -> impl IntoView {
    let tier = program.tiers.by_id(&member.tier).cloned();
    let color = tier
        .as_ref()
        .map_or_else(|| "#6a6259".to_string(), |t| t.color.clone());
    let dark = mix(&color, false, 35).unwrap_or_else(|| color.clone());
    let tier_name = tier.as_ref().map_or_else(
        || Text {
            zh: member.tier.to_string(),
            en: member.tier.to_string(),
        },
        |t| t.name.clone(),
    );
    let points_rate = rate(tier.as_ref().map_or(100, |t| t.points_rate_percent));
    // Counted by the server at its answer's time (valid now, not merely unused).
    let coupons = member.usable_coupons;
    let locale = lang();
    let nickname = member.nickname.clone();
    let name =
        Signal::derive(move || member_name(locale.get(), &nickname, phone_masked.as_deref()));
    let initial = move || name.get().chars().next().map(String::from);
    view! {
        <section
            class="member-card"
            data-testid="member-card"
            data-tier=member.tier.as_str().to_string()
            style:--tier=color
            style:--tier-dark=dark
        >
            <div class="member-card__head">
                <span class="member-card__avatar" aria-hidden="true">{initial}</span>
                <div class="member-card__who">
                    <p class="member-card__nickname">{name}</p>
                    <p class="member-card__tier">
                        <svg class="member-card__crown" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                            <path d="M3 8l4.5 3.5L12 5l4.5 6.5L21 8l-2 10H5z" fill="currentColor" />
                        </svg>
                        <span data-testid="tier-name">{local(tier_name)}</span>
                    </p>
                </div>
            </div>
            <dl class="member-card__stats">
                <div class="member-card__stat">
                    <dt>{tr!(home.points)}</dt>
                    <dd data-testid="points-balance" data-value=member.points_balance.get()>
                        {group_thousands(member.points_balance)}
                    </dd>
                </div>
                <div class="member-card__stat">
                    <dt>{tr!(home.coupons)}</dt>
                    <dd data-testid="coupon-count" data-value=coupons>{coupons}</dd>
                </div>
                <div class="member-card__stat">
                    <dt>{tr!(home.points_rate)}</dt>
                    <dd>"×"{points_rate}</dd>
                </div>
            </dl>
        </section>
    }
}
