// kordon's one page script (ADR 28): the WebAuthn ceremonies of the passkey steps. A form with
// data-passkey="create" or "get" carries the options the server made (data-options, JSON); on
// submit (or at once with data-passkey-auto) this asks the browser for the passkey and posts its
// answer, PublicKeyCredential.toJSON(), in the form's field "response". No other page runs it.
(function () {
  "use strict";
  function failed(form) {
    var note = form.querySelector("[data-passkey-error]");
    if (note) note.hidden = false;
  }
  function run(form) {
    if (form.dataset.busy) return;
    var P = window.PublicKeyCredential;
    if (!P || !P.parseCreationOptionsFromJSON || !P.parseRequestOptionsFromJSON || !navigator.credentials) {
      failed(form);
      return;
    }
    var options = JSON.parse(form.dataset.options);
    form.dataset.busy = "1";
    var asked = form.dataset.passkey === "create"
      ? navigator.credentials.create({ publicKey: P.parseCreationOptionsFromJSON(options) })
      : navigator.credentials.get({ publicKey: P.parseRequestOptionsFromJSON(options) });
    asked.then(function (credential) {
      form.querySelector("input[name=response]").value = JSON.stringify(credential.toJSON());
      form.submit();
    }, function (err) {
      delete form.dataset.busy;
      // What the browser said, for whoever inspects the page (the person reads the note).
      form.dataset.failure = String(err && err.name ? err.name + ": " + err.message : err);
      failed(form);
    });
  }
  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form);
    });
    if (form.hasAttribute("data-passkey-auto")) run(form);
  });
})();
