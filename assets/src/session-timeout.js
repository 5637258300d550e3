// The session timeout warning (HMRC's "service timeout" pattern), for signed-in pages only.
//
// The server signs a person out after SESSION_IDLE_TIMEOUT_SECONDS without a request, and
// SESSION_ABSOLUTE_TIMEOUT_SECONDS after they signed in (fundapp/accounts/sessions.py). <body> says how many seconds
// of each are left; a little before the nearer end this opens the modal <dialog> in core/session_timeout_dialog.html.
// "Stay signed in" (or Escape) posts to the keep-alive endpoint with the page's CSRF token, which restarts the idle
// clock without reloading, so nothing typed on the page is lost. When the time is up, the page is fetched again and
// the server sends the person to sign in, then back here.

const body = document.body;
const dialog = document.getElementById("session-timeout");

function words(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

if (dialog && body.dataset.sessionIdleSeconds && typeof dialog.showModal === "function") {
  const idleSeconds = Number(body.dataset.sessionIdleSeconds);
  const warningSeconds = Number(body.dataset.sessionWarningSeconds);
  const keepAliveUrl = body.dataset.sessionKeepAliveUrl;
  const message = dialog.querySelector("#session-timeout-message");
  const stayButton = dialog.querySelector("[data-session-stay]");
  const token = dialog.querySelector('input[name="csrf_token"]').value;
  const loadedAt = Date.now();
  const absoluteEnd = loadedAt + Number(body.dataset.sessionAbsoluteSeconds) * 1000;
  let idleEnd = loadedAt + idleSeconds * 1000;
  let timers = [];
  let ticker = null;
  let returnFocusTo = null;

  const nearerEnd = () => Math.min(idleEnd, absoluteEnd);
  const absoluteFirst = () => absoluteEnd <= idleEnd;

  const showTimeLeft = () => {
    const left = Math.max(0, Math.round((nearerEnd() - Date.now()) / 1000));
    const template = absoluteFirst() ? message.dataset.absoluteText : message.dataset.idleText;
    message.textContent = template.replace("{time}", words(left));
  };

  const timeIsUp = () => {
    // Ask for this page again: the server has ended the session and sends the person to sign in, then back.
    window.location.assign(window.location.pathname + window.location.search);
  };

  const open = () => {
    stayButton.textContent = absoluteFirst() ? "Continue" : "Stay signed in";
    showTimeLeft();
    returnFocusTo = document.activeElement;
    dialog.showModal();
    stayButton.focus();
    ticker = window.setInterval(showTimeLeft, 1000);
  };

  const close = () => {
    window.clearInterval(ticker);
    dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
  };

  const schedule = () => {
    timers.forEach((timer) => window.clearTimeout(timer));
    const now = Date.now();
    const end = nearerEnd();
    timers = [
      window.setTimeout(open, Math.max(0, end - warningSeconds * 1000 - now)),
      // A second after the server's end, so the server has certainly ended the session by then.
      window.setTimeout(timeIsUp, Math.max(0, end - now) + 1000),
    ];
  };

  const staySignedIn = async () => {
    if (absoluteFirst()) {
      close(); // nothing extends the absolute timeout: the warning has been read
      return;
    }
    stayButton.disabled = true;
    try {
      const response = await fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) {
        timeIsUp();
        return;
      }
      idleEnd = Date.now() + idleSeconds * 1000;
      close();
      schedule();
    } catch {
      timeIsUp();
    } finally {
      stayButton.disabled = false;
    }
  };

  stayButton.addEventListener("click", staySignedIn);
  // Escape means "Stay signed in", as in the HMRC pattern (the browser would otherwise just close the dialog).
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule();
}
