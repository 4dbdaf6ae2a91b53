// Labels in Chinese (the default) and English; the operator's choice is kept in localStorage.
const WORDS = {
  zh: {
    title: "应急指挥 · 操作台", token: "令牌", connect: "连接", tokenLabel: "访问令牌 (Bearer token)",
    tokenRefused: "令牌无效：未知、已吊销或输入有误", live: "实时", reconnecting: "重新连接…", lang: "English",
    readOnly: "只读", scopeAll: "全部辖区",
    "tab.org": "组织与战时", "tab.incidents": "事件", "tab.sites": "检测点", "tab.rota": "排班",
    "tab.gaps": "缺口与补位", "tab.dispatch": "调派", "tab.roster": "在岗",
    loading: "加载中…", none: "暂无", cancel: "取消", submit: "确定", close: "关闭", search: "搜索",
    searchPeople: "输入姓名搜索人员", choose: "选择", chosen: "已选", any: "全部", reason: "原因",
    reasonRequired: "必须填写原因", required: "必填",
    network: "网络中断或超时：未确认是否执行。再次点击将以同一幂等键重试，不会重复执行。",
    refused: "被拒绝", facts: "详情", retryable: "可重试（同一幂等键，不会重复执行）", done: "已完成",
    peace: "平时", war: "战时", drill: "演练", real: "实战", inherited: "继承自上级",
    workingGroups: "工作组", policy: "战时规则", maxShift: "单班最长（小时）", minRest: "最短休息（小时）",
    leaders: "网格长", shiftAtMost: "单班≤", restAtLeast: "休息≥", switchToWar: "转入战时", standDown: "恢复平时", incident: "事件",
    declare: "发布事件", escalate: "升级响应", closeIncident: "结束事件", level: "响应级别", kind: "类型",
    scopeUnit: "范围", exercise: "演练（不计入实战数据）", declaredAt: "发布时间", open: "进行中", closed: "已结束",
    drills: "演练", realIncidents: "实战事件", titleField: "名称",
    plan: "规划检测点", site: "检测点", grid: "网格", lanes: "通道数", posts: "岗位（每通道人数）",
    openSite: "开设", pause: "暂停", reopen: "恢复", closeSite: "关闭", tally: "录入采样数",
    commander: "指挥长", proposed: "建议指挥长", hour: "时段开始", samples: "采样数", samplesTotal: "累计采样",
    lastTally: "最近一小时", name: "名称", state: "状态",
    rota: "批量排班", start: "开始", end: "结束", shiftHours: "每班小时数", build: "生成排班",
    created: "已生成班次", refusedShifts: "被拒绝的班次（未写入任何班次）", shifts: "班次",
    showAll: "也显示不能指派的人及原因", allIncidents: "全部事件", gaps: "缺口", shortOnly: "仅显示缺员班次", candidates: "候选人", assign: "指派", filled: "已排",
    nearness: "距离", hoursWorked: "本事件已工作小时", needsOverride: "需越规批准", overrideReason: "越规理由",
    overrideHint: "该人员需越过战时规则才能指派，请写明理由（将记录在案）",
    checkIn: "签到", checkOut: "签退", noShow: "记缺勤", standIn: "替补", standInReason: "缺勤替补",
    required_: "需要", have: "现有", need: "缺", now: "当前", next: "随后",
    dispatch: "调派", newDispatch: "新调派", subjectKind: "对象", taskForce: "突击队", person: "个人",
    task: "任务", acknowledge: "确认接令", decline: "拒绝", setOut: "出发", arrive: "到场", release: "任务完成",
    recall: "召回", since: "自", members: "人",
    roster: "在岗名单", resting: "休息中", until: "至", status: "状态", post: "岗位", lane: "通道",
    "nearness.same_grid": "同网格", "nearness.same_community": "同社区", "nearness.same_street": "同街道",
    "nearness.elsewhere": "其他",
    "tab.rollcall": "点名", "tab.people": "人员",
    rollCall: "点名", rollSubject: "检测点或突击队", sitesGroup: "检测点", forcesGroup: "突击队",
    noSubjects: "辖区内没有可点名的检测点或突击队", callRoll: "开始点名", callAgain: "重新点名", closeRoll: "结束点名",
    rollOpen: "点名中", rollClosed: "已结束", calledAt: "发起于", closedAt: "结束于", neverCalled: "尚未点过名",
    accounted: "已应答", unaccounted: "未应答", allAccounted: "全部已应答", answeredAfter: "用时",
    hourUnit: "时", minuteUnit: "分", secondUnit: "秒",
    printCodes: "打印签到二维码", checkInCodes: "签到二维码", print: "打印", codesCount: "个二维码",
    scanToCheckIn: "到岗后用手机扫码签到", noSiteGiven: "未指定检测点（地址需带 ?site=）",
    fieldTokens: "现场令牌", issueToken: "发放现场令牌", noTokens: "尚未发放现场令牌", revoke: "吊销",
    revoked: "已吊销", valid: "有效", issued: "发放于", fieldLink: "现场页面链接",
    shownOnce: "此链接和二维码只显示这一次，关闭后无法再次查看：请立即交给本人（扫码或发送链接）。",
    scanToOpen: "本人用手机扫描二维码即可打开现场页面，无需输入令牌。",
    revokeHint: "如手机丢失：吊销后该令牌的所有请求都将被拒绝（原因将记录在案）",
  },
  en: {
    title: "Command center · console", token: "token", connect: "connect", tokenLabel: "Bearer token",
    tokenRefused: "this token was refused: unknown, revoked, or mistyped", live: "live", reconnecting: "reconnecting…",
    lang: "中文", readOnly: "read-only", scopeAll: "whole tree",
    "tab.org": "Org & war", "tab.incidents": "Incidents", "tab.sites": "Sites", "tab.rota": "Rota",
    "tab.gaps": "Gaps & fill-ins", "tab.dispatch": "Dispatch", "tab.roster": "On duty",
    loading: "loading…", none: "none", cancel: "cancel", submit: "OK", close: "close", search: "search",
    searchPeople: "type a name to search people", choose: "choose", chosen: "chosen", any: "any", reason: "reason",
    reasonRequired: "a reason is required", required: "required",
    network: "network down or timed out: not known whether it was done. Clicking again retries with the same "
      + "Idempotency-Key and never acts twice.",
    refused: "refused", facts: "facts", retryable: "retryable (same Idempotency-Key: never acts twice)", done: "done",
    peace: "peace", war: "war", drill: "drill", real: "real", inherited: "inherited from",
    workingGroups: "working groups", policy: "wartime policy", maxShift: "longest shift (hours)",
    minRest: "shortest rest (hours)", leaders: "leaders", shiftAtMost: "shifts ≤", restAtLeast: "rest ≥", switchToWar: "switch to war", standDown: "stand down",
    incident: "incident", declare: "declare", escalate: "escalate", closeIncident: "close", level: "level",
    kind: "kind", scopeUnit: "scope", exercise: "a drill (never counted as real)", declaredAt: "declared",
    open: "open", closed: "closed", drills: "Drills", realIncidents: "Real incidents", titleField: "title",
    plan: "plan a site", site: "site", grid: "grid", lanes: "lanes", posts: "posts (people per lane)",
    openSite: "open", pause: "pause", reopen: "reopen", closeSite: "close", tally: "enter tally",
    commander: "commander", proposed: "proposed commander", hour: "hour starting", samples: "samples",
    samplesTotal: "samples so far", lastTally: "last hour", name: "name", state: "state",
    rota: "Build a rota", start: "start", end: "end", shiftHours: "hours per shift", build: "build rota",
    created: "shifts created", refusedShifts: "refused shifts (none was written)", shifts: "shifts",
    showAll: "also show who cannot take it, and why", allIncidents: "all incidents", gaps: "gaps", shortOnly: "short shifts only", candidates: "candidates", assign: "assign", filled: "filled",
    nearness: "nearness", hoursWorked: "hours in this incident", needsOverride: "needs override",
    overrideReason: "override reason", overrideHint: "this person can only be assigned by overriding a wartime rule: "
      + "write why (it is recorded)",
    checkIn: "check in", checkOut: "check out", noShow: "no-show", standIn: "stand-in",
    standInReason: "stand-in for a no-show", required_: "required", have: "have", need: "need", now: "now",
    next: "next", dispatch: "dispatch", newDispatch: "new dispatch", subjectKind: "subject", taskForce: "task force",
    person: "person", task: "task", acknowledge: "acknowledge", decline: "decline", setOut: "en route",
    arrive: "on scene", release: "release", recall: "recall", since: "since", members: "members",
    roster: "On duty now", resting: "Resting", until: "until", status: "status", post: "post", lane: "lane",
    "nearness.same_grid": "same grid", "nearness.same_community": "same community",
    "nearness.same_street": "same street", "nearness.elsewhere": "elsewhere",
    "tab.rollcall": "Roll call", "tab.people": "People",
    rollCall: "Roll call", rollSubject: "site or task force", sitesGroup: "Sites", forcesGroup: "Task forces",
    noSubjects: "no site or task force in your scope to call the roll of", callRoll: "call the roll",
    callAgain: "call again", closeRoll: "close the roll call", rollOpen: "open", rollClosed: "closed",
    calledAt: "called", closedAt: "closed", neverCalled: "no roll call yet", accounted: "accounted for",
    unaccounted: "not yet accounted for", allAccounted: "everyone accounted for", answeredAfter: "after",
    hourUnit: "h ", minuteUnit: "m ", secondUnit: "s",
    printCodes: "print check-in codes", checkInCodes: "Check-in codes", print: "print", codesCount: "codes",
    scanToCheckIn: "at your post, scan with your phone to check in", noSiteGiven: "no site given (the address needs ?site=)",
    fieldTokens: "field tokens", issueToken: "issue a field token", noTokens: "no field token issued yet",
    revoke: "revoke", revoked: "revoked", valid: "valid", issued: "issued", fieldLink: "field page link",
    shownOnce: "This link and QR code are shown only now and never again: hand them to the person at once "
      + "(scan, or send the link).",
    scanToOpen: "Scanned with the person's phone, the code opens their field page; no token to type.",
    revokeHint: "a lost phone: once revoked, every request with this token is refused (the reason is recorded)",
  },
};

// The domain's vocabularies (their words are the API's; only the labels change).
const VOCAB = {
  zh: {
    street: "街道", community: "社区", grid: "网格", building: "楼栋",
    sampler: "采样", registrar: "登记", marshal: "秩序维护", first_aid: "急救", driver: "驾驶", disinfection: "消杀",
    mass_testing_drive: "全员核酸检测", quarantine_hotel_duty: "隔离酒店值守", isolation_transfer: "转运隔离",
    building_safety_sweep: "楼宇安全排查", other: "其他",
    planned: "规划中", open: "开放", paused: "暂停", closed: "已关闭",
    requested: "已下令", acknowledged: "已接令", declined: "已拒绝", en_route: "在途", on_scene: "到场",
    released: "已完成", recalled: "已召回", ready: "待命", dispatched: "已调派", disbanded: "已解散",
    assigned: "已排", checked_in: "已签到", checked_out: "已签退", no_show: "缺勤",
    upcoming: "未开始", running: "进行中", ended: "已结束",
    first_secretary: "第一书记", cooperative_head: "经济社社长",
    coordination: "综合协调", medical_support: "医疗保障", health_monitoring: "健康监测", social_control: "社会管控",
    sampling: "采样", logistics: "后勤保障", publicity: "宣传引导",
    "on duty": "在岗", expected: "待签到", "no-show": "缺勤",
    wartime_longest_shift: "超过战时单班最长时长", wartime_shortest_rest: "不足战时最短休息",
    qualification_required: "缺少有效资质", no_overlapping_shifts: "班次时间重叠", person_not_available: "人员不可用",
    shift_full: "班次已满", site_needs_commander: "检测点尚无指挥长", site_state: "检测点状态不允许",
    incident_closed: "事件已结束", dispatch_transition: "调派状态不允许", one_active_dispatch: "已有进行中的调派",
    already_in_war: "已处于战时", post_plan_exceeded: "超出岗位计划", concurrent_change: "并发修改",
    invalid_request: "输入有误", forbidden: "无权操作", not_found: "未找到", unauthenticated: "未认证",
    network: "网络错误", store_unavailable: "存储暂不可用", rota_refused: "排班被拒绝", rule_violated: "违反规则",
    operator: "操作员", auditor: "审计员", viewer: "查看者", person: "个人", task_force: "突击队",
    not_on_roll: "不在点名名单上", invalid_command: "无法执行", command_id_reused: "幂等键已用于另一请求",
    medical_staff: "医务人员", volunteer: "志愿者", grid_worker_full_time: "专职网格员", grid_leader: "网格长",
    grid_worker_part_time: "兼职网格员",
    dual_registered_party_member: "双报到党员", building_leader: "楼长",
  },
  en: { "on duty": "on duty", first_secretary: "first secretary", cooperative_head: "cooperative head" },
};

let lang = localStorage.getItem("mobilize.lang") === "en" ? "en" : "zh";

export function language() { return lang; }

export function setLanguage(next) {
  lang = next === "en" ? "en" : "zh";
  localStorage.setItem("mobilize.lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

/** The label of a key in the chosen language (English, then the key itself, when one is missing). */
export function t(key) { return WORDS[lang][key] ?? WORDS.en[key] ?? key; }

/** The label of a vocabulary word: a post, kind, state, rule … (the word itself, de-underscored, otherwise). */
export function w(word) {
  if (word === null || word === undefined) return "—";
  return VOCAB[lang][word] ?? VOCAB.en[word] ?? String(word).replaceAll("_", " ");
}

setLanguage(lang);
