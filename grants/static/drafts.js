/* The proposal edit form, enhanced (the page works without it; "Save draft" posts as usual):
   - autosave: ~20 s after a change, and when the page is left, the form is posted to its
     autosave URL; the server's JSON answer (time saved, messages per field, section marks,
     budget figures) is shown. A save made elsewhere since the page was loaded is a conflict:
     the message is shown and autosaving stops (nothing is overwritten).
   - live budget: line totals, grant and matching totals, and the shares against the call's
     limits (read from data attributes the server wrote from the same rule functions), worked
     out exactly in fen as the server does; every autosave answer replaces them with the
     server's own figures. */
(function () {
  "use strict";

  var form = document.getElementById("proposal-form");
  if (!form || !form.dataset.autosaveUrl) return;
  var DELAY = 1000 * (parseInt(form.dataset.autosaveSeconds, 10) || 20);
  var statusEl = document.getElementById("autosave-status");
  var timer = null, dirty = false, stopped = false, leaving = false, sending = false;
  var pending = null; /* a Save/Submit pressed while an autosave was on its way: sent after it */

  /* -- amounts: the server's parse_amount, for display only (the server decides) ------------ */
  function fold(text) {
    return String(text || "").replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\uFFE5/g, "\u00A5").replace(/\s+/g, "");
  }

  /* Text -> BigInt hundredths (fen for money), or null when it cannot be read. */
  function hundredths(text, allowWan) {
    var s = fold(text);
    if (allowWan) {
      if (s.charAt(0) === "\u00A5") s = s.slice(1);
      if (s.slice(-1) === "\u5143") s = s.slice(0, -1);
    }
    var scale = 0;
    if (allowWan && s.slice(-1) === "\u4E07") { s = s.slice(0, -1); scale = 4; }
    if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/.test(s)) return null;
    var parts = s.replace(/,/g, "").split(".");
    var frac = (parts[1] || "").replace(/0+$/, "");
    var places = 2 + scale;
    if (frac.length > places) return null;
    var digits = (parts[0] || "0") + frac + "0".repeat(places - frac.length);
    return BigInt(digits); /* with 万 the two extra places are exactly the factor 10 000 */
  }

  function fen(text) { return hundredths(text, true); }

  function yuan(f) {
    var neg = f < 0n; if (neg) f = -f;
    var whole = (f / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = (f % 100n).toString().padStart(2, "0");
    return (neg ? "-" : "") + "\u00A5" + whole + "." + cents;
  }

  /* a / b rounded half-even to an integer (Decimal's default, as the server's quantize). */
  function divEven(a, b) {
    var q = a / b, r = a % b;
    if (2n * r > b || (2n * r === b && q % 2n === 1n)) q += 1n;
    return q;
  }

  function pct(x) { /* BigInt hundredths of a percent -> "12.50%" */
    return (x / 100n).toString() + "." + (x % 100n).toString().padStart(2, "0") + "%";
  }

  var check = document.getElementById("budget-check");

  function setFigure(id, text, bad) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("bad", !!bad);
    el.classList.toggle("ok", !bad);
  }

  function liveBudget() {
    if (!check) return;
    var capped = check.dataset.cappedCategory;
    var grant = 0n, matching = 0n, cappedSum = 0n, lines = 0;
    document.querySelectorAll('table[data-rows="budget_lines"] tbody tr').forEach(function (tr) {
      var price = tr.querySelector('input[name$="-unit_price"]');
      var qty = tr.querySelector('input[name$="-quantity"]');
      var cat = tr.querySelector('select[name$="-category"]');
      var paid = tr.querySelector('select[name$="-funded_by"]');
      var cell = tr.querySelector(".line-total");
      var p = price ? fen(price.value) : null, q = qty ? hundredths(qty.value, false) : null;
      if (p === null || q === null || q === 0n) { if (cell && (price.value || qty.value)) cell.textContent = ""; return; }
      var total = (p * q + 50n) / 100n; /* unit price × quantity, half-up to the fen (line_total) */
      if (cell) cell.textContent = yuan(total);
      lines += 1;
      if (paid && paid.value === "matching") { matching += total; } else {
        grant += total;
        if (cat && cat.value === capped) cappedSum += total;
      }
    });
    setFigure("grant-total", yuan(grant), false);
    setFigure("matching-total", yuan(matching), false);
    var req = fen(document.getElementById("amount_requested").value);
    var match = fen(document.getElementById("matching_funds").value);
    var cap = fen(check.dataset.cap);
    setFigure("check-cap", req === null ? "\u2014" : yuan(req), req !== null && req > cap);
    if (req !== null && req > 0n && match !== null) {
      var share = divEven(match * 10000n, req + match);
      setFigure("check-matching", pct(share), share < fen(check.dataset.minMatchingShare));
      if (lines) {
        var cshare = divEven(cappedSum * 10000n, req);
        setFigure("check-capped", pct(cshare), cshare > fen(check.dataset.maxShare));
      } else {
        setFigure("check-capped", "\u2014", false);
      }
    } else {
      setFigure("check-matching", "\u2014", false);
      setFigure("check-capped", "\u2014", false);
    }
  }

  function serverFigures(f) {
    if (!f) return;
    var asFen = function (v) { return v === null ? null : fen(v); };
    setFigure("grant-total", yuan(asFen(f.grant_total)), false);
    setFigure("matching-total", yuan(asFen(f.matching_total)), false);
    setFigure("check-matching", f.matching_share === null ? "\u2014" : f.matching_share + "%", f.matching_low);
    setFigure("check-capped", f.capped_share === null ? "\u2014" : f.capped_share + "%", f.capped_high);
  }

  /* -- messages beside the fields ------------------------------------------------------------ */
  function showErrors(errors) {
    form.querySelectorAll(".error[data-live]").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".field .error, td .error").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (e) { e.removeAttribute("aria-invalid"); });
    Object.keys(errors || {}).forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) return;
      var box = input.closest(".field") || input.closest("td");
      if (!box) return;
      box.classList.add("has-error");
      input.setAttribute("aria-invalid", "true");
      var div = document.createElement("div");
      div.className = "error";
      div.id = id + "-error";
      div.setAttribute("data-live", "");
      errors[id].forEach(function (m) { var s = document.createElement("span"); s.textContent = m; div.appendChild(s); });
      input.setAttribute("aria-describedby", div.id);
      box.appendChild(div);
    });
  }

  function showSections(sections) {
    var list = document.querySelector("#section-index ol");
    if (!list || !sections) return;
    Object.keys(sections).forEach(function (key) {
      var mark = list.querySelector('.sec-mark[data-section="' + key + '"]');
      if (!mark) return;
      mark.classList.toggle("done", !!sections[key]);
      mark.classList.toggle("todo", !sections[key]);
      mark.textContent = sections[key] ? list.dataset.done : list.dataset.todo;
    });
  }

  function say(text, bad) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.classList.toggle("error", !!bad);
  }

  /* -- autosave ------------------------------------------------------------------------------ */
  function send() {
    timer = null;
    if (stopped || !dirty) return;
    if (sending) { schedule(); return; }
    dirty = false;
    sending = true;
    say(form.dataset.msgSaving, false);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (r) {
      sending = false;
      var b = r.body || {};
      window.setTimeout(resubmit, 0);
      if (r.status === 200 && b.ok) {
        var version = form.querySelector('input[name="version"]');
        if (version) version.value = String(b.version);
        say(b.message, b.count > 0);
        showErrors(b.errors);
        var box = document.getElementById("problems-box");
        if (box) box.innerHTML = b.problems_html || "";
        showSections(b.sections);
        serverFigures(b.figures);
        liveBudget();
        return;
      }
      if (r.status === 409) stopped = true;
      say(b.message || form.dataset.msgFailed, true);
      dirty = true;
    }).catch(function () {
      sending = false;
      window.setTimeout(resubmit, 0);
      dirty = true;
      say(form.dataset.msgFailed, true);
    });
  }

  function schedule() {
    if (!timer && !stopped) timer = window.setTimeout(send, DELAY);
  }

  function changed() {
    dirty = true;
    schedule();
    liveBudget();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button.add-row")) window.setTimeout(liveBudget, 0);
  });
  /* The page's own Save: wait for an autosave on its way (its answer carries the new version). */
  function resubmit() {
    if (!pending) return;
    var submitter = pending.submitter;
    pending = null;
    if (submitter) submitter.removeAttribute("data-confirm"); /* already confirmed once */
    form.requestSubmit(submitter || undefined);
  }
  /* On the document, after app.js's confirmation (registered earlier): a refused one has
     already prevented the submission. */
  document.addEventListener("submit", function (event) {
    if (event.target !== form || event.defaultPrevented) return;
    if (sending) {
      event.preventDefault();
      pending = { submitter: event.submitter || null };
      return;
    }
    leaving = true;
    if (timer) { window.clearTimeout(timer); timer = null; }
  });

  /* Leaving the page (closing the tab, following a link): send what is unsaved. */
  function flush() {
    if (leaving || stopped || !dirty) return;
    dirty = false;
    if (navigator.sendBeacon) {
      navigator.sendBeacon(form.dataset.autosaveUrl, new FormData(form));
    }
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });

  /* The section index: open on wide screens, folded on phones. */
  var index = document.getElementById("section-index");
  if (index && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) index.open = false;

  liveBudget();
})();
