// Loading the Consolidated List from the admin page: the chosen file goes as application/xml to the
// same-origin web endpoint (session + CSRF header), with a progress bar while it uploads.
(function () {
  'use strict';
  var form = document.getElementById('list-form');
  if (!form || !window.XMLHttpRequest || !window.FileReader) return;
  var input = document.getElementById('f-listfile');
  var box = document.getElementById('list-progress');
  var bar = document.getElementById('list-bar');
  var status = document.getElementById('list-progress-status');
  var result = document.getElementById('list-result');
  var msg = function (name, vars) {
    var s = form.getAttribute('data-msg-' + name) || '';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  };
  var show = function (cls, text, role, id) {
    result.textContent = '';
    var d = document.createElement('div');
    d.className = cls;
    d.setAttribute('role', role);
    if (id) d.id = id;
    var p = document.createElement('p');
    p.textContent = text;
    d.appendChild(p);
    result.appendChild(d);
    return d;
  };

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { input.focus(); return; }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/admin/screening/list?source=' + encodeURIComponent(file.name));
    xhr.setRequestHeader('content-type', 'application/xml');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', form.getAttribute('data-csrf'));
    box.hidden = false;
    bar.value = 0;
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      status.textContent = pct < 100 ? msg('uploading', { pct: pct }) : msg('processing');
    };
    xhr.onload = function () {
      bar.value = 100;
      status.textContent = '';
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if ((xhr.status === 201 || xhr.status === 200) && body) {
        show('notice', body.unchanged ? msg('unchanged') : msg('done', { individuals: body.individuals, entities: body.entities }), 'status', 'list-done');
        return;
      }
      var box2 = show('error-summary', msg('failed') + ' ' + ((body && body.error && body.error.message) || xhr.status), 'alert', 'list-failed');
      var details = (body && body.error && body.error.details) || [];
      if (details.length) {
        var ul = document.createElement('ul');
        details.slice(0, 20).forEach(function (d) {
          var li = document.createElement('li');
          li.textContent = d.path + ': ' + d.message;
          ul.appendChild(li);
        });
        box2.appendChild(ul);
      }
    };
    xhr.onerror = function () { show('error-summary', msg('failed'), 'alert', 'list-failed'); };
    xhr.send(file);
  });
})();
