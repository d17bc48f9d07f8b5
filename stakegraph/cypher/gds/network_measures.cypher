// Betweenness (each pair of people counted once) and articulation points of one
// undirected network, by Graph Data Science: the network is projected from the given
// pairs of node numbers, measured and dropped in one statement (graph/gds.py).
// People with no tie are not projected: their betweenness is 0 and none is a cut.
// params: $graph, $edges
UNWIND $edges AS edge
WITH gds.graph.project($graph, edge[0], edge[1], {}, {undirectedRelationshipTypes: ['*']}) AS projected
CALL gds.betweenness.stream($graph) YIELD nodeId, score
WITH collect([nodeId, score]) AS betweenness
OPTIONAL CALL gds.articulationPoints.stream($graph) YIELD nodeId
WITH betweenness, collect(nodeId) AS cuts
CALL gds.graph.drop($graph) YIELD graphName
RETURN betweenness, cuts
