// Reading the chosen file into the text box keeps the upload a plain form post (a static
// file, not inline, so the Content-Security-Policy can forbid inline script).
(function () {
  function bind() {
    var input = document.getElementById("csv-file");
    if (!input || input.dataset.bound) return;
    input.dataset.bound = "1";
    input.addEventListener("change", function (e) {
      var f = e.target.files && e.target.files[0];
      if (!f) return;
      f.text().then(function (s) { document.getElementById("csv-text").value = s; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind); else bind();
  document.addEventListener("htmx:load", bind);
})();
