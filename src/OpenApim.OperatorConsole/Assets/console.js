// OpenApim console: the only script. Follows a running operation over server-sent events and updates its panel;
// when the operation ends, reloads the page so the server renders the result. No inline code, no other source.
"use strict";
(function () {
  for (const panel of document.querySelectorAll("[data-events]")) {
    const url = panel.getAttribute("data-events");
    if (!url) continue;
    const field = (name) => panel.querySelector(`[data-field="${name}"]`);
    const show = (event) => {
      const data = JSON.parse(event.data);
      if (field("status")) field("status").textContent = data.status ?? "";
      if (field("phase")) field("phase").textContent = data.phase ?? "";
      if (field("rows")) field("rows").textContent = data.rows ?? "";
      if (field("error")) field("error").textContent = data.error ?? "";
      const steps = field("steps");
      if (steps && Array.isArray(data.steps)) {
        steps.replaceChildren(...data.steps.map((text) => { const li = document.createElement("li"); li.textContent = text; return li; }));
      }
      return data;
    };
    const source = new EventSource(url);
    source.addEventListener("progress", show);
    source.addEventListener("done", (event) => {
      const data = show(event);
      source.close();
      const bar = field("bar");
      if (bar) bar.value = 1;
      panel.setAttribute("data-done", data.status ?? "done");
      // The finished operation's summary and preview are rendered by the server.
      setTimeout(() => window.location.reload(), 300);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && field("error")) field("error").textContent = "Lost the live connection; reload the page.";
    };
  }
})();
