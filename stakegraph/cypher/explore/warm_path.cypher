// The strongest warm paths between two people
// question: Through whom can $from_person reach $to_person? Paths of up to three hops over
// tie strengths (TIE, 0-1, from the last analysis) and declared acquaintances (KNOWS,
// worth $knows_strength each); a path's strength is the product of its hops', strongest
// first. The path column holds the path itself (the web page draws it).
// params: $from_person, $to_person, $knows_strength, $paths
// param from_person: text = required -- the id of the person who needs the introduction
// param to_person: text = required -- the id of the person to reach
// param knows_strength: float = 0.3 -- the strength given to a KNOWS hop
// param paths: int = 5 -- at most this many paths
// example:
// people                                              hops  strength  person_ids  path
// ["Omar Diaz", "Alan Moss", "Carol Reed", "Tom Hale"] 3     0.27      [...]       [...]
// ["Omar Diaz", "Uma Chen", "Tom Hale"]                2     0.24      [...]       [...]
MATCH (s:Person {id: $from_person})
MATCH (t:Person {id: $to_person})
MATCH p = (s)-[:TIE|KNOWS*1..3]-(t)
WHERE ALL(k IN range(0, length(p) - 1) WHERE NOT nodes(p)[k] IN nodes(p)[k + 1..])
WITH p, reduce(w = 1.0, r IN relationships(p) |
       w * CASE type(r) WHEN 'TIE' THEN r.strength ELSE $knows_strength END) AS strength
ORDER BY strength DESC
WITH [n IN nodes(p) | n.id] AS person_ids, [n IN nodes(p) | n.name] AS people,
     max(strength) AS strength, collect(p)[0] AS path
RETURN people, size(person_ids) - 1 AS hops, strength, person_ids, path
ORDER BY strength DESC, hops, person_ids
LIMIT $paths
