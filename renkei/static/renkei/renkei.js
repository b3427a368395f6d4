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

// Text limits: a counter under every field with data-maxlength (set by renkei/core/forms.py). Counted as
// the server counts: characters (code points), a line break as two (the browser sends CR LF).
function textLength(value) {
  let n = 0;
  for (const ch of value) n += ch === "\n" ? 2 : 1;
  return n;
}
function updateCounter(field) {
  const counter = field.renkeiCounter;
  if (!counter) return;
  const max = Number(field.dataset.maxlength);
  const n = textLength(field.value);
  counter.textContent = `${n.toLocaleString("ja-JP")} / ${max.toLocaleString("ja-JP")}文字` +
    (n > max ? `（上限を${(n - max).toLocaleString("ja-JP")}文字超えています。このままでは保存できません）` : "");
  counter.classList.toggle("over", n > max);
}
function addCounter(field) {
  if (field.renkeiCounter) return;
  const counter = document.createElement("p");
  counter.className = "counter";
  counter.id = `${field.id || field.name}-counter`;
  counter.setAttribute("aria-live", "polite");
  field.insertAdjacentElement("afterend", counter);
  field.renkeiCounter = counter;
  const described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);
  updateCounter(field);
}

// Drafts: long text typed into a field with data-draft is kept in this browser (localStorage) until it is
// saved, so nothing is lost when a save is refused before reaching the form (a body over the server's
// limit, an expired session). Offered back on the form; removed after a successful save (the page that
// follows shows a success message).
const DRAFT_PREFIX = "renkei-draft:";
const DRAFT_PENDING = "renkei-draft-pending";
const DRAFT_MIN_LENGTH = 200;
const DRAFT_MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000;
function draftKey(field) {
  const action = new URL(field.form.getAttribute("action") || window.location.href, window.location.href);
  return `${DRAFT_PREFIX}${action.pathname}#${field.name}`;
}
function readDraft(key) {
  try {
    const draft = JSON.parse(window.localStorage.getItem(key));
    return draft && typeof draft.text === "string" ? draft : null;
  } catch (error) {
    return null;
  }
}
function storeDraft(field, force) {
  const key = draftKey(field);
  try {
    if (field.value.length >= DRAFT_MIN_LENGTH || (force && field.value.length > 0)) {
      window.localStorage.setItem(key, JSON.stringify({ text: field.value, at: Date.now() }));
    }
  } catch (error) {
    // storage full or disabled: the form still works, only without a draft
  }
  return key;
}
function offerDraft(field) {
  const draft = readDraft(draftKey(field));
  if (!draft || draft.text === field.value) return;
  const notice = document.createElement("div");
  notice.className = "draft-notice";
  notice.setAttribute("role", "status");
  const when = new Date(draft.at).toLocaleString("ja-JP");
  const text = document.createElement("span");
  text.textContent = `保存されていない下書きがあります（${when}、${textLength(draft.text).toLocaleString("ja-JP")}文字）。`;
  const restore = document.createElement("button");
  restore.type = "button";
  restore.textContent = "下書きを戻す";
  restore.addEventListener("click", () => {
    field.value = draft.text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    notice.remove();
    field.focus();
  });
  const discard = document.createElement("button");
  discard.type = "button";
  discard.textContent = "下書きを破棄する";
  discard.addEventListener("click", () => {
    window.localStorage.removeItem(draftKey(field));
    notice.remove();
  });
  notice.append(text, restore, " ", discard);
  field.insertAdjacentElement("beforebegin", notice);
}
function settleDrafts() {
  let pending = [];
  try {
    pending = JSON.parse(window.sessionStorage.getItem(DRAFT_PENDING) || "[]");
    window.sessionStorage.removeItem(DRAFT_PENDING);
    if (pending.length && document.querySelector(".messages .message.success")) {
      pending.forEach((key) => window.localStorage.removeItem(key));
    }
    for (let i = window.localStorage.length - 1; i >= 0; i -= 1) {
      const key = window.localStorage.key(i);
      const draft = key && key.startsWith(DRAFT_PREFIX) ? readDraft(key) : null;
      if (key && key.startsWith(DRAFT_PREFIX) && (!draft || Date.now() - draft.at > DRAFT_MAX_AGE_MS)) {
        window.localStorage.removeItem(key);
      }
    }
  } catch (error) {
    // storage disabled
  }
}
let draftTimer = null;
document.addEventListener("input", (event) => {
  const field = event.target;
  if (field.dataset && field.dataset.maxlength !== undefined) updateCounter(field);
  if (field.form && field.dataset && field.dataset.draft !== undefined) {
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(() => storeDraft(field, false), 400);
  }
});
document.addEventListener("submit", (event) => {
  const fields = event.target.querySelectorAll("[data-draft]");
  if (!fields.length || event.defaultPrevented) return;
  const keys = Array.from(fields, (field) => storeDraft(field, true));
  try {
    window.sessionStorage.setItem(DRAFT_PENDING, JSON.stringify(keys));
  } catch (error) {
    // storage disabled
  }
});
document.addEventListener("click", (event) => {
  if (event.target.matches("[data-history-back]")) window.history.back();
});
document.addEventListener("DOMContentLoaded", () => {
  settleDrafts();
  document.querySelectorAll("[data-maxlength]").forEach(addCounter);
  document.querySelectorAll("form [data-draft]").forEach(offerDraft);
});
