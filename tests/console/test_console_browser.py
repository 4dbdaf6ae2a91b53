"""The operator console in a real browser: a small drive run end to end by clicking, checked against the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mobilize.demo.live import Served
from tests.api.conftest import issue
from tests.conftest import World
from tests.console.conftest import NewPage, shot
from tests.console.steps import Console, Street, assign_from_candidates, counts, events, expect, local


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
    expect(rota.locator(".refusal .message")).to_contain_text("未生成任何班次")  # in the operator's language
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
    expect(refusal.locator(".message")).to_have_text("班次开始 10 分钟后才能记缺勤")
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
