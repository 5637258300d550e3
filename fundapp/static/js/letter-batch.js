// Bulk award letters: follow a batch's progress without reloading the page.
// The page works without JavaScript (it shows the state when it loaded, with a Refresh link); with it, this polls
// the batch's status.json (same origin) every second and updates the <progress> bar and the aria-live text, stopping
// when the batch has finished. Then it shows the ZIP download button, or a note about letters not issued.

const POLL_MS = 1000;
const FINISHED = new Set(["done", "failed"]);

function follow(root) {
  const url = root.dataset.statusUrl;
  const bar = document.getElementById("batch-progress-bar");
  const text = document.getElementById("batch-progress-text");
  const label = document.getElementById("batch-progress-label");
  const download = document.getElementById("batch-progress-download");
  const link = document.getElementById("batch-zip-link");
  const refresh = document.getElementById("batch-refresh");
  const failuresNote = document.getElementById("batch-failures-note");
  const hadFailures = document.getElementById("batch-failures") !== null;
  if (!url || !bar || !text) return;

  function show(state) {
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    bar.textContent = `${state.done} of ${state.total}`;
    if (text.textContent !== state.text) text.textContent = state.text; // only real changes are announced
    if (label && state.label) {
      const tag = label.querySelector(".govuk-tag");
      if (tag && tag.textContent !== state.label) {
        tag.textContent = state.label;
        tag.className = `govuk-tag ${state.status === "done" ? "govuk-tag--green" : state.status === "failed" ? "govuk-tag--red" : "govuk-tag--blue"}`;
        for (const node of Array.from(label.childNodes)) if (node !== tag) node.remove();
      }
    }
    if (!FINISHED.has(state.status)) return false;
    if (state.zip_url && download && link) {
      link.href = state.zip_url;
      link.textContent = state.zip_label || "Download the letters (ZIP)";
      download.hidden = false;
    }
    if (refresh) refresh.hidden = true;
    if (state.failed && failuresNote && !hadFailures) failuresNote.hidden = false;
    return true;
  }

  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
      if (response.ok && show(await response.json())) return; // finished: stop polling
    } catch (error) {
      // A dropped connection: keep trying; the Refresh link still works.
    }
    window.setTimeout(poll, POLL_MS);
  }

  if (!FINISHED.has(root.dataset.status)) window.setTimeout(poll, POLL_MS);
}

for (const root of document.querySelectorAll("[data-letter-batch]")) follow(root);
