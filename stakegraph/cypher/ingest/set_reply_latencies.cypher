// Reply latencies found once the whole import was read (the parent came later in the file).
// params: $rows
UNWIND $rows AS row
MATCH (i:Interaction {id: row[0]})
SET i.reply_latency_s = row[1]
