"""Anchors over HTTP: verify reports the last anchor and what does not hold; the anchor file is listed."""

from __future__ import annotations

import json
import random
from pathlib import Path

from mobilize.projections.anchors import anchor
from mobilize.projections.store import ViewStore
from tests.api.conftest import Desk
from tests.projections.scenario import SmallDrive


def test_verify_and_anchors_show_the_last_anchor_and_a_forged_one(desk: Desk, store: str) -> None:
    SmallDrive(desk.world).play(random.Random(2), 15)
    settings = desk.client.app.state.settings  # type: ignore[attr-defined]
    assert desk.auditor.get("/audit/verify").json()["last_anchor"] is None

    views = ViewStore.for_store(store)
    checkpoint = anchor(desk.world.app, views, settings, actor="test:auditor")
    verdict = desk.auditor.get("/audit/verify").json()
    listed = desk.auditor.get("/audit/anchors").json()

    assert verdict["ok"] is True and verdict["last_anchor"] == checkpoint.as_dict()
    assert listed == {"items": [checkpoint.as_dict()], "total": 1}
    assert desk.viewer.get("/audit/anchors").status_code == 403

    edited = {**checkpoint.as_dict(), "head": "0" * 64}
    with Path(settings.anchors).open("a") as out:
        out.write(json.dumps(edited) + "\n")
    broken = desk.auditor.get("/audit/verify").json()
    assert (broken["ok"], broken["anchor_kind"]) == (False, "bad_signature")
    assert broken["checked"] == desk.world.log_size()
