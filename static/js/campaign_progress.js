// Polls a campaign's build progress (workspace/campaign_detail.html).
(function () {
  var box = document.getElementById("build");
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById("build-bar").value = d.done;
      document.getElementById("build-label").textContent = d.label;
      document.getElementById("build-count").textContent = d.done + " / " + d.total;
      if (d.state === "done" || d.state === "failed") { window.location.reload(); } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
