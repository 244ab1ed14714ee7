// Keyboard shortcuts for the arrears pages. The pages work fully without this file.
//   /      focus the account search
//   g p    portfolio      g r  roll rates      g s  account search      g w  work queue
//   n      next account (on the work queue)
//   ?      list the shortcuts
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function searchBox() {
    return document.querySelector("main [data-search-box]") || document.querySelector("[data-search-box]");
  }

  var pendingG = false;
  var pendingTimer = null;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target)) return;

    if (pendingG) {
      pendingG = false;
      clearTimeout(pendingTimer);
      var link = document.querySelector('[data-shortcut="' + event.key + '"]');
      if (link) {
        event.preventDefault();
        link.click();
      }
      return;
    }
    if (event.key === "/") {
      var box = searchBox();
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    } else if (event.key === "n") {
      // the next account from the work queue: the queue page's button, or the form posted from anywhere
      var next = document.querySelector("[data-next-account]");
      if (next) {
        event.preventDefault();
        next.click();
      }
    } else if (event.key === "g") {
      pendingG = true;
      pendingTimer = setTimeout(function () { pendingG = false; }, 1200);
    } else if (event.key === "?") {
      var dialog = document.getElementById("shortcuts");
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        if (dialog.open) dialog.close(); else dialog.showModal();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-shortcuts]");
    if (opener) {
      var dialog = document.getElementById("shortcuts");
      if (dialog && typeof dialog.showModal === "function") dialog.showModal();
    }
  });
})();
