<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ActionFlow</name>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="62" />
            <source>%1 already has %2 on scene and %3 on the way. Send one more? A note for them (optional):</source>
            <extracomment>severities whose false alarm needs a reason the question being asked now (tests answer it)</extracomment>
            <translation>“%1”现场已有 %2 人、在途 %3 人。仍要再派一人？给对方的备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="65" />
            <source>Dispatch another person?</source>
            <translation>再派一人？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="66" />
            <source>Dispatch</source>
            <translation>派遣</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="77" />
            <source>%1 on the way / %2 on scene will all be stood down.</source>
            <translation>%1 人在途 / %2 人在场，将全部撤回。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="98" />
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="100" />
            <source>Dispatched %1</source>
            <translation>已派遣 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="107" />
            <source>Plan activated</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="107" />
            <source>Plan activated: %1</source>
            <translation>预案已启动：%1</translation>
        </message>
    </context>
    <context>
        <name>ActionWords</name>
        <message>
            <location filename="../../console/ui/actions/words.py" line="18" />
            <location filename="../../console/ui/actions/words.py" line="60" />
            <location filename="../../console/ui/actions/words.py" line="62" />
            <source>Acknowledge</source>
            <translation>确认</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="19" />
            <source>Dispatch recommended</source>
            <translation>一键派遣推荐</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="20" />
            <source>Activate plan</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="21" />
            <location filename="../../console/ui/actions/words.py" line="63" />
            <source>Escalate to district</source>
            <translation>上报区县</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="22" />
            <source>Request cooperation</source>
            <translation>请求跨街协同</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="23" />
            <source>Broadcast a check to grids…</source>
            <translation>通知网格排查…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="24" />
            <source>Accept hand-off</source>
            <translation>接收移交</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="25" />
            <location filename="../../console/ui/actions/words.py" line="72" />
            <location filename="../../console/ui/actions/words.py" line="73" />
            <source>Decline hand-off</source>
            <translation>退回移交</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="26" />
            <location filename="../../console/ui/actions/words.py" line="68" />
            <location filename="../../console/ui/actions/words.py" line="69" />
            <source>Resolve</source>
            <translation>处置完毕</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="27" />
            <location filename="../../console/ui/actions/words.py" line="70" />
            <location filename="../../console/ui/actions/words.py" line="71" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="28" />
            <location filename="../../console/ui/actions/words.py" line="46" />
            <location filename="../../console/ui/actions/words.py" line="66" />
            <source>False alarm</source>
            <translation>误报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="29" />
            <location filename="../../console/ui/actions/words.py" line="74" />
            <location filename="../../console/ui/actions/words.py" line="75" />
            <source>Recall</source>
            <translation>撤回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="35" />
            <source>Dispatch the recommended person</source>
            <translation>派遣推荐人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="36" />
            <source>Acknowledge (optional comment)</source>
            <translation>确认（可加备注）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="37" />
            <source>Escalate to the district (asks for a note)</source>
            <translation>上报区县（需填写说明）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="38" />
            <source>False alarm (asks for a reason on warnings and criticals)</source>
            <translation>误报（警告和紧急预警需选择原因）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="39" />
            <source>Activate the response plan</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="45" />
            <source>Acknowledged</source>
            <translation>已确认</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="47" />
            <source>Escalated to district</source>
            <translation>已上报区县</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="48" />
            <source>Resolved</source>
            <translation>已处置</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="49" />
            <source>Closed</source>
            <translation>已办结</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="50" />
            <source>Hand-off accepted</source>
            <translation>移交已接收</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="51" />
            <source>Hand-off declined</source>
            <translation>移交被退回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="52" />
            <source>Recalled</source>
            <translation>已撤回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="53" />
            <source>Cooperation requested</source>
            <translation>请求协同</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="54" />
            <source>Broadcast</source>
            <translation>通知</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="61" />
            <source>Acknowledge “%1”. A comment for the timeline (optional):</source>
            <translation>确认“%1”。写入时间线的备注（可不填）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="64" />
            <source>Escalate “%1” to the district. What do they need to know?</source>
            <translation>将“%1”上报区县。需要告知区县什么？</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="65" />
            <source>Escalate</source>
            <translation>上报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="66" />
            <source>Mark “%1” as a false alarm. Why?</source>
            <translation>将“%1”标记为误报。原因？</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="67" />
            <source>Mark false alarm</source>
            <translation>标记误报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="68" />
            <source>Resolve “%1”. A note for the timeline (optional):</source>
            <translation>处置完毕“%1”。时间线备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="70" />
            <source>Close “%1”. A note for the record (optional):</source>
            <translation>办结“%1”。归档备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="72" />
            <source>Decline “%1”. Why (optional):</source>
            <translation>拒绝接收“%1”。原因（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="74" />
            <source>Recall %1. Why? They read this on their phone:</source>
            <translation>撤回 %1。原因？对方将在手机上看到：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="76" />
            <source>OK</source>
            <translation>确定</translation>
        </message>
    </context>
    <context>
        <name>ActionsBar</name>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="34" />
            <source>Actions</source>
            <translation>处置</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="77" />
            <source>Activate plan: %1</source>
            <extracomment>keys and clicks take one path: asked, then held or sent, with a 5 s undo the broadcast question being asked now (tests answer it)</extracomment>
            <translation>启动预案：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="78" />
            <source>No plan for this type</source>
            <translation>此类型无预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="115" />
            <source>Cooperation requested from %1: %2</source>
            <translation>已请求 %1 协同：%2</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="133" />
            <source>Broadcast to %1 grids / %2 people: %3</source>
            <translation>已通知 %1 个网格 / %2 人：%3</translation>
        </message>
    </context>
    <context>
        <name>Alarm</name>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="120" />
            <source>No audio device: alarms are silent, watch the flashing rows</source>
            <extracomment>seconds between rings while an alert of this severity waits to be acknowledged the flash's half period (ms) a loud notice (banner); `status` a quiet one (the status bar) rings so far (tests count them; a silent console counts too)</extracomment>
            <translation>无音频设备：告警无声，请留意闪烁的行</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="148" />
            <source>Not acknowledged: %1 critical — %2 · %3 (A: acknowledge)</source>
            <translation>未确认紧急预警 %1 起 — %2 · %3（A：确认）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="149" />
            <source>Not acknowledged: %1 critical — %2 · %3</source>
            <translation>未确认紧急预警 %1 起 — %2 · %3</translation>
        </message>
    </context>
    <context>
        <name>AlertQueue</name>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="114" />
            <source>Show closed</source>
            <translation>显示已办结</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="224" />
            <source>Enter: dispatch recommended · A: acknowledge · E: escalate · F: false alarm · Ctrl+Z: undo · F1: all keys</source>
            <translation>回车：派遣推荐人员 · A：确认 · E：上报区县 · F：误报 · Ctrl+Z：撤销 · F1：全部快捷键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="227" />
            <source>Enter → dispatch to %1 (new critical) · A: acknowledge · F: false alarm · P: plan · F1: all keys</source>
            <translation>回车 → 派遣至 %1（新紧急预警） · A 确认 · F 误报 · P 预案 · F1 全部按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="230" />
            <source>Enter → dispatch to %1 · A: acknowledge · F: false alarm · P: plan · F1: all keys</source>
            <translation>回车 → 派遣至 %1 · A 确认 · F 误报 · P 预案 · F1 全部按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="300" />
            <source>All types</source>
            <translation>全部类型</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="303" />
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="306" />
            <location filename="../../console/ui/panes/alerts/widget.py" line="314" />
            <source>All towns</source>
            <translation>全部镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="324" />
            <source>%1 open · %2 critical</source>
            <translation>待办 %1 · 紧急 %2</translation>
        </message>
    </context>
    <context>
        <name>AlertQueueModel</name>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="229" />
            <source>Severity</source>
            <extracomment>the response countdown turns amber below this many seconds left the role that carries the incident id of a row incidents a held action (false alarm, close, resolve in its undo window) takes off the queue hub time the countdowns are computed against (one value per tick) rows that flash until acknowledged (the alarm sets them), and the flash's phase</extracomment>
            <translation>级别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="229" />
            <source>Response</source>
            <translation>响应</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="229" />
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="229" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="230" />
            <source>Town</source>
            <translation>镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="230" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="260" />
            <source>Pending</source>
            <translation>待确认</translation>
        </message>
    </context>
    <context>
        <name>BroadcastDialog</name>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="55" />
            <source>Broadcast a check</source>
            <extracomment>"nearby" grids: centres within this many metres of the incident</extracomment>
            <translation>通知排查</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="60" />
            <source>To the grid workers of:</source>
            <translation>发送给以下网格的网格员：</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="65" />
            <source>grids within %1 km of the incident</source>
            <translation>事件周边 %1 公里内的网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="66" />
            <source>grids tagged “%1” in this town</source>
            <translation>本镇“%1”网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="68" />
            <source>every grid of this town</source>
            <translation>本镇全部网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="74" />
            <source>Please check your grid for the same: %1 (%2). Answer 收到 when read.</source>
            <translation>请排查本网格有无同类情况：%1（%2）。阅后请点“收到”。</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="83" />
            <source>Send</source>
            <translation>发送</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="103" />
            <source>Send to %1 grids / %2 people</source>
            <translation>发送至 %1 个网格 / %2 人</translation>
        </message>
    </context>
    <context>
        <name>CameraTile</name>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="212" />
            <source>Replay %1</source>
            <extracomment>an idle tile's still: a slate bar (not the replay's amber, not live green) and a light veil caption type on a desk: 7 pt on the smallest tiles up to 11 pt (scaled up with a wall's base type) DUTY_CONSOLE_FIRST_FRAME=1 prints "first_frame_painted &lt;epoch seconds&gt;" once, when the first camera frame of the process has been painted (the start-up benchmark reads it) set when a frame was handed over and not painted yet frames painted / frames dropped because the previous one was still pending the stale picture in grey, made once when the tile goes stale when the newest frame came; stale after 2 s without one the stream reader's state code (console.video.status), None for hub-pushed frames playing back the last 30 s, not live: the tile says so on an amber bar an idle tile: its pictures are stills taken every few seconds, never shown as live video the caption bar drawn once, and what it was drawn for (redrawn when any of it changes)</extracomment>
            <translation>回放 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="405" />
            <source>OFFLINE</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="309" />
            <source>offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="506" />
            <source>Play the last 30 s</source>
            <translation>回放最近 30 秒</translation>
        </message>
    </context>
    <context>
        <name>CameraWall</name>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="399" />
            <source>Focus this camera</source>
            <extracomment>tiles per page; n×n grids except 64 (8×8) flash frequency of an alerting tile's border (full on/off cycles per second) cameras within this many metres of an alert count as nearby (at most NEARBY_MAX of them) a camera tour (轮巡) turns the page this often by default (seconds) at most this many pulled tiles decode live (two cores: 16 sub-streams ≈ 25 % of a core with painting); the others on the page are idle and show a still refreshed every STILL_S seconds frames arrive outside the domain's change sets; the window refreshes this pane every tick the live budget: pulled tiles beyond it show stills every `still_s` seconds the stream readers feeding `frames` (None: every frame comes from the hub) cameras on screen pulled by a stream reader (the others wait for hub frames) camera id → its "last 30 s" playing on its tile camera tour: seconds per page (None: off) and when the next turn is due (monotonic) saved views: the user's own shelf and the site's shared one (None: not kept) the recalled view whose cameras the wall shows (None: every camera, by id) the last thing about views the operator should read (saved, not saved and why, cameras gone) camera id → the newest decoded frame, for cameras on a tile camera id → ids of its open incidents the tiles on screen now, focus tile first cameras near the selected alert, nearest first: (camera id, metres)</extracomment>
            <translation>聚焦此摄像头</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="401" />
            <source>Back to the grid</source>
            <translation>返回宫格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="401" />
            <source>Full screen</source>
            <translation>全屏</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="403" />
            <source>Show on map</source>
            <translation>在地图上显示</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="405" />
            <source>Play the last 30 s</source>
            <translation>回放最近 30 秒</translation>
        </message>
        <message numerus="yes">
            <location filename="../../console/ui/panes/cameras/widget.py" line="423" />
            <source>%n camera(s) per page</source>
            <translation>
                <numerusform>每页 %n 路</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="432" />
            <source>Previous page (PgUp)</source>
            <translation>上一页（PgUp）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="436" />
            <source>Next page (PgDown)</source>
            <translation>下一页（PgDown）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="445" />
            <source>Tour</source>
            <translation>轮巡</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="446" />
            <source>Camera tour: next page every %1 s</source>
            <translation>轮巡：每 %1 秒翻页</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="457" />
            <source>Close focus</source>
            <translation>关闭聚焦</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="458" />
            <source>Leave the focus tile (Esc)</source>
            <translation>退出聚焦画面（Esc）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="625" />
            <source>Focus: %1</source>
            <extracomment>the wall's second toolbar row: the focus line whole across the column (set_wall)</extracomment>
            <translation>聚焦：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="628" />
            <source>Nearby: %1</source>
            <translation>附近：%1</translation>
        </message>
    </context>
    <context>
        <name>ConsoleStatusBar</name>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="59" />
            <source>Online</source>
            <extracomment>mode badges are bilingual on purpose: an exercise must be unmistakable in either language a standing notice said once (no audio device): stays, so it is not missed</extracomment>
            <translation>在线</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="59" />
            <source>Resuming</source>
            <translation>恢复中</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="60" />
            <source>Connecting</source>
            <translation>连接中</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="60" />
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="62" />
            <source>RTT %1 ms</source>
            <translation>往返 %1 ms</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="64" />
            <source>seq %1</source>
            <translation>序号 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="65" />
            <source>%1 ev/s</source>
            <translation>%1 事件/秒</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="67" />
            <source>outbox %1</source>
            <translation>待发 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="70" />
            <source>GUI stall %1</source>
            <translation>界面卡顿 %1</translation>
        </message>
    </context>
    <context>
        <name>DiagnosticsPane</name>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="62" />
            <source>Counter</source>
            <extracomment>the diagnostics list keeps this many notices (the replica keeps 500) the decode pool (and through it the stream readers) for the per-camera video section</extracomment>
            <translation>计数项</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="62" />
            <source>Value</source>
            <translation>数值</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="66" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="66" />
            <source>Level</source>
            <translation>级别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="66" />
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="66" />
            <source>Text</source>
            <translation>内容</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="75" />
            <source>Camera</source>
            <translation>摄像头</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="75" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="75" />
            <source>Video state</source>
            <translation>视频状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="76" />
            <source>Last frame</source>
            <translation>最后一帧</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="76" />
            <source>First frame (s)</source>
            <translation>首帧（秒）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="76" />
            <source>Reconnects</source>
            <translation>重连次数</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="77" />
            <source>fps</source>
            <translation>帧率</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="77" />
            <source>Picture</source>
            <translation>画面</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="77" />
            <source>Detail</source>
            <translation>详情</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="133" />
            <source>Link: %1 · reconnects %2 · last error: %3</source>
            <translation>链路：%1 · 重连 %2 次 · 最近错误：%3</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="155" />
            <source>Streams pulled: %1 · last-30-s buffers: %2 MB</source>
            <translation>拉流 %1 路 · 最近 30 秒缓存 %2 MB</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="162" />
            <source>hub</source>
            <translation>中心推送</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="182" />
            <source>Events applied</source>
            <translation>已应用事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="183" />
            <source>Malformed messages</source>
            <translation>格式错误消息</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="184" />
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="185" />
            <source>Unknown message types</source>
            <translation>未知消息类型</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="186" />
            <source>Duplicate events</source>
            <translation>重复事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/diagnostics/widget.py" line="191" />
            <source>Notices: %1</source>
            <translation>提示：%1</translation>
        </message>
    </context>
    <context>
        <name>DispatchLine</name>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="88" />
            <source>Sent: %1 · %2 · %3%4</source>
            <translation>已派：%1 · %2 · %3%4</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="92" />
            <source>(+%1 more)</source>
            <translation>（另 %1 人）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="101" />
            <source>Undoing…</source>
            <translation>正在撤销…</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="104" />
            <source>Undo (%1 s)</source>
            <translation>撤销（%1 秒）</translation>
        </message>
    </context>
    <context>
        <name>DrillBar</name>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="177" />
            <location filename="../../console/ui/panes/drillbar/widget.py" line="187" />
            <source>Play</source>
            <extracomment>the position moves between hub messages: redraw on every UI tick (cheap)</extracomment>
            <translation>播放</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="179" />
            <source>review mode only</source>
            <translation>仅回放模式可用</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="187" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="196" />
            <source>Last jump rebuilt the picture in %1 ms</source>
            <translation>上次跳转重建画面用时 %1 毫秒</translation>
        </message>
    </context>
    <context>
        <name>HeaderBar</name>
        <message>
            <location filename="../../console/ui/shell/header.py" line="118" />
            <source>scenario time (exercise)</source>
            <translation>演练场景时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="119" />
            <source>recorded time (review)</source>
            <translation>回放记录时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="119" />
            <source>local time</source>
            <translation>北京时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="129" />
            <source>On duty: %1</source>
            <translation>值班：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="133" />
            <source>Shift —</source>
            <translation>班次 —</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="139" />
            <source>Day shift %1</source>
            <translation>白班 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="139" />
            <source>Night shift %1</source>
            <translation>夜班 %1</translation>
        </message>
    </context>
    <context>
        <name>IncidentHeader</name>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="29" />
            <source>Alert</source>
            <translation>预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="38" />
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="39" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="40" />
            <source>Report</source>
            <translation>内容</translation>
        </message>
    </context>
    <context>
        <name>IncidentPane</name>
        <message>
            <location filename="../../console/ui/panes/incident/widget.py" line="65" />
            <source>Select an alert in the queue</source>
            <extracomment>the alert's snapshot and photos, kept clips, and the evidence export who was sent, and undo: above the scrolled detail, never below the fold</extracomment>
            <translation>请在预警队列中选择一条预警</translation>
        </message>
    </context>
    <context>
        <name>KpiPane</name>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="110" />
            <source>Alerts / min · open incidents</source>
            <extracomment>at most this many minutes of history are drawn (a whole marathon day fits) the window drawn: the last this many hub seconds (or the whole recording in review) recompute at most this often (wall seconds) crowd curves drawn (the cameras with the most density alerts) utilisation bars drawn (the most used kinds)</extracomment>
            <translation>每分钟预警 · 未结事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="117" />
            <location filename="../../console/ui/panes/kpi/widget.py" line="141" />
            <source>minutes ago</source>
            <translation>分钟前</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="119" />
            <source>p50 / p90 / p95 vs promise (% of limit)</source>
            <translation>p50 / p90 / p95 对比承诺（占时限 %）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="125" />
            <source>response 60 s</source>
            <translation>响应 60 秒</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="126" />
            <source>assembly 10 min</source>
            <translation>集结 10 分钟</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="130" />
            <source>Utilisation by kind (%)</source>
            <translation>各类力量使用率（%）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="138" />
            <source>Crowd density per camera (people/m²)</source>
            <translation>各摄像头人群密度（人/㎡）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="167" />
            <source>No alerts yet.</source>
            <translation>暂无预警。</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="221" />
            <source>Alerts %1 · open %2 · tasks %3 · response p50/p90/p95 %4 / %5 / %6, ≤60 s %7 · assembly p50/p90/p95 %8 / %9 / %10, ≤10 min %11 · breaches %12</source>
            <translation>预警 %1 · 未结 %2 · 任务 %3 · 响应 p50/p90/p95 %4 / %5 / %6，≤60 秒 %7 · 集结 p50/p90/p95 %8 / %9 / %10，≤10 分钟 %11 · 超时 %12</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="138" />
            <location filename="../../console/ui/shell/main_window.py" line="786" />
            <source>Duty commander's console</source>
            <extracomment>DUTY_CONSOLE_FIRST_FRAME=1 prints "window_painted &lt;epoch seconds&gt;" once, when a main window's first frame is on screen (the start-up benchmark P5 reads it; the camera tile prints its own) panes refreshed every other tick, and on which: heavy, and seconds matter less there than in the queue an early tick for a new alert comes no sooner than this after the last tick (s) UI tick (ms): panes redraw at most this often a tick refreshes panes for about this long before it lets the loop run (s) regular ticks take at most this share of the GUI thread: after a tick that took d seconds the next waits d / TICK_SHARE (a flood of events is applied, not drowned in redraws; alerts still tick early) ... but never longer than this (s): one huge tick (the baseline of 20,000 people, 1-2 s) must not leave the map and the queue still for four times as long (P4: the map redraws every second) with nothing new, panes still refresh this often so countdowns move (s) a banner hides itself after this long (ms) name → pane; a factory may return any subset, None removes a pane the panes of the window's first frame (with the header, the status bar and the strips): the rest (camera wall, map and KPIs with pyqtgraph, PyAV and numpy behind them) are built just after it when the window is made with `defer_panes` (the start-up benchmark P5 counts to that frame) the panes in docks, in the order they are docked</extracomment>
            <translation>基层治理指挥中心 值班指挥台</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="187" />
            <source>Camera wall</source>
            <extracomment>the commander's actions, keys and clicks alike: asked, held or sent, undone within 5 s True until the panes after the first frame are built (`build_deferred_panes`)</extracomment>
            <translation>视频墙</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="200" />
            <source>Alert queue</source>
            <translation>预警队列</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="200" />
            <source>Incident</source>
            <translation>事件详情</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="201" />
            <source>Resources</source>
            <translation>力量花名册</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="201" />
            <source>Map</source>
            <translation>地图</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="202" />
            <source>Diagnostics</source>
            <translation>诊断</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="202" />
            <source>KPIs</source>
            <translation>指标看板</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="203" />
            <source>Drill replay</source>
            <translation>演练回放</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="549" />
            <source>&amp;View</source>
            <extracomment>ask before closing with incidents open (the app sets it; tests and a wall do not) the demo runs its hub in this process: closing stops it too, and the question says so made with the diagnostics pane's module (it counts from the first notice: none is missed) changes an early tick showed in the queue only; the next regular tick shows them everywhere a redraw every pane (the queue too) owes on the next tick (a window made over a running session) changes a staggered pane has not been given yet the current tick's pane refreshes not yet run: (name, refresh, changes) GUI-thread time the current tick took so far, and when the next may start (monotonic)</extracomment>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="553" />
            <source>Reset layout</source>
            <translation>恢复默认布局</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="556" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="574" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="599" />
            <source>%1 incidents are still open. Close the console anyway?</source>
            <translation>还有 %1 起事件未办结。仍要关闭指挥台吗？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="602" />
            <source>This is the demo: closing the console also stops its embedded hub and its scenario.</source>
            <translation>这是演示：关闭指挥台也会停止内置的中心服务和演练场景。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="604" />
            <source>Close the console?</source>
            <translation>关闭指挥台？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="669" />
            <source>No open alert is selected: the key has nothing to act on</source>
            <translation>未选中未结预警：按键无处理对象</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="791" />
            <source>EXERCISE 演练 — not live duty: the field is simulated</source>
            <translation>演练 EXERCISE — 非实战值守：现场为模拟</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="792" />
            <source>REVIEW 回放 — a recorded session: dispatch is off</source>
            <translation>回放 REVIEW — 历史记录：调度已关闭</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="822" />
            <source>(+%1 more, see Diagnostics)</source>
            <translation>（另有 %1 条，见诊断）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="845" />
            <source>Critical alert: %1 — %2</source>
            <extracomment>during an early tick: critical alerts to focus once the queue is painted (else None)</extracomment>
            <translation>紧急预警：%1 — %2</translation>
        </message>
    </context>
    <context>
        <name>MapPane</name>
        <message>
            <location filename="../../console/ui/panes/map/widget.py" line="292" />
            <source>camera</source>
            <extracomment>how often, at most, incident stars and camera colours are redrawn under load (s) the box (metres) a selected incident is zoomed to, centred how often the heat is redrawn without a new reading, so old readings fade (s) the layer switches, in the order shown the camera picture shown on hovering a cone (pixels wide) fixed order of people in the scatter; index i ↔ arrays[i] what the last hover said (tests read it; the tooltip shows it) setData calls on the people scatter and the last one's duration (ms) the MBTiles layer, once `attach_basemap` puts one under the map camera id → its newest picture (QImage) or None; the app wires it to the camera wall ids of the open incidents, kept from each tick's changed ids (`_track_open`) what the camera and incident scatters were last drawn from: unchanged → no setData setData calls on the camera and incident scatters (tests read them) the picture (or name and state) of the camera whose cone is under the mouse lines from the selected incident's dispatched people to it, and their name/ETA labels the colour key row and the layer switches under it; wall mode hides both (they set the pane's minimum width at large type, and a wall is not switched by hand)</extracomment>
            <translation>摄像头</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/widget.py" line="293" />
            <source>open incident</source>
            <translation>未结事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/widget.py" line="298" />
            <source>Fit</source>
            <translation>全图</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/widget.py" line="299" />
            <source>Show the whole area</source>
            <translation>显示全部区域</translation>
        </message>
    </context>
    <context>
        <name>NoteDialog</name>
        <message>
            <location filename="../../console/ui/shell/dialogs.py" line="42" />
            <source>— choose a reason —</source>
            <translation>— 请选择原因 —</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/dialogs.py" line="49" />
            <source>Note (required)</source>
            <translation>备注（必填）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/dialogs.py" line="49" />
            <source>Comment (optional)</source>
            <translation>备注（可不填）</translation>
        </message>
    </context>
    <context>
        <name>OfflineBar</name>
        <message>
            <location filename="../../console/ui/shell/header.py" line="60" />
            <source>OFFLINE — no link to the hub: what you see may be out of date; commands wait and are sent when the link returns</source>
            <translation>离线 — 与中心的连接已断开：画面和状态可能已过时；指令已排队，恢复连接后发送</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="62" />
            <source>OFFLINE — reconnecting to the hub…</source>
            <translation>离线 — 正在重新连接中心…</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="63" />
            <source>Reconnected — catching up with the hub…</source>
            <translation>已重新连接 — 正在与中心同步…</translation>
        </message>
    </context>
    <context>
        <name>RecommendationList</name>
        <message>
            <location filename="../../console/ui/panes/incident/recommendations.py" line="49" />
            <source>Recommended</source>
            <extracomment>wrapping (wall): the name and ETA columns take at most this share of the list's width each the item view's text margins, both sides (the style's focus-frame margin + 1, twice, and a little)</extracomment>
            <translation>推荐人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/recommendations.py" line="59" />
            <source>Who</source>
            <extracomment>resource ids in the list now (a change to one of them re-ranks at once)</extracomment>
            <translation>人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/recommendations.py" line="59" />
            <source>ETA</source>
            <translation>预计到达</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/recommendations.py" line="59" />
            <source>Why</source>
            <translation>理由</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/recommendations.py" line="116" />
            <source>Dispatch</source>
            <extracomment>the wall wraps the reason onto more lines instead of cutting it ("最近的…")</extracomment>
            <translation>派遣</translation>
        </message>
    </context>
    <context>
        <name>RosterModel</name>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="38" />
            <source>Pending</source>
            <translation>待确认</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="80" />
            <source>Name</source>
            <extracomment>grids under the selected tree node (None: everyone) people with a task now (the only rows whose countdown moves) a status changed while filtering or sorting by status: rows to move at the next settle</extracomment>
            <translation>姓名</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="81" />
            <source>Kind</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="82" />
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="83" />
            <source>Town</source>
            <translation>镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="84" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="85" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="86" />
            <source>Current task</source>
            <translation>当前任务</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="87" />
            <source>Assembly left</source>
            <translation>集结剩余</translation>
        </message>
    </context>
    <context>
        <name>RosterPane</name>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="110" />
            <source>Search name, id, unit, skill…</source>
            <extracomment>counts shown in the header and the tree, in this order org id → tree item; org id → grids below it org node → counts; grid → the nodes above it (itself up to the root)</extracomment>
            <translation>搜索姓名、编号、单位、技能…</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="114" />
            <source>All kinds</source>
            <translation>全部类别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="119" />
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="133" />
            <source>Area</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="199" />
            <source>All</source>
            <translation>全部</translation>
        </message>
    </context>
    <context>
        <name>ServicePromises</name>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="20" />
            <source>Service promises</source>
            <translation>服务承诺</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="39" />
            <source>Response: dispatched in %1 s, nobody took it — send someone else</source>
            <translation>响应：%1 秒内已派遣，但无人接单 — 请改派他人</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="43" />
            <source>Response: %1 s (promise 60 s)</source>
            <translation>响应：%1 秒（承诺 60 秒）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="49" />
            <source>Response: %1 left</source>
            <translation>响应：剩余 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="50" />
            <source>Response: breached by %1</source>
            <translation>响应：已超时 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="56" />
            <source>Assembly: %1 left (promise 10 min)</source>
            <translation>集结：剩余 %1（承诺 10 分钟）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="57" />
            <source>Assembly: breached by %1</source>
            <translation>集结：已超时 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="60" />
            <source>Assembly: whole team on scene in %1</source>
            <translation>集结：全员 %1 到场</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="63" />
            <source>Assembly: first arrival in %1</source>
            <translation>集结：首人 %1 到场</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/promises.py" line="65" />
            <source>Assembly: not dispatched yet</source>
            <translation>集结：尚未派遣</translation>
        </message>
    </context>
    <context>
        <name>ShortcutHelp</name>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="115" />
            <source>Keyboard shortcuts</source>
            <translation>快捷键</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="117" />
            <source>These keys work wherever the keyboard focus is, except while typing in a text field. Queue actions act on the selected alert.</source>
            <translation>这些按键在任何位置都有效（正在输入文字时除外）。队列操作作用于当前选中的预警。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="122" />
            <source>Keys</source>
            <translation>按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="122" />
            <source>What it does</source>
            <translation>作用</translation>
        </message>
    </context>
    <context>
        <name>TaskList</name>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="36" />
            <source>Tasks</source>
            <translation>任务</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="43" />
            <source>Task</source>
            <translation>任务</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="43" />
            <source>Who</source>
            <translation>人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="43" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="43" />
            <source>Assembly</source>
            <translation>集结</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="88" />
            <source>Recall</source>
            <translation>撤回</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="90" />
            <source>Call this person back (before they are on scene); asks the reason</source>
            <translation>撤回此人（到场前）；需填写原因</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="101" />
            <source>Broadcast to %1 grids / %2 people · received %3/%2</source>
            <translation>已通知 %1 个网格 / %2 人 · 已收到 %3/%2</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="119" />
            <source>on scene in %1</source>
            <translation>%1 到场</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="124" />
            <source>assembly: %1 left</source>
            <translation>集结：剩余 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/tasks.py" line="127" />
            <source>assembly: %1 over</source>
            <translation>集结：超时 %1</translation>
        </message>
    </context>
    <context>
        <name>TimelineStrip</name>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="43" />
            <source>Click or drag to seek; ticks are alerts (red: critical)</source>
            <extracomment>the speeds the bar offers</extracomment>
            <translation>点击或拖动以跳转；刻度为预警（红色：紧急）</translation>
        </message>
    </context>
    <context>
        <name>TimelineView</name>
        <message>
            <location filename="../../console/ui/panes/incident/timeline.py" line="18" />
            <source>Timeline</source>
            <translation>处置时间线</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/timeline.py" line="22" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/timeline.py" line="22" />
            <source>Who</source>
            <translation>人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/timeline.py" line="22" />
            <source>What</source>
            <translation>事项</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/timeline.py" line="22" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
    </context>
    <context>
        <name>Toast</name>
        <message>
            <location filename="../../console/ui/shell/toast.py" line="42" />
            <source>%1 — sent in %2 s</source>
            <translation>%1 — %2 秒后发送</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/toast.py" line="44" />
            <source>%1 — undoing…</source>
            <translation>%1 — 正在撤销…</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/toast.py" line="48" />
            <source>Undo (Ctrl+Z) %1 s</source>
            <translation>撤销（Ctrl+Z）%1 秒</translation>
        </message>
    </context>
    <context>
        <name>WindowShortcuts</name>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="95" />
            <source>Undo the last action (within 5 s)</source>
            <translation>撤销上一步操作（5 秒内）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="96" />
            <source>Next alert in the queue</source>
            <translation>队列中下一条预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="97" />
            <source>Previous alert in the queue</source>
            <translation>队列中上一条预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="98" />
            <source>Keyboard focus to the alert queue</source>
            <translation>键盘焦点移到预警队列</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="99" />
            <source>Show every shortcut</source>
            <translation>显示全部快捷键</translation>
        </message>
    </context>
</TS>
