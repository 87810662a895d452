// Gap analytics charts (chart.js 4). The data comes from a JSON island; the tables hold the same numbers.
(function () {
  'use strict';
  var island = document.getElementById('chart-data');
  if (!island || !window.Chart) return;
  var data = JSON.parse(island.textContent || '{}');
  // Colour-blind-safe palette (Okabe-Ito), dark enough against white.
  var colours = ['#0072B2', '#D55E00', '#009E73'];
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = '#1b1b1b';
  function draw(id, d, horizontal) {
    var canvas = document.getElementById(id);
    if (!canvas || !d || !d.labels || !d.labels.length) return;
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, n) { return { label: s.label, data: s.data, backgroundColor: colours[n % colours.length] }; }),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        maintainAspectRatio: false,
        animation: false,
        locale: data.locale,
        plugins: { legend: { position: 'top', rtl: data.rtl }, tooltip: { rtl: data.rtl } },
        scales: {
          x: { reverse: !!data.rtl && !horizontal, ticks: { precision: 0 } },
          y: { position: data.rtl && !horizontal ? 'right' : 'left', beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }
  draw('chart-area', data.byArea, true);
  draw('chart-region', data.byRegion, false);
})();
