/* Portal behaviour shared by every page. Plain ES5-friendly code, no library:
   it must run in WeChat's browser on old Android phones. */
(function () {
  "use strict";
  var DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
  var WORDS = { sun: "周日", mon: "周一", tue: "周二", wed: "周三", thu: "周四", fri: "周五", sat: "周六" };

  /* Date parts in China Standard Time (UTC+8, no daylight saving), whatever the phone's zone. */
  function cst(now) {
    var d = new Date(now.getTime() + 8 * 3600 * 1000);
    var iso = d.toISOString();
    return { date: iso.slice(0, 10), day: DAYS[d.getUTCDay()], time: iso.slice(11, 16) };
  }

  function slotsOn(hours, day) {
    return hours.filter(function (h) { return h.days.indexOf(day) >= 0; })
      .sort(function (a, b) { return a.open < b.open ? -1 : 1; });
  }

  /* '11月2日' from '2026-11-02' (no leading zeros: easier to read aloud). */
  function monthDay(iso) {
    return parseInt(iso.slice(5, 7), 10) + "月" + parseInt(iso.slice(8, 10), 10) + "日";
  }

  /* The first slot on or after tomorrow (within two weeks): '明天 09:00' or '周一(11月2日)09:00'. */
  function nextOpening(spec, now) {
    var closed = spec.closed || [];
    for (var k = 1; k <= 14; k++) {
      var next = cst(new Date(now.getTime() + k * 86400000));
      if (closed.indexOf(next.date) >= 0) { continue; }
      var slots = slotsOn(spec.hours, next.day);
      if (slots.length) {
        return (k === 1 ? "明天 " : WORDS[next.day] + "(" + monthDay(next.date) + ")") + slots[0].open;
      }
    }
    return null;
  }

  /* 'open now / closed / opens at …' for hours {hours:[{days,open,close}], closed:[dates]},
     judged in China Standard Time; null when the station gave no hours. */
  function openStatus(spec, now) {
    if (!spec.hours || !spec.hours.length) { return null; }
    var t = cst(now), closedToday = (spec.closed || []).indexOf(t.date) >= 0;
    if (!closedToday) {
      var today = slotsOn(spec.hours, t.day);
      for (var i = 0; i < today.length; i++) {
        if (t.time >= today[i].open && t.time < today[i].close) {
          return { open: true, text: "正在开放 · 今天 " + today[i].close + " 关门" };
        }
        if (t.time < today[i].open) {
          return { open: false, text: "现在未开放 · 今天 " + today[i].open + " 开门" };
        }
      }
    }
    var when = nextOpening(spec, now), head = closedToday ? "今天暂停开放" : "现在未开放";
    return { open: false, text: when ? head + " · " + when + " 开门" : "近期暂停开放" };
  }

  function showOpenStatus() {
    var boxes = document.querySelectorAll("[data-hours]");
    for (var i = 0; i < boxes.length; i++) {
      var slot = boxes[i].querySelector("[data-open-status]");
      if (!slot) { continue; }
      var status = openStatus(JSON.parse(boxes[i].getAttribute("data-hours")), new Date());
      if (!status) { continue; }
      slot.textContent = (status.open ? "● " : "○ ") + status.text;
      slot.className = "sgz-open-now " + (status.open ? "is-open" : "is-closed");
    }
  }

  /* Elderly-friendly toggles, remembered across pages. */
  function setupToggles() {
    var bar = document.querySelector("[data-a11y]");
    if (!bar) { return; }
    bar.hidden = false;
    var root = document.documentElement;
    var buttons = bar.querySelectorAll("[data-toggle]");
    function save() {
      var on = [];
      for (var i = 0; i < buttons.length; i++) {
        var c = buttons[i].getAttribute("data-toggle");
        buttons[i].setAttribute("aria-pressed", root.classList.contains(c) ? "true" : "false");
        if (root.classList.contains(c)) { on.push(c); }
      }
      try { localStorage.setItem("sgz-mode", on.join(" ")); } catch (e) { /* private mode */ }
    }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        root.classList.toggle(this.getAttribute("data-toggle"));
        save();
      });
    }
    save();
  }

  /* The menu starts closed, also when the browser restores the page from its history
     (Material's toggle no longer says autocomplete="off", which HTML forbids on a checkbox). */
  window.addEventListener("pageshow", function () {
    var box = document.getElementById("__drawer");
    if (box && box.checked) { box.checked = false; box.dispatchEvent(new Event("change")); }
  });

  window.SGZ = { openStatus: openStatus, cst: cst };
  function start() { showOpenStatus(); setupToggles(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
