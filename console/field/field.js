// The field page: one person's tasks over the hub's websocket protocol (console/protocol/PROTOCOL.md).
//
// The token comes from the enrolment link (#token=..., or ?token=... in an older link): on the
// first load it moves into localStorage and the address is rewritten without it, so it does not
// stay in the history, a screenshot or a proxy's log. The browser cannot set an Authorization
// header, so it travels as ?token= on the websocket handshake only.
// The hub sends this page its own view (PROTOCOL.md section 19): its person, its tasks, the
// broadcasts it is a recipient of and those incidents' summaries, as `view_changed` records.
// Commands are kept in localStorage with their ids until the hub answers them, and resent
// on every (re)connect: the hub applies each (sender, id) once, so a resend has no second effect.
"use strict";
(function () {
  const { el, button } = window.fieldDom;  // dom.js
  const W = window.FIELD_WORDS;
  const PROTOCOL = 2;  // the envelope's `v` (PROTOCOL.md §14; tests/field/test_static.py keeps it current)
  const KEY_TOKEN = "duty.field.token", KEY_OUTBOX = "duty.field.outbox", KEY_VIEW = "duty.field.view";
  const PING_EVERY_MS = 1000, DEAD_AFTER_MS = 4000, RESEND_EVERY_MS = 5000;
  const ASSEMBLY_S = 600;  // the 10-minute clock: first dispatch to first arrival
  const EARTH_R = 6371008.8;  // console/site/geo.py's, so map links land where the console's map does
  const LIVE = ["sent", "accepted", "arrived"];

  const $ = (id) => document.getElementById(id);
  const st = {
    ws: null, linkState: "connecting", me: null, name: "", epoch: "", seq: 0, live: false,
    resources: {}, incidents: {}, tasks: {}, plans: {}, messages: {}, origin: null,
    clock: null, heardAt: 0, revoked: false, retryMs: 1000, open: {}, known: null, gateway: null,
  };

  // ------------------------------------------------------------------ token and outbox

  function takeToken() {
    const inHash = /(?:^#|&)token=([^&]*)/.exec(location.hash), query = new URLSearchParams(location.search);
    const token = inHash ? decodeURIComponent(inHash[1]) : query.get("token");
    if (token) {
      localStorage.setItem(KEY_TOKEN, token);
      query.delete("token");
      const q = query.toString();
      const h = location.hash.replace(/(^#|&)token=[^&]*/, "$1").replace(/^#&/, "#").replace(/&$/, "");
      // not left in the address bar, the history or a shared screenshot
      history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + (h === "#" ? "" : h));
    }
    return localStorage.getItem(KEY_TOKEN);
  }

  function outbox() {
    try { return JSON.parse(localStorage.getItem(KEY_OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(list) { localStorage.setItem(KEY_OUTBOX, JSON.stringify(list)); }

  function newId(prefix) {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);  // crypto.randomUUID needs a secure context; a LAN hub may be plain http
    return (prefix || "f-") + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // What the person last saw (their tasks, those incidents, themselves), so a reload on a dead link
  // still shows the task in hand; the hub's snapshot replaces it once the page is live again.
  function saveView() {
    const tasks = {}, incidents = {}, plans = {};
    for (const t of myTasks().filter((t) => LIVE.includes(t.status))) {
      tasks[t.id] = t;
      const inc = st.incidents[t.incident];
      if (inc) { incidents[inc.id] = inc; if (inc.plan && st.plans[inc.plan]) plans[inc.plan] = st.plans[inc.plan]; }
    }
    const me = st.resources[st.me];
    localStorage.setItem(KEY_VIEW, JSON.stringify({ me: st.me, name: st.name, tasks: tasks, incidents: incidents,
      plans: plans, resources: me ? { [me.id]: me } : {} }));
  }
  function restoreView() {
    let v = null;
    try { v = JSON.parse(localStorage.getItem(KEY_VIEW) || "null"); } catch (e) { /* a broken copy: none */ }
    if (!v) return;
    Object.assign(st, { me: v.me, name: v.name, tasks: v.tasks, incidents: v.incidents, plans: v.plans,
      resources: v.resources });
  }

  function command(task, status, note) {
    const list = outbox();
    const cmd = { id: newId(), type: "cmd.task_update", body: { task: task, status: status }, at: Date.now() };
    if (note) cmd.body.note = note;
    list.push(cmd);
    saveOutbox(list);
    send(cmd);
    render();
  }

  function enqueue(cmd) {  // a command made elsewhere (cases.js), kept and resent like a task update
    const list = outbox();
    if (!list.some((c) => c.id === cmd.id)) { list.push(cmd); saveOutbox(list); }
    send(cmd);
    render();
  }

  // 收到 on a broadcast (or a follow-up check's answer, "clear" or "found"): kept in the outbox
  // like a task step until the hub answers
  function acknowledge(broadcast, answer) {
    const list = outbox();
    const body = answer ? { broadcast: broadcast, answer: answer } : { broadcast: broadcast };
    const cmd = { id: newId(), type: "cmd.acknowledge_broadcast", body: body, at: Date.now() };
    list.push(cmd);
    saveOutbox(list);
    send(cmd);
    render();
  }

  function send(cmd) {
    if (st.ws && st.ws.readyState === WebSocket.OPEN && st.live) {
      st.ws.send(JSON.stringify({ v: PROTOCOL, type: cmd.type, id: cmd.id, body: cmd.body }));
    }
  }

  function answered(id, body) {
    const list = outbox();
    const cmd = list.find((c) => c.id === id);
    if (!cmd) return;
    saveOutbox(list.filter((c) => c.id !== id));
    if (!body.ok) notice(W.refusals[body.code] || ("操作未成功：" + (body.message || body.code)));
    render();
  }

  // ------------------------------------------------------------------ link

  function connect() {
    const token = takeToken();
    if (!token) { setLink("notoken"); return; }
    if (st.revoked || !navigator.onLine) { setLink(st.revoked ? "revoked" : "offline"); return; }
    setLink("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(scheme + "//" + location.host + "/?token=" + encodeURIComponent(token));
    st.ws = ws;
    st.live = false;
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      st.heardAt = Date.now();
      for (const line of ev.data.split("\n")) if (line) handle(JSON.parse(line));
    };
    ws.onclose = (ev) => {
      if (st.ws !== ws) return;
      st.ws = null;
      st.live = false;
      if (ev.code === 4401) {  // revoked: forget the token and what it showed, so a reload asks for a new enrolment
        st.revoked = true; localStorage.removeItem(KEY_TOKEN); localStorage.removeItem(KEY_VIEW);
        st.tasks = {}; st.drawn = null; setLink("revoked"); render(); return;
      }
      setLink(navigator.onLine ? "connecting" : "offline");
      setTimeout(connect, st.retryMs);
      st.retryMs = Math.min(st.retryMs * 2, 8000);
    };
  }

  function drop() {  // a dead link closes nothing by itself: close it and start again
    const ws = st.ws;
    if (!ws) return;
    st.ws = null;
    st.live = false;
    try { ws.close(); } catch (e) { /* already gone */ }
    setLink(navigator.onLine ? "connecting" : "offline");
    if (navigator.onLine) setTimeout(connect, 500);
  }

  setInterval(() => {
    const ws = st.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - st.heardAt > DEAD_AFTER_MS) { drop(); return; }
    ws.send(JSON.stringify({ v: PROTOCOL, type: "ping", body: { t: Date.now() / 1000 } }));
  }, PING_EVERY_MS);
  setInterval(() => { if (st.live) outbox().forEach(send); }, RESEND_EVERY_MS);
  window.addEventListener("offline", () => { drop(); setLink("offline"); });
  window.addEventListener("online", () => { if (!st.ws) connect(); });

  function setLink(state) {
    st.linkState = state;
    const el = $("link");
    el.className = "link " + state;
    el.textContent = { online: "在线", connecting: "连接中…", offline: "离线 · 操作将在恢复后发送",
      revoked: "终端已停用", notoken: "未登记" }[state];
    if (state === "revoked") notice("此终端的令牌已被指挥中心吊销，请重新扫码登记。");
    if (state === "notoken") notice("请用指挥中心提供的二维码登记本机。");
  }

  // ------------------------------------------------------------------ messages

  function handle(m) {
    const t = m.type, b = m.body || {};
    if (t === "hello") {
      if (st.epoch && b.epoch !== st.epoch) { st.seq = 0; }
      st.epoch = b.epoch || "";
      st.me = b.resource || null;
      st.name = b.name;
      setClock(b.clock, b.clock_rate);
      st.ws.send(JSON.stringify({ v: PROTOCOL, type: "resume", body: { last_seq: st.seq, epoch: st.epoch } }));
    } else if (t === "snapshot") {
      const s = b.state;
      st.resources = s.resources; st.incidents = s.incidents; st.tasks = s.tasks; st.plans = s.plans;
      st.messages = s.messages || {};
      st.alerts = s.alerts || {};  // only the person's own reports
      st.seq = b.seq;
      if (window.fieldCases) window.fieldCases.snapshot(s);
    } else if (t === "live") {
      st.live = true;
      st.retryMs = 1000;
      setLink("online");
      outbox().forEach(send);  // resend whatever was not answered: the hub applies each id once
      announce();
    } else if (t === "clock" || t === "pong") {
      setClock(b.clock, b.rate || (st.clock && st.clock.rate) || 1);
    } else if (t === "result") {
      answered(m.id, b);
    } else if (t === "error") {
      if (m.id) answered(m.id, { ok: false, code: b.code, message: b.reason });
    } else if (typeof m.seq === "number") {
      if (m.seq <= st.seq) return;  // an overlap after a resume is harmless
      st.seq = m.seq;
      fold(t, b, m.ts);
      if (st.live) announce();
    }
    render();
  }

  function setClock(clock, rate) { st.clock = { clock: clock, rate: rate, at: Date.now() / 1000 }; }
  function hubNow() { return st.clock ? st.clock.clock + (Date.now() / 1000 - st.clock.at) * st.clock.rate : 0; }

  // a field view's events (PROTOCOL.md section 19): records set whole, and what leaves the view
  function fold(t, b, ts) {
    if (t === "view_changed") {
      for (const r of b.resources || []) st.resources[r.id] = r;
      for (const task of b.tasks || []) st.tasks[task.id] = task;
      for (const inc of b.incidents || []) st.incidents[inc.id] = inc;
      for (const msg of b.messages || []) st.messages[msg.id] = msg;
      for (const a of b.alerts || []) (st.alerts = st.alerts || {})[a.id] = a;
    } else if (t === "baseline_loaded") {
      st.resources = {}; st.plans = {};
      for (const r of b.baseline.resources) st.resources[r.id] = r;
      for (const p of b.baseline.plans) st.plans[p.id] = p;
    } else if (t === "plan_added" || t === "plan_updated") {
      st.plans[b.plan.id] = b.plan;
    } else if (t === "plan_removed") {
      delete st.plans[b.plan];
    } else if (t === "resource_removed") {
      delete st.resources[b.resource];
    } else if (t === "incidents_archived") {
      for (const id of b.incidents) {
        const inc = st.incidents[id];
        if (inc) for (const tid of inc.tasks) delete st.tasks[tid];
        delete st.incidents[id];
        for (const [bid, msg] of Object.entries(st.messages)) if (msg.incident === id) delete st.messages[bid];
      }
    }
    if (window.fieldCases) window.fieldCases.fold(t, b, ts);  // a case's stages (cases.js)
  }

  // ------------------------------------------------------------------ alerting the person

  let audio = null;
  document.addEventListener("pointerdown", () => {  // browsers allow sound only after a touch
    if (!audio && window.AudioContext) audio = new AudioContext();
  }, { once: true });

  function announce() {
    const fresh = myTasks().filter((t) => t.status === "sent").map((t) => t.id)
      .concat(myMessages().filter((b) => !b.acked[st.me]).map((b) => b.id));
    if (st.known === null) { st.known = new Set(fresh); return; }  // what was there at load is not news
    const news = fresh.filter((id) => !st.known.has(id));
    fresh.forEach((id) => st.known.add(id));
    if (!news.length) return;
    if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
    if (audio) {
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.2;
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.4);
    }
  }

  // ------------------------------------------------------------------ rendering

  function myTasks() {
    return Object.values(st.tasks).filter((t) => t.resource === st.me)
      .sort((a, b) => (LIVE.includes(b.status) - LIVE.includes(a.status)) || (b.sent_at - a.sent_at));
  }

  function pendingFor(taskId) { return outbox().filter((c) => c.body.task === taskId); }


  function distance(inc) {
    const r = st.resources[st.me];
    if (!r || !inc) return "";
    const d = Math.hypot(inc.x - r.x, inc.y - r.y);
    return d < 1000 ? "约 " + Math.round(d / 10) * 10 + " 米" : "约 " + (d / 1000).toFixed(1) + " 公里";
  }

  function mapLink(inc) {
    if (!st.origin) return null;
    const [lon0, lat0] = st.origin;
    const kLat = EARTH_R * Math.PI / 180, kLon = kLat * Math.cos(lat0 * Math.PI / 180);
    const lat = (lat0 + inc.y / kLat).toFixed(6), lon = (lon0 + inc.x / kLon).toFixed(6);
    return { href: "geo:" + lat + "," + lon + "?q=" + lat + "," + lon, text: lat + ", " + lon };
  }

  function clockText(inc, task) {
    if (!inc || inc.first_dispatch_at == null) return null;
    if (task.status === "arrived" || task.arrived_at) return { text: "已到场", cls: "ok" };
    if (!LIVE.includes(task.status)) return null;
    const left = inc.first_dispatch_at + ASSEMBLY_S - hubNow();
    const mmss = (s) => Math.floor(s / 60) + ":" + String(Math.floor(s % 60)).padStart(2, "0");
    return left >= 0 ? { text: "集结倒计时 " + mmss(left), cls: left < 120 ? "warn" : "" }
      : { text: "已超时 " + mmss(-left), cls: "late" };
  }

  function planRole(inc) {
    const plan = inc && inc.plan && st.plans[inc.plan];
    const me = st.resources[st.me];
    const kind = me ? (W.resource_kinds[me.kind] || me.kind) : "";
    if (!plan) return kind ? "角色：" + kind : "";
    const role = plan.roles.find((r) => r[0] === (me && me.kind));
    return "预案：" + plan.name + " · 角色：" + kind + (role ? "（共 " + role[1] + " 人）" : "");
  }


  function form(task, kind) {
    const box = el("div", "form");
    const area = el("textarea");
    area.rows = 2;
    area.maxLength = 2000;
    area.placeholder = kind === "declined" ? "拒绝原因（必填）" : "处置情况（可选）";
    area.setAttribute("aria-label", area.placeholder);
    if (kind === "declined") {
      const chips = el("div", "chips");
      for (const r of W.decline_reasons) chips.append(button(r, "chip", () => { area.value = r; area.classList.remove("need"); }));
      area.addEventListener("input", () => area.classList.remove("need"));
      box.append(chips);
    }
    box.append(area);
    const row = el("div", "row");
    row.append(button("取消", "ghost", () => { delete st.open[task.id]; render(); }));
    row.append(button(kind === "declined" ? "确认拒绝" : "确认完成", kind === "declined" ? "danger" : "primary", () => {
      const note = area.value.trim();
      if (kind === "declined" && !note) { area.focus(); area.classList.add("need"); return; }
      delete st.open[task.id];
      command(task.id, kind, note);
    }));
    box.append(row);
    return box;
  }

  function card(task) {
    const inc = st.incidents[task.incident];
    const pend = pendingFor(task.id);
    const drill = inc && inc.exercise;
    const c = el("article", "task " + task.status + (pend.length ? " waiting" : "") + (drill ? " drill" : ""));
    c.dataset.task = task.id;
    const head = el("div", "head");
    head.append(el("span", "kind", inc ? (W.incident_kinds[inc.kind] || inc.kind) : ""));
    const recalled = task.status === "cancelled" && task.cause === "recalled";
    const drillEnded = task.cause === "drill_ended";
    head.append(el("span", "status", recalled ? "已撤回" : drillEnded ? W.drill.ended
      : (W.task_statuses[task.status] || task.status)));
    c.append(head);
    c.append(el("h2", "title", inc ? (drill ? W.drill.mark : "") + inc.title : task.incident));
    // a drill says so before anything else, and a phone-only drill says: do not go
    if (drillEnded) c.append(el("p", "drill ended", W.drill.ended + "。请返回岗位。"));
    else if (drill && drill.phone_only) c.append(el("p", "drill phone-only", W.drill.phone_only));
    const facts = el("div", "facts");
    const link = inc && mapLink(inc);
    if (link) {
      const a = el("a", "map", "位置 " + link.text + " · 打开地图 ›");
      a.href = link.href;
      facts.append(a);
    } else if (inc) {
      facts.append(el("span", "place", "位置 " + Math.round(inc.x) + ", " + Math.round(inc.y) + " 米"));
    }
    const dist = distance(inc);
    if (dist) facts.append(el("span", "dist", "距离 " + dist));
    const role = planRole(inc);
    if (role) facts.append(el("span", "role", role));
    c.append(facts);
    const clk = clockText(inc, task);
    if (clk) c.append(el("div", "clock " + clk.cls, clk.text));
    else c.append(el("div", "clock none"));
    const caseLine = window.fieldCases && window.fieldCases.caseLine(inc);
    if (caseLine) c.append(caseLine);
    if (task.status === "cancelled" && task.cause === "recalled") {
      c.append(el("p", "recalled", "任务已撤回" + (task.note ? "：" + task.note : "") + "。请返回岗位。"));
    } else if (task.note) c.append(el("p", "note", "备注：" + task.note));
    if (pend.length) {
      c.append(el("div", "pend", "待发送：" + pend.map((p) => W.commands[p.body.status]).join("、")));
    }
    const busy = pend.length > 0;
    const acts = el("div", "actions");
    if (st.open[task.id]) {
      c.append(form(task, st.open[task.id]));
    } else if (task.status === "sent") {
      acts.append(button("接受", "primary", () => command(task.id, "accepted"), busy));
      acts.append(button("拒绝", "danger", () => { st.open[task.id] = "declined"; render(); }, busy));
      acts.append(button("已到达", "secondary", () => command(task.id, "arrived"), busy));
    } else if (task.status === "accepted") {
      acts.append(button("已到达", "primary", () => command(task.id, "arrived"), busy));
    }
    if (!st.open[task.id] && (task.status === "accepted" || task.status === "arrived")) {
      // a case's task ends with the worker's report (note and photos), not a bare "done"
      const caseButtons = window.fieldCases && window.fieldCases.taskButtons(task, inc);
      if (caseButtons) acts.append(...caseButtons);
      else acts.append(button("已完成", task.status === "arrived" ? "primary" : "secondary",
        () => { st.open[task.id] = "done"; render(); }, busy));
    }
    if (acts.childElementCount) c.append(acts);
    return c;
  }

  function myMessages() {
    return Object.values(st.messages).filter((b) => b.recipients.includes(st.me)).sort((a, b) => b.at - a.at);
  }

  function messageCard(msg) {
    const c = el("article", "message" + (msg.acked[st.me] ? " acked" : ""));
    c.dataset.broadcast = msg.id;
    const inc = st.incidents[msg.incident];
    const head = el("div", "head");
    head.append(el("span", "kind", (msg.kind === "follow_up" ? "举一反三" : "通知") + (inc ? " · " + (W.incident_kinds[inc.kind] || inc.kind) : "")));
    // a follow-up check (举一反三) from a closed case is answered: checked and clear, or the same found
    const followUp = msg.kind === "follow_up";
    const answer = (msg.answers || {})[st.me];
    const status = !msg.acked[st.me] ? (followUp ? "请排查并回复" : "请确认收到")
      : followUp ? (answer === "found" ? "已回复：发现同类隐患" : "已回复：无隐患") : "已收到";
    head.append(el("span", "status", status));
    c.append(head);
    c.append(el("p", "text", msg.text));
    const pend = outbox().some((p) => p.body.broadcast === msg.id);
    if (!msg.acked[st.me]) {
      const acts = el("div", "actions");
      if (followUp) {
        acts.append(button("已排查，无隐患", "primary", () => acknowledge(msg.id, "clear"), pend));
        acts.append(button("发现同类隐患", "secondary", () => acknowledge(msg.id, "found"), pend));
      } else {
        acts.append(button("收到", "primary", () => acknowledge(msg.id), pend));
      }
      c.append(acts);
    }
    return c;
  }

  function render() {
    const me = st.resources[st.me];
    $("who").textContent = me ? me.name + " · " + (W.resource_kinds[me.kind] || me.kind) : (st.name || "现场终端");
    const pend = outbox();
    const reports = (window.fieldReports ? window.fieldReports.pending : 0)
      + (window.fieldCases ? window.fieldCases.pending : 0);
    const p = $("pending");
    p.hidden = pend.length + reports === 0;
    p.textContent = "待发送 " + (pend.length + reports) + " 条" + (reports ? "（含上报 " + reports + " 条）" : "")
      + "，联网后自动重发";
    $("report-btn").hidden = !st.gateway || st.revoked || !st.me;
    const main = $("tasks");
    const focused = document.activeElement && document.activeElement.tagName === "TEXTAREA";
    if (focused) return;  // never wipe what the person is typing
    const tasks = myTasks().slice(0, 20);
    // Re-draw only when what the cards show changed: a card replaced under a finger eats the tap.
    const r = st.resources[st.me];
    const messages = myMessages().slice(0, 10);
    const sig = JSON.stringify([tasks, messages, tasks.map((t) => st.incidents[t.incident] || null), pend, st.open,
      r ? [Math.round(r.x / 10), Math.round(r.y / 10)] : null, st.origin,
      window.fieldCases ? window.fieldCases.sig() : null]);
    if (sig === st.drawn) return;
    st.drawn = sig;
    if (st.me && !st.revoked) saveView();
    main.replaceChildren();
    if (window.fieldCases && !st.revoked) window.fieldCases.cards(main);  // the reporter's cases to check
    if (!tasks.length && !messages.length && !main.childElementCount && !st.revoked) {
      main.append(el("p", "empty", "暂无任务。有新任务时手机会振动并提示。"));
    }
    for (const b of messages) main.append(messageCard(b));
    for (const t of tasks) main.append(card(t));
  }

  function notice(text, cls) {
    const n = $("notice");
    n.textContent = text;
    n.className = "notice" + (cls ? " " + cls : "");
    n.hidden = false;
    if (st.linkState !== "revoked" && st.linkState !== "notoken") setTimeout(() => { n.hidden = true; }, 6000);
  }

  // The 10-minute clock ticks in place: re-drawing the cards every second would eat taps.
  setInterval(() => {
    for (const c of document.querySelectorAll("article.task")) {
      const task = st.tasks[c.dataset.task];
      const clk = task && clockText(st.incidents[task.incident], task);
      const e = c.querySelector(".clock");
      if (e) { e.className = "clock " + (clk ? clk.cls : "none"); e.textContent = clk ? clk.text : ""; }
    }
  }, 1000);
  fetch("config.json").then((r) => r.json()).then((c) => {
    st.origin = c.origin; st.gateway = c.gateway; render();
  }).catch(() => {});
  window.fieldPage = st;  // for report.js, the browser tests and a look from the DevTools console
  Object.assign(st, { render: render, notice: notice, newId: newId, enqueue: enqueue });
  if (takeToken()) restoreView();
  render();
  connect();
})();
