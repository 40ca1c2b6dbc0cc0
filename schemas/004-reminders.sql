-- guichet schema, version 4: the days whose reminders went out
-- ([reminders] days_before), like the digests' days. Each reminder is
-- an outbox row of kind 'reminder' keyed reminder:DAY:REFERENCE, which
-- makes it once per dossier and day; this table tells the daemon that a
-- day's reminders were queued (it looks once a minute) and how many.
-- `guichet replay` carries the outbox rows over; a day missing here
-- after one is queued again, and reminds only the dossiers not reminded.
CREATE TABLE reminder_days (
  call_id      TEXT NOT NULL,
  day          TEXT NOT NULL,      -- YYYY-MM-DD in the call's time zone
  days_before  INTEGER NOT NULL,   -- how many days before the closing day
  queued       INTEGER NOT NULL,   -- reminders queued that day, all runs together
  at           TEXT NOT NULL,      -- the last run
  PRIMARY KEY (call_id, day)
);
