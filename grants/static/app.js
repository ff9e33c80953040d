/* The site's only script (the Content-Security-Policy allows no inline script). Every page works
   without it; it adds: confirmation before destructive buttons, "Add a row" on row tables, and
   "Go back" links. */
(function () {
  "use strict";

  /* <button data-confirm="…">: ask before the form is sent. */
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  /* <a data-history-back>: the browser's back button. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  /* "Add a row": copy the last row, renumber its inputs (name-N-field), clear it. Without this
     script, saving the draft gives more empty rows. */
  function addRow(btn) {
    var body = document.querySelector('table[data-rows="' + btn.dataset.for + '"] tbody');
    var last = body.rows[body.rows.length - 1];
    var copy = last.cloneNode(true);
    var n = body.rows.length;
    var re = new RegExp("^" + btn.dataset.for + "-(\\d+)-");
    copy.querySelectorAll("input, select, textarea").forEach(function (el) {
      ["name", "id"].forEach(function (a) { if (el[a]) el[a] = el[a].replace(re, btn.dataset.for + "-" + n + "-"); });
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
      el.removeAttribute("aria-invalid");
      var label = el.getAttribute("aria-label");
      if (label) el.setAttribute("aria-label", label.replace(/\d+$/, String(n + 1)));
    });
    copy.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
    copy.querySelector(".rownum").textContent = String(n + 1);
    var total = copy.querySelector(".line-total"); if (total) total.textContent = "";
    body.appendChild(copy);
  }

  function start() {
    document.querySelectorAll("button.add-row").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () { addRow(btn); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
