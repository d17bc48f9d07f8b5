// Close an open play with its outcome (and, for a stress-test, the next step it leads to);
// the closing is appended to its dated history. A closed play is left as it is.
// params: $id, $outcome, $next_step, $at, $note, $event
MATCH (p:Play {id: $id})
WHERE p.status = 'open'
SET p.status = 'closed', p.outcome = $outcome, p.next_step = $next_step, p.closed_epoch = $at,
    p.closed_at = datetime({epochSeconds: $at}), p.close_note = $note,
    p.history = p.history + [$event]
