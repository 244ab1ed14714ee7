/* The dashboards' charts: each <div data-chart="NAME"> is drawn by ECharts (vendored, no CDN) from the
   JSON the page wrote with json_script into <script type="application/json" id="NAME">. No inline script. */
(function () {
  "use strict";

  function read(name) {
    var node = document.getElementById(name);
    return node ? JSON.parse(node.textContent) : null;
  }

  function axes(data, percent) {
    return {
      xAxis: {type: "category", data: data.x.map(String), name: data.x_label || "", nameLocation: "middle", nameGap: 28},
      yAxis: {type: "value", name: data.y_label || "", axisLabel: {formatter: percent ? "{value}%" : "{value}"}}
    };
  }

  function base(data) {
    return {
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 60, right: 30, top: 40, bottom: 50}
    };
  }

  function lines(data) {
    var option = Object.assign(base(data), axes(data, data.percent));
    option.series = data.series.map(function (s) {
      return {name: s.name, type: "line", showSymbol: data.x.length < 40, connectNulls: true, data: s.values};
    });
    return option;
  }

  function bars(data) {
    var option = Object.assign(base(data), axes(data, false));
    option.series = data.series.map(function (s) { return {name: s.name, type: "bar", data: s.values}; });
    if (data.line) {
      option.yAxis = [option.yAxis, {type: "value", name: data.line.name, splitLine: {show: false}}];
      option.series.push({name: data.line.name, type: "line", yAxisIndex: 1, connectNulls: true, data: data.line.values});
    }
    return option;
  }

  function interval(data) {
    var option = Object.assign(base(data), axes(data, false));
    option.yAxis.scale = true;
    var whiskers = data.x.map(function (_, i) { return [i, data.low[i], data.high[i]]; });
    option.series = [
      {name: data.series[0].name, type: "scatter", symbolSize: 10, data: data.series[0].values},
      {
        name: "95%", type: "custom", data: whiskers,
        renderItem: function (params, api) {
          if (api.value(1) === null || api.value(2) === null || isNaN(api.value(1))) { return null; }
          var low = api.coord([api.value(0), api.value(1)]);
          var high = api.coord([api.value(0), api.value(2)]);
          var half = 8;
          var style = {stroke: api.visual("color"), lineWidth: 2};
          return {type: "group", children: [
            {type: "line", shape: {x1: low[0], y1: low[1], x2: high[0], y2: high[1]}, style: style},
            {type: "line", shape: {x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1]}, style: style},
            {type: "line", shape: {x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1]}, style: style}
          ]};
        },
        encode: {x: 0, y: [1, 2]}
      }
    ];
    return option;
  }

  function calibration(data) {
    var option = base(data);
    option.tooltip = {trigger: "item"};
    option.xAxis = {type: "value", min: 0, max: 1, name: data.x_label, nameLocation: "middle", nameGap: 28};
    option.yAxis = {type: "value", min: 0, max: 1, name: data.y_label};
    option.series = [
      {name: data.series[0].name, type: "line", data: data.x.map(function (x, i) { return [x, data.series[0].values[i]]; })},
      {name: "y = x", type: "line", showSymbol: false, lineStyle: {type: "dashed"}, data: [[0, 0], [1, 1]]}
    ];
    return option;
  }

  var KINDS = {lines: lines, bars: bars, interval: interval, calibration: calibration};

  function draw(node) {
    var data = read(node.getAttribute("data-chart"));
    if (!data || !KINDS[data.kind] || typeof echarts === "undefined") { return; }
    var chart = echarts.init(node, null, {renderer: "canvas"});
    chart.setOption(KINDS[data.kind](data));
    node.setAttribute("data-drawn", String(data.series.reduce(function (n, s) {
      return n + s.values.filter(function (v) { return v !== null; }).length;
    }, 0)));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
