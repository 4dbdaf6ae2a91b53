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


class CareFlag(StrEnum):
    """What a visit must know of a household: 独居老人, 低收入, 残疾, 特殊关爱 (personal data: masked in feeds)."""

    ELDERLY_ALONE = "elderly_alone"
    LOW_INCOME = "low_income"
    DISABILITY = "disability"
    SPECIAL_CARE = "special_care"


class VisitKind(StrEnum):
    """定时走访 (on the action day's plan), 适时下访 (when needed), 随时接访 (a resident walks in)."""

    SCHEDULED = "scheduled"
    WHEN_NEEDED = "when_needed"
    WALK_IN = "walk_in"


class VisitOutcome(StrEnum):
    """What a visit found: the household met, nobody at home, or the household gone."""

    MET = "met"
    NOT_AT_HOME = "not_at_home"
    MOVED_OUT = "moved_out"


class RequestCategory(StrEnum):
    """Kinds of grid matters a resident's request (诉求) falls under (Chixi counts 13)."""

    SOCIAL_ASSISTANCE = "social_assistance"  # 社会救助
    HEALTH = "health"  # 卫生健康
    ELDERLY_CARE = "elderly_care"  # 养老
    DISPUTE = "dispute"  # 矛盾纠纷
    ENVIRONMENT = "environment"  # 环境卫生
    WORK_SAFETY = "work_safety"  # 安全生产
    HOUSING = "housing"  # 住房
    LAND = "land"  # 土地
    COMPREHENSIVE_GOVERNANCE = "comprehensive_governance"  # 综治
    PARTY_BUILDING = "party_building"  # 党建
    CIVILITY = "civility"  # 文明创建
    OTHER = "other"


class HazardKind(StrEnum):
    """隐患: what a sweep finds (Deqing's self-built and rented houses)."""

    SELF_BUILT_HOUSE = "self_built_house"  # 自建房
    FIRE = "fire"
    GAS = "gas"
    ELECTRICAL = "electrical"
    FLOOD = "flood"
    OTHER = "other"


def names(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The vocabulary's words as plain text, in their order."""
    return tuple(word.value for word in vocabulary)
