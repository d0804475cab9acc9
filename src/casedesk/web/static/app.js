// casedesk web interface: small enhancements only; every page works without.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Select every row of a table at once.
  for (const master of document.querySelectorAll("[data-select-all]")) {
    master.addEventListener("change", () => {
      const scope = document.getElementById(master.dataset.selectAll);
      if (!scope) return;
      for (const box of scope.querySelectorAll("input[type=checkbox][name=case_id]")) {
        box.checked = master.checked;
      }
    });
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

  // "/" jumps to the search box, as in most tools analysts use.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    if (event.key === "/" && !typing) {
      const search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
  });
});
