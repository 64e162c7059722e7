/* Demo Analytics: a stand-in third-party tracker. It plants a persistent cookie and sends a beacon,
   so QA has something real to observe. It runs only when the consent banner activates it. */
(function () {
  var id = (document.cookie.match(/(?:^|; )_demo_analytics=([^;]*)/) || [])[1];
  if (!id) {
    id = Math.random().toString(36).slice(2);
    document.cookie = "_demo_analytics=" + id + "; path=/; max-age=" + 365 * 24 * 3600 + "; SameSite=Lax";
  }
  var src = document.currentScript && document.currentScript.src;
  var base = src ? new URL("collect", src) : new URL("/demo/tracker/collect", location.href);
  base.searchParams.set("page", location.pathname);
  base.searchParams.set("cid", id);
  fetch(base.href, { credentials: "same-origin", keepalive: true });
  window.demoAnalyticsLoaded = true;
})();
