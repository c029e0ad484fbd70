// Lists that can be worked: a header checkbox <input data-select-all="NAME"> ticks or unticks every row checkbox
// named NAME of the same form (the rows' boxes belong to the bulk form through their form="" attribute).
(function () {
  "use strict";

  function rows(master) {
    var name = master.getAttribute("data-select-all");
    var form = master.getAttribute("form");
    var selector = 'input[type="checkbox"][name="' + name + '"]' + (form ? '[form="' + form + '"]' : "");
    return document.querySelectorAll(selector);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.hasAttribute && target.hasAttribute("data-select-all")) {
      rows(target).forEach(function (box) { box.checked = target.checked; });
      return;
    }
    if (target.type === "checkbox" && target.name) {
      document.querySelectorAll("[data-select-all]").forEach(function (master) {
        if (master.getAttribute("data-select-all") !== target.name) return;
        var boxes = Array.prototype.slice.call(rows(master));
        var ticked = boxes.filter(function (box) { return box.checked; }).length;
        master.checked = ticked > 0 && ticked === boxes.length;
        master.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    }
  });
})();
