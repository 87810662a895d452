// Bulk upload with a progress bar: sends the file as text/csv or application/xml to the same-origin
// web endpoint, then renders the per-row problem report from the API's `details`.
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  if (!form || !window.XMLHttpRequest) return;
  var box = document.getElementById('upload-progress');
  var bar = document.getElementById('upload-bar');
  var status = document.getElementById('upload-status');
  var result = document.getElementById('upload-result');
  var msg = function (name, vars) {
    var s = form.getAttribute('data-msg-' + name) || '';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  };
  var el = function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  function report(xhr) {
    result.textContent = '';
    var body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (xhr.status === 201 && body) {
      var ok = el('div', msg('done', { created: body.created, updated: body.updated }), 'notice');
      ok.setAttribute('role', 'status');
      ok.id = 'upload-done';
      result.appendChild(ok);
      return;
    }
    var details = (body && body.error && body.error.details) || [];
    var summary = el('div', undefined, 'error-summary');
    summary.setAttribute('role', 'alert');
    summary.appendChild(el('p', body && body.error && body.error.message ? body.error.message : msg('failed', { n: Math.max(details.length, 1) })));
    result.appendChild(summary);
    if (!details.length) return;
    var table = el('table', undefined, 'data errors');
    table.id = 'upload-errors';
    var head = table.createTHead().insertRow();
    ['row', 'field', 'problem'].forEach(function (c) {
      var th = el('th', form.getAttribute('data-col-' + c));
      th.scope = 'col';
      head.appendChild(th);
    });
    var tbody = table.createTBody();
    // The server says each problem in the page's language, with the file's line (the spreadsheet's).
    details.forEach(function (d) {
      var tr = tbody.insertRow();
      tr.insertCell().textContent = d.line != null ? String(d.line) : d.row != null ? msg('row', { row: d.row }) : msg('file');
      tr.insertCell().appendChild(el('code', d.field || '—'));
      tr.insertCell().textContent = d.problem || d.message || '';
    });
    result.appendChild(table);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var format = (form.querySelector('input[name=format]:checked') || {}).value || 'csv';
    var fileInput = form.querySelector('input[type=file]');
    var file = fileInput && fileInput.files && fileInput.files[0];
    var text = form.querySelector('textarea[name=content]').value;
    if (!file && !text.trim()) {
      result.textContent = '';
      var e = el('div', msg('empty'), 'error-summary');
      e.setAttribute('role', 'alert');
      result.appendChild(e);
      return;
    }
    if (file && /\.xml$/i.test(file.name)) format = 'iati';
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/offerings/upload?format=' + encodeURIComponent(format));
    xhr.setRequestHeader('Content-Type', format === 'iati' ? 'application/xml' : 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', form.querySelector('input[name=_csrf]').value);
    box.hidden = false;
    bar.value = 0;
    status.textContent = msg('uploading');
    result.textContent = '';
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 100);
    };
    xhr.upload.onload = function () {
      bar.value = 100;
      // Indeterminate while the server checks and imports.
      bar.removeAttribute('value');
      status.textContent = msg('processing');
    };
    xhr.onload = function () {
      button.disabled = false;
      bar.value = 100;
      status.textContent = '';
      box.hidden = xhr.status !== 201;
      report(xhr);
    };
    xhr.onerror = function () {
      button.disabled = false;
      status.textContent = msg('network');
    };
    xhr.send(file || text);
  });
})();
