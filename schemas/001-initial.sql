-- guichet schema, version 1. Applied by src/store/migrate.c inside
-- BEGIN IMMEDIATE … PRAGMA user_version = 1; COMMIT.
-- Times are ISO 8601 strings in UTC with a 'Z' ("2020-02-14T09:12:00Z"),
-- so that text order is time order.

CREATE TABLE dossiers (
  id              INTEGER PRIMARY KEY,
  call_id         TEXT NOT NULL,              -- call file id, e.g. fabrique-initiatives
  seq             INTEGER NOT NULL,           -- 7 in FI-2020-0007
  reference       TEXT NOT NULL UNIQUE,
  applicant       TEXT NOT NULL,              -- bare address
  applicant_name  TEXT,
  organisation    TEXT,
  legal_category  TEXT,
  flags           TEXT NOT NULL DEFAULT '',   -- space-separated words, e.g. "consortium-no-lead"
  status          TEXT NOT NULL CHECK (status IN ('early','late','complete','incomplete')),
  first_received_at TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (call_id, seq)
);
CREATE INDEX dossiers_applicant ON dossiers (call_id, applicant);

-- References are never reused, even when a dossier row is deleted by hand.
CREATE TABLE reference_counters (
  call_id   TEXT PRIMARY KEY,
  last_seq  INTEGER NOT NULL
);

CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  raw_sha256      TEXT NOT NULL UNIQUE,
  raw_size        INTEGER NOT NULL,
  message_id      TEXT NOT NULL,
  message_id_derived INTEGER NOT NULL DEFAULT 0,
  sender          TEXT,
  sender_name     TEXT,
  reply_to        TEXT,
  subject         TEXT,
  in_reply_to     TEXT,
  refs            TEXT,                       -- References, space-separated
  date_header     TEXT,
  mailbox         TEXT,                       -- NULL when ingested from a file or stdin
  uidvalidity     INTEGER,
  uid             INTEGER,
  received_at     TEXT NOT NULL,              -- IMAP INTERNALDATE or --received
  role            TEXT NOT NULL CHECK (role IN ('applicant','staff','automatic')),
  automatic_reason TEXT,
  is_bounce       INTEGER NOT NULL DEFAULT 0,
  bounced_message_id TEXT,
  outcome         TEXT NOT NULL,              -- stored, dossier, quarantined, automatic, unmatched, no-dossier
  error           TEXT,
  content_key     TEXT NOT NULL,              -- SHA-256 over body text and document hashes
  body_text       TEXT,
  dossier_id      INTEGER REFERENCES dossiers (id),
  stored_at       TEXT NOT NULL,
  UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX messages_message_id ON messages (message_id);
CREATE INDEX messages_dossier ON messages (dossier_id);
CREATE INDEX messages_received ON messages (received_at);

CREATE TABLE documents (
  id              INTEGER PRIMARY KEY,
  message_row     INTEGER NOT NULL REFERENCES messages (id),
  parent_id       INTEGER REFERENCES documents (id),  -- the archive it came out of
  position        INTEGER NOT NULL,                   -- order within the message
  depth           INTEGER NOT NULL DEFAULT 0,
  filename        TEXT,
  archive_path    TEXT,
  declared_type   TEXT,
  sniffed_type    TEXT,
  size            INTEGER NOT NULL,
  sha256          TEXT NOT NULL,
  flags           INTEGER NOT NULL DEFAULT 0,
  unreadable_reason TEXT,
  text_sha256     TEXT,                               -- extracted text, in the blob store
  UNIQUE (message_row, position)
);
CREATE INDEX documents_sha256 ON documents (sha256);

-- Which piece of the call a document satisfies, and why.
CREATE TABLE pieces (
  document_id     INTEGER NOT NULL REFERENCES documents (id),
  piece_key       TEXT NOT NULL,
  evidence        TEXT NOT NULL,
  PRIMARY KEY (document_id, piece_key)
);

CREATE TABLE events (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL,
  message_row     INTEGER REFERENCES messages (id),
  dossier_id      INTEGER REFERENCES dossiers (id),
  kind            TEXT NOT NULL,
  detail          TEXT
);
CREATE INDEX events_dossier ON events (dossier_id);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  dedupe_key      TEXT NOT NULL UNIQUE,       -- e.g. ack:<message sha256>
  kind            TEXT NOT NULL,
  message_row     INTEGER REFERENCES messages (id),
  dossier_id      INTEGER REFERENCES dossiers (id),
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  smtp_message_id TEXT NOT NULL,
  raw_sha256      TEXT,                       -- the composed message, in the blob store
  state           TEXT NOT NULL CHECK (state IN ('pending','sent','failed','bounced','suppressed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error      TEXT,
  server_reply    TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX outbox_state ON outbox (state, next_attempt_at);
CREATE INDEX outbox_smtp_message_id ON outbox (smtp_message_id);

CREATE TABLE digests (
  id              INTEGER PRIMARY KEY,
  day             TEXT NOT NULL UNIQUE,       -- YYYY-MM-DD in the call's time zone
  created_at      TEXT NOT NULL,
  outbox_id       INTEGER REFERENCES outbox (id)
);

-- One row per automatic reply sent (or about to be) to an address.
CREATE TABLE rate_limits (
  address         TEXT NOT NULL,
  at              TEXT NOT NULL
);
CREATE INDEX rate_limits_address ON rate_limits (address, at);

-- mbsync-style sync state: what was seen in which mailbox incarnation.
CREATE TABLE sync_state (
  mailbox         TEXT PRIMARY KEY,
  uidvalidity     INTEGER NOT NULL,
  last_uid        INTEGER NOT NULL DEFAULT 0
);
