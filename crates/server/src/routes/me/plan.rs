//! `GET /api/me/points/plan`: the points planner. The member's lots come from storage,
//! what they may redeem from the mall's own eligibility (tier, stock, limits, balance),
//! and the plan itself from the rules (`rules::planner`).

use axum::extract::State;
use axum::Json;
use contract::points::PointsPlan;

use crate::auth::AuthMember;
use crate::db::ledger;
use crate::error::ApiError;
use crate::workflows::mall;
use crate::AppState;

pub async fn get(
    State(state): State<AppState>,
    me: AuthMember,
) -> Result<Json<PointsPlan>, ApiError> {
    let program = &state.program.program;
    let now = state.clock.now().with_timezone(&program.offset());
    let catalog = mall::catalog(&state.db, program, &me.id, &now).await?;
    let lots = ledger::held_by_expiry(&state.db, &program.time_zone, &me.id, &now).await?;
    let redeemable: Vec<_> = catalog
        .items
        .iter()
        .filter(|i| i.eligible)
        .map(|i| &i.item)
        .collect();
    Ok(Json(PointsPlan {
        points_balance: catalog.points_balance.unwrap_or_default(),
        lots: rules::planner::plan(program, program.local_date(&now), &lots, &redeemable),
    }))
}
