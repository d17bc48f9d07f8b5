// Drop a projected network if it is still there (a measurement that failed half-way).
// params: $graph
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName
