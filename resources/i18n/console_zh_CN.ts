<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ActionFlow</name>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="85" />
            <source>%1 already has %2 on scene and %3 on the way. Send one more? A note for them (optional):</source>
            <extracomment>severities whose false alarm needs a reason the pick list a case action asks first (codes; the glossary has their words) the question being asked now (tests answer it)</extracomment>
            <translation>“%1”现场已有 %2 人、在途 %3 人。仍要再派一人？给对方的备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="88" />
            <source>Dispatch another person?</source>
            <translation>再派一人？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="89" />
            <source>Dispatch</source>
            <translation>派遣</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="100" />
            <source>%1 on the way / %2 on scene will all be stood down.</source>
            <translation>%1 人在途 / %2 人在场，将全部撤回。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="121" />
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="123" />
            <source>Dispatched %1</source>
            <translation>已派遣 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="130" />
            <source>Plan activated</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/flow.py" line="130" />
            <source>Plan activated: %1</source>
            <translation>预案已启动：%1</translation>
        </message>
    </context>
    <context>
        <name>ActionWords</name>
        <message>
            <location filename="../../console/ui/actions/words.py" line="21" />
            <location filename="../../console/ui/actions/words.py" line="68" />
            <location filename="../../console/ui/actions/words.py" line="70" />
            <source>Acknowledge</source>
            <translation>确认</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="22" />
            <source>Dispatch recommended</source>
            <translation>一键派遣推荐</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="23" />
            <source>Activate plan</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="24" />
            <location filename="../../console/ui/actions/words.py" line="71" />
            <source>Escalate to district</source>
            <translation>上报区县</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="25" />
            <source>Request cooperation</source>
            <translation>请求跨街协同</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="26" />
            <source>Broadcast a check to grids…</source>
            <translation>通知网格排查…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="28" />
            <source>Accept hand-off</source>
            <translation>接收移交</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="29" />
            <location filename="../../console/ui/actions/words.py" line="80" />
            <location filename="../../console/ui/actions/words.py" line="81" />
            <source>Decline hand-off</source>
            <translation>退回移交</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="30" />
            <location filename="../../console/ui/actions/words.py" line="76" />
            <location filename="../../console/ui/actions/words.py" line="77" />
            <source>Resolve</source>
            <translation>处置完毕</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="31" />
            <location filename="../../console/ui/actions/words.py" line="78" />
            <location filename="../../console/ui/actions/words.py" line="79" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="32" />
            <location filename="../../console/ui/actions/words.py" line="51" />
            <location filename="../../console/ui/actions/words.py" line="74" />
            <source>False alarm</source>
            <translation>误报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="33" />
            <location filename="../../console/ui/actions/words.py" line="82" />
            <location filename="../../console/ui/actions/words.py" line="83" />
            <source>Recall</source>
            <translation>撤回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="34" />
            <source>End drill</source>
            <translation>结束演练</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="40" />
            <source>Dispatch the recommended person</source>
            <translation>派遣推荐人员</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="41" />
            <source>Acknowledge (optional comment)</source>
            <translation>确认（可加备注）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="42" />
            <source>Escalate to the district (asks for a note)</source>
            <translation>上报区县（需填写说明）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="43" />
            <source>False alarm (asks for a reason on warnings and criticals)</source>
            <translation>误报（警告和紧急预警需选择原因）</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="44" />
            <source>Activate the response plan</source>
            <translation>启动预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="50" />
            <source>Acknowledged</source>
            <translation>已确认</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="52" />
            <source>Escalated to district</source>
            <translation>已上报区县</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="53" />
            <source>Resolved</source>
            <translation>已处置</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="54" />
            <source>Closed</source>
            <translation>已办结</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="55" />
            <source>Hand-off accepted</source>
            <translation>移交已接收</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="56" />
            <source>Hand-off declined</source>
            <translation>移交被退回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="57" />
            <source>Recalled</source>
            <translation>已撤回</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="58" />
            <source>Cooperation requested</source>
            <translation>请求协同</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="60" />
            <source>Broadcast</source>
            <translation>通知</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="61" />
            <source>Drill ended</source>
            <translation>演练已结束</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="62" />
            <source>Drill started</source>
            <translation>演练已开始</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="69" />
            <source>Acknowledge “%1”. A comment for the timeline (optional):</source>
            <translation>确认“%1”。写入时间线的备注（可不填）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="72" />
            <source>Escalate “%1” to the district. What do they need to know?</source>
            <translation>将“%1”上报区县。需要告知区县什么？</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="73" />
            <source>Escalate</source>
            <translation>上报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="74" />
            <source>Mark “%1” as a false alarm. Why?</source>
            <translation>将“%1”标记为误报。原因？</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="75" />
            <source>Mark false alarm</source>
            <translation>标记误报</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="76" />
            <source>Resolve “%1”. A note for the timeline (optional):</source>
            <translation>处置完毕“%1”。时间线备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="78" />
            <source>Close “%1”. A note for the record (optional):</source>
            <translation>办结“%1”。归档备注（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="80" />
            <source>Decline “%1”. Why (optional):</source>
            <translation>拒绝接收“%1”。原因（可选）：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="82" />
            <source>Recall %1. Why? They read this on their phone:</source>
            <translation>撤回 %1。原因？对方将在手机上看到：</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions/words.py" line="84" />
            <source>OK</source>
            <translation>确定</translation>
        </message>
    </context>
    <context>
        <name>ActionsBar</name>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="35" />
            <source>Actions</source>
            <translation>处置</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="78" />
            <source>Activate plan: %1</source>
            <extracomment>keys and clicks take one path: asked, then held or sent, with a 5 s undo the broadcast question being asked now (tests answer it)</extracomment>
            <translation>启动预案：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="79" />
            <source>No plan for this type</source>
            <translation>此类型无预案</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="116" />
            <source>Cooperation requested from %1: %2</source>
            <translation>已请求 %1 协同：%2</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/actions_bar.py" line="137" />
            <source>Broadcast to %1 grids / %2 people: %3</source>
            <translation>已通知 %1 个网格 / %2 人：%3</translation>
        </message>
    </context>
    <context>
        <name>Alarm</name>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="127" />
            <source>No audio device: alarms are silent, watch the flashing rows</source>
            <extracomment>seconds between rings while an alert of this severity waits to be acknowledged the flash's half period (ms) a loud notice (banner); `status` a quiet one (the status bar) rings so far (tests count them; a silent console counts too)</extracomment>
            <translation>无音频设备：告警无声，请留意闪烁的行</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="157" />
            <source>Not acknowledged: %1 critical — %2 · %3 (A: acknowledge)</source>
            <translation>未确认紧急预警 %1 起 — %2 · %3（A：确认）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/alarm.py" line="158" />
            <source>Not acknowledged: %1 critical — %2 · %3</source>
            <translation>未确认紧急预警 %1 起 — %2 · %3</translation>
        </message>
    </context>
    <context>
        <name>AlertQueue</name>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="126" />
            <source>Show closed</source>
            <extracomment>called after every paint: the console's alarm-to-screen figure counts a row once it is painted</extracomment>
            <translation>显示已办结</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="237" />
            <source>Enter: dispatch recommended · A: acknowledge · E: escalate · F: false alarm · Ctrl+Z: undo · F1: all keys</source>
            <translation>回车：派遣推荐人员 · A：确认 · E：上报区县 · F：误报 · Ctrl+Z：撤销 · F1：全部快捷键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="240" />
            <source>Enter → dispatch to %1 (new critical) · A: acknowledge · F: false alarm · P: plan · F1: all keys</source>
            <translation>回车 → 派遣至 %1（新紧急预警） · A 确认 · F 误报 · P 预案 · F1 全部按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="243" />
            <source>Enter → dispatch to %1 · A: acknowledge · F: false alarm · P: plan · F1: all keys</source>
            <translation>回车 → 派遣至 %1 · A 确认 · F 误报 · P 预案 · F1 全部按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="315" />
            <source>All types</source>
            <translation>全部类型</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="318" />
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="321" />
            <location filename="../../console/ui/panes/alerts/widget.py" line="329" />
            <source>All towns</source>
            <translation>全部镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/widget.py" line="339" />
            <source>%1 open · %2 critical</source>
            <translation>待办 %1 · 紧急 %2</translation>
        </message>
    </context>
    <context>
        <name>AlertQueueModel</name>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="251" />
            <source>Severity</source>
            <extracomment>the response countdown turns amber below this many seconds left the role that carries the incident id of a row how far a cell's own colour is taken toward white on the selected row incidents a held action (false alarm, close, resolve in its undo window) takes off the queue hub time the countdowns are computed against (one value per tick) rows that flash until acknowledged (the alarm sets them), and the flash's phase</extracomment>
            <translation>级别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="251" />
            <source>Response</source>
            <translation>响应</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="251" />
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="251" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="252" />
            <source>Town</source>
            <translation>镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="252" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/alerts/model.py" line="286" />
            <source>Pending</source>
            <translation>待确认</translation>
        </message>
    </context>
    <context>
        <name>BroadcastDialog</name>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="58" />
            <source>Broadcast a check</source>
            <extracomment>"nearby" grids: centres within this many metres of the incident a follow-up check (举一反三) from a closed case: its own words, the case's grid's tag chosen first</extracomment>
            <translation>通知排查</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="62" />
            <source>To the grid workers of:</source>
            <translation>发送给以下网格的网格员：</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="67" />
            <source>grids within %1 km of the incident</source>
            <translation>事件周边 %1 公里内的网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="68" />
            <source>grids tagged “%1” in this town</source>
            <translation>本镇“%1”网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="70" />
            <source>every grid of this town</source>
            <translation>本镇全部网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="82" />
            <source>Please check your grid for the same: %1 (%2). Answer 收到 when read.</source>
            <translation>请排查本网格有无同类情况：%1（%2）。阅后请点“收到”。</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="91" />
            <source>Send</source>
            <translation>发送</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/broadcast_dialog.py" line="111" />
            <source>Send to %1 grids / %2 people</source>
            <translation>发送至 %1 个网格 / %2 人</translation>
        </message>
    </context>
    <context>
        <name>CameraTile</name>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="204" />
            <source>Replay %1</source>
            <extracomment>caption type on a desk: 7 pt on the smallest tiles up to 11 pt (scaled up with a wall's base type) DUTY_CONSOLE_FIRST_FRAME=1 prints "first_frame_painted &lt;epoch seconds&gt;" once, when the first camera frame of the process has been painted (the start-up benchmark reads it) set when a frame was handed over and not painted yet frames painted / frames dropped because the previous one was still pending the newest frame, wrapping its decoded pixels (None: no picture of this camera yet) when the newest frame came; stale after 2 s without one the stream reader's state code (console.video.status), None for hub-pushed frames playing back the last 30 s, not live: the tile says so on an amber bar an idle tile: its pictures are stills taken every few seconds, never shown as live video a reviewed recording's tile: what it shows was recorded (a held frame is not a lost signal) draws the tile (and keeps its caption bar and grey picture between paints)</extracomment>
            <translation>回放 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/paint.py" line="81" />
            <source>OFFLINE</source>
            <extracomment>an idle tile's still: a slate bar (not the replay's amber, not live green) and a light veil (the picture's cache key, the picture in grey), made once when the tile goes stale</extracomment>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="303" />
            <source>offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/tile.py" line="357" />
            <source>Play the last 30 s</source>
            <translation>回放最近 30 秒</translation>
        </message>
    </context>
    <context>
        <name>CameraWall</name>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="264" />
            <source>Focus this camera</source>
            <extracomment>the live budget: pulled tiles beyond it show stills every `still_s` seconds cameras off the live tiles that keep a packet-only ring before any alert (0: none; `configure`) the tiles on screen now, focus tile first cameras near the selected alert, nearest first: (camera id, metres); shown beside the focus tile</extracomment>
            <translation>聚焦此摄像头</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="266" />
            <source>Back to the grid</source>
            <translation>返回宫格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="267" />
            <source>Full screen</source>
            <translation>全屏</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="269" />
            <source>Show on map</source>
            <translation>在地图上显示</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/widget.py" line="272" />
            <source>Play the last 30 s</source>
            <translation>回放最近 30 秒</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="49" />
            <source>%n camera(s) per page</source>
            <translation>每页 %n 路</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="58" />
            <source>Previous page (PgUp)</source>
            <translation>上一页（PgUp）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="62" />
            <source>Next page (PgDown)</source>
            <translation>下一页（PgDown）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="71" />
            <source>Tour</source>
            <translation>轮巡</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="72" />
            <source>Camera tour: next page every %1 s</source>
            <translation>轮巡：每 %1 秒翻页</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="83" />
            <source>Close focus</source>
            <translation>关闭聚焦</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="84" />
            <source>Leave the focus tile (Esc)</source>
            <translation>退出聚焦画面（Esc）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="144" />
            <source>Focus: %1</source>
            <extracomment>the wall's second row: the focus line whole across the column (set_wall)</extracomment>
            <translation>聚焦：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/cameras/toolbar.py" line="147" />
            <source>Nearby: %1</source>
            <translation>附近：%1</translation>
        </message>
    </context>
    <context>
        <name>ConsoleStatusBar</name>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="72" />
            <source>Online</source>
            <extracomment>alarm-to-screen p95 above this is shown red: a tenth of the 10 s alarm-display norm of fire-control rooms mode badges are bilingual on purpose: an exercise must be unmistakable in either language hub commit → alert row painted, p95 of the last hour (console/client/alarm_latency.py) a district console: the slowest town's figure (every town's in the tooltip); hidden elsewhere a standing notice said once (no audio device): stays, so it is not missed</extracomment>
            <translation>在线</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="72" />
            <source>Resuming</source>
            <translation>恢复中</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="73" />
            <source>Connecting</source>
            <translation>连接中</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="73" />
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="75" />
            <source>RTT %1 ms</source>
            <translation>往返 %1 ms</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="77" />
            <source>seq %1</source>
            <translation>序号 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="78" />
            <source>%1 ev/s</source>
            <translation>%1 事件/秒</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="80" />
            <source>outbox %1</source>
            <translation>待发 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="83" />
            <source>GUI stall %1</source>
            <translation>界面卡顿 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="88" />
            <source>alarm→screen p95 %1</source>
            <translation>告警上屏 p95 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="91" />
            <source>Hub commit to alert row painted, last hour: %1 alerts, clock error ±%2 ms</source>
            <translation>中心入库至告警行显示，近一小时：%1 条告警，时钟误差 ±%2 ms</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="112" />
            <source>slowest town %1 p95 %2</source>
            <translation>最慢镇 %1 告警上屏 p95 %2</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="115" />
            <source>%1: p95 %2, p50 %3, %4 alerts on %5 consoles, heard %6 s ago</source>
            <translation>%1：p95 %2，p50 %3，%5 台席位 %4 条告警，%6 秒前收到</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/status_bar.py" line="119" />
            <source>Alarm to screen per town (its slowest console):</source>
            <translation>各镇告警上屏（取最慢席位）：</translation>
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
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="89" />
            <source>Sent: %1 · %2 · %3%4</source>
            <translation>已派：%1 · %2 · %3%4</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="93" />
            <source>(+%1 more)</source>
            <translation>（另 %1 人）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="102" />
            <source>Undoing…</source>
            <translation>正在撤销…</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/dispatch_line.py" line="105" />
            <source>Undo (%1 s)</source>
            <translation>撤销（%1 秒）</translation>
        </message>
    </context>
    <context>
        <name>DrillBar</name>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="166" />
            <source>Back to the previous alert (Ctrl+Left)</source>
            <translation>回到上一条预警（Ctrl+←）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="170" />
            <source>On to the next alert (Ctrl+Right)</source>
            <translation>跳到下一条预警（Ctrl+→）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="206" />
            <location filename="../../console/ui/panes/drillbar/widget.py" line="216" />
            <source>Play</source>
            <translation>播放</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="208" />
            <source>review mode only</source>
            <translation>仅回放模式可用</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="216" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/drillbar/widget.py" line="225" />
            <source>Last jump rebuilt the picture in %1 ms</source>
            <translation>上次跳转重建画面用时 %1 毫秒</translation>
        </message>
    </context>
    <context>
        <name>HeaderBar</name>
        <message>
            <location filename="../../console/ui/shell/header.py" line="120" />
            <source>scenario time (exercise)</source>
            <extracomment>a wall: "on duty" names the duty commander the hub says it follows (not the wall's account)</extracomment>
            <translation>演练场景时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="121" />
            <source>recorded time (review)</source>
            <translation>回放记录时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="121" />
            <source>local time</source>
            <translation>北京时间</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="129" />
            <location filename="../../console/ui/shell/header.py" line="135" />
            <source>On duty: %1</source>
            <translation>值班：%1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="139" />
            <source>Shift —</source>
            <translation>班次 —</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="145" />
            <source>Day shift %1</source>
            <translation>白班 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/header.py" line="145" />
            <source>Night shift %1</source>
            <translation>夜班 %1</translation>
        </message>
    </context>
    <context>
        <name>IncidentHeader</name>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="30" />
            <source>Alert</source>
            <translation>预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="39" />
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="40" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/incident/header.py" line="41" />
            <source>Report</source>
            <translation>内容</translation>
        </message>
    </context>
    <context>
        <name>IncidentPane</name>
        <message>
            <location filename="../../console/ui/panes/incident/widget.py" line="71" />
            <source>Select an alert in the queue</source>
            <extracomment>the alert's snapshot and photos, kept clips, and the evidence export a case's stages and its desk actions (hidden for an incident on the emergency promise) who was sent, and undo: above the scrolled detail, never below the fold</extracomment>
            <translation>请在预警队列中选择一条预警</translation>
        </message>
    </context>
    <context>
        <name>KpiPane</name>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="115" />
            <source>Alerts / min · open incidents</source>
            <extracomment>at most this many minutes of history are drawn (a whole marathon day fits) the window drawn: the last this many hub seconds (or the whole recording in review) recompute at most this often (wall seconds) crowd curves drawn (the cameras with the most density alerts) utilisation bars drawn (the most used kinds) the cases' line (一办到底): how many, open, overdue, on-time share (the cases pane has the rest)</extracomment>
            <translation>每分钟预警 · 未结事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="122" />
            <location filename="../../console/ui/panes/kpi/widget.py" line="146" />
            <source>minutes ago</source>
            <translation>分钟前</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="124" />
            <source>p50 / p90 / p95 vs promise (% of limit)</source>
            <translation>p50 / p90 / p95 对比承诺（占时限 %）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="130" />
            <source>response 60 s</source>
            <translation>响应 60 秒</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="131" />
            <source>assembly 10 min</source>
            <translation>集结 10 分钟</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="135" />
            <source>Utilisation by kind (%)</source>
            <translation>各类力量使用率（%）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="143" />
            <source>Crowd density per camera (people/m²)</source>
            <translation>各摄像头人群密度（人/㎡）</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="173" />
            <source>No alerts yet.</source>
            <translation>暂无预警。</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/kpi/widget.py" line="238" />
            <source>Alerts %1 · open %2 · tasks %3 · response p50/p90/p95 %4 / %5 / %6, ≤60 s %7 · assembly p50/p90/p95 %8 / %9 / %10, ≤10 min %11 · breaches %12</source>
            <translation>预警 %1 · 未结 %2 · 任务 %3 · 响应 p50/p90/p95 %4 / %5 / %6，≤60 秒 %7 · 集结 p50/p90/p95 %8 / %9 / %10，≤10 分钟 %11 · 超时 %12</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="90" />
            <location filename="../../console/ui/shell/main_window.py" line="375" />
            <source>Duty commander's console</source>
            <extracomment>DUTY_CONSOLE_FIRST_FRAME=1 prints "window_painted &lt;epoch seconds&gt;" once, when a main window's first frame is on screen (the start-up benchmark P5 reads it; the camera tile prints its own)
----------
the alarm that rings until acknowledged and flashes the rows and the strip the UI tick: `tick.stop()` / `tick.start()` (tests drive it themselves), `refresh_now()`</extracomment>
            <translation>基层治理指挥中心 值班指挥台</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="127" />
            <location filename="../../console/ui/shell/registry.py" line="202" />
            <source>Camera wall</source>
            <extracomment>the commander's actions, keys and clicks alike: asked, held or sent, undone within 5 s True until the panes after the first frame are built (`build_deferred_panes`) name → pane widget, in the pane table's order (panes built after the first frame join it)</extracomment>
            <translation>视频墙</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="196" />
            <source>Alert queue</source>
            <extracomment>the modes a pane can be shown in: a commander's desk, a wall display, a recorded session's review a new critical alert popped in the queue (incident id) show a camera on the map (camera id) the pane's key: `window.panes[name]`, the dock's object name (`dock_&lt;name&gt;`), saved layouts the dock's title, an English source string the window says through `tr` (context "MainWindow") makes the pane's widget; the pane's module is imported inside, so the first frame needs none the dock area it starts in; None: the window's centre (the camera wall) built with the window's first frame (the rest are built just after it with `defer_panes`) refreshed on every tick, also when nothing changed (it pulls video or follows a clock) staggered: refreshed only on ticks whose number % 2 is this, with what piled up meanwhile the queue: refreshed at once for a new critical alert (the early tick), before any other pane the modes whose window shows its dock; a pane shown only in review follows the link's mode docked as a tab behind this pane's dock docked under this pane's dock, taking `under_share` of the column the desk's default width (share of the window) of a side dock, height of a bottom dock the wall's fixed column width (share of the window) the wall's fixed height of a top dock (share of its column: the dock and the centre under it) what the pane does in wall mode (large type across a room, nothing to click that acts) bring a camera forward (a critical alert's camera) centre the pane on a point of the local plane (metres) connects the pane's signals to the window's links every pane, in the order docks are added (and the View menu lists them) and a tick refreshes them</extracomment>
            <translation>预警队列</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="199" />
            <source>Incident</source>
            <translation>事件详情</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="211" />
            <source>Resources</source>
            <translation>力量花名册</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="207" />
            <source>Map</source>
            <translation>地图</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="213" />
            <source>Diagnostics</source>
            <translation>诊断</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="215" />
            <source>KPIs</source>
            <translation>指标看板</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="218" />
            <source>Cases</source>
            <translation>案件</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="222" />
            <source>Situation</source>
            <translation>态势</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="225" />
            <source>Drills</source>
            <translation>演练</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/registry.py" line="229" />
            <source>Drill replay</source>
            <translation>演练回放</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/menus.py" line="26" />
            <source>&amp;View</source>
            <extracomment>the keys the Help menu lists under "Shortcuts", by their name in the shortcut table</extracomment>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/menus.py" line="30" />
            <source>Reset layout</source>
            <translation>恢复默认布局</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/menus.py" line="33" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/menus.py" line="42" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/closing.py" line="44" />
            <source>%1 incidents are still open. Close the console anyway?</source>
            <extracomment>ask before closing with incidents open (the app sets it; tests and a wall do not) the demo runs its hub in this process: closing stops it too, and the question says so closing was confirmed (or asked for without a question): the next close goes through</extracomment>
            <translation>还有 %1 起事件未办结。仍要关闭指挥台吗？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/closing.py" line="47" />
            <source>This is the demo: closing the console also stops its embedded hub and its scenario.</source>
            <translation>这是演示：关闭指挥台也会停止内置的中心服务和演练场景。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/closing.py" line="50" />
            <source>Close the console?</source>
            <translation>关闭指挥台？</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/main_window.py" line="415" />
            <source>No open alert is selected: the key has nothing to act on</source>
            <translation>未选中未结预警：按键无处理对象</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/banners.py" line="106" />
            <source>EXERCISE 演练 — not live duty: the field is simulated</source>
            <translation>演练 EXERCISE — 非实战值守：现场为模拟</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/banners.py" line="108" />
            <source>REVIEW 回放 — a recorded session: dispatch is off</source>
            <translation>回放 REVIEW — 历史记录：调度已关闭</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/banners.py" line="90" />
            <source>(+%1 more, see Diagnostics)</source>
            <extracomment>a banner hides itself after this long (ms) made with the diagnostics pane's module (it counts from the first notice: none is missed)</extracomment>
            <translation>（另有 %1 条，见诊断）</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/critical.py" line="68" />
            <source>Critical alert: %1 — %2</source>
            <extracomment>while held: critical alerts to focus once the queue is painted (else None)</extracomment>
            <translation>紧急预警：%1 — %2</translation>
        </message>
    </context>
    <context>
        <name>MapPane</name>
        <message>
            <location filename="../../console/ui/panes/map/legend.py" line="68" />
            <source>camera</source>
            <extracomment>the layer switches, in the order shown</extracomment>
            <translation>摄像头</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/legend.py" line="69" />
            <source>open incident</source>
            <translation>未结事件</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/legend.py" line="76" />
            <source>Fit</source>
            <translation>全图</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/map/legend.py" line="77" />
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
            <location filename="../../console/ui/panes/roster/model.py" line="82" />
            <source>Kind</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="83" />
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="84" />
            <source>Town</source>
            <translation>镇街</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="85" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="86" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="87" />
            <source>Current task</source>
            <translation>当前任务</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/model.py" line="88" />
            <source>Assembly left</source>
            <translation>集结剩余</translation>
        </message>
    </context>
    <context>
        <name>RosterPane</name>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="117" />
            <source>Search name, id, unit, skill…</source>
            <extracomment>counts shown in the header and the tree, in this order the window's action flow (one desk, one undo): a dispatch from here is undone like any other org id → tree item; org id → grids below it org node → counts; grid → the nodes above it (itself up to the root) (font, how many people) the name column was last fitted to</extracomment>
            <translation>搜索姓名、编号、单位、技能…</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="121" />
            <source>All kinds</source>
            <translation>全部类别</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="126" />
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="140" />
            <source>Area</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../console/ui/panes/roster/widget.py" line="220" />
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
            <location filename="../../console/ui/shell/shortcuts.py" line="117" />
            <source>Keyboard shortcuts</source>
            <translation>快捷键</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="119" />
            <source>These keys work wherever the keyboard focus is, except while typing in a text field. Queue actions act on the selected alert.</source>
            <translation>这些按键在任何位置都有效（正在输入文字时除外）。队列操作作用于当前选中的预警。</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="124" />
            <source>Keys</source>
            <translation>按键</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="124" />
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
            <location filename="../../console/ui/panes/drillbar/widget.py" line="51" />
            <source>Click or drag to seek; ticks are alerts (red: critical)</source>
            <extracomment>the speeds the bar offers "next alert" lands this long before the alert, so it is seen arriving (hub seconds) a tick this close to the pointer (px) names its alert on hover an alert's words for its tick's tooltip (the bar gives the recording's titles)</extracomment>
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
            <location filename="../../console/ui/shell/toast.py" line="50" />
            <source>%1 — sent in %2 s</source>
            <translation>%1 — %2 秒后发送</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/toast.py" line="52" />
            <source>%1 — undoing…</source>
            <translation>%1 — 正在撤销…</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/toast.py" line="56" />
            <source>Undo (Ctrl+Z) %1 s</source>
            <translation>撤销（Ctrl+Z）%1 秒</translation>
        </message>
    </context>
    <context>
        <name>WallBoard</name>
        <message>
            <location filename="../../console/ui/wall/board.py" line="203" />
            <source>Following %1</source>
            <extracomment>countdown rows the board keeps (more than fit are counted on the last line) the figures are recomputed at most this often (seconds of real time); countdowns every tick</extracomment>
            <translation>跟随 %1</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="204" />
            <source>Most urgent open alert</source>
            <translation>最紧急的未结预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="205" />
            <source>Open incidents in turn</source>
            <translation>未结事件轮播</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="206" />
            <source>No open incident: the day's figures</source>
            <translation>无未结事件：今日数据</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="209" />
            <source>Today so far</source>
            <translation>今日概况</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="230" />
            <source>Alerts today</source>
            <translation>今日预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="231" />
            <source>Answered within 60 s</source>
            <translation>60 秒内响应</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="232" />
            <source>Assembled within 10 min</source>
            <translation>10 分钟内集结</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="233" />
            <source>Open cases</source>
            <translation>在办案件</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="234" />
            <source>Overdue cases</source>
            <translation>超期案件</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="241" />
            <source>No open critical or warning alert</source>
            <translation>无未结的紧急或警告预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="245" />
            <source>to answer</source>
            <translation>待响应</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="247" />
            <source>to assemble</source>
            <translation>待集结</translation>
        </message>
        <message>
            <location filename="../../console/ui/wall/board.py" line="260" />
            <source>%1 more</source>
            <translation>另有 %1 起</translation>
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
            <source>Review: on to the next alert of the recording</source>
            <translation>复盘：跳到录制中的下一条预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="100" />
            <source>Review: back to the previous alert</source>
            <translation>复盘：回到上一条预警</translation>
        </message>
        <message>
            <location filename="../../console/ui/shell/shortcuts.py" line="101" />
            <source>Show every shortcut</source>
            <translation>显示全部快捷键</translation>
        </message>
    </context>
</TS>
