// Live list of events: polls the UI's JSON feed and prepends new rows.
// The feed answers the events after the newest row shown, oldest first, a page at a
// time; while it says there is more, the next page is asked for at once, so a burst
// larger than a page is shown whole and in order.
// The feed's address carries the page's filters, so the live list shows only what the
// filtered page shows.
// Values come from callers: they are only ever set with textContent.
(function () {
  "use strict";
  var table = document.getElementById("events");
  if (!table) { return; }
  var tbody = table.querySelector("tbody");
  var feed = table.getAttribute("data-feed");  // carries the page's filters
  if (!feed) { return; }
  var base = table.getAttribute("data-event-base");
  var status = document.getElementById("live-status");

  function lastId() {
    var first = tbody.querySelector("tr[data-id]");
    return first ? parseInt(first.getAttribute("data-id"), 10) : 0;
  }

  function cell(row, text, tag) {
    var td = document.createElement("td");
    var inner = tag ? document.createElement(tag) : td;
    inner.textContent = text === null || text === undefined ? "" : String(text);
    if (tag) { td.appendChild(inner); }
    row.appendChild(td);
    return inner;
  }

  function addRow(ev) {
    var row = document.createElement("tr");
    row.setAttribute("data-id", String(ev.id));
    var idCell = document.createElement("td");
    var link = document.createElement("a");
    link.href = base + encodeURIComponent(String(ev.id));
    link.textContent = String(ev.id);
    idCell.appendChild(link);
    row.appendChild(idCell);
    cell(row, ev.received_at, "time");
    cell(row, ev.method);
    cell(row, ev.path, "code");
    cell(row, ev.provider || "-");
    var v = cell(row, ev.verdict, "span");
    v.className = "verdict verdict-" + String(ev.verdict).replace(/[^a-z_]/g, "");
    cell(row, ev.status);
    cell(row, ev.auth_user === null ? "" : ev.auth_user);
    tbody.insertBefore(row, tbody.firstChild);
  }

  function poll() {
    fetch(feed + (feed.indexOf("?") < 0 ? "?" : "&") + "after_id=" + lastId(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        data.events.forEach(addRow);
        status.textContent = "(live)";
        return data.more === true;
      })
      .catch(function () { status.textContent = "(live updates paused)"; return false; })
      .then(function (more) { window.setTimeout(poll, more ? 0 : 1500); });
  }
  window.setTimeout(poll, 1500);
}());
