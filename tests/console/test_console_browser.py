"""The operator console in a real browser: a small drive run end to end by clicking, checked against the log."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from mobilize.demo.live import Served
from tests.api.conftest import issue
from tests.browser import Page, Route, Watched
from tests.conftest import T0, World
from tests.console.conftest import NewPage, shot

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (the test extra)")
expect = sync_api.expect
CST = timedelta(hours=8)
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class Street:
    """The people of the scenario: a grid leader, three samplers, a registrar, and the street's task force."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.leader = world.person("王建国", ("marshal",), ("grid_leader",))
        world.do("appoint_grid_leader", world.grid, "first_secretary", self.leader)
        self.samplers = [world.person(name, ("sampler",), ("medical_staff",)) for name in ("陈静", "李娜", "刘洋")]
        self.registrar = world.person("赵强", ("registrar",), ("volunteer",))
        self.task_force = world.do("form_task_force", "均禾街党群应急突击队", "street", world.street, self.leader,
                                   "第一面旗")
        world.do("enlist", self.task_force, self.registrar)


def events(world: World, kind: str) -> list[Any]:
    """The recorded events of one type (`Aggregate.Event`), in log order."""
    return [event for event in world.events() if type(event).__qualname__ == kind]


def counts(world: World) -> Counter[str]:
    return Counter(type(event).__qualname__ for event in world.events())


class Console:
    """The console page of one token, driven like an operator would."""

    def __init__(self, opened: tuple[Watched, Page], served: Served, token: str) -> None:
        self.watched, self.page = opened
        page = self.page
        page.goto(f"{served.url}/console?token={token}")
        expect(page.locator("#who")).not_to_be_empty()
        expect(page.locator("#link")).to_have_class("link up", timeout=10_000)

    @property
    def problems(self) -> list[str]:
        """What went wrong on the page (uncaught errors, console errors, failed requests), and whatever it asked
        of any machine but this one (the context is offline: a command center's network)."""
        refused = "Failed to load resource: the server responded with a status of 4"  # a refusal, shown on the page
        return [problem for problem in self.watched.problems if refused not in problem] + self.watched.left

    def tab(self, name: str) -> sync_api.Locator:
        self.page.click(f'a[data-screen="{name}"]')
        screen = self.page.locator(f'.screen[data-screen="{name}"]')
        expect(screen).to_be_visible()
        return screen

    def dialog(self, name: str) -> sync_api.Locator:
        found = self.page.locator(f'dialog[data-dialog="{name}"]')
        expect(found).to_be_visible()
        return found

    def submit(self, dialog: sync_api.Locator) -> None:
        dialog.locator("button[type=submit]").click()
        expect(dialog).to_be_hidden()


def local(moment: datetime) -> str:
    """A datetime-local value in China Standard Time."""
    return (moment.astimezone(UTC) + CST).strftime("%Y-%m-%dT%H:%M")


def test_an_operator_runs_a_drive_from_the_console(world: World, served: Served, new_page: NewPage) -> None:
    street = Street(world)
    operator = issue(world.app, "operator", "Li Wei")
    console = Console(new_page(), served, operator)
    page = console.page
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator('a[data-screen="incidents"]').inner_text() == "事件"  # labels are Chinese by default

    # declare the drive; the double click of the submit button declares it once
    console.tab("incidents")
    page.click('[data-act="declare"]')
    declare = console.dialog("declare")
    declare.locator("input[name=title]").fill("均禾全员核酸检测 第一轮")
    declare.locator("select[name=kind]").select_option("mass_testing_drive")
    declare.locator("select[name=scope]").select_option(label="Junhe Street")
    declare.locator("button[type=submit]").dblclick()
    expect(declare).to_be_hidden()
    declared = events(world, "Incident.Declared")
    assert [e.title for e in declared] == ["均禾全员核酸检测 第一轮"]
    assert declared[0].actor.startswith("Li Wei (operator")
    incident = declared[0].originator_id
    expect(page.locator(f'[data-incident="{incident}"]')).to_be_visible()

    # switch grid 1 to war with working groups and the wartime policy
    screen = console.tab("org")
    screen.locator(f'[data-unit="{world.grid}"] [data-act="war"]').click()
    war = console.dialog("war")
    war.locator("select[name=incident]").select_option(str(incident))
    war.locator("input[name=max_shift_hours]").fill("8")
    war.locator("input[name=min_rest_hours]").fill("8")
    console.submit(war)
    switched = events(world, "OrgUnit.SwitchedToWar")
    assert [(e.originator_id, e.incident_id) for e in switched] == [(world.grid, incident)]
    assert set(switched[0].working_groups) == {"coordination", "sampling"}
    expect(page.locator(f'[data-unit="{world.grid}"] .badge.war')).to_be_visible()

    # plan a site in the grid, then open it with the grid leader proposed as commander (pre-filled)
    console.tab("sites")
    page.click('[data-act="plan"]')
    plan = console.dialog("plan-site")
    plan.locator("select[name=incident]").select_option(str(incident))
    plan.locator("select[name=grid]").select_option(str(world.grid))
    plan.locator("input[name=name]").fill("石马桥1号检测点")
    console.submit(plan)
    site = events(world, "TestingSite.Planned")[0].originator_id
    page.locator(f'[data-site="{site}"] [data-act="open"]').click()
    opening = console.dialog("open-site")
    expect(opening.locator(".chosen")).to_have_text("王建国")
    console.submit(opening)
    assert [e.person_id for e in events(world, "TestingSite.CommanderAppointed")] == [street.leader]
    assert len(events(world, "TestingSite.Opened")) == 1

    # a rota: the site's three posts for 16 hours in 8-hour shifts, from an hour ago
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    screen = console.tab("rota")
    rota = screen.locator('form[data-form="rota"]')
    rota.locator("input[name=start]").fill(local(start))
    rota.locator("input[name=end]").fill(local(start + timedelta(hours=16)))
    rota.locator("input[name=shift_hours]").fill("8")
    rota.locator("button[type=submit]").click()
    expect(rota.locator(".ok")).to_be_visible()
    scheduled = events(world, "Shift.Scheduled")
    assert len(scheduled) == 6
    first, second = sorted((e for e in scheduled if e.post == "sampler"), key=lambda e: e.start)
    expect(screen.locator("[data-shift]")).to_have_count(6)
    shot(page, "rota")

    # the same rota again: refused where the operator acted, every refused shift named, nothing written
    before = counts(world)
    rota.locator("button[type=submit]").click()
    expect(rota.locator(".refused li")).to_have_count(6)
    assert rota.locator(".refusal").get_attribute("data-error") == "rota_refused"
    expect(rota.locator(".refused")).to_contain_text("超出岗位计划")  # post_plan_exceeded, in the operator's words
    expect(rota.locator(".refusal .message")).to_contain_text("none was scheduled")
    assert counts(world) == before
    shot(page, "refusal")

    # the gaps board: fill the running sampler shift from the candidates, then the next one, which needs an override
    screen = console.tab("gaps")
    chen, li, _ = street.samplers
    assign_from_candidates(console, first.originator_id, chen)
    screen.locator(f'[data-shift="{second.originator_id}"] [data-act="candidates"]').click()
    candidates = console.dialog("candidates")
    needing = candidates.locator(f'.candidate[data-person="{chen}"]')
    expect(needing).to_have_class("row candidate needs-override")
    assert candidates.locator(f'.candidate[data-person="{street.leader}"]').count() == 0
    candidates.locator("input[name=all]").check()  # who cannot take it, and why
    unqualified = candidates.locator(f'.candidate.unassignable[data-person="{street.leader}"]')
    expect(unqualified.locator(".refusal")).to_have_attribute("data-error", "qualification_required")
    assert unqualified.locator('[data-act="assign"]').count() == 0
    shot(page, "candidates")
    needing.locator('[data-act="assign"]').click()
    override = console.dialog("override")
    override.locator("textarea[name=override_reason]").fill("夜班缺采样员，本人同意连班，指挥长批准")
    console.submit(override)
    assigned = events(world, "Shift.Assigned")
    assert [(e.originator_id, e.person_id) for e in assigned] == [(first.originator_id, chen),
                                                                  (second.originator_id, chen)]
    assert assigned[0].overridden == [] and assigned[1].overridden
    assert assigned[1].override_reason == "夜班缺采样员，本人同意连班，指挥长批准"

    screen.locator("input[name=short-only]").uncheck()  # both are full now: show every shift
    # a no-show before the shift has begun is refused in the person's row, with the rule's message and facts
    before = counts(world)
    later = screen.locator(f'[data-shift="{second.originator_id}"] [data-person="{chen}"]')
    later.locator('[data-act="no-show"]').click()
    refusal = later.locator(".refusal")
    expect(refusal).to_be_visible()
    assert refusal.get_attribute("data-error") == "rule_violated"
    expect(refusal.locator(".message")).to_have_text("a no-show can be recorded only 10 minutes after the shift starts")
    expect(refusal.locator(".facts")).to_contain_text("start")
    expect(refusal.locator(".facts")).to_contain_text("CST")  # times as the operator reads them
    assert counts(world) == before
    refusal.locator(".dismiss").click()  # read, and put away
    expect(later.locator(".refusal")).to_have_count(0)

    # the first shift's sampler does not turn up: a no-show, and a stand-in from the candidates
    row = screen.locator(f'[data-shift="{first.originator_id}"]')
    row.locator(f'[data-person="{chen}"] [data-act="no-show"]').click()
    expect(row.locator(f'[data-person="{chen}"] [data-act="stand-in"]')).to_be_visible()
    row.locator(f'[data-person="{chen}"] [data-act="stand-in"]').click()
    stand_ins = console.dialog("candidates")
    stand_ins.locator(f'.candidate[data-person="{li}"] [data-act="assign"]').click()
    expect(stand_ins).to_be_hidden()
    assert len(events(world, "Shift.NoShowRecorded")) == 1
    assert [e.person_id for e in events(world, "Shift.Unassigned")] == [chen]
    last = events(world, "Shift.Assigned")[-1]
    assert (last.originator_id, last.person_id) == (first.originator_id, li)
    assert last.reason == "缺勤替补"
    expect(row.locator(f'[data-person="{li}"] .badge.assigned')).to_be_visible()
    assert row.locator(f'[data-person="{chen}"]').count() == 0
    shot(page, "gaps")

    # dispatch the street's task force to the site and move it through to release
    console.tab("dispatch")
    page.click('[data-act="dispatch"]')
    order = console.dialog("dispatch")
    order.locator("select[name=task_force]").select_option(str(street.task_force))
    order.locator("select[name=incident]").select_option(str(incident))
    order.locator("select[name=site]").select_option(str(site))
    order.locator("input[name=task]").fill("维持检测点排队秩序")
    console.submit(order)
    dispatch = events(world, "Dispatch.Requested")[0].originator_id
    for step in ("acknowledge", "set-out", "arrive"):
        button = page.locator(f'[data-dispatch="{dispatch}"] [data-act="{step}"]')
        button.click()
        expect(button).to_be_hidden()
    shot(page, "dispatch")
    page.locator(f'[data-dispatch="{dispatch}"] [data-act="release"]').click()
    expect(page.locator(f'[data-dispatch="{dispatch}"]')).to_be_hidden()  # released: no longer a live dispatch
    steps = [type(e).__qualname__ for e in world.events() if getattr(e, "originator_id", None) == dispatch]
    assert steps == ["Dispatch.Requested", "Dispatch.Acknowledged", "Dispatch.WentEnRoute", "Dispatch.ArrivedOnScene",
                     "Dispatch.Released"]

    # a person dispatched declines, with the reason recorded
    page.click('[data-act="dispatch"]')
    order = console.dialog("dispatch")
    order.locator("select[name=subject_kind]").select_option("person")
    order.locator("input[name=subject-search]").fill("刘洋")
    order.locator(f'.result[data-person="{street.samplers[2]}"]').click()
    order.locator("select[name=incident]").select_option(str(incident))
    order.locator("input[name=task]").fill("转运物资")
    console.submit(order)
    sent = events(world, "Dispatch.Requested")[-1]
    assert (sent.subject_kind, sent.subject_id, sent.site_id) == ("person", street.samplers[2], None)
    page.locator(f'[data-dispatch="{sent.originator_id}"] [data-act="decline"]').click()
    declining = console.dialog("decline")
    declining.locator("textarea[name=reason]").fill("本人发热，不宜出勤")
    console.submit(declining)
    assert [e.reason for e in events(world, "Dispatch.Declined")] == ["本人发热，不宜出勤"]

    # the site pauses and reopens; the drive is escalated; the grid stands down and the drive is closed
    console.tab("sites")
    for move in ("pause", "reopen"):
        page.locator(f'[data-site="{site}"] [data-act="{move}"]').click()
        expect(page.locator(f'[data-site="{site}"] [data-act="{move}"]')).to_be_hidden()
    assert len(events(world, "TestingSite.Paused")) == len(events(world, "TestingSite.Reopened")) == 1
    console.tab("incidents")
    page.locator(f'[data-incident="{incident}"] [data-act="escalate"]').click()
    escalate = console.dialog("escalate")
    escalate.locator("select[name=level]").select_option("3")
    console.submit(escalate)
    assert [e.level for e in events(world, "Incident.Escalated")] == [3]
    console.tab("org")
    page.locator(f'[data-unit="{world.grid}"] [data-act="stand-down"]').click()
    standing_down = console.dialog("stand-down")
    standing_down.locator("input[name=reason]").fill("本网格检测结束")
    console.submit(standing_down)
    expect(page.locator(f'[data-unit="{world.grid}"] [data-act="war"]')).to_be_visible()
    assert [(e.originator_id, e.incident_id, e.reason) for e in events(world, "OrgUnit.StoodDown")] == [
        (world.grid, incident, "本网格检测结束")]
    console.tab("incidents")
    page.locator(f'[data-incident="{incident}"] [data-act="close"]').click()
    closing = console.dialog("close-incident")
    closing.locator("input[name=reason]").fill("第一轮检测完成")
    console.submit(closing)
    assert [e.reason for e in events(world, "Incident.Closed")] == ["第一轮检测完成"]
    expect(page.locator(f'[data-incident="{incident}"] .badge.closed')).to_be_visible()
    assert not console.problems


def assign_from_candidates(console: Console, shift: UUID, person: UUID) -> None:
    console.page.locator(f'[data-shift="{shift}"] [data-act="candidates"]').click()
    candidates = console.dialog("candidates")
    candidates.locator(f'.candidate[data-person="{person}"] [data-act="assign"]').click()
    expect(candidates).to_be_hidden()


def a_running_site(world: World, street: Street) -> tuple[UUID, UUID]:
    """An incident, the street at war, an open site in grid 1 (given through the application)."""
    incident = world.do("declare_incident", "均禾全员核酸检测", "mass_testing_drive", world.street)
    world.war(incident)
    site = world.do("plan_testing_site", incident, world.grid, "石马桥1号检测点", 1,
                    {"sampler": 2, "registrar": 1, "marshal": 1})
    world.do("appoint_site_commander", site, street.leader)
    world.do("open_site", site)
    return incident, site


def test_a_retry_after_a_timeout_acts_once_with_the_same_key(world: World, served: Served,
                                                             new_page: NewPage) -> None:
    street = Street(world)
    _, site = a_running_site(world, street)
    console = Console(new_page(), served, issue(world.app, "operator", "Li Wei"))
    page = console.page
    keys: list[str] = []

    def lost_answer(route: Route) -> None:  # the server acts, the answer never reaches the browser
        keys.append(route.request.headers["idempotency-key"])
        route.fetch()
        route.abort("timedout")

    console.tab("sites")
    page.locator(f'[data-site="{site}"] [data-act="tally"]').click()
    tally = console.dialog("tally")
    tally.locator("input[name=samples]").fill("412")
    page.route("**/api/sites/*/tallies", lost_answer)
    tally.locator("button[type=submit]").click()
    expect(tally.locator(".refusal")).to_have_attribute("data-error", "network")
    assert len(events(world, "TestingSite.TallyReported")) == 1  # it was done; the browser does not know
    tally.locator("button[type=submit]").click()  # retried in the same dialog: lost again
    expect(tally.locator(".refusal")).to_have_attribute("data-error", "network")
    assert keys[1] == keys[0]
    tally.locator("button.x").click()  # the operator gives up on the dialog, then opens it again
    expect(tally).to_be_hidden()
    page.unroute("**/api/sites/*/tallies")
    page.locator(f'[data-site="{site}"] [data-act="tally"]').click()
    tally = console.dialog("tally")
    tally.locator("input[name=samples]").fill("412")
    with page.expect_request("**/api/sites/*/tallies") as retried:
        console.submit(tally)
    assert retried.value.headers["idempotency-key"] == keys[0]  # the same action, continued
    assert [e.samples for e in events(world, "TestingSite.TallyReported")] == [412]
    lost = [problem for problem in console.problems if "/tallies" in problem]
    assert len(lost) == 2 and all("ERR_TIMED_OUT" in problem for problem in console.problems)  # only the cut answers

    # once settled, the next tally is a new action with a new key
    page.locator(f'[data-site="{site}"] [data-act="tally"]').click()
    tally = console.dialog("tally")
    tally.locator("input[name=samples]").fill("380")
    with page.expect_request("**/api/sites/*/tallies") as corrected:
        console.submit(tally)
    assert corrected.value.headers["idempotency-key"] != keys[0]
    assert [e.samples for e in events(world, "TestingSite.TallyReported")] == [412, 380]


def test_drill_figures_stand_apart_from_real_ones(world: World, served: Served, new_page: NewPage) -> None:
    street = Street(world)
    _, site = a_running_site(world, street)
    world.shift(site, datetime.now(UTC) - timedelta(minutes=20), slots=2)
    drill = world.do("declare_incident", "防汛应急演练", "other", world.street, exercise=True)
    drill_site = world.do("plan_testing_site", drill, world.other_grid, "演练检测点", 1, {"marshal": 1})
    world.do("appoint_site_commander", drill_site, street.registrar)
    world.do("open_site", drill_site)
    world.shift(drill_site, datetime.now(UTC) - timedelta(minutes=20), post="marshal")
    console = Console(new_page(), served, issue(world.app, "viewer", "Wall screen 1"))
    screen = console.tab("gaps")
    expect(screen.locator(".kpis.real .kpi.need b")).to_have_text("2")  # the real drive's need only
    expect(screen.locator(".kpis.drill .kpi.need b")).to_have_text("1")  # the drill's, beside it
    expect(screen.locator(".row.exercise .badge.drill")).to_have_count(1)
    screen = console.tab("sites")
    expect(screen.locator(f'.row.exercise[data-site="{drill_site}"] .badge.drill')).to_be_visible()
    assert screen.locator(f'[data-site="{site}"] .badge.drill').count() == 0
    screen.locator("select[name=incident-filter]").select_option(str(drill))  # only the drill's sites
    expect(console.page.locator(f'[data-site="{site}"]')).to_have_count(0)
    expect(console.page.locator(f'[data-site="{drill_site}"]')).to_be_visible()
    shot(console.page, "drill-apart")
    assert not console.problems


def test_a_grid_operator_sees_no_controls_for_other_grids_and_a_viewer_none(world: World, served: Served,
                                                                            new_page: NewPage) -> None:
    street = Street(world)
    incident, site = a_running_site(world, street)
    running = world.shift(site, datetime.now(UTC) - timedelta(minutes=5), slots=2)
    world.do("assign_to_shift", running, street.samplers[0], ctx=world.ctx(datetime.now(UTC)))
    world.do("dispatch", "task_force", street.task_force, incident, "维持秩序", site_id=site)
    other_site = world.do("plan_testing_site", incident, world.other_grid, "石马桥2号检测点", 1, {"sampler": 1})
    grid_two = issue(world.app, "operator", "Zhang Min", world.other_grid)
    console = Console(new_page(), served, grid_two)
    page = console.page
    screen = console.tab("org")
    expect(screen.locator(f'[data-unit="{world.other_grid}"]')).to_be_visible()
    assert screen.locator(f'[data-unit="{world.grid}"]').count() == 0
    assert screen.locator(f'[data-unit="{world.street}"]').count() == 0
    expect(screen.locator(f'[data-unit="{world.other_grid}"] .badge.war')).to_be_visible()  # at war through the street
    assert screen.locator(f'[data-unit="{world.other_grid}"] [data-act]').count() == 0  # stood down there, not here
    screen = console.tab("sites")
    expect(screen.locator(f'[data-site="{other_site}"] [data-act="open"]')).to_be_visible()
    assert screen.locator(f'[data-site="{site}"] [data-act]').count() == 0
    screen = console.tab("incidents")
    expect(screen.locator(f'[data-incident="{incident}"]')).to_be_visible()  # the street's drive: she works it
    assert screen.locator(f'[data-incident="{incident}"] [data-act]').count() == 0  # but it is not hers to close
    screen = console.tab("gaps")
    assert screen.locator("[data-act]").count() == 0  # grid 1's shift: not hers to fill
    shot(page, "grid-operator")

    assert not console.problems
    for role, holder in (("viewer", "Wall screen 1"), ("auditor", "Audit Office")):
        watching = Console(new_page(), served, issue(world.app, role, holder))
        assert "只读" in watching.page.locator("#who").inner_text()
        watching.tab("incidents")
        drill = world.do("declare_incident", f"防汛应急演练 {role}", "other", world.street, exercise=True)
        expect(watching.page.locator(f'.drills [data-incident="{drill}"] .badge.drill')).to_be_visible()  # live
        for name in ("org", "incidents", "sites", "rota", "gaps", "dispatch", "roster"):
            screen = watching.tab(name)
            expect(screen.locator(".row, .unit").first).to_be_visible()  # the same screens, with their rows
            assert screen.locator("button, form").count() == 0, (role, name)
        assert not watching.problems


def test_labels_switch_to_english_and_a_phone_renders_the_console(world: World, served: Served,
                                                                  new_page: NewPage) -> None:
    street = Street(world)
    _, site = a_running_site(world, street)
    shift = world.shift(site, datetime.now(UTC) - timedelta(minutes=30), slots=2)
    world.do("assign_to_shift", shift, street.samplers[0], ctx=world.ctx(datetime.now(UTC)))
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone[1].add_init_script("delete Crypto.prototype.randomUUID")  # as on plain http over a LAN: not a secure context
    console = Console(phone, served, issue(world.app, "operator", "Li Wei"))
    page = console.page
    for name in ("org", "sites", "gaps", "dispatch"):
        console.tab(name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width}px wide on a 390px phone"
        shot(page, f"phone-{name}")
    screen = console.tab("gaps")
    button = screen.locator(f'[data-shift="{shift}"] [data-act="check-in"]')
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 28
    assert page.evaluate("typeof crypto.randomUUID") == "undefined"
    with page.expect_request("**/check-in") as sent:
        button.tap()
    assert UUID4.fullmatch(sent.value.headers["idempotency-key"])  # a random key all the same
    expect(screen.locator(f'[data-shift="{shift}"] .badge.checked_in')).to_be_visible()
    assert len(events(world, "Shift.CheckedIn")) == 1

    page.click("#lang")
    expect(page.locator('a[data-screen="incidents"]')).to_have_text("Incidents")
    assert page.locator("html").get_attribute("lang") == "en"
    assert not console.problems
    page.reload()  # the choice is kept
    expect(page.locator('a[data-screen="incidents"]')).to_have_text("Incidents")
    cut = [problem for problem in console.problems if "ERR_ABORTED" not in problem]
    assert cut == []  # only what the reload cut short (the stream, a read in flight)


@pytest.fixture(autouse=True)
def _not_before_t0() -> None:
    assert datetime.now(UTC) > T0, "the scenarios run at the wall clock's now, after the world's set-up time"
