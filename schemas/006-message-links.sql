-- guichet schema, version 6: the download links (WeTransfer, Dropbox, a
-- Nextcloud share…) a message gave instead of attaching its documents
-- (issue 13). Derived from the message's body by the call's [links], so
-- `guichet replay` finds them again; never fetched.
CREATE TABLE message_links (
  id          INTEGER PRIMARY KEY,
  message_row INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,   -- order in the body, from 0
  url         TEXT NOT NULL,
  host        TEXT NOT NULL,      -- lower case, e.g. wetransfer.com
  UNIQUE (message_row, position)
);
CREATE INDEX message_links_message ON message_links (message_row);
