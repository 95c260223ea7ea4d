/* 'Nearest station' on the station directory (stations/#nearest). The phone's position is
   asked for only when the button is pressed (no permission prompt on load), compared with
   the stations' WGS-84 points in data/stations.geo.json, and never leaves the phone.
   Plain ES5 (WeChat's browser on old Android phones): XMLHttpRequest, no library. */
(function () {
  "use strict";
  var EARTH_R = 6371008.8; // mean Earth radius (m), as geo.distance_m in Python
  var SHOW = 5;
  var ERRORS = {
    1: "您没有允许本网站使用位置信息,无法查找最近的站点。",
    2: "暂时无法确定您的位置(请打开手机的定位功能后重试)。",
    3: "获取位置超时,请稍后重试。"
  };

  function rad(deg) { return deg * Math.PI / 180; }

  /* Great-circle distance in metres (haversine). */
  function distance(lat1, lng1, lat2, lng2) {
    var dp = rad(lat2 - lat1), dl = rad(lng2 - lng1);
    var h = Math.sin(dp / 2) * Math.sin(dp / 2) +
      Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_R * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* '约 850 米' under a kilometre, '约 3.2 公里' above, whole kilometres from 100 km. */
  function formatDistance(m) {
    var metres = Math.round(m / 10) * 10, km = Math.round(m / 100) / 10;
    if (metres < 1000) { return "约 " + Math.max(10, metres) + " 米"; }
    if (km < 100) { return "约 " + km.toFixed(1) + " 公里"; }
    return "约 " + Math.round(m / 1000) + " 公里";
  }

  /* The n stations closest to (lat, lng), nearest first; ties by id so the order is stable. */
  function nearest(stations, lat, lng, n) {
    var rows = [];
    for (var i = 0; i < stations.length; i++) {
      rows.push({ s: stations[i], d: distance(lat, lng, stations[i].lat, stations[i].lng) });
    }
    rows.sort(function (a, b) { return a.d - b.d || (a.s.id < b.s.id ? -1 : 1); });
    return rows.slice(0, n);
  }

  function load(url, done, fail) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = xhr.status >= 200 && xhr.status < 300 ? JSON.parse(xhr.responseText) : null; } catch (e) { data = null; }
      if (data) { done(data); } else { fail(); }
    };
    xhr.send();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function item(row, base) {
    var li = el("li", "sgz-nearest__item");
    var link = el("a", "sgz-nearest__name", row.s.name);
    link.href = base + row.s.url;
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "sgz-nearest__dist", formatDistance(row.d)));
    li.appendChild(el("div", "sgz-note", row.s.address));
    var phones = el("div", "sgz-nearest__phones");
    for (var i = 0; i < row.s.phones.length; i++) {
      var call = el("a", "sgz-call", row.s.phones[i]);
      call.href = "tel:" + row.s.phones[i];
      phones.appendChild(call);
    }
    li.appendChild(phones);
    return li;
  }

  function setup(box) {
    var button = box.querySelector("[data-nearest-go]");
    var status = box.querySelector("[data-nearest-status]");
    var list = box.querySelector("[data-nearest-list]");
    var fallback = box.querySelector("[data-nearest-fallback]");
    var base = box.getAttribute("data-base");
    var found = { position: null, stations: null, failed: false };

    function fail(message) {
      found.failed = true;
      button.disabled = false;
      status.textContent = message;
      fallback.hidden = false;
    }
    function show() {
      if (found.failed || !found.position || !found.stations) { return; }
      button.disabled = false;
      if (!found.stations.length) { fail("暂无站点的位置信息。"); return; }
      var rows = nearest(found.stations, found.position.latitude, found.position.longitude, SHOW);
      list.innerHTML = "";
      for (var i = 0; i < rows.length; i++) { list.appendChild(item(rows[i], base)); }
      list.hidden = false;
      status.textContent = "离您最近的 " + rows.length + " 个站点(直线距离):";
    }
    function search() {
      found = { position: null, stations: null, failed: false };
      list.hidden = true;
      fallback.hidden = true;
      if (!navigator.geolocation) { fail("您的浏览器无法提供位置信息。"); return; }
      button.disabled = true;
      status.textContent = "正在获取您的位置…";
      load(box.getAttribute("data-src"),
        function (data) { found.stations = data; show(); },
        function () { fail("站点位置数据加载失败。"); });
      navigator.geolocation.getCurrentPosition(
        function (pos) { found.position = pos.coords; show(); },
        function (err) { fail(ERRORS[err.code] || ERRORS[2]); },
        { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 });
    }

    fallback.hidden = true; // shown without JavaScript; with it, only when locating fails
    box.querySelector("[data-nearest-ui]").hidden = false;
    button.addEventListener("click", search);
  }

  window.SGZNearest = { distance: distance, nearest: nearest, formatDistance: formatDistance };
  function start() {
    var boxes = document.querySelectorAll("[data-nearest]");
    for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
