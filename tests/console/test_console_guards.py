"""The console's guards in a real browser: a retry acts once, drills stand apart, scope and read-only roles
draw no controls they may not use, a phone renders it, and the labels switch language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mobilize.demo.live import Served
from tests.api.conftest import issue
from tests.browser import Route
from tests.conftest import World
from tests.console.conftest import NewPage, shot
from tests.console.steps import UUID4, Console, Street, a_running_site, events, expect


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
