"""The console's glossary: every domain code in Chinese and English, and the sentences built from them.

The domain records codes and figures (`console.domain`); this is the one place
that says them in words. Panes call it through `console.ui.common.i18n` (which
knows the installed language), the after-action report with the language it was
asked for, and `resources/i18n/fill_zh_CN.py` fills the `.ts` with the same
words. Plain Python data, no Qt: a table maps a code to (Chinese, English).

Languages are "zh_CN" and "en" (anything starting with "zh" reads Chinese).
An unknown code reads as itself, so a new code shows up, never a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from console.domain.localtime import clock, duration, whole_seconds
from console.domain.model import FIELD_SOURCE, HEALTH_SOURCE, QUIETED_UNIT, SCENARIO_SOURCE

Words = dict[str, tuple[str, str]]

INCIDENT_KINDS: Words = {
    "crowd_density": ("人群密度", "Crowd density"),
    "cordon_intrusion": ("闯入警戒线", "Cordon intrusion"),
    "animal": ("动物", "Animal"),
    "fall": ("摔倒", "Fall"),
    "smoke": ("烟火", "Smoke or fire"),
    "fire_hazard": ("火灾隐患", "Fire hazard"),
    "illegal_parking": ("违规停车", "Illegal parking"),
    "rockfall": ("落石", "Rockfall"),
    "debris": ("杂物", "Debris"),
    "other": ("其他", "Other"),
    "camera_offline": ("摄像机离线", "Camera offline"),
    "source_silent": ("来源失联", "Source silent"),
}

RESOURCE_KINDS: Words = {
    "grid_worker": ("网格员", "Grid worker"),
    "community_staff": ("社区工作人员", "Community staff"),
    "social_worker": ("社工", "Social worker"),
    "volunteer": ("志愿者", "Volunteer"),
    "police": ("民警", "Police"),
    "traffic_police": ("交警", "Traffic police"),
    "medical": ("医疗", "Medical"),
    "fire": ("消防", "Fire"),
    "forest_fire": ("森林消防", "Forest fire"),
    "law_enforcement": ("综合执法", "Law enforcement"),
}

INCIDENT_STATUSES: Words = {
    "new": ("新警情", "New"),
    "acknowledged": ("已确认", "Acknowledged"),
    "dispatched": ("已派遣", "Dispatched"),
    "en_route": ("在途", "En route"),
    "on_scene": ("在现场", "On scene"),
    "resolved": ("已处置", "Resolved"),
    "closed": ("已办结", "Closed"),
    "false_alarm": ("误报", "False alarm"),
    "merged": ("已合并", "Merged"),
    "escalated": ("已上报", "Escalated"),
    "cooperation": ("协同中", "Cooperation"),
}

RESOURCE_STATUSES: Words = {
    "off_duty": ("不在岗", "Off duty"),
    "available": ("可调度", "Available"),
    "dispatched": ("已派遣", "Dispatched"),
    "en_route": ("在途", "En route"),
    "on_scene": ("在现场", "On scene"),
    "busy": ("忙碌", "Busy"),
}

TASK_STATUSES: Words = {
    "sent": ("已下发", "Sent"),
    "accepted": ("已接单", "Accepted"),
    "arrived": ("已到场", "Arrived"),
    "done": ("已完成", "Done"),
    "declined": ("已拒绝", "Declined"),
    "cancelled": ("已撤销", "Cancelled"),
}

#: one lookup for any status word (the codes the three tables share read the same)
STATUSES: Words = {**TASK_STATUSES, **RESOURCE_STATUSES, **INCIDENT_STATUSES}

SEVERITIES: Words = {
    "critical": ("紧急", "Critical"),
    "warning": ("警告", "Warning"),
    "info": ("提示", "Info"),
}

ALERT_SOURCES: Words = {
    "camera": ("AI 摄像头", "Camera AI"),
    "report": ("网格上报", "Grid report"),
    "hotline": ("热线", "Hotline"),
    "center": ("其他中心", "Other center"),
}

ROLES: Words = {
    "commander": ("指挥长", "Commander"),
    "operator": ("值班员", "Operator"),
    "wall": ("大屏", "Wall display"),
    "field": ("一线", "Field"),
    "ingest": ("接入", "Ingest"),
}

#: actors that are no person (the domain's source codes)
ACTORS: Words = {
    FIELD_SOURCE: ("现场（模拟）", "Field (simulated)"),
    SCENARIO_SOURCE: ("感知接入（演练）", "Sensor feed (exercise)"),
    HEALTH_SOURCE: ("本中心设备监测", "This hub's device watch"),
}

TIMELINE_STEPS: Words = {
    "raised": ("预警", "Raised"),
    "acknowledged": ("已确认", "Acknowledged"),
    "dispatched": ("已派遣", "Dispatched"),
    "resolved": ("已处置", "Resolved"),
    "closed": ("已办结", "Closed"),
    "false_alarm": ("误报", "False alarm"),
    "merged": ("已合并", "Merged"),
    "absorbed": ("并入其他事件", "Absorbed another incident"),
    "escalation": ("已上报", "Escalated"),
    "cooperation": ("请求协同", "Cooperation requested"),
    "escalation_accepted": ("上报已受理", "Escalation accepted"),
    "escalation_declined": ("上报被退回", "Escalation declined"),
    "cooperation_accepted": ("协同已接受", "Cooperation accepted"),
    "cooperation_declined": ("协同被拒绝", "Cooperation declined"),
    "handoff_accepted": ("移交已接收", "Hand-off accepted"),
    "handoff_declined": ("移交被退回", "Hand-off declined"),
    "plan_activated": ("启动预案", "Plan activated"),
    "broadcast": ("广播排查", "Broadcast check"),
    "task_accepted": ("任务已接单", "Task accepted"),
    "task_arrived": ("到达现场", "Arrived on scene"),
    "task_done": ("任务完成", "Task done"),
    "task_declined": ("任务被拒绝", "Task declined"),
    "task_cancelled": ("任务已撤销", "Task cancelled"),
    "case_handled": ("已处置上报", "Reported handled"),
    "case_verified": ("核查通过", "Verified"),
    "case_rejected": ("核查未通过", "Verification failed"),
    "case_returned": ("退回上报人", "Returned to the reporter"),
    "extension_requested": ("申请延期", "Extension requested"),
    "extension_approved": ("延期已批准", "Extension approved"),
    "extension_refused": ("延期未批准", "Extension refused"),
    "case_suspended": ("案件挂起", "Case suspended"),
    "case_resumed": ("案件恢复", "Case resumed"),
    "alert_updated": ("预警更新", "Alert updated"),
    "alert_cancelled": ("预警撤销", "Alert cancelled"),
}

#: recommendation reason codes (console.domain.recommend.REASONS): a format per language
REASONS: Words = {
    "nearest_of_role": ("最近的{role}：{metres} 米，{eta}", "nearest {role}: {metres} m, {eta}"),
    "next_of_role": ("第 {rank} 近的{role}：{metres} 米，{eta}", "{role} no. {rank}: {metres} m, {eta}"),
}

#: why a commander calls an alert false: the pick list of the false-alarm dialog (the note records the code)
FALSE_ALARM_REASONS: Words = {
    "nothing_there": ("画面中无异常", "Nothing there on camera"),
    "misdetection": ("AI 误识别", "AI misdetection"),
    "duplicate": ("重复预警", "Duplicate of another alert"),
    "already_handled": ("现场已处置", "Already handled on site"),
    "test": ("测试或演练", "Test or drill"),
    "other": ("其他原因", "Other reason"),
}

#: what needs the commander again after a dispatch went wrong (queue row, incident pane, banner)
ATTENTION: Words = {
    "needs_redispatch": ("需要重新派遣", "Needs re-dispatch"),
    "awaiting_closure": ("处置完毕，请办结", "Work done — please close"),
    "awaiting_closure_row": ("请办结", "Please close"),
    # a case (一办到底) past the due time of the stage it waits for; past its limit the district is told
    "case_overdue": ("案件超期：待{stage}，已超 {t}", "Case overdue: waiting for {stage}, {t} late"),
    "case_overdue_district": ("案件超过办理时限（已报区级）：待{stage}，已超 {t}",
                              "Case past its limit (the district is told): waiting for {stage}, {t} late"),
    "case_overdue_row": ("案件超期", "Case overdue"),
    "declined_by": ("{names} 拒绝", "declined by {names}"),
    "no_answer": ("{names} {t} 未应答", "no answer from {names} in {t}"),
}

#: a grid's tags (site folder org.geojson `tags`): what a broadcast's scope names
GRID_TAGS: Words = {
    "forest_adjacent": ("临林", "forest-adjacent"),
    "riverside": ("滨江", "riverside"),
    "course": ("赛道沿线", "along the course"),
}

#: a drill's (演练) marks: on every title a person reads, and what a phone-only drill asks
DRILL_WORDS: Words = {
    "mark": ("【演练】", "[DRILL] "),
    "phone_only": ("演练：仅在手机上应答，请勿前往", "Drill: answer on the phone only, do not go"),
    "ended": ("演练已结束", "Drill ended"),
    # the drill report and the district's comparison (console/recording/report_drills.py)
    "drills": ("演练", "Drills"), "by_town": ("各街道演练对比", "Drills by town"),
    "people": ("演练 · 人员", "Drill · people"),
    "drill": ("演练", "Drill"), "script": ("脚本", "Script"), "town": ("街道", "Town"),
    "started": ("开始", "Started"), "n": ("次数", "Drills run"),
    "to_ack": ("确认", "Acknowledge"), "to_dispatch": ("派遣", "Dispatch"),
    "to_accept": ("首人接单", "First acceptance"), "to_assembly": ("集结", "Assembly"),
    "to_sent": ("派遣", "Sent after"), "to_accepted": ("接单", "Accepted after"),
    "to_arrived": ("到场", "Arrived after"),
    "promise_60s": ("60 秒", "60 s"), "promise_10min": ("10 分钟", "10 min"),
    "kinds": ("力量类型", "Kinds sent"), "kinds_ok": ("符合", "as expected"),
    "missing": ("缺：{roles}", "missing: {roles}"), "person": ("人员", "Person"), "kind": ("类型", "Kind"),
    "plan_run": ("已启动预案 {plan}", "plan {plan} activated"),
    "plan_not_run": ("未启动预案 {plan}", "plan {plan} not activated"),
    "state": ("状态", "State"), "running": ("进行中", "running"),
    "none": ("暂无演练。", "No drills yet."),
    "medians": ("（中位数）", "(medians)"),
}

#: why the hub ended a task itself (console.domain.model.TASK_END_CAUSES)
TASK_END_CAUSES: Words = {
    "incident_closed": ("事件已关闭", "incident closed"),
    "recalled": ("已撤回", "recalled"),
    "false_alarm": ("误报", "false alarm"),
    "merged": ("事件已合并", "incident merged"),
    "drill_ended": ("演练已结束", "drill ended"),
}

#: SLA breach codes (console.domain.sla.BREACHES): a format per language
BREACHES: Words = {
    "response_late": ("响应用时 {took}，超过 {limit}", "response {took} > {limit}"),
    "response_overdue": ("响应已 {took}，超过 {limit}（无人在途）",
                         "response {took} > {limit} (nobody on the way)"),
    "first_arrival_late": ("首人到场 {took}，超过 {limit}", "first arrival {took} > {limit}"),
    "team_not_assembled": ("{limit}内未全员到场", "full team not on scene within {limit}"),
}

#: refusal codes a hub or the rules answer with, as the banner and Diagnostics show them
REFUSALS: Words = {
    "forbidden": ("无权操作", "Not allowed"),
    "unknown_command": ("未知指令", "Unknown command"),
    "not_found": ("未找到", "Not found"),
    "out_of_scope": ("不在辖区", "Out of area"),
    "invalid_state": ("当前状态不允许", "Not in this state"),
    "unavailable": ("无可用力量", "Nobody available"),
    "bad_request": ("请求有误", "Bad request"),
    "duplicate": ("重复指令", "Duplicate command"),
    "not_review": ("未加载回放", "No recording loaded"),
    "review_only": ("仅回放模式可用", "Review mode only"),
    "conflict": ("冲突", "Conflict"),
    "internal": ("中心内部错误", "Hub error"),
    "offline": ("离线", "Offline"),
    "photo_required": ("核查需附照片", "A photo is required"),
    "calendar_unknown": ("节假日历缺少该年份", "Holiday calendar lacks that year"),
    # the console's own notices (console/client/session.py)
    "cache": ("本地画面缓存不可读", "Local screen cache unreadable"),
    "local_store": ("本地指令文件写入失败", "Local command file not written"),
    "auth": ("登录被拒绝", "Sign-in refused"),
    "apply": ("事件处理出错", "Event not applied"),
    "unexpected": ("中心发来未知消息", "Unknown message from the hub"),
    "other_log": ("中心记录已更换", "New hub log"),
}

#: notices the banner says in a whole sentence of words (the session's own text is a diagnostic in English)
NOTICE_SENTENCES: Words = {
    "other_log": ("中心的记录已更换（新建或恢复的中心）：画面已按中心当前状态整体刷新",
                  "The hub's log is a new one (a new or restored hub): the whole screen now shows its state"),
}

#: why a command was refused, finer than its code (console.domain.rules.REFUSAL_REASONS);
#: `{what}` is the incident's title or the person's name
REFUSAL_REASONS: Words = {
    "closed": ("“{what}”已办结", "“{what}” is closed"),
    "resolved": ("“{what}”已处置完毕", "“{what}” is already resolved"),
    "false_alarm": ("“{what}”已标记误报", "“{what}” was marked a false alarm"),
    "merged": ("“{what}”已并入其他事件", "“{what}” was merged into another incident"),
    "already_acknowledged": ("“{what}”已确认", "“{what}” is already acknowledged"),
    "escalated": ("“{what}”已上报区级，等待答复", "“{what}” is escalated to the district, awaiting an answer"),
    "offered": ("“{what}”已请求协同，等待答复", "“{what}” awaits an answer to a hand-off"),
    "with_district": ("“{what}”已由区级处置", "“{what}” is already with the district"),
    "not_offered_here": ("“{what}”未移交本中心", "“{what}” was not handed to this center"),
    "no_plan": ("“{what}”的类型没有预案", "no response plan for “{what}”'s type"),
    "plan_active": ("“{what}”的预案已启动", "the plan for “{what}” is already active"),
    "nothing_to_cancel": ("“{what}”没有可撤回的任务", "“{what}” has no task to cancel"),
    "task_ended": ("{what} 的任务已结束", "{what}'s task has already ended"),
    "on_scene": ("{what} 已到场，不能撤回", "{what} is already on scene and cannot be recalled"),
    "busy": ("{what} 正在执行其他任务", "{what} is on another task"),
    "busy_by": ("{what} 已在执行 {holder} 派遣的任务", "{what} is already on a task sent by {holder}"),
    "off_duty": ("{what} 不在岗", "{what} is off duty"),
    "not_drill": ("“{what}”不是演练", "“{what}” is not a drill"),
}

#: the roster's own words (its other headers are Qt-translated in roster/model.py)
ROSTER_WORDS: Words = {
    "id": ("编号", "ID"),
    "dispatch_here": ("派遣到当前事件：{what}", "Dispatch to the current incident: {what}"),
    "no_incident": ("派遣到当前事件（先在队列中选中一个事件）",
                    "Dispatch to the current incident (select one in the queue first)"),
}

#: the undo toast while the hub cannot be reached: a command waits for the link, not for a clock
TOAST_OFFLINE: Words = {
    "held": ("{what} — 离线：连接恢复后发送（{left} 秒内可撤销）",
             "{what} — offline: sent when the link is back (undo within {left} s)"),
    "sent": ("{what} — 离线：等待连接恢复后送达", "{what} — offline: waits for the link to be delivered"),
}

#: a person's field page (console/field) as the roster and the incident's tasks show it
FIELD_PAGE: Words = {
    "header": ("现场终端", "Field page"),
    "online": ("在线", "online"),
    "offline": ("离线", "offline"),
    "last_heard": ("最后应答 {t}", "last answered {t}"),
    "since": ("自 {t}", "since {t}"),
    "enrol": ("现场终端二维码…", "Field page QR code…"),
    "enrol_title": ("{name} 的现场终端", "Field page of {name}"),
    "enrol_hint": ("请用手机扫描二维码，或打开下面的链接。新二维码生成后，旧的即失效。",
                   "Scan the code with the phone, or open the link below. A new code ends the old one."),
    "revoke": ("吊销并断开", "Revoke and disconnect"),
    "revoked": ("已吊销：该终端的连接已断开", "Revoked: the page's session is closed"),
    "copy": ("复制链接", "Copy link"),
    "close": ("关闭", "Close"),
    "no_tokens": ("此中心没有可写的令牌文件，无法登记终端", "This hub has no tokens file to write: cannot enrol"),
}

#: the scenarios a drill is recorded from (console.scenarios.SCENARIOS), as the review bar and the report name them
SCENARIO_NAMES: Words = {
    "marathon": ("马拉松赛事保障", "Marathon race day"),
    "fire_hazard": ("火灾隐患处置演练", "Fire hazard drill"),
    "rockfall": ("落石处置演练", "Rockfall drill"),
}

#: the after-action report's own words: its title, the center line and the sign-off block
REPORT_WORDS: Words = {
    "title": ("演练复盘报告", "After-action report"),
    "center": ("指挥中心", "Command center"),
    "sign_off": ("签字确认", "Sign-off"),
    "duty_commander": ("值班长", "Duty commander"),
    "reviewed_by": ("审核", "Reviewed by"),
    "date": ("日期", "Date"),
    "meta": ("场景 {scenario} · 种子 {seed} · 模式 {mode} · 记录人 {by}",
             "scenario {scenario} · seed {seed} · mode {mode} · recorded by {by}"),
    "events_n": ("{n} 个事件", "{n} events"),
    "summary": ("概要", "Summary"),
    "alerts": ("告警", "Alerts"), "incidents": ("事件", "Incidents"), "tasks": ("派单", "Tasks"),
    "closed": ("已办结", "Closed"), "breaches": ("超时", "Breaches"), "peak_tasks": ("并发任务峰值", "Peak tasks"),
    "promise": ("承诺", "Promise"), "met": ("达标", "met"), "share": ("达标率", "share"),
    "acknowledge_promise": ("签收 ≤ 60 秒", "Acknowledge ≤ 60 s"),
    "screen_title": ("告警上屏", "Alarm to screen"),
    "screen_what": ("每台席位自测：中心提交告警 → 告警行显示在屏幕上，取其最近一小时；消防指挥中心要求告警 {norm} 秒内显示。",
                    "Measured by each console itself: hub commit of an alert → its row painted on screen, its last "
                    "hour; fire-control rooms require an alarm on screen within {norm} s."),
    "screen_console": ("席位", "Console"), "screen_center": ("所属中心", "Its center"),
    "screen_norm": ("要求", "Norm"), "screen_camera": ("摄像机", "Camera"),
    "screen_none": ("本次记录中没有席位报告告警上屏时间。", "No console reported an alarm-to-screen figure in this recording."),
    "video_what": ("视频延迟：摄像机时间戳 → 画面上屏；GB/T 28181 要求直连监控中心 ≤ {direct} 秒、用户终端 ≤ {terminal} 秒。",
                   "Video delay: camera timestamp → picture painted; GB/T 28181 requires ≤ {direct} s to the "
                   "monitoring center and ≤ {terminal} s to a user's terminal."),
    "video_unknown": ("视频延迟未测：本次的码流不带摄像机时钟（GB/T 28181 要求直连监控中心 ≤ {direct} 秒、用户终端 ≤ {terminal} 秒）。",
                      "Video delay not measured: these streams carry no camera clock (GB/T 28181 requires ≤ "
                      "{direct} s to the monitoring center and ≤ {terminal} s to a user's terminal)."),
    "response_promise": ("响应 ≤ 60 秒（1 分钟）", "Response ≤ 60 s"),
    "assembly_promise": ("集结 ≤ 10 分钟", "Assembly ≤ 10 min"),
    "chart_timeline": ("每分钟告警与未结事件", "Alerts per minute and open incidents"),
    "chart_response": ("各事件响应时间（承诺 60 秒）", "Response per incident (promise 60 s)"),
    "chart_assembly": ("各事件集结时间（承诺 10 分钟）", "Assembly per incident (promise 10 min)"),
    "chart_utilisation": ("各类力量使用率", "Utilisation by kind"),
    "chart_crowd": ("各点位人群密度", "Crowd density per camera"),
    # the charts' axes and legends (drawn into the PNGs, so they must be in the report's language too)
    "axis_minutes_after": ("{t} 起的分钟数", "minutes after {t}"),
    "axis_minutes_after_alert": ("{t} 起的分钟数（告警时刻）", "minutes after {t} (alert)"),
    "axis_per_minute": ("每分钟 / 数量", "per minute / count"),
    "axis_seconds": ("秒", "seconds"), "axis_minutes": ("分钟", "minutes"),
    "axis_kind": ("力量类型", "resource kind"), "axis_utilisation_pct": ("使用率 %", "utilisation %"),
    "axis_density": ("人/㎡", "people per m²"),
    "legend_alerts_per_min": ("每分钟告警", "alerts per minute"),
    "legend_open_incidents": ("未结事件", "open incidents"), "legend_active_tasks": ("进行中任务", "active tasks"),
    "legend_kept": ("达标", "kept"), "legend_breached": ("超时", "breached"),
    "mode_live": ("实战", "live"), "mode_exercise": ("演练", "exercise"), "mode_review": ("回放", "review"),
    "breaches_n": ("超时事件（{n}）", "Breaches ({n})"),
    "all_met": ("全部达标：每起已判定的事件都守住了两项承诺。", "Every decided incident kept both promises."),
    "incident": ("事件", "incident"), "alert": ("告警", "alert"), "event_title": ("标题", "title"),
    "response": ("响应", "response"), "assembly": ("集结", "assembly"), "reason": ("原因", "reason"),
    "incident_details": ("事件明细", "Incident details"), "kind": ("类型", "kind"), "severity": ("级别", "sev."),
    "to_ack": ("→签收", "→ack"), "to_dispatch": ("→派遣", "→dispatch"),
    "to_first_arrival": ("→首人到场", "→first arrival"), "to_full_team": ("→全员到场", "→full plan on scene"),
    "to_closure": ("→闭环", "→closure"), "promise_60s": ("60 秒", "60 s"), "promise_10min": ("10 分钟", "10 min"),
    "status": ("状态", "status"),
    "utilisation": ("力量使用", "Resource utilisation"), "on_duty": ("在岗", "on duty"), "sent": ("派出", "sent"),
    "task_time": ("任务时长", "task time"), "utilisation_share": ("使用率", "utilisation"),
    "timeline_n": ("时间线（{n} 步）", "Timeline ({n} steps)"),
    "timeline_first": ("仅列前 {shown} 步（共 {n} 步）；图表覆盖整场演练。",
                       "First {shown} of {n} steps; the charts cover the whole drill."),
    "time": ("时间", "time"), "step": ("步骤", "step"), "who": ("执行人", "who"), "detail": ("详情", "detail"),
    "definitions": ("口径", "Definitions"),
    "definitions_text": (
        "时间为中心（场景）时间，从告警起算。响应 = 告警 → 首次派遣，或无需派遣的决定（误报、合并、关闭、上报）；"
        "承诺 60 秒。集结 = 首次派遣 → 所有派出人员到场；承诺 10 分钟（首人到场晚于 10 分钟同样违约）。"
        "百分位按最近秩，统计演练结束时已知该指标的事件。达标率统计结束时已判定的事件：达标，或已超限。"
        "使用率 = 该类人员任务时长 /（该类在岗人数 × 演练时长）。",
        "Times are hub (scenario) time, counted from the alert. Response = alert → first dispatch, or the "
        "decision that needs none (false alarm, merge, closure, escalation); promise 60 s. Assembly = first "
        "dispatch → every person sent on scene; promise 10 min (a first arrival later than 10 min also breaks "
        "it). Percentiles are nearest-rank over incidents whose figure is known at the end of the drill. The "
        "share counts incidents decided at the end: met, or already past the limit. Utilisation = task time "
        "of a kind's people / (people of that kind on duty × drill length)."),
}

#: the map pane's layer switches and legend words
MAP_WORDS: Words = {
    "layer_base": ("底图", "Base map"),
    "layer_grids": ("网格", "Grids"),
    "layer_cameras": ("摄像头视野", "Camera views"),
    "layer_people": ("人员", "People"),
    "layer_incidents": ("事件", "Incidents"),
    "layer_heat": ("人群热力", "Crowd heat"),
    "layers_tip": ("显示或隐藏地图图层", "Show or hide a map layer"),
    "heat_legend": ("人群密度（人/㎡，近 {min} 分钟）", "Crowd density (people/m², last {min} min)"),
    "camera_online": ("在线", "online"),
    "camera_offline": ("离线", "offline"),
    "camera_alerting": ("告警中", "alerting"),
    "no_picture": ("暂无画面", "no picture yet"),
}

#: a camera stream's state (console/video/status.py codes): what a tile and the diagnostics pane say
VIDEO_STATES: Words = {
    "connecting": ("连接中…", "Connecting…"),
    "playing": ("播放中", "Playing"),
    "still": ("静帧", "Still"),
    "no_signal": ("无信号", "No signal"),
    "auth_failed": ("认证失败", "Authentication failed"),
    "codec_unsupported": ("编码格式不支持", "Codec not supported"),
    "not_found": ("找不到视频流", "Stream not found"),
    "bad_url": ("视频地址无效", "Bad stream address"),
    "unreadable": ("视频流无法解析", "Unreadable stream"),
    "stopped": ("已停止", "Stopped"),
}

#: the camera wall's own words: a tile's video lines, and saved views (视图: cameras + layout, kept by name)
VIDEO_WORDS: Words = {
    "last_picture": ("最后画面 {t}", "Last picture {t}"),
    "still_at": ("静帧 {t}", "Still {t}"),
    "reconnecting": ("重连中（第 {n} 次）", "Reconnecting (attempt {n})"),
    "waiting": ("等待视频", "waiting for video"),
    "not_recorded": ("未录制", "not recorded"),
    "recorded_at": ("录像 {t}", "Recorded {t}"),
    "views": ("视图", "Views"),
    "views_tip": ("保存的视图：摄像头与布局（Ctrl+Shift+V）", "Saved views: cameras and layout (Ctrl+Shift+V)"),
    "save_view": ("保存为我的视图…", "Save as my view…"),
    "save_shared_view": ("保存为共享视图…", "Save as shared view…"),
    "my_views": ("我的视图", "My views"),
    "shared_views": ("共享视图", "Shared views"),
    "all_cameras": ("全部摄像头", "All cameras"),
    "delete_view": ("删除视图", "Delete view"),
    "no_views": ("（无）", "(none)"),
    "view_name": ("视图名称：", "View name:"),
    "view_tiles": ("{n} 路", "{n} tiles"),
    "view_showing": ("视图：{name}", "View: {name}"),
    "view_missing": ("{n} 个摄像头已不存在", "{n} cameras no longer exist"),
    "view_error": ("视图未保存：{why}", "View not saved: {why}"),
}

#: the incident pane's pictures and the evidence export (its HTML page and the pane's buttons)
EVIDENCE_WORDS: Words = {
    "pictures": ("图像证据", "Pictures"),
    "snapshot": ("告警抓图", "Snapshot"),
    "photo": ("现场照片", "Photo"),
    "clip": ("视频片段", "Clip"),
    "loading": ("正在加载…", "Loading…"),
    "keeping": ("正在从摄像机留存画面…", "Keeping a picture from the camera…"),
    "review_keeps_none": ("回放不留存抓图", "A review keeps no snapshot"),
    "no_picture": ("无图像", "No picture"),
    "not_loaded": ("图像无法加载", "Picture could not be loaded"),
    "enlarge": ("点击放大", "Click to enlarge"),
    "export": ("导出证据包", "Export evidence"),
    "exporting": ("正在导出证据包…", "Exporting evidence…"),
    "exported": ("证据包已导出并校验：{path}", "Evidence exported and verified: {path}"),
    "export_failed": ("证据包导出失败：{reason}", "Evidence export failed: {reason}"),
    "title": ("事件证据包", "Incident evidence"),
    "exported_at": ("导出时间", "Exported"),
    "incident": ("事件", "Incident"), "alert": ("告警", "Alert"), "kind": ("类型", "Kind"),
    "severity": ("级别", "Severity"), "status": ("状态", "Status"), "place": ("地点", "Place"),
    "source": ("来源", "Source"), "report": ("报告内容", "Report"), "camera": ("摄像机", "Camera"),
    "time": ("时间", "Time"), "who": ("执行人", "Who"), "step": ("步骤", "Step"), "detail": ("详情", "Detail"),
    "timeline": ("时间线", "Timeline"),
    "files": ("文件清单（SHA-256）", "Files (SHA-256)"),
    "verify_hint": ("校验：duty-console evidence verify <本文件夹或 zip>",
                    "Verify: duty-console evidence verify <this folder or zip>"),
    "clip_window": ("告警前 {before} 秒至后 {after} 秒", "{before} s before to {after} s after the alert"),
    "clip_kept": ("摄像机缓存中留存的", "what the camera's buffer held of"),
    "clip_covers": ("片段实际覆盖{start}至{end}", "the clip covers {start} to {end}"),
    "clip_at_before": ("告警前 {s} 秒", "{s} s before the alert"),
    "clip_at_after": ("告警后 {s} 秒", "{s} s after the alert"),
    "clip_no_before": ("告警前无画面：本席位在告警前未留存该摄像机的视频",
                       "nothing before the alert: this console was not keeping this camera's video before it"),
    "clip_short_before": ("告警前只留存了 {s} 秒", "only {s} s before the alert were kept"),
}

# ------------------------------------------------------------------ cases (一办到底)

#: case stages (console.domain.model.CASE_STAGES) and promises (CASE_PROMISES)
CASE_STAGES: Words = {
    "registered": ("登记", "Registration"), "dispatched": ("派遣", "Dispatch"),
    "accepted": ("接单", "Acceptance"), "on_site": ("到场", "Arrival on site"), "handled": ("处置", "Handling"),
    "verified": ("核查", "Verification"), "closed": ("结案", "Closure"),
}
CASE_PROMISES: Words = {
    "emergency": ("应急（60 秒响应 / 10 分钟集结）", "Emergency (60 s / 10 min)"),
    "working_hours": ("{n} 个工作小时", "{n} working hours"),
    "working_days": ("{n} 个工作日", "{n} working days"),
}
#: why a case went back to its reporter (RETURN_REASONS) or stands still (SUSPEND_REASONS)
CASE_REASONS: Words = {
    "not_ours": ("非本部门职责", "Not ours"), "insufficient_info": ("信息不全", "Not enough information"),
    "duplicate": ("重复上报", "Duplicate report"),
    "weather": ("天气原因", "Weather"), "awaiting_owner": ("等待当事人", "Waiting for the owner"),
    "awaiting_department": ("等待职能部门", "Waiting for a department"),
    "court_or_dispute": ("涉诉或纠纷", "In court or disputed"), "other": ("其他原因", "Other reason"),
}
#: the case pane's and report's words around codes and figures
CASE_WORDS: Words = {
    "cases": ("案件", "Cases"),
    "open_by_stage": ("在办案件（按待达环节）", "Open cases by the stage they wait for"),
    "overdue_list": ("超期案件", "Overdue cases"),
    "by_town": ("各街道", "By town"), "by_grid": ("各网格", "By grid"), "by_worker": ("各处置人", "By worker"),
    "by_department": ("各部门", "By department"),
    "count": ("件数", "Count"), "open": ("在办", "Open"), "overdue": ("超期", "Overdue"),
    "returned": ("退回", "Returned"), "on_time_share": ("按时率", "On time"),
    "stage_p": ("{stage} p50 / p90", "{stage} p50 / p90"),
    "waiting_for": ("待{stage}", "waiting: {stage}"),
    "due": ("时限 {t}", "due {t}"), "due_at": ("时限", "Due"), "no_clock": ("无时限", "no due time"),
    "suspended": ("已挂起", "suspended"), "hours": ("{n} 工作小时", "{n} working h"),
    "calendar_unknown": ("节假日历缺 {year} 年：此后环节不计时",
                         "holiday calendar lacks {year}: later stages have no due time"),
    "summary": ("案件 {n} · 在办 {open} · 超期 {overdue} · 按时率 {share}",
                "cases {n} · open {open} · overdue {overdue} · on time {share}"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "no_cases": ("暂无案件。", "No cases yet."),
    "case": ("案件", "Case"), "type": ("类型", "Type"), "town": ("街道", "Town"), "stage": ("环节", "Stage"),
    "left": ("剩余", "Left"), "reached": ("达成", "Reached"),
    "act_verify": ("核查通过", "Verify"), "act_approve_extension": ("批准延期", "Approve extension"),
    "act_return": ("退回上报人", "Return to reporter"), "act_suspend": ("挂起", "Suspend"),
    "act_resume": ("恢复计时", "Resume"), "act_case_handled": ("代报已处置", "Record as handled"),
    # what the desk asks before a case action (%1: the incident's title)
    "q_verify": ("核查“%1”：隐患是否已消除？", "Verify “%1”: is the hazard gone?"),
    "q_approve_extension": ("“%1”的延期申请：", "The extension asked for on “%1”:"),
    "q_return": ("将“%1”退回上报人。原因：", "Return “%1” to its reporter. Why?"),
    "q_suspend": ("挂起“%1”（停止计时）。原因：", "Suspend “%1” (its clock stops). Why?"),
    "q_case_handled": ("代处置人报“%1”已处置。说明：", "Record “%1” as handled for the worker. Note:"),
    "verify_passed": ("隐患已消除", "Hazard gone"), "verify_failed": ("仍未消除，退回处置", "Still there: back to work"),
    "approve": ("批准", "Approve"), "refuse": ("不批准", "Refuse"),
    # a follow-up check (举一反三) from a closed case, and how far its answers are
    "act_follow_up": ("举一反三：通知同类网格排查…", "Follow-up check to grids like this one…"),
    "follow_up": ("举一反三", "Follow-up check"),
    "follow_up_text": ("举一反三：{title}（{kind}）已办结。请排查本网格有无同类隐患，并回复“已排查，无隐患”或“发现同类隐患”。",
                       "Follow-up: {title} ({kind}) is closed. Check your grid for the same hazard and answer "
                       "“checked, clear” or “found the same”."),
    "follow_up_progress": ("举一反三 {answered}/{n} 个网格已回复 · 无隐患 {clear} · 发现同类 {found}",
                           "Follow-up: {answered}/{n} grids answered · clear {clear} · found {found}"),
    "follow_up_silent": ("未回复：{grids}", "not answered: {grids}"),
    "follow_up_found": ("发现同类：{grids}", "found the same: {grids}"),
    "follow_up_unreached": ("无人在岗：{grids}", "nobody on duty: {grids}"),
    "follow_up_done": ("全部网格已回复", "every grid answered"),
    # the search of past cases (the hub's live state and its archive)
    "search": ("检索", "Search"), "search_tab": ("历史案件检索", "Search past cases"), "overview_tab": ("概况", "Overview"),
    "search_text": ("文字：标题、上报内容、处置说明", "Words: title, report, handling note"),
    "search_person": ("人员：姓名或编号", "Person: name or id"),
    "search_all_incidents": ("含应急事件（非案件）", "Emergency incidents too (not only cases)"),
    "search_from": ("登记自", "Registered from"), "search_to": ("至", "to"),
    "search_any_type": ("全部类型", "Any type"), "search_any_town": ("全部街道", "Any town"),
    "search_any_grid": ("全部网格", "Any grid"),
    "searching": ("检索中…", "Searching…"),
    "search_found": ("找到 {n} 件（其中归档 {archived} 件）", "{n} found ({archived} from the archive)"),
    "search_failed": ("检索未完成：{why}", "Search not done: {why}"),
    "search_unavailable": ("未连接指挥中心，无法检索", "No hub to search"),
    "title": ("标题", "Title"), "grid": ("网格", "Grid"), "registered": ("登记时间", "Registered"),
    "where": ("来源", "Source"), "archived": ("归档", "archive"), "live": ("在线", "live state"),
}


def case_stage(code: str, lang: str) -> str:
    """A case stage."""
    return word(CASE_STAGES, code, lang)


def case_word(key: str, lang: str, **values: object) -> str:
    """A case pane word (CASE_WORDS), figures filled in."""
    text = word(CASE_WORDS, key, lang)
    return text.format(**values) if values else text


def case_promise(promise: str, limit: int, lang: str) -> str:
    """A case type's promise: "2 working hours", "应急（60 秒响应 / 10 分钟集结）"."""
    return word(CASE_PROMISES, promise, lang).format(n=limit)


#: the words around figures
_PHRASES: Words = {
    "eta": ("约 {min} 分钟", "≈ {min} min"),
    "overdue": ("超时 {t}", "overdue {t}"),
    "seconds": ("{n} 秒", "{n} s"),
    "metres": ("{n} 米", "{n} m"),
    "minutes": ("{n} 分钟", "{n} min"),
    "to": ("→ {center}", "→ {center}"),
    "into": ("并入 {incident}", "into {incident}"),
    "from": ("{incident} 并入", "{incident} merged in"),
    "missing": ("缺：{roles}", "missing: {roles}"),
    "grids": ("{n} 个网格", "{n} grids"),
    "hours": ("{n} 工作小时", "{n} working hours"),
    "list_sep": ("、", ", "),
    "clause_sep": ("；", "; "),
    "note_sep": ("：", ": "),
    "skipped": ("（已跳过拒绝本事件的 {names}）", " (skipping {names}, who declined this incident)"),
}

#: the hub's health alarms (console/hub/health.py): the title of a camera_offline / source_silent row
HEALTH_WORDS: Words = {
    "quieted": ("{title}（频繁掉线：第 {n} 次告警，此后暂不告警）", "{title} (chattering: alarm {n}, quieted for now)"),
    "site-watcher": ("本中心的站点目录监视", "this hub's site folder watcher"),
}

#: every table, for the .ts filler and the tests
TABLES: dict[str, Words] = {
    "incident_kinds": INCIDENT_KINDS, "resource_kinds": RESOURCE_KINDS, "statuses": STATUSES,
    "severities": SEVERITIES, "alert_sources": ALERT_SOURCES, "roles": ROLES, "actors": ACTORS,
    "timeline_steps": TIMELINE_STEPS, "refusals": REFUSALS, "notice_sentences": NOTICE_SENTENCES,
    "refusal_reasons": REFUSAL_REASONS,
    "grid_tags": GRID_TAGS,
    "false_alarm_reasons": FALSE_ALARM_REASONS,
    "report_words": REPORT_WORDS, "scenarios": SCENARIO_NAMES, "evidence_words": EVIDENCE_WORDS,
    "video_states": VIDEO_STATES, "video_words": VIDEO_WORDS, "field_page": FIELD_PAGE,
    "map_words": MAP_WORDS,
    "case_stages": CASE_STAGES, "case_promises": CASE_PROMISES, "case_reasons": CASE_REASONS,
    "case_words": CASE_WORDS, "health_words": HEALTH_WORDS, "drill_words": DRILL_WORDS,
}


def map_word(code: str, lang: str, **values: object) -> str:
    """A map pane word (MAP_WORDS), figures filled in."""
    text = word(MAP_WORDS, code, lang)
    return text.format(**values) if values else text


def is_zh(lang: str | None) -> bool:
    """Whether a language code reads Chinese ("zh", "zh_CN", "zh-CN")."""
    return bool(lang) and lang.lower().startswith("zh")


def word(table: Words, code: str, lang: str) -> str:
    """The word for a code in a language; the code itself when the table does not know it."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if is_zh(lang) else pair[1]


def _phrase(key: str, lang: str, **values: object) -> str:
    return word(_PHRASES, key, lang).format(**values)


def kind(code: str, lang: str) -> str:
    """An incident or alert kind ('animal' → '动物' / 'Animal')."""
    return word(INCIDENT_KINDS, code, lang)


def resource_kind(code: str, lang: str) -> str:
    """A resource kind ('law_enforcement' → '综合执法' / 'Law enforcement')."""
    return word(RESOURCE_KINDS, code, lang)


def status(code: str, lang: str) -> str:
    """An incident, resource or task status."""
    return word(STATUSES, code, lang)


def severity(code: str, lang: str) -> str:
    """A severity."""
    return word(SEVERITIES, code, lang)


def source(code: str, lang: str) -> str:
    """An alert source."""
    return word(ALERT_SOURCES, code, lang)


def role(code: str, lang: str) -> str:
    """A token role."""
    return word(ROLES, code, lang)


def step(code: str, lang: str) -> str:
    """A timeline step code ('task_arrived' → '到达现场' / 'Arrived on scene')."""
    return word(TIMELINE_STEPS, code, lang)


def scenario(code: str, lang: str) -> str:
    """A drill's scenario ('marathon' → '马拉松赛事保障'); a site's own scenario name reads as itself."""
    return word(SCENARIO_NAMES, code, lang)


def refusal(code: str, lang: str) -> str:
    """A refusal or notice code, as the banner shows it."""
    return word(REFUSALS, code, lang)


def notice_sentence(code: str, lang: str) -> str | None:
    """A notice in a whole sentence of words, or None when the banner shows its code's words and text."""
    return word(NOTICE_SENTENCES, code, lang) if code in NOTICE_SENTENCES else None


def drill_strip(count: int, lang: str) -> str:
    """The strip over the cameras while drills run in the live queue."""
    return (f"演练进行中：{count} 起（标有【演练】，真实预警优先）" if is_zh(lang)
            else f"DRILL in the live queue: {count} (marked [DRILL]; real alerts come first)")


def titled(item, lang: str) -> str:
    """An incident's or alert's title as every screen shows it: marked 【演练】 when it is a drill's."""
    if getattr(item, "exercise", None) is not None:
        return word(DRILL_WORDS, "mark", lang) + item.title
    return item.title


def subject_name(state, subject: str) -> str:
    """What a refusal is about, by name: an incident's title, a task's person, a person's name."""
    if subject in state.incidents:
        return state.incidents[subject].title
    task = state.tasks.get(subject)
    if task is not None:
        subject = task.resource
    res = state.resources.get(subject)
    return res.name if res is not None else subject


def describe_refusal(code: str, reason: str, subject: str, state, lang: str, holder: str = "") -> str:
    """A refusal as the commander reads it: its code in words, then why, with names, not ids.

    Without a known reason only the code's words: never the hub's English diagnostic. A
    person held by someone else's dispatch names who sent them.
    """
    head = refusal(code, lang)
    if reason not in REFUSAL_REASONS:
        return head
    if reason == "busy" and holder:
        reason = "busy_by"
    why = word(REFUSAL_REASONS, reason, lang).format(what=subject_name(state, subject), holder=holder)
    return head + _phrase("note_sep", lang) + why


def actor(name: str, lang: str) -> str:
    """Who did a step: a person's name as it is, a source code in words."""
    return word(ACTORS, name, lang) if name in ACTORS else name


# ------------------------------------------------------------------ figures

def seconds(value: float, lang: str) -> str:
    """Whole seconds with their unit ('61 秒' / '61 s'), toward zero like every duration."""
    return _phrase("seconds", lang, n=whole_seconds(value))


def minutes(value: float, lang: str) -> str:
    """Minutes to one decimal with their unit ('10.5 分钟' / '10.5 min'); whole minutes without decimals."""
    n = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return _phrase("minutes", lang, n=n)


def eta(eta_s: float, lang: str) -> str:
    """An estimated arrival in minutes to one decimal ('约 1.8 分钟' / '≈ 1.8 min')."""
    return _phrase("eta", lang, min=f"{eta_s / 60.0:.1f}")


def countdown(left_s: float, lang: str) -> str:
    """A promise's clock: m:ss while time is left, 'overdue m:ss' once it has run out."""
    return duration(left_s) if left_s >= 0 else _phrase("overdue", lang, t=duration(-left_s))


# ------------------------------------------------------------------ sentences from codes

class _Page(Protocol):
    online: bool
    at: float


class _Step(Protocol):
    actor: str
    what: str
    note: str
    resource: str
    name: str
    center: str
    plan: str
    incident: str
    missing: list
    grids: int
    cause: str


class _Rec(Protocol):
    kind: str
    distance_m: float
    eta_s: float
    reason: str
    rank: int


class _Breach(Protocol):
    code: str
    seconds: float | None
    limit_s: float


def _limit(limit_s: float, lang: str) -> str:
    return seconds(limit_s, lang) if limit_s < 120 else minutes(limit_s / 60.0, lang)


class _Named(Protocol):
    name: str


class _Names(Protocol):
    org: dict[str, _Named]
    plans: dict[str, _Named]
    resources: dict[str, _Named]


def names_in(state: _Names) -> Callable[[str], str]:
    """An id → display name lookup over a state's centers, plans and people (the id if unknown)."""
    def name_of(code: str) -> str:
        for table in (state.org, state.plans, state.resources):
            found = table.get(code)
            if found is not None:
                return found.name
        return code
    return name_of


def describe_step(s: _Step, lang: str, name_of: Callable[[str], str] = lambda code: code) -> str:
    """A timeline step's detail: its parameters in words, then any note a person wrote.

    `name_of` turns an id (center, plan, resource) into a display name; the
    default shows the id.
    """
    parts: list[str] = []
    if s.what in ("escalation", "cooperation") and s.center:
        parts.append(_phrase("to", lang, center=name_of(s.center)))
    elif s.center:
        parts.append(name_of(s.center))
    if s.what == "merged" and s.incident:
        parts.append(_phrase("into", lang, incident=s.incident))
    elif s.what == "absorbed" and s.incident:
        parts.append(_phrase("from", lang, incident=s.incident))
    if s.plan:
        parts.append(name_of(s.plan))
    if s.missing:
        sep = word(_PHRASES, "list_sep", lang)
        roles = sep.join(f"{resource_kind(r.kind, lang)} ×{r.count}" for r in s.missing)
        parts.append(_phrase("missing", lang, roles=roles))
    if s.what == "broadcast":
        parts.append(_phrase("grids", lang, n=s.grids))
    if s.resource or s.name:
        parts.append(s.name or name_of(s.resource))
    if s.hours:
        parts.append(_phrase("hours", lang, n=s.hours))
    if s.cause:
        causes = CASE_REASONS if s.what in ("case_returned", "case_suspended") else TASK_END_CAUSES
        parts.append(f"({word(causes, s.cause, lang)})")
    text = " ".join(parts)
    if s.note:
        note = describe_note(s.note, lang)
        text = f"{text}{word(_PHRASES, 'note_sep', lang)}{note}" if text else note
    return text


def describe_reason(rec: _Rec, lang: str, name_of: Callable[[str], str] = lambda code: code) -> str:
    """Why a person is recommended: the reason code with its role, metres and ETA, and who was skipped."""
    fmt = REASONS.get(rec.reason)
    role_word = resource_kind(rec.kind, lang)
    if not is_zh(lang):
        role_word = role_word.lower()
    if fmt is None:
        return rec.reason
    text = (fmt[0] if is_zh(lang) else fmt[1]).format(
        role=role_word, rank=rec.rank, metres=f"{rec.distance_m:.0f}", eta=eta(rec.eta_s, lang))
    skipped = getattr(rec, "skipped", ())
    if skipped:
        names = word(_PHRASES, "list_sep", lang).join(name_of(r) for r in skipped)
        text += _phrase("skipped", lang, names=names)
    return text


def attention(code: str, lang: str, **values: object) -> str:
    """A needs-the-commander notice ('needs_redispatch', 'declined_by', 'no_answer') in words."""
    return word(ATTENTION, code, lang).format(**values)


def metres(value: float, lang: str) -> str:
    """A distance in whole metres with its unit ('420 米' / '420 m')."""
    return _phrase("metres", lang, n=f"{value:.0f}")


def describe_redispatch(declined: Iterable[str], unanswered: Iterable[str], no_answer_s: float, lang: str,
                        name_of: Callable[[str], str] = lambda code: code) -> str:
    """'需要重新派遣 — 张嘉华 拒绝' (and who did not answer in time)."""
    sep = word(_PHRASES, "list_sep", lang)
    declined, unanswered = list(declined), list(unanswered)
    why = []
    if declined:
        why.append(attention("declined_by", lang, names=sep.join(name_of(r) for r in declined)))
    if unanswered:
        why.append(attention("no_answer", lang, names=sep.join(name_of(r) for r in unanswered),
                             t=seconds(no_answer_s, lang)))
    head = attention("needs_redispatch", lang)
    return f"{head} — {word(_PHRASES, 'clause_sep', lang).join(why)}" if why else head


def false_alarm_reason(code: str, lang: str) -> str:
    """A false-alarm reason code in words."""
    return word(FALSE_ALARM_REASONS, code, lang)


#: a note that starts with a reason code in brackets: "[misdetection] 树影"
_NOTE_CODE = re.compile(r"^\[([a-z_]+)\]\s*(.*)$", re.S)


def reason_note(code: str, text: str) -> str:
    """The note a false alarm records: the reason code in brackets, then what the commander wrote."""
    return f"[{code}] {text.strip()}".strip()


def describe_note(note: str, lang: str) -> str:
    """A person's note for display: a leading [reason code] said in words, the rest as written."""
    found = _NOTE_CODE.match(note or "")
    if found is None or found.group(1) not in FALSE_ALARM_REASONS:
        return note
    said = false_alarm_reason(found.group(1), lang)
    rest = found.group(2).strip()
    return f"{said}{word(_PHRASES, 'note_sep', lang)}{rest}" if rest else said


def describe_breach(b: _Breach, lang: str) -> str:
    """One broken promise in words, with the figure that broke it."""
    fmt = BREACHES.get(b.code)
    if fmt is None:
        return b.code
    took = "" if b.seconds is None else (
        seconds(b.seconds, lang) if b.seconds < 120 else duration(b.seconds))
    return (fmt[0] if is_zh(lang) else fmt[1]).format(took=took, limit=_limit(b.limit_s, lang))


def describe_breaches(breaches: Iterable[_Breach], lang: str) -> str:
    """Every broken promise of an incident, in one line ('' when none)."""
    return word(_PHRASES, "clause_sep", lang).join(describe_breach(b, lang) for b in breaches)


def field_page_mark(page: _Page | None) -> str:
    """The one-glyph mark of a person's field page: ● online, ○ offline, "" never connected."""
    if page is None:
        return ""
    return "●" if page.online else "○"


def field_page(page: _Page | None, lang: str) -> str:
    """'● 在线 · 自 08:01:02' / '○ 离线 · 最后应答 08:03:04'; "" for a person whose page never connected."""
    if page is None:
        return ""
    t = clock(page.at)
    if page.online:
        return f"● {word(FIELD_PAGE, 'online', lang)} · {word(FIELD_PAGE, 'since', lang).format(t=t)}"
    return f"○ {word(FIELD_PAGE, 'offline', lang)} · {word(FIELD_PAGE, 'last_heard', lang).format(t=t)}"


def video_state(code: str, lang: str, attempts: int = 0) -> str:
    """A stream state code in words; a connect that is not the first reads "Reconnecting (attempt n)"."""
    if code == "connecting" and attempts > 1:
        return video_words("reconnecting", lang, n=attempts)
    return word(VIDEO_STATES, code, lang)


def video_words(key: str, lang: str, **values: object) -> str:
    """One of the camera wall's words (VIDEO_WORDS), figures filled in."""
    text = word(VIDEO_WORDS, key, lang)
    return text.format(**values) if values else text


def alarm_title(title: str, unit: str, value: float | None, lang: str) -> str:
    """A health alarm's title in words: the camera's or source's name, and whether it was quieted."""
    if title in HEALTH_WORDS and title != "quieted":
        title = word(HEALTH_WORDS, title, lang)  # a source of the hub's own, by its code
    if unit == QUIETED_UNIT:
        return word(HEALTH_WORDS, "quieted", lang).format(title=title, n=int(value or 0))
    return title


# ------------------------------------------------------------------ the .ts filler

def pairs() -> Iterator[tuple[str, str]]:
    """(English, Chinese) of every word in the tables, for filling the `.ts` with the same words."""
    for table in TABLES.values():
        for zh, en in table.values():
            yield en, zh


class Glossary:
    """The glossary bound to one language (what the after-action report is handed)."""

    def __init__(self, lang: str):
        self.lang = lang

    def kind(self, code: str) -> str:
        """An incident kind."""
        return kind(code, self.lang)

    def resource_kind(self, code: str) -> str:
        """A resource kind."""
        return resource_kind(code, self.lang)

    def status(self, code: str) -> str:
        """An incident, resource or task status."""
        return status(code, self.lang)

    def severity(self, code: str) -> str:
        """A severity."""
        return severity(code, self.lang)

    def step(self, code: str) -> str:
        """A timeline step code."""
        return step(code, self.lang)

    def scenario(self, code: str) -> str:
        """A drill's scenario."""
        return scenario(code, self.lang)

    def actor(self, name: str) -> str:
        """Who did a step."""
        return actor(name, self.lang)

    def describe_step(self, s: _Step, name_of: Callable[[str], str] = lambda code: code) -> str:
        """A timeline step's detail."""
        return describe_step(s, self.lang, name_of)

    def describe_breaches(self, breaches: Iterable[_Breach]) -> str:
        """Every broken promise of an incident, in one line."""
        return describe_breaches(breaches, self.lang)

    def names_in(self, state: _Names) -> Callable[[str], str]:
        """An id → display name lookup over a state (see `names_in`)."""
        return names_in(state)

    def report_word(self, code: str, **params) -> str:
        """One of the after-action report's own words (REPORT_WORDS), figures filled in."""
        text = word(REPORT_WORDS, code, self.lang)
        return text.format(**params) if params else text

    def case_word(self, key: str, **values) -> str:
        """A case word (CASE_WORDS), figures filled in."""
        return case_word(key, self.lang, **values)

    def case_stage(self, code: str) -> str:
        """A case stage."""
        return case_stage(code, self.lang)

    def drill_word(self, key: str, **values) -> str:
        """A drill word (DRILL_WORDS), figures filled in."""
        text = word(DRILL_WORDS, key, self.lang)
        return text.format(**values) if values else text
