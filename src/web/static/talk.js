// Messages and documents with a progress bar: the form is sent as multipart/form-data (FormData)
// to the same address it posts to without JavaScript; the page then goes where the server says,
// or shows the server's explanation in the user's language and keeps what was typed.
(function () {
  'use strict';
  if (!window.XMLHttpRequest || !window.FormData) return;
  var forms = document.querySelectorAll('form[data-upload]');
  Array.prototype.forEach.call(forms, function (form) {
    var box = form.querySelector('.progress');
    var bar = box && box.querySelector('progress');
    var status = box && box.querySelector('.upload-status');
    var result = form.querySelector('.upload-result');
    var msg = function (name, vars) {
      var s = form.getAttribute('data-msg-' + name) || '';
      Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
      return s;
    };
    var fail = function (text) {
      result.textContent = '';
      var e = document.createElement('div');
      e.className = 'error-summary';
      e.setAttribute('role', 'alert');
      var p = document.createElement('p');
      p.textContent = msg('failed') + ' ' + text;
      e.appendChild(p);
      result.appendChild(e);
    };
    // An internal message cannot be addressed to the state or a provider: those choices are disabled.
    var addressee = form.querySelector('select[name=addressee]');
    var syncAddressees = function () {
      if (!addressee) return;
      var v = form.querySelector('input[name=visibility]:checked');
      var internal = v && v.value === 'internal';
      Array.prototype.forEach.call(addressee.options, function (o) {
        o.disabled = internal && o.getAttribute('data-internal-allowed') === 'no';
        if (o.disabled && o.selected) addressee.value = '';
      });
    };
    Array.prototype.forEach.call(form.querySelectorAll('input[name=visibility]'), function (r) { r.addEventListener('change', syncAddressees); });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!form.reportValidity()) return;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('action'));
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', form.querySelector('input[name=_csrf]').value);
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      box.hidden = false;
      bar.value = 0;
      status.textContent = msg('sending', { pct: 0 });
      result.textContent = '';
      xhr.upload.onprogress = function (p) {
        if (!p.lengthComputable) return;
        var pct = Math.round((p.loaded / p.total) * 100);
        bar.value = pct;
        status.textContent = msg('sending', { pct: pct });
      };
      xhr.upload.onload = function () {
        bar.removeAttribute('value');
        status.textContent = msg('processing');
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status < 300 && body && body.redirect) {
          bar.value = 100;
          // Only the hash differs: assign() would not load the page again.
          var target = new URL(body.redirect, window.location.href);
          if (target.pathname + target.search === window.location.pathname + window.location.search) {
            window.location.hash = target.hash;
            window.location.reload();
          } else window.location.assign(target.href);
          return;
        }
        button.disabled = false;
        box.hidden = true;
        fail(body && body.error ? body.error.message : String(xhr.status));
      };
      xhr.onerror = function () {
        button.disabled = false;
        box.hidden = true;
        fail(msg('network'));
      };
      xhr.send(new FormData(form));
    });
  });
})();
