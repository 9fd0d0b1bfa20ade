"""Fill unfinished entries of console_zh_CN.ts (run by `make translations`).

lupdate extracts the English sources; this fills the Chinese for the ones we
know and leaves the rest marked unfinished (and lists them), so a new string
never ships silently untranslated. Translations already in the .ts win.

The domain's words (kinds, statuses, steps, roles, ...) come from the console's
glossary (`console/ui/common/glossary.py`), so a UI string that names a domain
word reads exactly as the panes and the report say it; the rest are below.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).with_name("console_zh_CN.ts")
# the glossary of this source tree (not whatever `console` an environment has installed)
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.ui.common import glossary  # noqa: E402

_UI: dict[str, str] = {
    # ---- the desk's actions (console/ui/actions/words.py)
    "Recall": "撤回", "Recalled": "已撤回", "Broadcast": "通知",
    "End drill": "结束演练", "Drill started": "演练已开始",
    "Resolve “%1”. A note for the timeline (optional):": "处置完毕“%1”。时间线备注（可选）：",
    "Close “%1”. A note for the record (optional):": "办结“%1”。归档备注（可选）：",
    "Decline “%1”. Why (optional):": "拒绝接收“%1”。原因（可选）：",
    "Recall %1. Why? They read this on their phone:": "撤回 %1。原因？对方将在手机上看到：",
    "OK": "确定",
    "%1 already has %2 on scene and %3 on the way. Send one more? A note for them (optional):":
        "“%1”现场已有 %2 人、在途 %3 人。仍要再派一人？给对方的备注（可选）：",
    "Dispatch another person?": "再派一人？",
    "%1 on the way / %2 on scene will all be stood down.": "%1 人在途 / %2 人在场，将全部撤回。",
    "Plan activated: %1": "预案已启动：%1",
    "Broadcast a check to grids…": "通知网格排查…",
    "Broadcast to %1 grids / %2 people: %3": "已通知 %1 个网格 / %2 人：%3",
    "Enter → dispatch to %1 (new critical) · A: acknowledge · F: false alarm · P: plan · F1: all keys":
        "回车 → 派遣至 %1（新紧急预警） · A 确认 · F 误报 · P 预案 · F1 全部按键",
    "Enter → dispatch to %1 · A: acknowledge · F: false alarm · P: plan · F1: all keys":
        "回车 → 派遣至 %1 · A 确认 · F 误报 · P 预案 · F1 全部按键",
    "Broadcast a check": "通知排查", "To the grid workers of:": "发送给以下网格的网格员：",
    "grids within %1 km of the incident": "事件周边 %1 公里内的网格",
    "grids tagged “%1” in this town": "本镇“%1”网格", "every grid of this town": "本镇全部网格",
    "Please check your grid for the same: %1 (%2). Answer 收到 when read.":
        "请排查本网格有无同类情况：%1（%2）。阅后请点“收到”。",
    "Send": "发送", "Send to %1 grids / %2 people": "发送至 %1 个网格 / %2 人",
    "No open alert is selected: the key has nothing to act on": "未选中未结预警：按键无处理对象",
    "— choose a reason —": "— 请选择原因 —",
    "Call this person back (before they are on scene); asks the reason": "撤回此人（到场前）；需填写原因",
    "Broadcast to %1 grids / %2 people · received %3/%2": "已通知 %1 个网格 / %2 人 · 已收到 %3/%2",
    # ---- drills and KPIs
    "Play": "播放", "Pause": "暂停", "review mode only": "仅回放模式可用", 
    "Alerts / min · open incidents": "每分钟预警 · 未结事件", "minutes ago": "分钟前",
    "p50 / p90 / p95 vs promise (% of limit)": "p50 / p90 / p95 对比承诺（占时限 %）",
    "response 60 s": "响应 60 秒", "assembly 10 min": "集结 10 分钟",
    "Utilisation by kind (%)": "各类力量使用率（%）",
    "Crowd density per camera (people/m²)": "各摄像头人群密度（人/㎡）", "No alerts yet.": "暂无预警。",
    "Alerts %1 · open %2 · tasks %3 · response p50/p90/p95 %4 / %5 / %6, ≤60 s %7 · assembly p50/p90/p95 %8 / %9 / %10, ≤10 min %11 · breaches %12":
        "预警 %1 · 未结 %2 · 任务 %3 · 响应 p50/p90/p95 %4 / %5 / %6，≤60 秒 %7 · 集结 p50/p90/p95 %8 / %9 / %10，≤10 分钟 %11 · 超时 %12",
    "KPIs": "指标看板", "Drill replay": "演练回放",
    "EXERCISE 演练 — not live duty: the field is simulated": "演练 EXERCISE — 非实战值守：现场为模拟",
    "REVIEW 回放 — a recorded session: dispatch is off": "回放 REVIEW — 历史记录：调度已关闭",
    "Click or drag to seek; ticks are alerts (red: critical)": "点击或拖动以跳转；刻度为预警（红色：紧急）",
    # ---- roster and map
    "Name": "姓名", "Kind": "类别", "Unit": "单位", "Grid": "网格", "Current task": "当前任务",
    "Assembly left": "集结剩余", "Pending": "待确认", "camera": "摄像头", "open incident": "未结事件",
    # ---- alert queue
    "Show closed": "显示已办结",
    "Enter: dispatch recommended · A: acknowledge · E: escalate · F: false alarm":
        "回车：派遣推荐人员 · A：确认 · E：上报区县 · F：误报",
    "All types": "全部类型", "All statuses": "全部状态", "All towns": "全部镇街",
    "%1 open · %2 critical": "待办 %1 · 紧急 %2",
    "Severity": "级别", "Response": "响应", "Type": "类型", "Title": "标题", "Town": "镇街", "Status": "状态",
    # ---- status bar
    "Online": "在线", "Resuming": "恢复中", "Connecting": "连接中", "Offline": "离线",
    "RTT %1 ms": "往返 %1 ms", "seq %1": "序号 %1", "%1 ev/s": "%1 事件/秒", "outbox %1": "待发 %1",
    "GUI stall %1": "界面卡顿 %1",
    "alarm→screen p95 %1": "告警上屏 p95 %1",
    "slowest town %1 p95 %2": "最慢镇 %1 告警上屏 p95 %2",
    "%1: p95 %2, p50 %3, %4 alerts on %5 consoles, heard %6 s ago": "%1：p95 %2，p50 %3，%5 台席位 %4 条告警，%6 秒前收到",
    "Alarm to screen per town (its slowest console):": "各镇告警上屏（取最慢席位）：",
    "Hub commit to alert row painted, last hour: %1 alerts, clock error ±%2 ms":
        "中心入库至告警行显示，近一小时：%1 条告警，时钟误差 ±%2 ms",
    # ---- diagnostics
    "Counter": "计数项", "Value": "数值", "Time": "时间", "Level": "级别", "Code": "代码", "Text": "内容",
    "Link: %1 · reconnects %2 · last error: %3": "链路：%1 · 重连 %2 次 · 最近错误：%3",
    "Events applied": "已应用事件", "Malformed messages": "格式错误消息", "Unknown message types": "未知消息类型",
    "Duplicate events": "重复事件", "Notices: %1": "提示：%1",
    # ---- incident
    "Alert": "预警", "Location": "位置", "Source": "来源", "Report": "内容", "Service promises": "服务承诺",
    "Actions": "处置", "Acknowledge": "确认", "Dispatch recommended": "一键派遣推荐",
    "Activate plan": "启动预案", "Escalate to district": "上报区县", "Request cooperation": "请求跨街协同",
    "Broadcast check to forest-adjacent grids": "通知临林网格排查", "Accept hand-off": "接收移交",
    "Decline hand-off": "退回移交", "Resolve": "处置完毕", "Close": "办结",
    "Recommended": "推荐人员", "Who": "人员", "ETA": "预计到达", "Why": "理由", "Tasks": "任务",
    "Task": "任务", "Assembly": "集结", "Timeline": "处置时间线", "What": "事项", "Note": "备注",
    "Select an alert in the queue": "请在预警队列中选择一条预警", "No snapshot": "无抓拍图片",
    "Snapshot: %1": "抓拍：%1",
    "Activate plan: %1": "启动预案：%1", "No plan for this type": "此类型无预案",
    "on scene in %1": "%1 到场", "assembly: %1 left": "集结：剩余 %1", "assembly: %1 over": "集结：超时 %1",
    "Response: %1 s (promise 60 s)": "响应：%1 秒（承诺 60 秒）", "Response: %1 left": "响应：剩余 %1",
    "Response: breached by %1": "响应：已超时 %1",
    "Assembly: %1 left (promise 10 min)": "集结：剩余 %1（承诺 10 分钟）",
    "Assembly: breached by %1": "集结：已超时 %1",
    "Assembly: whole team on scene in %1": "集结：全员 %1 到场",
    "Assembly: first arrival in %1": "集结：首人 %1 到场", "Assembly: not dispatched yet": "集结：尚未派遣",
    "Dispatch": "派遣", "Undoing…": "正在撤销…", "Undo (%1 s)": "撤销（%1 秒）",
    "Check your grid for the same risk: %1": "请排查本网格是否存在同类隐患：%1",
    # ---- main window
    "Duty commander's console": "基层治理指挥中心 值班指挥台", "Camera wall": "视频墙", "Alert queue": "预警队列",
    "Incident": "事件详情", "Resources": "力量花名册", "Map": "地图", "Diagnostics": "诊断",
    "&View": "视图(&V)", "Reset layout": "恢复默认布局", "&Language": "语言(&L)",
    "Start with --lang en for English, --lang zh for Chinese": "启动参数 --lang en 为英文，--lang zh 为中文",
    "(+%1 more, see Diagnostics)": "（另有 %1 条，见诊断）",
    "Critical alert: %1 — %2": "紧急预警：%1 — %2",
    # ---- other panes (camera wall, map, roster)
    "waiting for video": "等待视频", "OFFLINE": "离线", "offline": "离线",
    "%n camera(s) per page": "每页 %n 路",
    "Previous page (PgUp)": "上一页（PgUp）", "Next page (PgDown)": "下一页（PgDown）",
    "Close focus": "关闭聚焦", "Leave the focus tile (Esc)": "退出聚焦画面（Esc）", "Focus: %1": "聚焦：%1",
    "Fit": "全图", "Show the whole area": "显示全部区域",
    "Search name, id, unit, skill…": "搜索姓名、编号、单位、技能…", "All kinds": "全部类别", "Area": "区域",
    "All": "全部",
    # ---- the commander's hands: questions, toast, undo, alarm, header, keys
    "Acknowledge “%1”. A comment for the timeline (optional):": "确认“%1”。写入时间线的备注（可不填）：",
    "Mark “%1” as a false alarm. Why?": "将“%1”标记为误报。原因？", "Mark false alarm": "标记误报",
    "Escalate “%1” to the district. What do they need to know?": "将“%1”上报区县。需要告知区县什么？",
    "Escalate": "上报", "Dispatched %1": "已派遣 %1", "Escalated to district": "已上报区县",
    "Cooperation requested from %1: %2": "已请求 %1 协同：%2", "Broadcast: %1": "广播排查：%1",
    "No audio device: alarms are silent, watch the flashing rows": "无音频设备：告警无声，请留意闪烁的行",
    "Not acknowledged: %1 critical — %2 · %3 (A: acknowledge)": "未确认紧急预警 %1 起 — %2 · %3（A：确认）",
    "Enter: dispatch recommended · A: acknowledge · E: escalate · F: false alarm · Ctrl+Z: undo · F1: all keys":
        "回车：派遣推荐人员 · A：确认 · E：上报区县 · F：误报 · Ctrl+Z：撤销 · F1：全部快捷键",
    "Focus this camera": "聚焦此摄像头", "Back to the grid": "返回宫格", "Full screen": "全屏",
    "Show on map": "在地图上显示", "Nearby: %1": "附近：%1", "Sent: %1 · %2 · %3%4": "已派：%1 · %2 · %3%4",
    "(+%1 more)": "（另 %1 人）", "scenario time (exercise)": "演练场景时间", "recorded time (review)": "回放记录时间",
    "local time": "北京时间", "On duty: %1": "值班：%1", "Shift —": "班次 —", "Day shift %1": "白班 %1",
    "Night shift %1": "夜班 %1", "&Help": "帮助(&H)", "Note (required)": "备注（必填）",
    "Comment (optional)": "备注（可不填）",
    "OFFLINE — no link to the hub: what you see may be out of date; commands wait and are sent when the link returns":
        "离线 — 与中心的连接已断开：画面和状态可能已过时；指令已排队，恢复连接后发送",
    "OFFLINE — reconnecting to the hub…": "离线 — 正在重新连接中心…",
    "Reconnected — catching up with the hub…": "已重新连接 — 正在与中心同步…",
    "Response: dispatched in %1 s, nobody took it — send someone else": "响应：%1 秒内已派遣，但无人接单 — 请改派他人",
    "Keyboard shortcuts": "快捷键",
    "These keys work wherever the keyboard focus is, except while typing in a text field. Queue actions act on the selected alert.":
        "这些按键在任何位置都有效（正在输入文字时除外）。队列操作作用于当前选中的预警。",
    "Keys": "按键", "What it does": "作用", "%1 — sent in %2 s": "%1 — %2 秒后发送", "%1 — undoing…": "%1 — 正在撤销…",
    "Undo (Ctrl+Z) %1 s": "撤销（Ctrl+Z）%1 秒", "Dispatch the recommended person": "派遣推荐人员",
    "Acknowledge (optional comment)": "确认（可加备注）", "Escalate to the district (asks for a note)": "上报区县（需填写说明）",
    "False alarm (asks for a reason on warnings and criticals)": "误报（警告和紧急预警需选择原因）",
    "Activate the response plan": "启动预案", "Undo the last action (within 5 s)": "撤销上一步操作（5 秒内）",
    "Next alert in the queue": "队列中下一条预警", "Previous alert in the queue": "队列中上一条预警",
    "Keyboard focus to the alert queue": "键盘焦点移到预警队列", "Show every shortcut": "显示全部快捷键",
    "Not acknowledged: %1 critical — %2 · %3": "未确认紧急预警 %1 起 — %2 · %3",
    "Last jump rebuilt the picture in %1 ms": "上次跳转重建画面用时 %1 毫秒",
    "%1 incidents are still open. Close the console anyway?": "还有 %1 起事件未办结。仍要关闭指挥台吗？",
    "Close the console?": "关闭指挥台？", "%1 (%2)": "%1（%2）",
    "This is the demo: closing the console also stops its embedded hub and its scenario.":
        "这是演示：关闭指挥台也会停止内置的中心服务和演练场景。",
    # ---- camera video (stale tiles, stream states, replay, tour, diagnostics)
    "No signal": "无信号", "Authentication failed": "认证失败", "Codec not supported": "编码格式不支持",
    "Stream not found": "找不到视频流", "Bad stream address": "视频地址无效", "Unreadable stream": "视频流无法解析",
    "Stopped": "已停止", "Reconnecting (attempt %1)": "重连中（第 %1 次）", "Connecting…": "连接中…",
    "Last picture %1": "最后画面 %1", "Replay %1": "回放 %1", "Play the last 30 s": "回放最近 30 秒",
    "Tour": "轮巡", "Camera tour: next page every %1 s": "轮巡：每 %1 秒翻页",
    "Camera": "摄像头", "Video state": "视频状态", "Last frame": "最后一帧", "First frame (s)": "首帧（秒）",
    "Reconnects": "重连次数", "fps": "帧率", "Picture": "画面", "Detail": "详情", "hub": "中心推送",
    "Playing": "播放中", "Streams pulled: %1 · last-30-s buffers: %2 MB": "拉流 %1 路 · 最近 30 秒缓存 %2 MB",
    # ---- the wall's board (situation display)
    "Situation": "态势", "Following %1": "跟随 %1", "Most urgent open alert": "最紧急的未结预警",
    "Open incidents in turn": "未结事件轮播", "No open incident: the day's figures": "无未结事件：今日数据",
    "Today so far": "今日概况", "Alerts today": "今日预警", "Answered within 60 s": "60 秒内响应",
    "Assembled within 10 min": "10 分钟内集结", "Open cases": "在办案件", "Overdue cases": "超期案件",
    "No open critical or warning alert": "无未结的紧急或警告预警", "to answer": "待响应", "to assemble": "待集结",
    "%1 more": "另有 %1 起",
    # ---- review: jumping between the recording's alerts
    "Back to the previous alert (Ctrl+Left)": "回到上一条预警（Ctrl+←）",
    "On to the next alert (Ctrl+Right)": "跳到下一条预警（Ctrl+→）",
    "Review: on to the next alert of the recording": "复盘：跳到录制中的下一条预警",
    "Review: back to the previous alert": "复盘：回到上一条预警",
}

#: every Chinese word the .ts may need: the glossary's (which win) and the UI's own
ZH: dict[str, str] = {**_UI, **dict(glossary.pairs())}


def fill(path: Path = TS) -> list[str]:
    """Fill the .ts in place; returns the sources still without a translation."""
    tree = ET.parse(path)
    missing = []
    for msg in tree.getroot().iter("message"):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        if tr is None:
            tr = ET.SubElement(msg, "translation")
        if tr.get("type") not in ("unfinished", None) or (tr.get("type") is None and _has_text(tr)):
            continue
        zh = ZH.get(source)
        if zh is None:
            missing.append(source)
            continue
        if msg.get("numerus") == "yes":
            for child in list(tr):
                tr.remove(child)
            ET.SubElement(tr, "numerusform").text = zh  # Chinese has one plural form
            tr.text = None
        else:
            tr.text = zh
        tr.attrib.pop("type", None)
    ET.indent(tree, "    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return missing


def _has_text(tr: ET.Element) -> bool:
    return bool((tr.text or "").strip()) or any((c.text or "").strip() for c in tr)


if __name__ == "__main__":
    left = fill(Path(sys.argv[1]) if len(sys.argv) > 1 else TS)
    for s in left:
        print(f"untranslated: {s!r}")
    print(f"{len(left)} untranslated")
