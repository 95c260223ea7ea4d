/* Keyboard support for the navigation drawer and wide tables (was inline in main.html; the
   Content-Security-Policy allows no inline script). */
  /* The drawer for keyboards: Enter/Space open it and focus its first link, Escape closes it. */
  (function(){var box=document.getElementById("__drawer"),btn=document.querySelector("[data-sgz-menu]"),
    label=document.querySelector("[data-sgz-menu-label]");if(!box||!btn)return;
    function sync(){btn.setAttribute("aria-expanded",box.checked?"true":"false")}
    function set(on){box.checked=on;sync();if(on){var a=document.querySelector(".md-sidebar--primary .md-nav__list a[href]");if(a)a.focus()}}
    btn.hidden=false;if(label)label.hidden=true;
    btn.addEventListener("click",function(){set(!box.checked)});
    box.addEventListener("change",sync);
    document.addEventListener("keydown",function(e){if(e.key==="Escape"&&box.checked){set(false);btn.focus()}});
  })();
  /* A table too wide for the screen scrolls sideways: keyboards must be able to reach it (WCAG 2.1.1). */
  (function(){function mark(){var t=document.querySelectorAll(".md-typeset table");for(var i=0;i<t.length;i++){
      if(t[i].scrollWidth>t[i].clientWidth+1){t[i].tabIndex=0}else{t[i].removeAttribute("tabindex")}}}
    mark();window.addEventListener("resize",mark);
    if(window.MutationObserver){new MutationObserver(mark).observe(document.documentElement,{attributes:true,attributeFilter:["class"]})}
  })();
