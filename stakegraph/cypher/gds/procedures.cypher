// The Graph Data Science procedures stakegraph uses that this server has (none without GDS).
// params: none
SHOW PROCEDURES YIELD name
WHERE name IN ['gds.graph.project', 'gds.betweenness.stream', 'gds.articulationPoints.stream', 'gds.graph.drop']
RETURN name
