// Draw the network page's graph with Cytoscape.js from the JSON beside it. An enhancement:
// without JavaScript the tables on the page say the same.
(function () {
  "use strict";
  var container = document.getElementById("network-graph");
  var data = document.getElementById("network-data");
  if (!container || !data || typeof window.cytoscape !== "function") {
    return;
  }
  var graph = JSON.parse(data.textContent);
  var colours = { suspect: "#d4351c", victim: "#1d70b8" };
  container.hidden = false;
  window.cytoscape({
    container: container,
    elements: graph.nodes
      .map(function (node) {
        return { data: { id: node.id, kind: node.kind } };
      })
      .concat(
        graph.edges.map(function (edge, index) {
          return { data: { id: "e" + index, source: edge.source, target: edge.target } };
        })
      ),
    style: [
      {
        selector: "node",
        style: {
          "background-color": function (node) {
            return colours[node.data("kind")] || "#505a5f";
          },
          label: "data(kind)",
          "font-size": 10
        }
      },
      { selector: "edge", style: { width: 1, "line-color": "#b1b4b6" } }
    ],
    layout: { name: "cose", animate: false }
  });
})();
