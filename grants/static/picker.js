/* Searchable pickers (issue 14): a <select> of a big call's reviewers or proposals holds only the
   first matches; the search box beside it (input[data-picker]) refills it from the picker endpoint
   as one types. Without this script the search box sends a GET form and the page comes back with
   the matches. */
(function () {
  "use strict";

  function setup(input) {
    var form = input.closest("form");
    var select = form && form.querySelector('select[name="' + input.dataset.pickerFor + '"]');
    if (!select || !window.fetch) {
      return;
    }
    var timer = null;
    var latest = 0;

    function refresh() {
      var mine = ++latest;
      fetch(input.dataset.picker + "?q=" + encodeURIComponent(input.value),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (items) {
          if (!items || mine !== latest) {
            return;  /* an older answer arriving late */
          }
          var kept = select.value;
          while (select.options.length > 1) {
            select.remove(1);  /* keep "Choose…" */
          }
          items.forEach(function (item) {
            select.add(new Option(item.label, item.value, false, item.value === kept));
          });
          if (items.length === 1) {
            select.value = items[0].value;
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  /* search here instead of reloading the page */
        event.preventDefault();
        window.clearTimeout(timer);
        refresh();
      }
    });
  }

  document.querySelectorAll("input[data-picker]").forEach(setup);
})();
