-- guichet schema, version 2: an admin's classification overrides, kept
-- apart from the tables that messages derive, so that `guichet replay`
-- applies them again after rebuilding those from the raw messages.
CREATE TABLE admin_overrides (
  id          INTEGER PRIMARY KEY,
  call_id     TEXT NOT NULL,
  reference   TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  keys        TEXT NOT NULL,   -- space-separated piece keys, "" for none
  at          TEXT NOT NULL
);
