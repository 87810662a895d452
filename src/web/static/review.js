// "Select all" for the review queue (the page works without it).
(function () {
  'use strict';
  var all = document.getElementById('select-all');
  if (!all) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll('input.row-select'));
  all.hidden = false;
  all.addEventListener('change', function () { rows.forEach(function (r) { r.checked = all.checked; }); });
  rows.forEach(function (r) {
    r.addEventListener('change', function () { all.checked = rows.every(function (x) { return x.checked; }); });
  });
})();
