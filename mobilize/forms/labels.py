"""The forms' words in Chinese and English: titles, field and column names, and the vocabulary's values."""

from __future__ import annotations

from typing import Any

TITLES = {
    "201": ("ICS 201 事件简报", "ICS 201 Incident Briefing"),
    "203": ("ICS 203 组织分工表", "ICS 203 Organization Assignment List"),
    "204": ("ICS 204 任务分配表", "ICS 204 Assignment List"),
    "211": ("ICS 211 签到表", "ICS 211 Check-in List"),
    "214": ("ICS 214 工作日志", "ICS 214 Activity Log"),
    "person": ("人员履历（岗位、工时、休息、例外）", "Person history (posts, duty hours, rest, overrides)"),
    "215": ("ICS 215 行动计划表（需求/现有/缺口）", "ICS 215 Operational Planning Worksheet (required/have/need)"),
}

WORDS: dict[str, tuple[str, str]] = {
    "incident": ("事件", "Incident"), "kind": ("类型", "Kind"), "level": ("级别", "Level"),
    "exercise": ("演练", "Exercise"), "declared_at": ("发布时间", "Declared at"), "state": ("状态", "State"),
    "scope": ("范围", "Scope"), "units_in_war": ("战时单位", "Units in war"), "unit": ("单位", "Unit"),
    "since": ("起始", "Since"), "working_groups": ("工作组", "Working groups"),
    "max_shift_hours": ("最长班次(时)", "Longest shift (h)"), "min_rest_hours": ("最短休息(时)", "Shortest rest (h)"),
    "sites": ("检测点", "Sites"), "site": ("检测点", "Site"), "grid": ("网格", "Grid"), "lanes": ("通道数", "Lanes"),
    "commander": ("指挥长", "Commander"), "samples": ("采样数", "Samples"), "dispatches": ("调度", "Dispatches"),
    "subject": ("对象", "Subject"), "task": ("任务", "Task"), "task_forces": ("突击队", "Task forces"),
    "task_force": ("突击队", "Task force"), "tier": ("层级", "Tier"), "leader": ("队长", "Leader"),
    "members": ("队员数", "Members"), "branch": ("临时党支部", "Temporary branch"),
    "site_commanders": ("检测点指挥长", "Site commanders"), "assignments": ("岗位分配", "Assignments"),
    "lane": ("通道", "Lane"), "post": ("岗位", "Post"), "start": ("开始", "Start"), "end": ("结束", "End"),
    "slots": ("名额", "Slots"), "person": ("人员", "Person"), "status": ("状态", "Status"),
    "check_ins": ("签到", "Check-ins"), "checked_in_at": ("签到时间", "Checked in at"),
    "checked_out_at": ("签退时间", "Checked out at"), "activities": ("活动", "Activities"),
    "occurred_at": ("发生时间", "Occurred at"), "recorded_at": ("记录时间", "Recorded at"),
    "activity": ("活动", "Activity"), "actor": ("操作人", "Actor"), "ordered_by": ("下令人", "Ordered by"),
    "reason": ("原因", "Reason"), "position": ("日志位置", "Log position"), "for": ("对象", "For"),
    "window": ("时段", "Window"), "required": ("需求", "Required"), "have": ("现有", "Have"), "need": ("缺口", "Need"),
    "not_checked_in": ("未签到", "Not checked in"), "resting": ("休息中", "Resting"), "posts": ("岗位", "Posts"),
    "stamp": ("生成依据", "Made from"), "head": ("链头哈希", "Chain head"), "reading": ("时点", "Moment"),
    "roles": ("角色", "Roles"), "total_hours": ("总工时", "Total hours"), "moves": ("行踪", "Where and when"),
    "shortest_rest_hours": ("最短休息(时)", "Shortest rest (h)"), "where": ("地点", "Where"), "when": ("班次", "Shift"),
    "duty_days": ("每日工时与休息", "Duty hours and rest per day"), "day": ("日期", "Day"), "hours": ("工时", "Hours"),
    "shifts": ("班次数", "Shifts"), "on_duty": ("在岗", "On duty"), "rest_hours": ("休息(时)", "Rest (h)"),
    "overrides": ("例外批准", "Overrides"), "rules": ("规则", "Rules"),
    "prepared": ("据此可复核：同一日志位置重新生成，内容与链头应一致。",
                 "Re-derive it from the same log position: the content and chain head must match."),
}

VALUES: dict[str, str] = {
    "sampler": "采样", "registrar": "登记", "marshal": "秩序维护", "first_aid": "急救", "driver": "驾驶",
    "disinfection": "消杀", "planned": "筹备", "open": "开放", "paused": "暂停", "closed": "关闭",
    "assigned": "已分配", "checked_in": "在岗", "checked_out": "已签退", "no_show": "缺勤", "requested": "已下达",
    "acknowledged": "已确认", "declined": "已拒绝", "en_route": "途中", "on_scene": "到场", "released": "已解除",
    "recalled": "已召回", "now": "当前", "next": "后续", "yes": "是", "no": "否", "street": "街道",
    "community": "社区", "Shift.Assigned": "排班", "Shift.Unassigned": "撤班", "Shift.CheckedIn": "签到",
    "Shift.CheckedOut": "签退", "Shift.NoShowRecorded": "缺勤", "Dispatch.Requested": "调度下达",
    "Dispatch.Acknowledged": "调度确认", "Dispatch.Declined": "调度拒绝", "Dispatch.WentEnRoute": "出发",
    "Dispatch.ArrivedOnScene": "到场", "Dispatch.Released": "解除调度", "Dispatch.Recalled": "召回",
    "TaskForce.MemberJoined": "加入突击队", "TaskForce.MemberLeft": "离开突击队",
    "Person.AvailabilityChanged": "可用状态变更",
    "grid": "网格", "mass_testing_drive": "全员核酸检测",
}


def word(key: str, lang: str) -> str:
    """A field's or column's name."""
    zh, en = WORDS.get(key, (key, key.replace("_", " ").capitalize()))
    return zh if lang == "zh" else en


def title(number: str, lang: str) -> str:
    """A form's title."""
    zh, en = TITLES[number]
    return zh if lang == "zh" else en


def value(text: Any, lang: str) -> str:
    """A value as printed: the vocabulary's words in Chinese for zh, as is otherwise."""
    if text is None:
        return ""
    if isinstance(text, bool):
        text = "yes" if text else "no"
    shown = str(text)
    return VALUES.get(shown, shown) if lang == "zh" else shown
