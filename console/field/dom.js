// The field page's small DOM pieces, shared by field.js, report.js and cases.js: an element, a
// button, and a photo shrunk on the phone before it goes over a weak link.
"use strict";
window.fieldDom = (function () {
  const MAX_EDGE = 1600, JPEG_QUALITY = 0.85;  // a 12 Mpx photo becomes ~300 kB

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function button(label, cls, onClick, disabled) {
    const b = el("button", "btn " + cls, label);
    b.type = "button";
    b.disabled = !!disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  async function shrink(file) {
    // re-encoded on the phone: a smaller upload on a weak link (the gateway strips metadata anyway)
    const bmp = await createImageBitmap(file);
    const k = Math.min(1, MAX_EDGE / Math.max(bmp.width, bmp.height));
    const c = document.createElement("canvas");
    c.width = Math.round(bmp.width * k); c.height = Math.round(bmp.height * k);
    c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
    return new Promise((resolve) => c.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  }

  return { el, button, shrink };
})();
