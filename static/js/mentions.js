// @ mention suggestions for internal notes: typing "@" and a few letters of a name lists staff who may see the ticket
// (GET data-mention-url?q=…); choosing one inserts "@username ". Without JavaScript, typing "@姓名" works the same.
(function () {
  "use strict";
  var TOKEN = /(^|[^A-Za-z0-9._%+-])@([\w.\-\u4e00-\u9fff]{0,30})$/;

  function setup(area) {
    var form = area.closest("form");
    var box = form && form.querySelector(".mention-suggestions");
    if (!box) { return; }
    var timer = null;
    var active = -1;

    function hide() { box.classList.add("d-none"); box.innerHTML = ""; active = -1; }

    function token() {
      var before = area.value.slice(0, area.selectionStart);
      var match = TOKEN.exec(before);
      return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
    }

    function choose(username) {
      var found = token();
      if (!found) { return hide(); }
      var caret = area.selectionStart;
      area.value = area.value.slice(0, found.start) + "@" + username + " " + area.value.slice(caret);
      var at = found.start + username.length + 2;
      area.setSelectionRange(at, at);
      hide();
      area.focus();
    }

    function show(results) {
      box.innerHTML = "";
      active = -1;
      if (!results.length) { return hide(); }
      results.forEach(function (person) {
        var item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action py-1 small";
        item.setAttribute("role", "option");
        item.dataset.username = person.username;
        item.textContent = person.name + "（" + person.username + (person.department ? "，" + person.department : "") + "）";
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(person.username); });
        box.appendChild(item);
      });
      box.classList.remove("d-none");
    }

    function lookup() {
      var found = token();
      if (!found) { return hide(); }
      var url = area.dataset.mentionUrl + "?q=" + encodeURIComponent(found.text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { show(data.results || []); })
        .catch(hide);
    }

    area.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 150); });
    area.addEventListener("blur", function () { setTimeout(hide, 150); });
    area.addEventListener("keydown", function (event) {
      var items = box.querySelectorAll("[role=option]");
      if (box.classList.contains("d-none") || !items.length) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items.forEach(function (item, i) { item.classList.toggle("active", i === active); });
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active].dataset.username);
      } else if (event.key === "Escape") {
        hide();
      }
    });
  }

  document.querySelectorAll("textarea[data-mention-url]").forEach(setup);
})();
