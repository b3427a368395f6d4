// Consultation quick entry and record forms: keyboard first, no inline script (CSP).
(function () {
  "use strict";
  // Ctrl+Enter (⌘+Enter) in a textarea submits its form; Enter in a lookup box does not submit.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter") return;
    if (el.matches && el.matches("textarea") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (el.form) el.form.requestSubmit();
    } else if (el.matches && el.matches("[data-no-enter]")) {
      event.preventDefault();
      var first = document.querySelector("#person-choices input[type=radio]:not([value=''])");
      if (first) { first.checked = true; first.focus(); }
    }
  });

  // Drafts of the quick-entry form live in sessionStorage (this tab only, gone when it closes).
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.sessionStorage) return;
  var key = "renkei-draft-" + form.dataset.draft;
  var skip = { csrfmiddlewaretoken: true, person: true };
  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name] || el.type === "submit") return;
      if (el.type === "checkbox") { (data[el.name] = data[el.name] || []); if (el.checked) data[el.name].push(el.value); }
      else data[el.name] = el.value;
    });
    sessionStorage.setItem(key, JSON.stringify(data));
  }
  function restore() {
    var raw = sessionStorage.getItem(key);
    if (!raw || form.querySelector(".error")) return;
    var data = JSON.parse(raw), restored = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || skip[el.name]) return;
      if (el.type === "checkbox") el.checked = data[el.name].indexOf(el.value) >= 0;
      else if (el.name === "content" || el.name === "subject_label") {
        if (!el.value && data[el.name]) { el.value = data[el.name]; restored = true; }
      }
    });
    var notice = document.querySelector("[data-draft-notice]");
    if (restored && notice) notice.hidden = false;
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("submit", function () { sessionStorage.removeItem(key); });
  var clear = document.querySelector("[data-draft-clear]");
  if (clear) clear.addEventListener("click", function () {
    sessionStorage.removeItem(key);
    form.reset();
    clear.parentNode.hidden = true;
  });
})();
