"""The directory: what exists and how it stands, for lists and pickers (the reads are in `directory_lists`).

The org tree with each unit's switches to war (a unit's inherited mode is worked out when read), incidents,
sites with their commanders and tallies, shifts with their people, people with their qualifications and
duties, task forces with their members and temporary branch. Activity (on shift, on a dispatch, resting)
is worked out from the rows at the moment asked about, so the view needs no clock.
"""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import Notification

from mobilize.log.codec import iso
from mobilize.projections.base import Projection
from mobilize.projections.modes import TracksModes
from mobilize.projections.store import Transaction

TABLES = (
    """CREATE TABLE IF NOT EXISTS directory_units (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
        parent_id TEXT, grid_level INTEGER, depth INTEGER NOT NULL, path TEXT NOT NULL)""",
    # every (ancestor, unit) pair, the unit itself included: a subtree is one join at any depth
    """CREATE TABLE IF NOT EXISTS directory_tree (ancestor_id TEXT NOT NULL, unit_id TEXT NOT NULL,
        PRIMARY KEY (ancestor_id, unit_id))""",
    "CREATE INDEX IF NOT EXISTS directory_tree_unit ON directory_tree (unit_id)",
    """CREATE TABLE IF NOT EXISTS directory_leaders (unit_id TEXT NOT NULL, seat TEXT NOT NULL,
        person_id TEXT NOT NULL, PRIMARY KEY (unit_id, seat))""",
    # the switches in force (a stand-down deletes its row); DOUBLE PRECISION: PostgreSQL's REAL rounds
    """CREATE TABLE IF NOT EXISTS directory_wars (unit_id TEXT NOT NULL, incident_id TEXT NOT NULL,
        exercise INTEGER NOT NULL, working_groups TEXT NOT NULL, max_shift_hours DOUBLE PRECISION NOT NULL,
        min_rest_hours DOUBLE PRECISION NOT NULL, since TEXT NOT NULL, PRIMARY KEY (unit_id, incident_id))""",
    """CREATE TABLE IF NOT EXISTS directory_incidents (id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL,
        level INTEGER NOT NULL, state TEXT NOT NULL, exercise INTEGER NOT NULL, scope_unit_id TEXT NOT NULL,
        declared_at TEXT NOT NULL, closed_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS directory_sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, incident_id TEXT NOT NULL,
        grid_id TEXT NOT NULL, lanes INTEGER NOT NULL, posts TEXT NOT NULL, state TEXT NOT NULL, commander_id TEXT,
        proposed_commander_id TEXT)""",
    "CREATE INDEX IF NOT EXISTS directory_sites_grid ON directory_sites (grid_id)",
    """CREATE TABLE IF NOT EXISTS directory_tallies (site_id TEXT NOT NULL, hour TEXT NOT NULL,
        samples INTEGER NOT NULL, PRIMARY KEY (site_id, hour))""",
    """CREATE TABLE IF NOT EXISTS directory_shifts (id TEXT PRIMARY KEY, site_id TEXT NOT NULL,
        incident_id TEXT NOT NULL, grid_id TEXT NOT NULL, lane INTEGER NOT NULL, post TEXT NOT NULL,
        skill TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL, slots INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS directory_shifts_site ON directory_shifts (site_id, starts)",
    # one row per person on a shift; `rest_until`: when a wartime rest after their check-out ends
    """CREATE TABLE IF NOT EXISTS directory_duty (shift_id TEXT NOT NULL, person_id TEXT NOT NULL,
        status TEXT NOT NULL, checked_in_at TEXT, checked_out_at TEXT, rest_until TEXT,
        PRIMARY KEY (shift_id, person_id))""",
    "CREATE INDEX IF NOT EXISTS directory_duty_person ON directory_duty (person_id)",
    """CREATE TABLE IF NOT EXISTS directory_people (id TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL,
        home_grid_id TEXT, availability TEXT NOT NULL, dispatch_id TEXT)""",
    "CREATE INDEX IF NOT EXISTS directory_people_grid ON directory_people (home_grid_id)",
    """CREATE TABLE IF NOT EXISTS directory_qualifications (person_id TEXT NOT NULL, skill TEXT NOT NULL,
        valid_until TEXT NOT NULL, PRIMARY KEY (person_id, skill))""",
    """CREATE TABLE IF NOT EXISTS directory_task_forces (id TEXT PRIMARY KEY, name TEXT NOT NULL, tier TEXT NOT NULL,
        unit_id TEXT NOT NULL, flag TEXT NOT NULL, leader_id TEXT NOT NULL, disbanded INTEGER NOT NULL,
        dispatch_id TEXT, branch_name TEXT, branch_secretary_id TEXT)""",
    """CREATE TABLE IF NOT EXISTS directory_members (task_force_id TEXT NOT NULL, person_id TEXT NOT NULL,
        PRIMARY KEY (task_force_id, person_id))""",
    "CREATE INDEX IF NOT EXISTS directory_members_person ON directory_members (person_id)",
)


class Directory(TracksModes, Projection):
    """Units, incidents, sites, shifts, people and task forces, as the console lists and picks them."""

    name = "directory"
    prefix = "directory"  # TracksModes reads directory_units.parent_id, directory_wars and directory_shifts
    tables = TABLES
    drops = ("directory_units", "directory_tree", "directory_leaders", "directory_wars", "directory_incidents",
             "directory_sites", "directory_tallies", "directory_shifts", "directory_duty", "directory_people",
             "directory_qualifications", "directory_task_forces", "directory_members")

    def OrgUnit_Established(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Place the unit under its parent: its ancestors, depth and path of names (units are established
        rarely: a query here costs little)."""
        unit, parent = str(note.originator_id), _str(event.parent_id)
        ancestors, path = [], []
        if parent is not None:
            ancestors = [row[0] for row in tx.execute("SELECT ancestor_id FROM directory_tree WHERE unit_id = ?",
                                                      (parent,))]
            path = json.loads(tx.execute("SELECT path FROM directory_units WHERE id = ?", (parent,))[0][0])
        for ancestor in (*ancestors, unit):
            tx.execute("INSERT INTO directory_tree VALUES (?, ?)", (ancestor, unit))
        tx.execute("INSERT INTO directory_units VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (unit, event.name, event.kind, parent, event.grid_level, len(ancestors), _json([*path, event.name])))
        self._parents.keep(unit, parent)
        self._rests.keep(unit, ())

    def OrgUnit_LeaderAppointed(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Seat (or reseat) one of the grid's dual leaders."""
        tx.execute("INSERT INTO directory_leaders VALUES (?, ?, ?) ON CONFLICT (unit_id, seat) "
                   "DO UPDATE SET person_id = excluded.person_id",
                   (str(note.originator_id), event.seat, str(event.person_id)))

    def OrgUnit_SwitchedToWar(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A switch in force on the unit, with its working groups and policy."""
        unit = str(note.originator_id)
        tx.execute("INSERT INTO directory_wars VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (unit, str(event.incident_id), int(event.exercise), _json(list(event.working_groups)),
                    event.max_shift_hours, event.min_rest_hours, iso(event.since)))
        self._rests.keep(unit, self._rests.read(tx, unit))

    def OrgUnit_StoodDown(self, tx: Transaction, event: Any, note: Notification) -> None:
        """The switch for the incident is over."""
        unit = str(note.originator_id)
        tx.execute("DELETE FROM directory_wars WHERE unit_id = ? AND incident_id = ?", (unit, str(event.incident_id)))
        self._rests.keep(unit, self._rests.read(tx, unit))

    def Incident_Declared(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO directory_incidents VALUES (?, ?, ?, ?, 'open', ?, ?, ?, NULL)",
                   (str(note.originator_id), event.title, event.kind, event.level, int(event.exercise),
                    str(event.scope_unit_id), iso(event.occurred_at)))

    def Incident_Escalated(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_incidents SET level = ? WHERE id = ?", (event.level, str(note.originator_id)))

    def Incident_Closed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_incidents SET state = 'closed', closed_at = ? WHERE id = ?",
                   (iso(event.occurred_at), str(note.originator_id)))

    def TestingSite_Planned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO directory_sites VALUES (?, ?, ?, ?, ?, ?, 'planned', NULL, ?)",
                   (str(note.originator_id), event.name, str(event.incident_id), str(event.grid_id), event.lanes,
                    _json(dict(event.posts)), _str(event.proposed_commander_id)))

    def TestingSite_CommanderAppointed(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_sites SET commander_id = ? WHERE id = ?",
                   (str(event.person_id), str(note.originator_id)))

    def _site_state(self, tx: Transaction, note: Notification, state: str) -> None:
        tx.execute("UPDATE directory_sites SET state = ? WHERE id = ?", (state, str(note.originator_id)))

    def TestingSite_Opened(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._site_state(tx, note, "open")

    def TestingSite_Paused(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._site_state(tx, note, "paused")

    def TestingSite_Reopened(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._site_state(tx, note, "open")

    def TestingSite_Closed(self, tx: Transaction, event: Any, note: Notification) -> None:
        self._site_state(tx, note, "closed")

    def TestingSite_TallyReported(self, tx: Transaction, event: Any, note: Notification) -> None:
        """The hour's samples; a second report for the hour corrects the first."""
        tx.execute("INSERT INTO directory_tallies VALUES (?, ?, ?) ON CONFLICT (site_id, hour) "
                   "DO UPDATE SET samples = excluded.samples",
                   (str(note.originator_id), iso(event.hour), event.samples))

    def Shift_Scheduled(self, tx: Transaction, event: Any, note: Notification) -> None:
        shift = str(note.originator_id)
        tx.execute("INSERT INTO directory_shifts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (shift, str(event.site_id), str(event.incident_id), str(event.grid_id), event.lane, event.post,
                    event.skill, iso(event.start), iso(event.end), event.slots))
        self.shift_scheduled(shift, str(event.grid_id))

    def Shift_Assigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO directory_duty VALUES (?, ?, 'assigned', NULL, NULL, NULL)",
                   (str(note.originator_id), str(event.person_id)))

    def Shift_Unassigned(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM directory_duty WHERE shift_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def Shift_CheckedIn(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_duty SET status = 'checked_in', checked_in_at = ? WHERE shift_id = ? "
                   "AND person_id = ?", (iso(event.at), str(note.originator_id), str(event.person_id)))

    def Shift_CheckedOut(self, tx: Transaction, event: Any, note: Notification) -> None:
        """Off the post; in war, resting for as long as the strictest switch over the shift's grid demands."""
        until = self.rest_until(tx, str(note.originator_id), event.at)
        tx.execute("UPDATE directory_duty SET status = 'checked_out', checked_out_at = ?, rest_until = ? "
                   "WHERE shift_id = ? AND person_id = ?",
                   (iso(event.at), None if until is None else iso(until), str(note.originator_id),
                    str(event.person_id)))

    def Shift_NoShowRecorded(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_duty SET status = 'no_show' WHERE shift_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def Person_Registered(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A person, without phone, ID number or home unit (personal data, sealed: ADR 0015): the directory lists,
        it does not identify."""
        tx.execute("INSERT INTO directory_people VALUES (?, ?, ?, ?, 'available', NULL)",
                   (str(note.originator_id), event.name, ",".join(event.roles), _str(event.home_grid_id)))

    def Person_QualificationCertified(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO directory_qualifications VALUES (?, ?, ?) ON CONFLICT (person_id, skill) "
                   "DO UPDATE SET valid_until = excluded.valid_until",
                   (str(note.originator_id), event.skill, iso(event.valid_until)))

    def Person_QualificationRevoked(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM directory_qualifications WHERE person_id = ? AND skill = ?",
                   (str(note.originator_id), event.skill))

    def Person_AvailabilityChanged(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_people SET availability = ? WHERE id = ?",
                   (event.availability, str(note.originator_id)))

    def Dispatchable_DispatchTaken(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A person or task force is held to a live dispatch (one of the two updates matches)."""
        for table in ("directory_people", "directory_task_forces"):
            tx.execute(f"UPDATE {table} SET dispatch_id = ? WHERE id = ?",
                       (str(event.dispatch_id), str(note.originator_id)))

    def Dispatchable_DispatchEnded(self, tx: Transaction, event: Any, note: Notification) -> None:
        for table in ("directory_people", "directory_task_forces"):
            tx.execute(f"UPDATE {table} SET dispatch_id = NULL WHERE id = ?",
                       (str(note.originator_id),))

    def TaskForce_Formed(self, tx: Transaction, event: Any, note: Notification) -> None:
        """A task force under its unit; the leader is its first member."""
        force = str(note.originator_id)
        tx.execute("INSERT INTO directory_task_forces VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, NULL)",
                   (force, event.name, event.tier, str(event.unit_id), event.flag, str(event.leader_id)))
        tx.execute("INSERT INTO directory_members VALUES (?, ?)", (force, str(event.leader_id)))

    def TaskForce_MemberJoined(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("INSERT INTO directory_members VALUES (?, ?)", (str(note.originator_id), str(event.person_id)))

    def TaskForce_MemberLeft(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("DELETE FROM directory_members WHERE task_force_id = ? AND person_id = ?",
                   (str(note.originator_id), str(event.person_id)))

    def TaskForce_TemporaryBranchSetUp(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_task_forces SET branch_name = ?, branch_secretary_id = ? WHERE id = ?",
                   (event.branch_name, str(event.secretary_id), str(note.originator_id)))

    def TaskForce_TemporaryBranchDissolved(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_task_forces SET branch_name = NULL, branch_secretary_id = NULL WHERE id = ?",
                   (str(note.originator_id),))

    def TaskForce_Disbanded(self, tx: Transaction, event: Any, note: Notification) -> None:
        tx.execute("UPDATE directory_task_forces SET disbanded = 1 WHERE id = ?", (str(note.originator_id),))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
