// Passkeys on the second-factor and account security pages: the glue between the server's options
// (fetched with the page's CSRF token) and @simplewebauthn/browser, which talks to
// navigator.credentials. The browser's answer goes back in the form's hidden `response` field, so
// the server answers with an ordinary page, in the user's language.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  var supported = !!(lib && lib.browserSupportsWebAuthn && lib.browserSupportsWebAuthn());

  function fail(form, err) {
    var box = form.querySelector('[data-role="passkey-error"]');
    if (!box) return;
    box.textContent = form.getAttribute('data-msg-failed') || '';
    box.hidden = false;
    if (window.console && err) console.warn('passkey:', err && err.name, err && err.message);
  }

  function optionsOf(form) {
    return fetch(form.getAttribute('data-options'), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'x-csrf-token': form.getAttribute('data-csrf'), accept: 'application/json' },
    }).then(function (r) { if (!r.ok) throw new Error('options ' + r.status); return r.json(); });
  }

  function wire(form, run) {
    if (!form) return;
    var busy = false;
    var go = function (ev) {
      if (ev) ev.preventDefault();
      if (busy) return;
      busy = true;
      optionsOf(form).then(run).then(function (answer) {
        form.querySelector('input[name="response"]').value = JSON.stringify(answer);
        form.submit();
      }).catch(function (err) { busy = false; fail(form, err); });
    };
    form.addEventListener('submit', go);
    return go;
  }

  var signIn = document.getElementById('passkey-signin');
  var add = document.getElementById('passkey-add');
  var unsupported = document.querySelector('[data-role="passkey-unsupported"]');
  if (!supported) return;
  if (unsupported) unsupported.hidden = true;

  if (signIn) {
    signIn.querySelector('button[type="submit"]').hidden = false;
    wire(signIn, function (optionsJSON) { return lib.startAuthentication({ optionsJSON: optionsJSON }); });
  }
  if (add) {
    add.hidden = false;
    wire(add, function (optionsJSON) { return lib.startRegistration({ optionsJSON: optionsJSON }); });
  }
})();
