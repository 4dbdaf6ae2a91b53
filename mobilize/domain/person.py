"""People: their roles, qualifications, availability, and the shifts and dispatches they are held to."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from mobilize.domain.base import CHINA, InvalidCommand, RuleViolated, aware, cst, require
from mobilize.domain.dispatch import Dispatchable
from mobilize.domain.organisation import DutyPolicy
from mobilize.domain.personal import ERASED, LEGAL_BASES, PersonalDataErased, declare
from mobilize.domain.vocabulary import Availability, Role, Skill, names, zh

ROLES = names(Role)
SKILLS = names(Skill)
AVAILABILITY = names(Availability)


class NotQualified(RuleViolated):
    """Raised when a person lacks a qualification valid for the whole shift."""

    rule = "qualification_required"


class NotAvailable(RuleViolated):
    """Raised when a person on leave or out of service is put on duty."""

    rule = "person_not_available"


class OverlappingShift(RuleViolated):
    """Raised when a person would be booked on two shifts that overlap."""

    rule = "no_overlapping_shifts"


class ShiftTooLong(RuleViolated):
    """Raised when a shift is longer than the wartime policy allows and nobody overrode it."""

    rule = "wartime_longest_shift"


class RestTooShort(RuleViolated):
    """Raised when the rest between two shifts is shorter than the wartime policy allows."""

    rule = "wartime_shortest_rest"


class PeaceShiftTooLong(ShiftTooLong):
    """Raised when a shift in peace is longer than the peace-time policy allows and nobody overrode it."""

    rule = "peace_longest_shift"


class PeaceRestTooShort(RestTooShort):
    """Raised when the rest between two shifts in peace is shorter than the peace-time policy allows."""

    rule = "peace_shortest_rest"


BREACHES = {"war": (ShiftTooLong, RestTooShort, "wartime"),
            "peace": (PeaceShiftTooLong, PeaceRestTooShort, "peace-time")}
"""The rules a duty policy's limits stand for, by the mode the policy holds in."""
MODE_ZH = {"war": "战时", "peace": "平时"}


class Person(Dispatchable):
    """Anyone the district can call on: cadres, grid workers, party members, volunteers, medics."""

    erased = False
    """Whether the person's personal data was erased (their key destroyed); the record of duty stays."""
    legal_basis: str | None = None
    """Why their personal data is processed (`LEGAL_BASES`); None for people registered before it was recorded."""
    basis_incident_id: UUID | None = None
    """The incident an emergency basis names: the data serves it, and is swept after it closes."""

    @event("Registered")
    def __init__(self, name: str, roles: list[str], home_grid_id: UUID | None, home_unit: str | None,
                 phone: str | None, id_number: str | None) -> None:
        self.name = name
        self.roles = roles
        self.home_grid_id = home_grid_id
        self.home_unit = home_unit
        self.phone = phone
        self.id_number = id_number
        self.qualifications: dict[str, datetime] = {}
        self.availability = "available"
        self.bookings: dict[str, dict[str, datetime]] = {}

    @classmethod
    def register(cls, name: str, roles: list[str], home_grid_id: UUID | None, home_unit: str | None = None,
                 phone: str | None = None, id_number: str | None = None) -> Person:
        """Register a person with their roles; a dual-registered party member names a home unit."""
        require(bool(name.strip()), InvalidCommand, "a person needs a name", field="name")
        require(bool(roles), InvalidCommand, "a person needs at least one role", field="roles")
        unknown = [r for r in roles if r not in ROLES]
        require(not unknown, InvalidCommand, f"unknown roles; known roles are {', '.join(ROLES)}", roles=unknown)
        require("dual_registered_party_member" not in roles or bool(home_unit and home_unit.strip()),
                InvalidCommand, "a dual-registered party member must name the home unit they come from",
                field="home_unit")
        return cls(name.strip(), sorted(set(roles)), home_grid_id, home_unit, phone, id_number)

    def certify(self, skill: str, valid_until: datetime) -> None:
        """Record a qualification, valid until the given moment."""
        require(skill in SKILLS, InvalidCommand, f"skill must be one of {', '.join(SKILLS)}", skill=skill)
        self._certify(skill=skill, valid_until=aware(valid_until, "valid_until"))

    @event("QualificationCertified")
    def _certify(self, skill: str, valid_until: datetime) -> None:
        self.qualifications[skill] = valid_until

    def revoke(self, skill: str) -> None:
        """Withdraw a qualification."""
        require(skill in self.qualifications, RuleViolated, f"{self.name} holds no {skill} qualification",
                person=self.name, skill=skill, zh=f"{self.name}没有{zh(skill)}资质")
        self._revoke(skill=skill)

    @event("QualificationRevoked")
    def _revoke(self, skill: str) -> None:
        del self.qualifications[skill]

    def set_availability(self, availability: str) -> None:
        """Mark the person available, on leave or out of service."""
        require(availability in AVAILABILITY, InvalidCommand,
                f"availability must be one of {', '.join(AVAILABILITY)}", availability=availability)
        require(availability != self.availability, RuleViolated, f"{self.name} is already {availability}",
                person=self.name, availability=availability, zh=f"{self.name}的状态已是「{zh(availability)}」")
        self._set_availability(availability=availability)

    @event("AvailabilityChanged")
    def _set_availability(self, availability: str) -> None:
        self.availability = availability

    def qualified_for(self, skill: str, until: datetime) -> bool:
        """Whether the person holds `skill`, valid through `until`."""
        valid_until = self.qualifications.get(skill)
        return valid_until is not None and valid_until >= until

    def book(self, shift_id: UUID, start: datetime, end: datetime, skill: str,
             policy: DutyPolicy | None, override_reason: str | None) -> list[str]:
        """Hold the person to a shift; returns the duty-policy rules an operator overrode, if any."""
        breaches = self.check_booking(start, end, skill, policy)
        if breaches and not (override_reason and override_reason.strip()):
            raise breaches[0]
        overridden = rules_of(breaches)
        self._book(shift_id=shift_id, start=start, end=end,
                   overridden=overridden, override_reason=override_reason if overridden else None)
        return overridden

    def check_booking(self, start: datetime, end: datetime, skill: str,
                      policy: DutyPolicy | None) -> list[RuleViolated]:
        """Whether `book` would take the shift, changing nothing: raises the refusal no override lifts (not
        available, not qualified, an overlap); returns the duty-policy rules it breaks (war's or peace's), which
        only an operator's written override lifts (`rules_of` names them)."""
        self.require_ready()
        require(self.qualified_for(skill, end), NotQualified,
                f"{self.name} has no {skill} qualification valid until the shift ends",
                person=self.name, skill=skill, valid_until=self.qualifications.get(skill), shift_end=end,
                zh=f"{self.name}没有在班次结束前仍有效的{zh(skill)}资质")
        for other_id, other in self.bookings.items():
            require(not (start < other["end"] and other["start"] < end), OverlappingShift,
                    f"{self.name} is already on a shift from {other['start']:%Y-%m-%d %H:%M} "
                    f"to {other['end']:%H:%M} UTC", person=self.name, overlapping_shift_id=other_id,
                    start=other["start"], end=other["end"],
                    zh=f"{self.name}在 {cst(other['start'])}–{other['end'].astimezone(CHINA):%H:%M} 已有班次")
        return self._policy_breaches(start, end, policy)

    def _policy_breaches(self, start: datetime, end: datetime, policy: DutyPolicy | None) -> list[RuleViolated]:
        if policy is None:
            return []
        too_long, too_short, limit = BREACHES[policy.mode]
        breaches: list[RuleViolated] = []
        hours = (end - start) / timedelta(hours=1)
        if hours > policy.max_shift_hours:
            breaches.append(too_long(
                f"a {hours:g}-hour shift is longer than the {limit} limit of {policy.max_shift_hours:g} hours",
                person=self.name, shift_hours=hours, max_shift_hours=policy.max_shift_hours,
                zh=f"{hours:g} 小时的班次超过{MODE_ZH[policy.mode]}单班上限 {policy.max_shift_hours:g} 小时"))
        min_rest = timedelta(hours=policy.min_rest_hours)
        for other_id, other in self.bookings.items():
            rest = start - other["end"] if other["end"] <= start else other["start"] - end
            if rest < min_rest:
                breaches.append(too_short(
                    f"{self.name} would rest only {rest / timedelta(hours=1):g} hours between shifts; "
                    f"{limit} policy requires {policy.min_rest_hours:g}",
                    person=self.name, other_shift_id=other_id, rest_hours=rest / timedelta(hours=1),
                    min_rest_hours=policy.min_rest_hours,
                    zh=f"{self.name}两班之间只能休息 {rest / timedelta(hours=1):g} 小时，"
                       f"{MODE_ZH[policy.mode]}规则要求至少 {policy.min_rest_hours:g} 小时"))
        return breaches

    @event("ShiftBooked")
    def _book(self, shift_id: UUID, start: datetime, end: datetime, overridden: list[str],
              override_reason: str | None) -> None:
        self.bookings[str(shift_id)] = {"start": start, "end": end}

    def release(self, shift_id: UUID) -> None:
        """Free the person from a shift they were booked on."""
        require(str(shift_id) in self.bookings, RuleViolated, f"{self.name} is not booked on that shift",
                person=self.name, shift_id=shift_id, zh=f"{self.name}没有排在该班次上")
        self._release(shift_id=shift_id)

    @event("ShiftReleased")
    def _release(self, shift_id: UUID) -> None:
        del self.bookings[str(shift_id)]

    def record_legal_basis(self, basis: str, incident_id: UUID | None) -> None:
        """Record why the person's personal data is processed: an emergency (PIPL Art. 13(4), naming the incident
        it serves), their consent, or a duty (staff: their work or volunteering agreement)."""
        require(basis in LEGAL_BASES, InvalidCommand, f"legal_basis must be one of {', '.join(LEGAL_BASES)}",
                field="legal_basis")
        require((basis == "emergency") == (incident_id is not None), InvalidCommand,
                "an emergency basis names the incident the data serves (and only an emergency basis does)",
                field="basis_incident_id")
        self._require_not_erased()
        self._record_legal_basis(legal_basis=basis, incident_id=incident_id)

    @event("LegalBasisRecorded")
    def _record_legal_basis(self, legal_basis: str, incident_id: UUID | None) -> None:
        self.legal_basis, self.basis_incident_id = legal_basis, incident_id

    def correct_personal_data(self, phone: str | None, id_number: str | None, home_unit: str | None) -> None:
        """Replace the person's phone, ID number and home unit (refused once they were erased)."""
        self._require_not_erased()
        require("dual_registered_party_member" not in self.roles or bool(home_unit and home_unit.strip()),
                InvalidCommand, "a dual-registered party member must name the home unit they come from",
                field="home_unit")
        self._correct(phone=phone, id_number=id_number, home_unit=home_unit)

    @event("PersonalDataCorrected")
    def _correct(self, phone: str | None, id_number: str | None, home_unit: str | None) -> None:
        self.phone, self.id_number, self.home_unit = phone, id_number, home_unit

    def seal_forward(self) -> None:
        """Record the person's personal data again (stored sealed), so that readers need no plain-text event."""
        self._require_not_erased()
        self._seal_forward(phone=self.phone, id_number=self.id_number, home_unit=self.home_unit)

    @event("PersonalDataSealed")
    def _seal_forward(self, phone: str | None, id_number: str | None, home_unit: str | None) -> None:
        self.phone, self.id_number, self.home_unit = phone, id_number, home_unit

    def erase_personal_data(self) -> None:
        """Erase the person's phone, ID number and home unit (the application destroys their key)."""
        self._require_not_erased()
        self._erase(fields=[name for name in PERSONAL_FIELDS if getattr(self, name) is not None])

    @event("PersonalDataErased")
    def _erase(self, fields: list[str]) -> None:
        self.erased = True
        for name in fields:
            setattr(self, name, ERASED)

    def _require_not_erased(self) -> None:
        require(not self.erased, PersonalDataErased, f"{self.name}'s personal data was erased; it cannot be "
                "recorded or changed again", person=self.name, person_id=self.id,
                zh=f"{self.name}的个人信息已被删除，不能再次记录或修改")

    def require_ready(self) -> None:
        """Refuse unless the person is available for duty."""
        require(self.availability == "available", NotAvailable, f"{self.name} is {self.availability.replace('_', ' ')}",
                person=self.name, availability=self.availability,
                zh=f"{self.name}当前为「{zh(self.availability)}」状态，不能调用")


def rules_of(breaches: list[RuleViolated]) -> list[str]:
    """The rules the breaches break, each once and in order (a rest short on both sides is one rule)."""
    return list(dict.fromkeys(e.rule for e in breaches))
PERSONAL_FIELDS = ("phone", "id_number", "home_unit")
"""What a person's events hold that is personal (a dual-registered member's home unit names their employer)."""
for _event in ("Registered", "PersonalDataCorrected", "PersonalDataSealed"):
    declare(getattr(Person, _event), *PERSONAL_FIELDS)
declare(Person, *PERSONAL_FIELDS)  # its snapshots, where snapshotting is switched on
