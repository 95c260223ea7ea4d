/* The elderly-friendly modes (大字模式, 高对比度) saved by portal.js, applied in <head> before the
   first paint. A file, not an inline script: the Content-Security-Policy allows no inline script. */
try {
  (localStorage.getItem("sgz-mode") || "").split(" ").forEach(function (c) {
    if (c) { document.documentElement.classList.add(c); }
  });
} catch (e) { /* private mode: no storage */ }
