/* Keeps the "time left to apply" line of a public call page current (the server wrote it when the
   page was made). Reads the deadline and the phrases, already translated, from data attributes
   of #call-countdown; without this script the server's text stays. */
(function () {
  "use strict";

  function phrase(el, unit, n) {
    var form = n === 1 ? el.dataset[unit + "One"] : el.dataset[unit + "Many"];
    return form.replace(/\d+/, String(n));
  }

  function update(el) {
    var text = el.querySelector(".countdown-text");
    var seconds = Math.floor((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
    if (el.dataset.open !== "yes" || !(seconds > 0)) {
      text.textContent = el.dataset.closed;
      el.classList.add("countdown-closed");
      return false;
    }
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    text.textContent = el.dataset.left.replace("{days}", phrase(el, "day", days))
      .replace("{hours}", phrase(el, "hour", hours));
    return true;
  }

  function start() {
    var el = document.getElementById("call-countdown");
    if (!el || !el.dataset.deadline) return;
    if (update(el)) {
      var timer = window.setInterval(function () {
        if (!update(el)) window.clearInterval(timer);
      }, 30000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
