// Identity resolution looks people up by email address.
// params: none
CREATE INDEX person_emails IF NOT EXISTS FOR (p:Person) ON (p.emails)
