"""Compare: two runs of the tenant side by side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep, TenantDep, require_outcome, require_run
from api.errors import errors
from rostering.results import Comparison
from rostering.whatif import compare_runs

router = APIRouter(prefix="/compare", tags=["compare"])


@router.get("", responses=errors(401, 404, 409, 422), summary="Compare two runs")
def compare(
    session: SessionDep,
    tenant: TenantDep,
    *,
    a: Annotated[str, Query(min_length=1, max_length=64, description="Run id of the baseline.")],
    b: Annotated[str, Query(min_length=1, max_length=64, description="Run id of the variant.")],
) -> Comparison:
    """Run ``b`` against run ``a`` (deltas are B minus A): headline and per-channel KPIs,
    pay per person, short agent-hours per day and channel, and the changed assignments:
    ``agent_days_changed`` of ``agent_days`` person-days of the people in both runs, each
    listed in ``assignments``. For a what-if started from ``a`` (``baseline_run``) these
    are the changes the what-if made. Both runs need results (409 otherwise)."""
    run_a = require_run(session, a, tenant=tenant)
    run_b = require_run(session, b, tenant=tenant)
    outcome_a = require_outcome(session, a, tenant=tenant)
    outcome_b = require_outcome(session, b, tenant=tenant)
    return compare_runs(
        outcome_a,
        outcome_b,
        label_a=run_a.label or run_a.id,
        label_b=run_b.label or run_b.id,
    )
