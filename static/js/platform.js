// Behaviour shared by every page, attached from markup attributes (no inline handlers, CSP):
// - <form data-confirm="…"> (or a submit button with data-confirm): a final or destructive act asks once, and only
//   after the browser's own checks of the form passed (required fields, lengths, formats): a dialog with the question,
//   focus in it, Esc or 取消 cancels and gives focus back to the button;
// - after a refused submit the page comes back with errors: focus goes to the form's error summary, else to the
//   first invalid field, so keyboard and screen-reader users land on what to fix;
// - an action form opened on the ticket page takes the focus (its first field);
// - the tables of lists become cards on a phone: each cell is labelled with its column's header (data-label) and
//   app.css lays the rows out as cards below 576px (CJK text in a squeezed table breaks one character per line);
//   a table opts out with data-cards="off";
// - <button data-print>: prints the page;
// - a link ending in #action-… opens that action's form on the ticket page.
(function () {
  "use strict";

  // --- confirmations ------------------------------------------------------------------------------------------------
  var pending = null;  // {form, submitter, accepted}

  function confirmDialog() {
    var el = document.getElementById("confirm-dialog");
    if (el) {
      return el;
    }
    el = document.createElement("div");
    el.className = "modal fade";
    el.id = "confirm-dialog";
    el.tabIndex = -1;
    el.setAttribute("aria-labelledby", "confirm-dialog-title");
    el.setAttribute("aria-describedby", "confirm-dialog-text");
    el.setAttribute("data-testid", "confirm-dialog");
    el.innerHTML =
      '<div class="modal-dialog modal-dialog-centered"><div class="modal-content">' +
      '<div class="modal-header"><h2 class="modal-title h5" id="confirm-dialog-title">请确认</h2>' +
      '<button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="取消"></button></div>' +
      '<div class="modal-body"><p class="mb-0" id="confirm-dialog-text"></p></div>' +
      '<div class="modal-footer">' +
      '<button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal" data-testid="confirm-cancel">取消</button>' +
      '<button type="button" class="btn btn-primary" data-testid="confirm-accept">确认</button>' +
      "</div></div></div>";
    document.body.appendChild(el);
    el.addEventListener("shown.bs.modal", function () {
      el.querySelector("[data-testid=confirm-accept]").focus();
    });
    el.addEventListener("hidden.bs.modal", function () {
      var done = pending;
      pending = null;
      if (done && !done.accepted && done.submitter) {
        done.submitter.focus();
      }
    });
    el.querySelector("[data-testid=confirm-accept]").addEventListener("click", function () {
      if (!pending) {
        return;
      }
      pending.accepted = true;
      var form = pending.form, submitter = pending.submitter;
      form.setAttribute("data-confirmed", "");
      window.bootstrap.Modal.getOrCreateInstance(el).hide();
      if (submitter && submitter.form === form) {
        form.requestSubmit(submitter);
      } else {
        form.requestSubmit();
      }
    });
    return el;
  }

  function ask(question, form, submitter) {
    if (!window.bootstrap) {  // the library did not load: the browser's own dialog still asks
      if (window.confirm(question)) {
        form.setAttribute("data-confirmed", "");
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      }
      return;
    }
    var el = confirmDialog();
    el.querySelector("#confirm-dialog-text").textContent = question;
    var accept = el.querySelector("[data-testid=confirm-accept]");
    var label = submitter ? (submitter.textContent || submitter.value || "").trim() : "";
    accept.textContent = label || "确认";
    var danger = submitter && /danger/.test(submitter.className);
    accept.className = "btn " + (danger ? "btn-danger" : "btn-primary");
    pending = {form: form, submitter: submitter, accepted: false};
    window.bootstrap.Modal.getOrCreateInstance(el).show();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter || null;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!question) {
      return;
    }
    if (form.hasAttribute("data-confirmed")) {  // asked and accepted: this is the real submit
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    // The browser's checks first (the form's novalidate only stops the automatic ones): nobody confirms a form that
    // cannot be sent. reportValidity() shows the message at the first invalid field and focuses it.
    if (!form.reportValidity()) {
      return;
    }
    ask(question, form, submitter);
  }, true);

  // --- focus ------------------------------------------------------------------------------------------------------
  function focusFirstError() {
    var main = document.getElementById("main") || document.body;
    var summary = main.querySelector("form .alert-danger[role=alert], [data-error-summary]");
    var field = main.querySelector("input.is-invalid, select.is-invalid, textarea.is-invalid");
    var target = summary || field;
    if (!target) {
      return false;
    }
    if (target === summary && !summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    target.focus({preventScroll: true});
    target.scrollIntoView({block: "center"});
    return true;
  }

  function firstField(container) {
    return container.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button[type=submit]"
    );
  }

  document.addEventListener("shown.bs.collapse", function (event) {
    var panel = event.target;
    if (panel.classList && panel.classList.contains("action-form")) {
      var field = firstField(panel);
      if (field) {
        field.focus({preventScroll: true});
        panel.scrollIntoView({block: "nearest"});
      }
    }
  });

  // --- tables as cards on a phone ------------------------------------------------------------------------------------
  function labelTableCells() {
    var tables = document.querySelectorAll(".table-responsive > table.table");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead;
      if (table.getAttribute("data-cards") === "off" || !head || head.rows.length !== 1) {
        return;
      }
      var labels = Array.prototype.map.call(head.rows[0].cells, function (th) {
        return th.colSpan > 1 ? null : th.textContent.replace(/\s+/g, " ").trim();
      });
      if (labels.indexOf(null) !== -1) {
        return;  // grouped headers: the table keeps scrolling sideways
      }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          if (row.cells.length !== labels.length) {
            return;  // the "nothing here" row spans the table
          }
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (!cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[i]);
            }
          });
        });
      });
      table.classList.add("table-cards");
    });
  }

  // --- print, hash -------------------------------------------------------------------------------------------------
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
  document.addEventListener("DOMContentLoaded", function () {
    labelTableCells();
    if (!focusFirstError()) {
      openActionFromHash();
    }
  });
  window.addEventListener("hashchange", openActionFromHash);
})();
