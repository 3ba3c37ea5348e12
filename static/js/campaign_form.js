// The campaign form: live count of the chosen authorities and search to add one.
(function () {
  var form = document.getElementById("campaign-form"), url = form.dataset.choiceUrl,
      count = document.getElementById("choice-count"), places = document.getElementById("places"),
      q = document.getElementById("id_add_q"), results = document.getElementById("add-results"),
      added = document.getElementById("added"), status = document.getElementById("id_add_status"),
      timer = null, seq = 0;
  var t = {
    match: form.dataset.tMatch,
    none: form.dataset.tNone,
    unknown: form.dataset.tUnknown,
    found: form.dataset.tFound,
    add: form.dataset.tAdd
  };
  function params(withQuery) {
    var p = new URLSearchParams();
    form.querySelectorAll("input[name=kinds]:checked").forEach(function (c) { p.append("kinds", c.value); });
    p.set("place", form.elements.place.value);
    p.set("parent", form.elements.parent.value);
    if (withQuery) { p.set("q", q.value.trim()); }
    return p;
  }
  function get(p) {
    var mine = ++seq;
    return fetch(url + "?" + p.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { return mine === seq ? data : null; });
  }
  function refresh(withQuery) {
    get(params(withQuery)).then(function (data) {
      if (!data) { return; }
      if (data.count === null) { count.textContent = ""; }
      else {
        var parts = data.by_kind.map(function (k) { return k.label + " " + k.n; });
        count.textContent = (data.count ? t.match + " " + data.count + (parts.length ? " (" + parts.join(", ") + ")" : "") : t.none)
          + (data.unmatched.length ? " " + t.unknown + " " + data.unmatched.join(", ") : "");
      }
      if (data.places) {
        places.innerHTML = "";
        data.places.forEach(function (p) { var o = document.createElement("option"); o.value = p; places.appendChild(o); });
      }
      if (withQuery) {
        results.innerHTML = "";
        data.results.forEach(function (a) {
          var li = document.createElement("li"), b = document.createElement("button");
          b.type = "button"; b.className = "secondary"; b.textContent = t.add;
          b.addEventListener("click", function () {
            if (added.querySelector("input[value='" + a.id + "']")) { return; }
            var item = document.createElement("li"), label = document.createElement("label"), box = document.createElement("input");
            box.type = "checkbox"; box.name = "authorities"; box.value = a.id; box.checked = true;
            label.appendChild(box); label.appendChild(document.createTextNode(" " + a.label));
            item.appendChild(label); added.appendChild(item);
          });
          li.appendChild(b); li.appendChild(document.createTextNode(" " + a.label + " — " + a.kind));
          results.appendChild(li);
        });
        status.textContent = q.value.trim().length < 2 ? "" : (data.results.length ? t.found + " " + data.results.length : t.none);
      }
    }).catch(function () {});
  }
  function later(withQuery) { clearTimeout(timer); timer = setTimeout(function () { refresh(withQuery); }, 250); }
  form.querySelectorAll("input[name=kinds]").forEach(function (c) { c.addEventListener("change", function () { later(false); }); });
  form.elements.place.addEventListener("input", function () { later(false); });
  form.elements.parent.addEventListener("input", function () { later(false); });
  q.addEventListener("input", function () { later(true); });
  q.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); later(true); } });
})();
