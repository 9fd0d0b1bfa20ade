// Cases (一办到底) on the field page: the worker's "handled" report with a note and photos, and
// the reporter's check that the hazard is gone (PROTOCOL.md §8.6).
//
// A step is kept in IndexedDB with its photos until the photos are on the gateway (POST /photos,
// content-addressed, so a repeat stores nothing twice); then its command goes to field.js's
// outbox with the id it was given when the person pressed send, so the hub applies it once
// however often the link drops.
"use strict";
(function () {
  const { el, button, shrink } = window.fieldDom;  // dom.js
  const W = window.FIELD_WORDS, C = W.case_words;
  const KEY_TOKEN = "duty.field.token";
  const RESEND_EVERY_MS = 5000, MAX_PHOTOS = 6;
  const $ = (id) => document.getElementById(id);
  const cs = { form: null, photos: [], pending: 0, sending: false };
  const page = () => window.fieldPage || {};

  // ------------------------------------------------------------------ folding (field.js calls these)

  function snapshot(s) {  // the reporter of each incident, from the snapshot's alerts
    for (const inc of Object.values(page().incidents || {})) {
      const a = s.alerts && s.alerts[inc.alert];
      if (a) inc.reporter = a.reporter;
    }
  }

  const STAGES = ["registered", "dispatched", "accepted", "on_site", "handled", "verified", "closed"];
  // the stages the tasks reach (PROTOCOL.md §8.6 "advances"): dispatched, accepted, on site
  const TASK_REACHES = { task_dispatched: ["dispatched"], task_accepted: ["accepted"],
    task_arrived: ["accepted", "on_site"] };

  function fold(t, b, ts) {
    const st = page();
    const task = t.startsWith("task_") && st.tasks ? st.tasks[b.task] : null;
    const inc = (st.incidents || {})[b.incident || (task && task.incident)];
    if (t === "alert_raised" && inc) {
      inc.alert = b.alert.id; inc.reporter = b.alert.reporter; inc.case = b.case || null;
      return;
    }
    const c = inc && inc.case;
    if (!c) return;
    c.reached = c.reached || {};
    if (t === "case_handled") { c.reached.handled = ts; c.report = b.note || ""; c.photos = b.photos || []; }
    else if (t === "case_verified" && b.passed !== false) c.reached.verified = ts;
    else if (t === "case_verified") delete c.reached.handled;
    else if (t === "case_returned") { c.returned = b.reason; }
    else if (t === "extension_requested") { c.extension = { hours: b.hours, reason: b.reason }; }
    else if (t === "extension_approved" || t === "extension_refused") {
      c.extension = null;
      if (t === "extension_approved") Object.assign(c.due = c.due || {}, b.due || {});
    }
    else if (t === "incident_closed") { c.reached.closed = ts; }
    for (const stage of TASK_REACHES[t] || []) if (c.reached[stage] == null) c.reached[stage] = ts;
    c.stage = STAGES.filter((s) => s === "registered" || c.reached[s] != null).pop();
  }

  const isCase = (inc) => !!(inc && inc.case && !inc.case.returned);
  const handled = (inc) => !!(inc.case.reached && inc.case.reached.handled);
  const open = (inc) => !["closed", "false_alarm", "merged"].includes(inc.status);

  // the reporter's own cases waiting for their check
  function toVerify() {
    const st = page();
    const mine = (inc) => inc.reporter === st.name || ((st.alerts || {})[inc.alert] || {}).reporter === st.name;
    return Object.values(st.incidents || {}).filter((inc) => isCase(inc) && open(inc) && mine(inc)
      && handled(inc) && !inc.case.reached.verified);
  }

  // ------------------------------------------------------------------ the step queue (IndexedDB)

  const { all, put, remove } = window.fieldQueue("duty.field.cases", "steps");

  async function recount() {
    cs.pending = (await all()).length;
    if (page().render) page().render();
  }

  async function flush() {
    const st = page(), token = localStorage.getItem(KEY_TOKEN);
    if (cs.sending || !token || !navigator.onLine) return;
    cs.sending = true;
    try {
      for (const step of await all()) {
        let urls = [];
        if (step.photos.length) {
          if (!st.gateway) { st.notice(C.no_gateway); break; }
          const fd = new FormData();
          step.photos.forEach((b, i) => fd.append("photo", b, "photo" + (i + 1) + ".jpg"));
          let res;
          try { res = await fetch(st.gateway + "/photos?token=" + encodeURIComponent(token), { method: "POST", body: fd }); }
          catch (e) { break; }  // the link is down: the next tick tries again
          if (res.status === 401 || res.status === 429 || res.status >= 500) break;
          const body = await res.json().catch(() => ({}));
          if (res.status !== 201) {
            await remove(step.id);
            st.notice(C.photo_refused + (W.report_refusals[body.code] || body.reason || res.status));
            continue;
          }
          urls = body.photos;
        }
        const cmd = { id: step.id, type: step.type, body: Object.assign({}, step.body), at: step.at };
        if (step.type === "cmd.case_handled") cmd.body.photos = urls;
        else if (urls.length) cmd.body.photo = urls[0];
        st.enqueue(cmd);  // field.js's outbox: sent now or on the next link, answered once
        await remove(step.id);
      }
    } finally {
      cs.sending = false;
      await recount();
    }
  }
  setInterval(flush, RESEND_EVERY_MS);
  window.addEventListener("online", flush);

  // ------------------------------------------------------------------ the form


  // kind: "handled" (the worker), "extend" (the worker asks for more time), "verify" (the
  // reporter, passed) or "reject" (still there)
  function openForm(inc, kind) {
    const box = $("case-form");
    cs.photos = [];
    box.replaceChildren();
    box.append(el("h2", "title", C["title_" + kind]), el("p", "lbl", inc.title));
    if (kind !== "handled" && inc.case.report) box.append(el("p", "note", C.their_report + inc.case.report));
    const text = el("textarea");
    text.rows = 3; text.maxLength = 2000; text.placeholder = C["hint_" + kind];
    text.setAttribute("aria-label", C.note);
    box.append(text);
    let hours = null;
    if (kind === "extend") {
      hours = el("select");
      hours.setAttribute("aria-label", C.hours);
      for (const h of [2, 4, 8, 16, 24]) { const o = el("option", null, C.hours_n.replace("{n}", h)); o.value = h; hours.append(o); }
      hours.value = "4";
      box.append(hours);
    }
    const needPhoto = kind === "handled" || (kind === "verify" && inc.case.photo_required);
    const pick = el("input");
    pick.type = "file"; pick.accept = "image/*"; pick.multiple = kind === "handled";
    pick.setAttribute("capture", "environment");
    const thumbs = el("div", "thumbs");
    pick.addEventListener("change", () => {
      for (const f of pick.files) if (cs.photos.length < (kind === "handled" ? MAX_PHOTOS : 1)) cs.photos.push(f);
      pick.value = "";
      thumbs.replaceChildren(...cs.photos.map((f) => { const i = el("img"); i.src = URL.createObjectURL(f); i.alt = f.name; return i; }));
    });
    const camera = el("label", "btn secondary camera", needPhoto ? C.add_photo_needed : C.add_photo);
    camera.append(pick);
    if (kind === "handled" || kind === "verify") box.append(camera, thumbs);
    const err = el("p", "need-msg");
    const row = el("div", "row");
    row.append(button(W.report_words.cancel, "ghost", close));
    const send = button(C["send_" + kind], kind === "reject" ? "danger" : "primary", async () => {
      if (needPhoto && !cs.photos.length) { err.textContent = C.need_photo; return; }
      if ((kind === "reject" || kind === "extend") && !text.value.trim()) { err.textContent = C.need_note; return; }
      send.disabled = true;
      const photos = [];
      for (const f of cs.photos) photos.push(await shrink(f));
      const body = { incident: inc.id };
      if (text.value.trim()) body.note = text.value.trim();
      if (kind === "reject") body.passed = false;
      if (kind === "extend") { body.hours = parseInt(hours.value, 10); body.reason = body.note; delete body.note; }
      const type = { handled: "cmd.case_handled", extend: "cmd.request_extension" }[kind] || "cmd.verify";
      const step = { id: page().newId("c-"), type: type, body: body, photos: photos, at: Date.now() };
      await put(step);
      close();
      await recount();
      flush();
    });
    row.append(send);
    box.append(err, row);
    box.hidden = false;
    $("tasks").hidden = true;
    cs.form = box;
  }

  function close() {
    $("case-form").hidden = true;
    $("case-form").replaceChildren();
    $("tasks").hidden = false;
    cs.form = null;
  }

  // ------------------------------------------------------------------ what field.js draws

  // the buttons a task card shows instead of "done" while its case waits for the worker's report
  function taskButtons(task, inc) {
    if (!isCase(inc) || handled(inc) || !["accepted", "arrived"].includes(task.status)) return null;
    const out = [button(C.handled, "primary", () => openForm(inc, "handled"))];
    if (!inc.case.extension) out.push(button(C.extend, "ghost", () => openForm(inc, "extend")));
    return out;
  }

  function caseLine(inc) {
    if (!isCase(inc)) return null;
    const c = inc.case, due = c.due && c.due.handled;
    let text = C.stage + (W.case_stages[c.stage] || c.stage);
    if (due && !handled(inc)) {
      const d = new Date(due * 1000);
      text += " · " + C.due + d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric",
        hour: "2-digit", minute: "2-digit" });
    }
    if (c.extension) text += " · " + C.extension_pending;
    return el("div", "case-line", text);
  }

  function cards(main) {
    for (const inc of toVerify()) {
      const c = el("article", "task verify");
      c.dataset.incident = inc.id;
      const head = el("div", "head");
      head.append(el("span", "kind", W.incident_kinds[inc.kind] || inc.kind), el("span", "status", C.to_verify));
      c.append(head, el("h2", "title", inc.title));
      if (inc.case.report) c.append(el("p", "note", C.their_report + inc.case.report));
      (inc.case.photos || []).forEach((u, i) => {
        const a = el("a", "map photo", C.photo_link.replace("{n}", i + 1));
        a.href = u; a.target = "_blank"; c.append(a);
      });
      const acts = el("div", "actions");
      acts.append(button(C.gone, "primary", () => openForm(inc, "verify")));
      acts.append(button(C.still_there, "danger", () => openForm(inc, "reject")));
      c.append(acts);
      main.append(c);
    }
  }

  function sig() {
    return JSON.stringify([cs.pending, toVerify().map((i) => i.id),
      Object.values(page().incidents || {}).filter(isCase).map((i) => [i.id, i.case.stage, !!i.case.extension,
        i.case.due && i.case.due.handled])]);
  }

  window.fieldCases = Object.assign(cs, { fold: fold, snapshot: snapshot, taskButtons: taskButtons, caseLine: caseLine,
    cards: cards, sig: sig, flush: flush });
  recount();
})();
