// Keyboard shortcuts for the review desk: a progressive enhancement. Every action is a
// plain form or link without this file; the page's CSP only allows scripts from the app.
"use strict";
(function () {
  const rows = () => Array.from(document.querySelectorAll("tr.segment"));
  let current = -1;

  function select(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("current", i === current));
    all[current].scrollIntoView({ block: "center" });
  }

  function nextNeedingReview() {
    const all = rows();
    for (let step = 1; step <= all.length; step++) {
      const i = (current + step) % all.length;
      if (all[i].dataset.needsReview === "1") return select(i);
    }
  }

  function submit(form, action) {
    const button = form.querySelector(`button[name=action][value=${action}]`);
    if (button) form.requestSubmit(button);
  }

  document.addEventListener("keydown", (event) => {
    const field = event.target.closest ? event.target.closest("textarea, input") : null;
    if (field) {
      const form = field.form;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
        event.preventDefault();
        submit(form, event.shiftKey ? "approve" : "save");
      } else if (event.key === "Escape") {
        field.blur();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current - 1);
    else if (event.key === "n") nextNeedingReview();
    else if (event.key === "e" && current >= 0) {
      const area = rows()[current].querySelector("textarea");
      if (area) { event.preventDefault(); area.focus(); }
    } else return;
  });

  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (target) current = rows().indexOf(target);
})();
