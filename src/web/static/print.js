// The "Print" button of the pages with a print layout (the browser's own print works the same without it).
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-print]');
  for (var k = 0; k < buttons.length; k++) {
    buttons[k].hidden = false;
    buttons[k].addEventListener('click', function () { window.print(); });
  }
})();
