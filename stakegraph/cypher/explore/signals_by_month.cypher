// Signals per kind per month
// question: How many signals of each kind were raised in each calendar month (UTC), at how
// many accounts, and how severe were they on average?
// params: $since, $until
// param since: date = null -- signals raised on or after this day; null: from the first
// param until: date = null -- signals raised before this day; null: to the last
// example:
// month       kind                   signals  accounts  mean_severity
// 2024-05-01  champion_departure     1        1         0.9
// 2024-06-01  executive_withdrawal   2        2         0.4
MATCH (s:Signal)
WHERE ($since IS NULL OR s.at_epoch >= $since) AND ($until IS NULL OR s.at_epoch < $until)
WITH s, datetime({epochSeconds: s.at_epoch}) AS raised
WITH s, date({year: raised.year, month: raised.month, day: 1}) AS first_day
RETURN toString(first_day) AS month, s.kind AS kind, count(s) AS signals,
       count(DISTINCT s.account_id) AS accounts, avg(s.severity) AS mean_severity
ORDER BY month, kind
