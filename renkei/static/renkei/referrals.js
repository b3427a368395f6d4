// Referral form: show the consent choices or the legal-basis fields according to the chosen basis.
(function () {
  "use strict";
  function sync(form) {
    var checked = form.querySelector("input[name=basis]:checked");
    var basis = checked ? checked.value : "consent";
    ["consent_ids", "legal_basis", "justification"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (!input) { return; }
      var field = input.closest(".field");
      if (!field) { return; }
      field.hidden = (name === "consent_ids") ? basis !== "consent" : basis !== "legal";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.referral-form").forEach(function (form) {
      sync(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "basis") { sync(form); }
      });
    });
  });
})();
