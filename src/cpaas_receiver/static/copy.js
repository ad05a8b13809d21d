// "Copy as curl": the command is already on the page (readable without JavaScript);
// this only puts it on the clipboard.
(function () {
  "use strict";
  var button = document.getElementById("copy-curl");
  var source = document.getElementById("curl");
  var status = document.getElementById("copy-status");
  if (!button || !source) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent).then(
      function () { status.textContent = "copied"; },
      function () { status.textContent = "could not copy: select the text above"; }
    );
  });
}());
