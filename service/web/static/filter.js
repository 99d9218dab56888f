// Filters that apply themselves: a <select data-autosubmit> submits its form when a choice is
// made with the mouse or confirmed with Enter. Arrow keys only move through the choices, so a
// keyboard user is not sent to another page at every step. Without JavaScript the form's own
// button does the same. No inline handlers: the page's content security policy blocks them.
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-autosubmit]");
  Array.prototype.forEach.call(selects, function (select) {
    var keyed = false;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.form.requestSubmit();
      } else {
        keyed = true;
      }
    });
    select.addEventListener("pointerdown", function () { keyed = false; });
    select.addEventListener("change", function () {
      if (!keyed) { select.form.requestSubmit(); }
    });
  });
}());
