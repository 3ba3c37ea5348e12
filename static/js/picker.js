// The authority picker's search-as-you-type (foia/workspace/forms/fields.py AuthorityPicker).
window.foiaPicker = window.foiaPicker || function () {
  document.querySelectorAll(".picker:not([data-ready])").forEach(function (box) {
    box.setAttribute("data-ready", "1");
    var input = box.querySelector("input[type=search]"), select = box.querySelector("select"),
        status = box.querySelector(".picker-status"), find = box.querySelector(".picker-find"),
        timer = null, last = input.value.trim();
    if (find) { find.remove(); }
    function fill(results) {
      var current = select.value, chosen = current ? select.options[select.selectedIndex] : null, seen = {};
      while (select.options.length > 1) { select.remove(1); }
      if (chosen) { select.add(new Option(chosen.text, current, true, true)); seen[current] = true; }
      results.forEach(function (a) { if (!seen[a.id]) { select.add(new Option(a.label, a.id)); } });
      // A single match is the choice: Enter or leaving the field must not lose it.
      if (!current && results.length === 1) { select.value = String(results[0].id); }
      select.size = Math.min(Math.max(select.options.length, 2), 8);
      status.textContent = results.length ? box.dataset.found + " " + results.length : box.dataset.none;
    }
    function search(force) {
      var q = input.value.trim();
      if ((q === last && !force) || q.length < 2) { return; }
      last = q;
      fetch(box.dataset.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {query: q, results: []}; })
        .then(function (data) { if (data.query === input.value.trim()) { fill(data.results); } })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("change", function () { clearTimeout(timer); search(true); });
    // Typed before this script ran (a slow page): search now, or the typing is lost.
    if (input.value.trim().length >= 2 && !select.value) { search(true); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === "ArrowDown") {
        e.preventDefault();
        if (select.options.length > 1) { if (!select.value) { select.selectedIndex = 1; } select.focus(); }
      }
    });
  });
};
window.foiaPicker();
