"""The demo's closing report: what was written, how the sites were staffed, what was refused and why."""

from __future__ import annotations

from mobilize.demo.desk import Tally
from mobilize.demo.drive import Drive
from mobilize.demo.street import Street


def render(street: Street, drive: Drive, tally: Tally, events_written: int, store: str,
           peace: list[str] | None = None, mode_after: str | None = None, war: Tally | None = None,
           field: list[str] | None = None) -> str:
    """A summary a command-center operator can read; the same for the same seed. `peace` is the peace half
    (the week and the drill before the drive), `mode_after` the street's mode once the drive stood down, and
    `war` the drive's own counts (the drill's dispatches are not the drive's)."""
    war = war or tally
    filled = [s for s in drive.slots if s.person is not None]
    checked_in = [s for s in drive.slots if s.checked_in]
    title = "Junhe street in peace, a drill, a mass testing drive, and back to peace (demo)" if peace else \
        "Junhe mass testing drive (demo)"
    lines = [
        title,
        "=" * len(title),
        f"store                     {store}",
        f"events written            {events_written}",
        f"commands accepted         {sum(tally.accepted.values())}",
        f"commands refused          {sum(tally.refused.values())} (nothing of them is in the log)",
        "",
        "Street",
        f"  communities             {len(street.communities)}",
        f"  grids                   {len(street.grids)}",
        f"  people registered       {len(street.skills)}",
        f"  task forces             {len(street.task_forces)} (1 street + 11 union + 5 cooperative grid + 2 new)",
        "",
        *([*peace, "", "War: the mass testing drive", ""] if peace else []),
        "Staffing (24 hours, 3 shifts of 8 hours)",
        f"  testing sites           {len(drive.sites)} with {sum(drive.site_lanes)} lanes",
        f"  shifts scheduled        {len(drive.slots)}",
        f"  shifts filled           {len(filled)} ({100 * len(filled) / len(drive.slots):.1f}%)",
        f"  checked in              {len(checked_in)}",
    ]
    lines += [f"  {fact:<24}{count}" for fact, count in sorted(war.facts.items())]
    lines += [
        f"  samples taken           {drive.samples}",
        "",
        "Dispatches",
    ]
    for name in ("dispatch", "acknowledge_dispatch", "decline_dispatch", "set_out", "arrive_on_scene",
                 "release_dispatch", "recall_dispatch"):
        lines.append(f"  {name.replace('_', ' '):<24}{war.accepted[name]}")
    if field:
        lines += ["", *field]
    if mode_after is not None:
        lines += ["", "Back to peace", f"  street mode after the stand-down and close   {mode_after}"]
    lines += ["", "Refusals, by rule (first example)"]
    for rule, count in sorted(tally.refused.items()):
        lines.append(f"  {rule:<28}{count:>4}  e.g. {tally.examples[rule]}")
    return "\n".join(lines)
