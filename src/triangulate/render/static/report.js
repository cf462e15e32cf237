/* triangulate report: open folded sections on demand; light up the span a link points to. */
(function () {
  "use strict";
  var back = document.getElementById("back");

  function openFolds(el) {
    var opened = false;
    for (var d = el.closest("details"); d; d = d.parentElement ? d.parentElement.closest("details") : null) {
      if (!d.open) {
        d.open = true;
        opened = true;
      }
    }
    return opened;
  }

  function clear() {
    document.querySelectorAll(".hl, .hl-ctx").forEach(function (x) {
      x.classList.remove("hl", "hl-ctx");
    });
  }

  function light(key, cls) {
    document.querySelectorAll('mark[data-k="' + key + '"]').forEach(function (x) {
      x.classList.add(cls);
    });
  }

  function show(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) return;
    var opened = openFolds(el);
    clear();
    if (el.dataset.k) {
      // an evidence span: all its pieces, and the sentence around it more faintly, in the middle of the screen
      light(el.dataset.k, "hl");
      var sentence = el.parentElement ? el.parentElement.closest("mark.sent") : null;
      if (sentence && sentence.dataset.k) light(sentence.dataset.k, "hl-ctx");
      if (back) back.hidden = false;
      el.scrollIntoView({ block: "center" });
    } else {
      if (el.classList.contains("card")) el.classList.add("hl");
      if (opened) el.scrollIntoView({ block: "start" });
    }
  }

  function hash() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return "";
    }
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[href^='#']") : null;
    if (!a) return;
    var id = a.getAttribute("href").slice(1);
    if (!document.getElementById(id)) return;
    // the browser jumps and records the step in its history; then unfold and light the target
    setTimeout(function () {
      show(id);
    }, 0);
  });
  window.addEventListener("hashchange", function () {
    show(hash());
  });
  if (back) {
    back.addEventListener("click", function () {
      back.hidden = true;
      clear();
      history.back();
    });
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) {
      d.open = true;
    });
  });
  if (location.hash) show(hash());
})();
