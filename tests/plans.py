"""Reading the plan a server chose for a command the app sent (explain)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from model.store import Database, Document


def _plan_stages(explained: Any) -> Iterator[dict[str, Any]]:
    """Every stage of every winning plan in an explain answer (find or aggregate)."""
    if isinstance(explained, dict):
        if isinstance(explained.get("winningPlan"), dict):
            yield from _stages_below(explained["winningPlan"])
        for key, value in explained.items():
            if key != "winningPlan" and key != "rejectedPlans":
                yield from _plan_stages(value)
    elif isinstance(explained, list):
        for item in explained:
            yield from _plan_stages(item)


def _stages_below(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "stage" in plan:
        yield plan
    for key in ("inputStage", "queryPlan", "innerStage", "outerStage"):
        if isinstance(plan.get(key), dict):
            yield from _stages_below(plan[key])
    for child in plan.get("inputStages", []):
        yield from _stages_below(child)


async def explain(db: Database, command: Document) -> list[dict[str, Any]]:
    """The winning plan's stages for a command exactly as the app sent it."""
    sent = {
        key: value
        for key, value in command.items()
        if not key.startswith("$") and key not in {"lsid", "txnNumber", "maxTimeMS"}
    }
    explained = await db.command({"explain": sent, "verbosity": "queryPlanner"})
    stages = list(_plan_stages(explained))
    assert stages, f"no plan in the explain of {sent}"
    return stages
