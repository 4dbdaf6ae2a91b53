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


ZH = {
    # a person on a shift
    "assigned": "已排班、尚未签到", "checked_in": "已签到", "checked_out": "已签退", "no_show": "已记缺勤",
    # a dispatch
    "requested": "已下令", "acknowledged": "已接令", "declined": "已拒绝", "en_route": "在途", "on_scene": "到场",
    "released": "已完成", "recalled": "已召回",
    # a site
    "planned": "规划中", "open": "开放中", "paused": "已暂停", "closed": "已关闭",
    # a person's availability
    "available": "可调用", "on_leave": "休假中", "out_of_service": "停用",
    # skills and posts
    "sampler": "采样员", "registrar": "登记员", "marshal": "秩序维护员", "first_aid": "急救员", "driver": "驾驶员",
    "disinfection": "消杀员",
    # a hazard, a small wish, a page
    "found": "已发现", "ordered": "已下达整改", "rectified": "已整改", "verified": "已验收", "claimed": "已认领",
    "fulfilled": "已实现", "sent": "已发出", "delivered": "已送达", "escalated": "已上报", "withdrawn": "已撤回",
    # what a command loads
    "person": "人员", "shift": "班次", "next shift": "下一班次", "site": "检测点", "testing site": "检测点",
    "dispatch": "调派", "task force": "突击队", "incident": "事件", "org unit": "组织单元", "unit": "组织单元",
    "grid": "网格", "token": "令牌", "inbox": "通知", "site rota": "检测点排班", "household": "住户",
    "visit": "走访", "resident request": "诉求", "small wish": "微心愿", "hazard": "隐患", "drill call-up": "演练集结",
    "roll call": "点名", "site or task force": "检测点或突击队", "record": "记录", "building": "楼栋",
    "field log": "现场记录", "grid leader": "网格长", "home grid": "所属网格", "member": "队员", "request": "诉求",
    "visit plan": "走访计划", "drill": "演练", "roll": "点名", "task_force": "突击队",
    "roll call's subject": "点名对象",
    # why a page was withdrawn
    "taken off the shift": "已从班次中撤下", "the dispatch was declined": "调派已被拒绝",
    "the dispatch was released": "调派已完成", "the dispatch was recalled": "调派已召回",
    "answered by the person paged": "本人已答复", "answered through a grid leader": "已由网格长答复",
    "the incident is closed": "事件已结束", "the shift is over": "班次已结束",
    # why a request or a wish was closed unresolved
    "the household's personal data was erased": "住户的个人信息已被删除",
}
"""The words of this vocabulary (and the states of records) as refusals say them in Chinese."""


def zh(word: str | None) -> str:
    """`word` in Chinese, as a refusal says it; the word itself if it has no Chinese here."""
    return ZH.get(str(word), str(word))
