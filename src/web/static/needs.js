// Reads a chosen CSV file into the textarea so it can be previewed (pasting works without JavaScript).
(function () {
  'use strict';
  var input = document.querySelector('input[type=file][data-fills]');
  if (!input || !window.FileReader) return;
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    var target = document.getElementById(input.getAttribute('data-fills'));
    if (!file || !target) return;
    var reader = new FileReader();
    reader.onload = function () { target.value = String(reader.result || ''); };
    reader.readAsText(file);
  });
})();
