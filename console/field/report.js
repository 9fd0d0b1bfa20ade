// Photo reports from the street: kind, text, photos from the camera, a position; posted to the
// alert gateway (console/protocol/GATEWAY.md section 6) with the person's own token.
//
// A report is kept in IndexedDB (photos are blobs, too big for localStorage) under its id until the
// gateway answers it, and re-posted on every tick while the phone is online: the gateway takes each
// (person, report_id) once and answers a repeat 409 duplicate, which the page counts as delivered.
"use strict";
(function () {
  const { el, shrink } = window.fieldDom;  // dom.js
  const W = window.FIELD_WORDS;
  const KEY_TOKEN = "duty.field.token";
  const RESEND_EVERY_MS = 5000;
  const MAX_PHOTOS = 6;
  const EARTH_R = 6371008.8;  // console/site/geo.py's
  const $ = (id) => document.getElementById(id);
  const rep = { pending: 0, photos: [], sending: false, form: null, lastError: "" };

  // ------------------------------------------------------------------ the outbox (IndexedDB)

  const { all, put, remove } = window.fieldQueue("duty.field", "reports");

  async function recount() {
    rep.pending = (await all()).length;
    if (window.fieldPage && window.fieldPage.render) window.fieldPage.render();
  }

  // ------------------------------------------------------------------ posting

  function page() { return window.fieldPage || {}; }

  async function flush() {
    const gw = page().gateway, token = localStorage.getItem(KEY_TOKEN);
    if (rep.sending || !gw || !token || !navigator.onLine) return;
    rep.sending = true;
    try {
      for (const r of await all()) {
        const fd = new FormData();
        for (const k of ["report_id", "kind", "text", "lon", "lat", "time"]) fd.append(k, r[k]);
        fd.append("reporter", page().name || "");
        r.photos.forEach((b, i) => fd.append("photo", b, "photo" + (i + 1) + ".jpg"));
        let res;
        try {
          res = await fetch(gw + "/reports?token=" + encodeURIComponent(token), { method: "POST", body: fd });
        } catch (e) {
          break;  // the link is down (or the gateway is): try again on the next tick
        }
        let body = {};
        try { body = await res.json(); } catch (e) { /* not JSON: judged by the status alone */ }
        if (res.status === 201 || body.code === "duplicate") {  // taken now, or taken by an earlier post
          await remove(r.id);
          page().notice && page().notice(W.report_words.sent, "ok");
        } else if (res.status === 401 || res.status === 429 || res.status >= 500) {
          break;  // not this report's fault: kept, posted again later
        } else {  // the report itself is refused (outside the site, a bad photo): it would never be taken
          await remove(r.id);
          rep.lastError = body.reason || String(res.status);
          page().notice && page().notice(W.report_words.refused + (W.report_refusals[body.code] || rep.lastError));
        }
      }
    } finally {
      rep.sending = false;
      await recount();
    }
  }
  setInterval(flush, RESEND_EVERY_MS);
  window.addEventListener("online", flush);

  // ------------------------------------------------------------------ the form


  function myLonLat() {  // the person's last known position, as the map app's coordinates
    const st = page(), r = st.resources && st.resources[st.me];
    if (!r || !st.origin) return null;
    const [lon0, lat0] = st.origin;
    const kLat = EARTH_R * Math.PI / 180, kLon = kLat * Math.cos(lat0 * Math.PI / 180);
    return [lon0 + r.x / kLon, lat0 + r.y / kLat];
  }


  function field(label, input) {
    const l = el("label", "field");
    l.append(el("span", "lbl", label), input);
    return l;
  }

  function locate(lon, lat, where) {
    where.textContent = W.report_words.locating;
    if (!navigator.geolocation) { where.textContent = W.report_words.no_fix; return; }
    navigator.geolocation.getCurrentPosition((p) => {
      lon.value = p.coords.longitude.toFixed(6); lat.value = p.coords.latitude.toFixed(6);
      where.textContent = W.report_words.fix + " ±" + Math.round(p.coords.accuracy) + " 米";
    }, () => { where.textContent = W.report_words.no_fix; }, { enableHighAccuracy: true, timeout: 10000 });
  }

  function open() {
    const box = $("report");
    const f = W.report_words;
    rep.photos = [];
    box.replaceChildren();
    box.append(el("h2", "title", f.title));
    const kind = el("select");
    for (const [code, word] of Object.entries(W.incident_kinds)) {
      if (W.health_kinds.includes(code)) continue;
      const o = el("option", null, word); o.value = code; kind.append(o);
    }
    kind.value = "other";
    box.append(field(f.kind, kind));
    const text = el("textarea");
    text.rows = 3; text.maxLength = 2000; text.placeholder = f.text_hint;
    box.append(field(f.text, text));
    const pick = el("input");
    pick.type = "file"; pick.accept = "image/*"; pick.multiple = true;
    pick.setAttribute("capture", "environment");  // the camera, not the gallery, where the phone offers both
    const thumbs = el("div", "thumbs");
    const count = el("span", "lbl");
    pick.addEventListener("change", () => {
      for (const file of pick.files) if (rep.photos.length < MAX_PHOTOS) rep.photos.push(file);
      pick.value = "";
      thumbs.replaceChildren();
      for (const file of rep.photos) {
        const img = el("img"); img.src = URL.createObjectURL(file); img.alt = file.name; thumbs.append(img);
      }
      count.textContent = f.photos_n.replace("{n}", rep.photos.length);
    });
    const camera = el("label", "btn secondary camera", f.add_photo);
    camera.append(pick);
    box.append(camera, count, thumbs);
    const lon = el("input"), lat = el("input");
    for (const i of [lon, lat]) { i.inputMode = "decimal"; i.autocomplete = "off"; }
    lon.setAttribute("aria-label", f.lon); lat.setAttribute("aria-label", f.lat);
    const mine = myLonLat();
    if (mine) { lon.value = mine[0].toFixed(6); lat.value = mine[1].toFixed(6); }
    const where = el("span", "lbl");
    const pos = el("div", "pos");
    pos.append(field(f.lon, lon), field(f.lat, lat));
    const again = el("button", "btn chip", f.relocate);
    again.type = "button";
    again.addEventListener("click", () => locate(lon, lat, where));
    box.append(el("span", "lbl", f.position), pos, where, again);
    locate(lon, lat, where);
    const err = el("p", "need-msg");
    const row = el("div", "row");
    const cancel = el("button", "btn ghost", f.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", close);
    const send = el("button", "btn primary", f.send);
    send.type = "button";
    send.addEventListener("click", async () => {
      const x = parseFloat(lon.value), y = parseFloat(lat.value);
      const missing = !text.value.trim() ? f.need_text : !rep.photos.length ? f.need_photo
        : !(isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90) ? f.need_position : "";
      if (missing) { err.textContent = missing; return; }
      send.disabled = true;
      const photos = [];
      for (const file of rep.photos) photos.push(await shrink(file));
      const id = page().newId("r-");
      await put({ id: id, report_id: id, kind: kind.value, text: text.value.trim(), lon: x.toFixed(6),
        lat: y.toFixed(6), time: new Date().toISOString(), photos: photos, at: Date.now() });
      close();
      await recount();
      flush();
    });
    row.append(cancel, send);
    box.append(err, row);
    box.hidden = false;
    $("tasks").hidden = true;
    $("report-btn").textContent = f.back;
    rep.form = box;
  }

  function close() {
    $("report").hidden = true;
    $("report").replaceChildren();
    $("tasks").hidden = false;
    $("report-btn").textContent = W.report_words.open;
    rep.form = null;
  }

  $("report-btn").addEventListener("click", () => (rep.form ? close() : open()));
  window.fieldReports = rep;
  rep.flush = flush;
  recount();
})();
