// Live progress of a background job (an allocation on the round page, a what-if on the
// scenario page): poll the box's data-url while the job is queued or running, update the bar,
// and reload the page once the job has finished, so it shows the stored outcome.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var url = box.getAttribute("data-url");

  function show(s) {
    box.setAttribute("data-state", s.state);
    bar.value = s.percent;
    bar.textContent = s.percent + "%";
    text.textContent = s.text;  // worded by the server, in the page's language
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        show(s);
        if (s.state === "running" || s.state === "queued") {
          window.setTimeout(poll, 1000);
        } else if (s.state === "finished" && box.getAttribute("data-started") === "1") {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var initial = box.getAttribute("data-state");
  if (initial === "running" || initial === "queued") {
    box.setAttribute("data-started", "1");
    poll();
  }
}());
