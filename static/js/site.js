// Small behaviours of every page, kept out of the templates (the Content-Security-Policy allows
// scripts from our own origin only, never inline ones).
document.addEventListener("focusin", function (event) {
  if (event.target.classList && event.target.classList.contains("select-on-focus")) {
    event.target.select();
  }
});
