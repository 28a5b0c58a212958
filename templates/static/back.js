// The error page's Back button returns to the page the user came from. A static file, not
// an inline `javascript:` link, so the Content-Security-Policy allows it; without
// JavaScript the link's own address (the portfolio) is the way on.
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[data-back]');
  if (a && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});
