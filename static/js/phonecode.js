// "获取验证码" without leaving the page. A button with data-send-code posts the phone of its form to the form's own
// address (the same view answers JSON to X-Requested-With: fetch) and counts down 60 s; the answer is shown in the
// element named by data-status. Without JavaScript the button simply submits the form (the page comes back).
(function () {
  "use strict";

  function countdown(button, seconds) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.disabled = true;
    button.textContent = seconds + " 秒后可重新获取";
    var timer = window.setInterval(function () {
      seconds -= 1;
      if (seconds <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
        button.textContent = label;
      } else {
        button.textContent = seconds + " 秒后可重新获取";
      }
    }, 1000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-send-code]");
    if (!button || !window.fetch) {
      return;
    }
    event.preventDefault();
    var form = button.form;
    var status = document.getElementById(button.getAttribute("data-status"));
    var body = new FormData();
    body.append("action", "send_code");
    body.append("phone", form.elements.phone.value);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    button.disabled = true;
    window.fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}
    }).then(function (response) {
      if (response.status === 429) {
        return {ok: false, message: "操作过于频繁，请稍后再试。"};
      }
      return response.json();
    }).then(function (reply) {
      status.textContent = reply.message;
      status.className = reply.ok ? "form-text text-success mb-3" : "invalid-feedback d-block mb-3";
      if (reply.ok) {
        countdown(button, 60);
      } else {
        button.disabled = false;
      }
    }).catch(function () {
      status.textContent = "网络异常，验证码未发送，请稍后再试。";
      status.className = "invalid-feedback d-block mb-3";
      button.disabled = false;
    });
  });
}());
