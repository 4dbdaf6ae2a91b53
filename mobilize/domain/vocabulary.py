"""The domain's vocabularies, defined once: the aggregates check against them, the API types its fields with them."""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    """Kinds of org unit from the top down: 街道/镇, 社区/联社/村, 网格, 楼栋/责任区."""

    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    BUILDING = "building"


class LeaderSeat(StrEnum):
    """The dual grid leaders (双网格长): a street cadre and the local cooperative head."""

    FIRST_SECRETARY = "first_secretary"
    COOPERATIVE_HEAD = "cooperative_head"


class Role(StrEnum):
    """What a person is in the grid."""

    FIRST_SECRETARY = "first_secretary"  # 第一书记
    GRID_LEADER = "grid_leader"  # 网格长 (one of the dual leaders)
    GRID_WORKER_FULL_TIME = "grid_worker_full_time"  # 专职网格员
    GRID_WORKER_PART_TIME = "grid_worker_part_time"  # 兼职网格员
    DUAL_REGISTERED_PARTY_MEMBER = "dual_registered_party_member"  # 双报到 / 下沉党员, needs a home unit
    VOLUNTEER = "volunteer"  # 志愿者
    BUILDING_LEADER = "building_leader"  # 楼长
    MEDICAL_STAFF = "medical_staff"  # 医务人员


class Skill(StrEnum):
    """What a person is qualified for (采样, 登记, 秩序维护, 急救, 驾驶, 消杀)."""

    SAMPLER = "sampler"
    REGISTRAR = "registrar"
    MARSHAL = "marshal"
    FIRST_AID = "first_aid"
    DRIVER = "driver"
    DISINFECTION = "disinfection"


class Post(StrEnum):
    """The posts of a testing site's lane; each is staffed by the skill of the same name."""

    SAMPLER = "sampler"
    REGISTRAR = "registrar"
    MARSHAL = "marshal"
    FIRST_AID = "first_aid"
    DISINFECTION = "disinfection"
    DRIVER = "driver"


class Availability(StrEnum):
    """Whether a person can be put on duty."""

    AVAILABLE = "available"
    ON_LEAVE = "on_leave"
    OUT_OF_SERVICE = "out_of_service"


class IncidentKind(StrEnum):
    """全员核酸检测, 隔离酒店值守, 转运隔离, 楼宇安全排查, 其他."""

    MASS_TESTING_DRIVE = "mass_testing_drive"
    QUARANTINE_HOTEL_DUTY = "quarantine_hotel_duty"
    ISOLATION_TRANSFER = "isolation_transfer"
    BUILDING_SAFETY_SWEEP = "building_safety_sweep"
    OTHER = "other"


class TaskForceTier(StrEnum):
    """The 1+1+5+N model: one street team, one per union, five per cooperative grid, N in new organisations."""

    STREET = "street"
    UNION = "union"
    COOPERATIVE_GRID = "cooperative_grid"
    NEW_ORGANISATION = "new_organisation"


class TokenRole(StrEnum):
    """operator: commands within a subtree; auditor: reads everything, writes nothing; viewer: dashboards;
    responder: one person's own shifts and dispatches, from the field page."""

    OPERATOR = "operator"
    AUDITOR = "auditor"
    VIEWER = "viewer"
    RESPONDER = "responder"


class SubjectKind(StrEnum):
    """What a dispatch sends: one person, or a task force."""

    PERSON = "person"
    TASK_FORCE = "task_force"


def names(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The vocabulary's words as plain text, in their order."""
    return tuple(word.value for word in vocabulary)
