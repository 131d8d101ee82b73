// Enhances the share links where scripts run; every link and the Mastodon
// form work without it. Remembers the reader's Mastodon server in this
// browser only (never sent to us), copies the link, and offers the
// device's own share sheet.
(function () {
  "use strict";
  var key = "chorus.mastodon.server";
  function stored() { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
  function remember(v) { try { localStorage.setItem(key, v); } catch (e) { /* private mode */ } }
  function host(typed) {
    var v = typed.trim().toLowerCase();
    var at = v.lastIndexOf("@");
    if (at >= 0) { v = v.slice(at + 1); }
    v = v.replace(/^https?:\/\//, "").split("/")[0];
    return /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v) ? v : "";
  }
  document.querySelectorAll("form.mastodon").forEach(function (form) {
    var input = form.querySelector("input[name=server]");
    if (input && !input.value) { input.value = stored(); }
    form.addEventListener("submit", function (ev) {
      var server = host(input.value);
      if (!server) { return; } // the server's page explains what is wrong
      ev.preventDefault();
      remember(server);
      window.open("https://" + server + "/share?text=" + encodeURIComponent(form.getAttribute("data-text")), "_blank", "noopener");
    });
  });
  document.querySelectorAll(".share-script").forEach(function (box) {
    var text = box.getAttribute("data-text"), url = box.getAttribute("data-url");
    var status = box.querySelector(".copy-status");
    box.hidden = false;
    box.querySelector(".copy-link").addEventListener("click", function () {
      if (!navigator.clipboard) { return; }
      navigator.clipboard.writeText(url).then(function () { status.textContent = box.getAttribute("data-copied"); });
    });
    var share = box.querySelector(".web-share");
    if (navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: text, text: text, url: url }).catch(function () { /* dismissed */ });
      });
    }
  });
})();
