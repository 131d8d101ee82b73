// Keeps the wall current: on each event of the wall's stream it reads the
// page again and swaps the list of posts. A live region says what changed,
// at most once every 30 seconds. Without this script the wall is a plain
// page that readers reload.
(function () {
  var live = document.getElementById("wall-live");
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) { return; }
  var quiet = 30000, lastSaid = 0, added = 0, removed = 0, timer = null, busy = false, again = false;
  function ids(root) {
    var out = {};
    root.querySelectorAll("#wall-posts li.post").forEach(function (li) { out[li.id] = true; });
    return out;
  }
  function say() {
    timer = null;
    if (!added && !removed) { return; }
    live.textContent = live.getAttribute("data-message").replace("{added}", added).replace("{removed}", removed);
    lastSaid = Date.now();
    added = 0; removed = 0;
  }
  function summarise() {
    if (timer) { return; }
    var wait = Math.max(0, lastSaid + quiet - Date.now());
    timer = setTimeout(say, wait);
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-cache" })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("wall-posts"), current = document.getElementById("wall-posts");
        if (!fresh || !current) { return; }
        var before = ids(document), after = ids(doc), k;
        for (k in after) { if (!before[k]) { added++; } }
        for (k in before) { if (!after[k]) { removed++; } }
        current.replaceWith(document.importNode(fresh, true));
        summarise();
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  var source = new EventSource(live.getAttribute("data-events"));
  source.addEventListener("wall", refresh);
  source.addEventListener("open", function () { live.setAttribute("data-stream", "open"); });
})();
