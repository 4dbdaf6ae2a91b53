"""The demo's drill (应急演练, 拉练): Shimaqiao Community is switched to war for an exercise, its people are
called up to the square and muster, its union task force is dispatched and arrives; the drill is closed,
and the close stands the community down (ADR 0014)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from mobilize.demo.desk import Desk
from mobilize.demo.street import Street

MINUTE = timedelta(minutes=1)


@dataclass
class Drill:
    """The drill's ids, for the summary."""

    incident: UUID | None
    call_up: UUID | None
    community: str


def run_drill(desk: Desk, rng: random.Random, street: Street, at: datetime) -> Drill:
    """Call up the first community's grids; each grid has its own pace, a few people do not come."""
    community = street.communities[0]
    grids = [g for g in street.grids if g.community == 0]
    desk.at(at - 30 * MINUTE)
    incident = desk.do("declare_incident", "Shimaqiao pull-and-train drill (拉练)", "other", street.id, exercise=True,
                       reason="quarterly readiness competition")
    if incident is None:
        return Drill(None, None, "Shimaqiao Community")
    desk.do("switch_to_war", community, incident, ["coordination", "social control"], max_shift_hours=8,
            min_rest_hours=8, reason="drill: the community plays the war")
    desk.at(at)
    call_up = desk.do("call_up_drill", incident, community, "Shimaqiao square", reason="drill call-up")
    if call_up is None:
        return Drill(incident, None, "Shimaqiao Community")
    absent: list[UUID] = []
    for grid in grids:
        pace = rng.uniform(10, 30)  # how far the grid's people live from the square, how fast its chain relays
        for person in dict.fromkeys([*grid.leaders, *(p for people in grid.members.values() for p in people)]):
            if rng.random() < 0.08:
                absent.append(person)
                continue  # did not turn up
            minutes = max(3.0, rng.gauss(pace, 6))
            desk.at(at + minutes * MINUTE).do("muster", call_up, person)
    outsider = street.grids[1].leaders[0]  # Qinghu's secretary hears of it and comes along
    desk.at(at + 20 * MINUTE).do("muster", call_up, outsider)  # refused: outside the scope called up
    team = street.task_forces[1]  # the community's union task force
    desk.at(at)
    order = desk.do("dispatch", "task_force", team, incident, "muster at Shimaqiao square with the flag")
    if order is not None:
        desk.at(at + 5 * MINUTE).do("acknowledge_dispatch", order)
        desk.do("set_out", order)
        desk.at(at + 34 * MINUTE).do("arrive_on_scene", order)
        desk.at(at + 120 * MINUTE).do("release_dispatch", order)
    desk.at(at + 90 * MINUTE).do("end_call_up", call_up)
    if absent:
        desk.at(at + 95 * MINUTE).do("muster", call_up, absent[0])  # refused: the call-up has ended
    desk.at(at + 3 * 60 * MINUTE).do("close_incident", incident, reason="drill complete; results to the league")
    return Drill(incident, call_up, "Shimaqiao Community")
