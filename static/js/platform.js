// Behaviour shared by every page, attached from markup attributes (no inline handlers):
// - <form data-confirm="…">: asks once before submitting a final or destructive act;
// - <button data-print>: prints the page;
// - a link ending in #action-… opens that action's form on the ticket page.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  function openActionFromHash() {
    var el = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (el && el.classList.contains("action-form") && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(el, {toggle: false}).show();
      el.scrollIntoView({block: "center"});
    }
  }
  document.addEventListener("DOMContentLoaded", openActionFromHash);
  window.addEventListener("hashchange", openActionFromHash);
})();
