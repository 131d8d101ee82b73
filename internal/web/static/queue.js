// Tells a moderator when the queue changes, on any node. The page works
// without this script; it only saves reloading to find new stories.
(function () {
  var notice = document.getElementById("queue-live");
  if (!notice || !window.EventSource) { return; }
  var source = new EventSource(notice.getAttribute("data-events"));
  source.addEventListener("queue", function () {
    if (notice.firstChild) { return; }
    var reload = document.createElement("a");
    reload.href = window.location.pathname;
    reload.textContent = notice.getAttribute("data-reload");
    notice.append(notice.getAttribute("data-message") + " ", reload);
    notice.className = "notice";
  });
})();
