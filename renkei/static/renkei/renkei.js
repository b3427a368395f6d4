// Small behaviours without inline script (the Content-Security-Policy forbids it).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
