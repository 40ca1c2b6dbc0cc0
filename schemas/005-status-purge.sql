-- guichet schema, version 5: what monitoring and data protection keep.
-- Neither table derives from the stored messages, so `guichet replay`
-- carries both over to the rebuilt database.

-- The daemon's last successful listing of its source (`guichet status`):
-- one row, replaced at every pass.
CREATE TABLE polls (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  at          TEXT NOT NULL,        -- UTC, as every time of the schema
  backlog     INTEGER NOT NULL      -- messages waiting in the mailbox then
);

-- What `guichet purge` leaves of the dossiers it deleted: how many, per
-- status and per day of first receipt (the call's time zone), for
-- statistics without a person in them.
CREATE TABLE purged_counts (
  call_id     TEXT NOT NULL,
  day         TEXT NOT NULL,        -- YYYY-MM-DD
  status      TEXT NOT NULL,
  dossiers    INTEGER NOT NULL,
  documents   INTEGER NOT NULL,
  PRIMARY KEY (call_id, day, status)
);

-- The sequence numbers of the dossiers `guichet purge` deleted: a
-- reference is never given twice, and a rebuilt database (`replay`) must
-- give the dossiers left the references they had.
CREATE TABLE purged_dossiers (
  call_id     TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (call_id, seq)
);
