/*
 * Chart.js initialiser (classic script). Load after Chart.js, both deferred:
 *
 *   <script defer src="{% static 'vendor/chart.umd.min.js' %}"></script>
 *   <script defer src="{% static 'js/charts.js' %}"></script>
 *
 * Markup (data produced by Django's json_script):
 *
 *   {{ chart|json_script:"spend-chart-data" }}
 *   <div class="app-chart">
 *     <canvas data-chart="spend-chart-data" role="img"
 *             aria-label="Spend by month" aria-describedby="spend-table"></canvas>
 *   </div>
 *
 * JSON: {"type": "bar"|"line"|"doughnut"|"pie", "labels": [...],
 *        "datasets": [{"label": "...", "data": [...]}],
 *        "stacked": false, "money": true|false, "indexAxis": "x"|"y"}
 *
 * Runs on DOMContentLoaded and after every htmx swap (htmx:afterSettle) or
 * htmx history restore. Charts whose canvas was swapped out are destroyed.
 * CSP-safe: no eval, no inline styles from this file.
 */
(function () {
  "use strict";

  // GOV.UK colour palette, in a fixed order, so series colours are stable.
  var PALETTE = [
    "#1d70b8", // blue
    "#f47738", // orange
    "#00703c", // green
    "#d4351c", // red
    "#4c2c92", // purple
    "#f499be", // pink
    "#28a197", // turquoise
    "#b58840", // brown
    "#5694ca", // light blue
    "#85994b" // light green
  ];
  var TEXT_COLOUR = "#0b0c0c";
  var GRID_COLOUR = "#cecece";
  var FONT_FAMILY = "arial, sans-serif";
  var CIRCULAR_TYPES = { doughnut: true, pie: true };
  var SUPPORTED_TYPES = { bar: true, line: true, doughnut: true, pie: true };

  var numberFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
  var moneyWhole = new Intl.NumberFormat("en-GB", {
    style: "currency",
    currency: "GBP",
    minimumFractionDigits: 0,
    maximumFractionDigits: 0
  });
  var moneyPence = new Intl.NumberFormat("en-GB", {
    style: "currency",
    currency: "GBP",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2
  });

  function formatValue(value, money) {
    var n = Number(value);
    if (value === null || value === undefined || !isFinite(n)) {
      return "";
    }
    if (!money) {
      return numberFormat.format(n);
    }
    return Number.isInteger(n) ? moneyWhole.format(n) : moneyPence.format(n);
  }

  function colour(i) {
    return PALETTE[i % PALETTE.length];
  }

  function readSpec(canvas) {
    var id = canvas.getAttribute("data-chart");
    var source = id ? document.getElementById(id) : null;
    if (!source) {
      throw new Error("charts.js: no JSON element with id '" + id + "'");
    }
    var spec = JSON.parse(source.textContent);
    if (!spec || typeof spec !== "object") {
      throw new Error("charts.js: JSON in '#" + id + "' is not an object");
    }
    return spec;
  }

  function buildDatasets(spec, type) {
    var circular = CIRCULAR_TYPES[type] === true;
    var datasets = Array.isArray(spec.datasets) ? spec.datasets : [];
    return datasets.map(function (ds, i) {
      var out = {
        label: ds.label || "",
        data: Array.isArray(ds.data) ? ds.data : []
      };
      if (circular) {
        out.backgroundColor = out.data.map(function (_, j) {
          return colour(j);
        });
        out.borderColor = "#ffffff";
        out.borderWidth = 2;
      } else if (type === "line") {
        out.borderColor = colour(i);
        out.backgroundColor = colour(i);
        out.borderWidth = 3;
        out.pointRadius = 3;
        out.pointHoverRadius = 5;
        out.fill = false;
        out.tension = 0;
      } else {
        out.backgroundColor = colour(i);
        out.borderColor = colour(i);
        out.borderWidth = 0;
      }
      return out;
    });
  }

  function buildOptions(spec, type, datasetCount) {
    var money = spec.money === true;
    var circular = CIRCULAR_TYPES[type] === true;
    var stacked = spec.stacked === true;
    var indexAxis = spec.indexAxis === "y" && type === "bar" ? "y" : "x";
    var valueAxis = indexAxis === "y" ? "x" : "y";

    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: indexAxis,
      color: TEXT_COLOUR,
      font: { family: FONT_FAMILY, size: 14 },
      interaction: circular ? undefined : { mode: "index", intersect: false },
      plugins: {
        legend: {
          display: circular || datasetCount > 1,
          position: "bottom",
          labels: { color: TEXT_COLOUR, font: { family: FONT_FAMILY, size: 14 } }
        },
        tooltip: {
          titleFont: { family: FONT_FAMILY, size: 14, weight: "bold" },
          bodyFont: { family: FONT_FAMILY, size: 14 },
          callbacks: {
            label: function (ctx) {
              var raw = circular ? ctx.raw : ctx.parsed[valueAxis];
              var name = circular ? ctx.label : ctx.dataset.label;
              var value = formatValue(raw, money);
              return name ? name + ": " + value : value;
            }
          }
        }
      }
    };

    if (!circular) {
      var categoryAxis = indexAxis;
      var axisFont = { family: FONT_FAMILY, size: 14 };
      options.scales = {};
      options.scales[categoryAxis] = {
        stacked: stacked,
        ticks: { color: TEXT_COLOUR, font: axisFont },
        grid: { display: false }
      };
      options.scales[valueAxis] = {
        stacked: stacked,
        beginAtZero: true,
        ticks: {
          color: TEXT_COLOUR,
          font: axisFont,
          callback: function (value) {
            return formatValue(value, money);
          }
        },
        grid: { color: GRID_COLOUR }
      };
    }
    return options;
  }

  function createChart(canvas) {
    var spec = readSpec(canvas);
    var type = SUPPORTED_TYPES[spec.type] ? spec.type : "bar";
    var datasets = buildDatasets(spec, type);
    if (!canvas.hasAttribute("role")) {
      canvas.setAttribute("role", "img");
    }
    return new window.Chart(canvas, {
      type: type,
      data: {
        labels: Array.isArray(spec.labels) ? spec.labels : [],
        datasets: datasets
      },
      options: buildOptions(spec, type, datasets.length)
    });
  }

  // Destroy charts whose canvas has been removed from the page (e.g. by an
  // htmx swap) so Chart.js releases its resize observers.
  function destroyDetached() {
    var instances = window.Chart.instances || {};
    Object.keys(instances).forEach(function (key) {
      var chart = instances[key];
      if (chart && chart.canvas && !chart.canvas.isConnected) {
        chart.destroy();
      }
    });
  }

  function initCharts() {
    if (typeof window.Chart !== "function") {
      console.error("charts.js: Chart.js is not loaded (load vendor/chart.umd.min.js first)");
      return;
    }
    destroyDetached();
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      // Chart.getChart() is the source of truth for "already initialised".
      // (A marker attribute would survive htmx's history snapshot, which keeps
      // the attributes but not the chart, and the chart would never come back.)
      if (window.Chart.getChart(canvas)) {
        return;
      }
      try {
        createChart(canvas);
      } catch (err) {
        console.error(err);
      }
    });
  }

  if (typeof window.Chart === "function") {
    window.Chart.defaults.font.family = FONT_FAMILY;
    window.Chart.defaults.color = TEXT_COLOUR;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initCharts);
  } else {
    initCharts();
  }

  // htmx events bubble from the swapped element through <body> to document, so
  // listening on document also works if this script runs before <body> exists.
  // Re-scanning the whole document is cheap and covers out-of-band swaps.
  document.addEventListener("htmx:afterSettle", initCharts);
  // Back/forward through htmx history restores the HTML (canvas without chart).
  document.addEventListener("htmx:historyRestore", initCharts);
})();
