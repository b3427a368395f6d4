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

// On narrow screens list tables are shown as stacked cards without their header row: give each
// cell its column heading (data-label, shown by renkei.css) so a bare number still says what it is.
function labelTableCells(table) {
  const labels = [];
  for (const row of table.tHead ? table.tHead.rows : []) {
    let col = 0;
    for (const cell of row.cells) {
      const text = cell.textContent.trim();
      for (let i = 0; i < cell.colSpan; i += 1, col += 1) {
        if (text && labels[col] !== text) labels[col] = labels[col] ? `${labels[col]} ${text}` : text;
      }
    }
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let col = 0;
      for (const cell of row.cells) {
        if (cell.tagName === "TD" && labels[col] && !cell.dataset.label) cell.dataset.label = labels[col];
        col += cell.colSpan;
      }
    }
  }
}
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("table").forEach(labelTableCells));
document.addEventListener("htmx:afterSwap", (event) => event.target.querySelectorAll("table").forEach(labelTableCells));

// A conflict panel's "take the stored version" button comes first in its form: Enter in a text field
// must press the form's own save button, never take a version the worker has not chosen to take.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (event.key !== "Enter" || !el.form || el.tagName !== "INPUT") return;
  if (!el.form.querySelector("button[name=take_version]")) return;
  event.preventDefault();
  const save = el.form.querySelector("button[type=submit].primary");
  if (save) el.form.requestSubmit(save);
});
