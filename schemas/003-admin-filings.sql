-- guichet schema, version 3: where an admin (`guichet file`) or a staff
-- member's answer to our request for a reference filed a message. Kept
-- apart from the tables that messages derive, like admin_overrides, so
-- that `guichet replay` files it again after rebuilding them. A message
-- is named by its raw SHA-256: the one name replay gives it again.
CREATE TABLE filings (
  id          INTEGER PRIMARY KEY,
  call_id     TEXT NOT NULL,
  raw_sha256  TEXT NOT NULL,   -- the message filed
  reference   TEXT NOT NULL,   -- the dossier it was filed in
  by_whom     TEXT NOT NULL,   -- "admin", or "staff-answer" (replayed by the answer itself)
  at          TEXT NOT NULL
);
