// Department pickers: every <select data-picker> (accounts.widgets, options grouped by region in <optgroup>) becomes
// a box that searches as one types (tom-select, served from npm by the app). Without JavaScript, or if tom-select is
// missing, the native select stays and works.
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    var multiple = select.multiple;
    // tom-select points the label at its own text input (the combobox people use); the native select it keeps for the
    // form is hidden and out of the tab order, so it leaves the accessibility tree too (axe: select-name).
    select.setAttribute("aria-hidden", "true");
    new window.TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      maxOptions: null,
      allowEmptyOption: !multiple,
      hideSelected: multiple,
      closeAfterSelect: !multiple,
      placeholder: select.getAttribute("data-placeholder") || "",
      searchField: ["text"],
      lockOptgroupOrder: true,
      render: {
        no_results: function () { return '<div class="no-results">没有匹配的部门</div>'; }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
  });
})();
