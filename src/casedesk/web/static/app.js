// casedesk web interface: small enhancements only; every page works without.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Select every row of a table at once. The select-all box always shows
  // the rows as they are (all, some or none ticked), also when a refused
  // form comes back with rows ticked, so unticking it unticks them all.
  for (const master of document.querySelectorAll("[data-select-all]")) {
    const scope = document.getElementById(master.dataset.selectAll);
    if (!scope) continue;
    const rows = () => scope.querySelectorAll("input[type=checkbox][name=case_id]");
    const follow = () => {
      const boxes = Array.from(rows());
      const ticked = boxes.filter((box) => box.checked).length;
      master.checked = boxes.length > 0 && ticked === boxes.length;
      master.indeterminate = ticked > 0 && ticked < boxes.length;
    };
    master.addEventListener("change", () => {
      for (const box of rows()) box.checked = master.checked;
      follow();
    });
    scope.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === "case_id") follow();
    });
    follow();
    // Going back to the page may restore ticks after it loaded.
    window.addEventListener("pageshow", follow);
  }

  // Ask before a form does something that cannot be undone.
  document.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    const message = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Submit a form as soon as one of its marked controls changes.
  for (const control of document.querySelectorAll("[data-autosubmit]")) {
    control.addEventListener("change", () => control.form && control.form.requestSubmit());
  }

  // "/" jumps to the search box, as in most tools analysts use, unless the
  // focus is somewhere that takes typed text (a checkbox or a button does not).
  const TYPED_INPUTS = new Set([
    "text", "search", "email", "number", "password", "tel", "url",
    "date", "datetime-local", "month", "time", "week",
  ]);
  const isTyping = (target) => {
    if (!(target instanceof HTMLElement)) return false;
    if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
    return target instanceof HTMLInputElement && TYPED_INPUTS.has(target.type);
  };
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const search = document.querySelector("[data-search]");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  });
});
