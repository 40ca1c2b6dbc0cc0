-- The main queries of src/store (as of the commit benchmarked), for
-- bench/run's growth test: it prints `EXPLAIN QUERY PLAN` of each against
-- the database of 10,000 messages. Parameters stay unbound. One query per
-- block: a "-- name: WHERE IT IS" line, the statement, a ";" line.
-- Keep in step with src/store by hand. tests/integration/test-query-plans.sh
-- holds the per-message ones (intake, matching, rate limit, show REF) to
-- an index.

-- name: intake, duplicate by raw bytes (messages.c gu_store_find_message_by_raw)
SELECT id FROM messages WHERE raw_sha256 = ?
;
-- name: intake, duplicate by content (messages.c gu_store_find_message_by_content)
SELECT id FROM messages WHERE message_id = ? AND sender IS ? AND content_key = ? LIMIT 1
;
-- name: matching, by reference (dossiers.c gu_store_dossier_by_reference)
SELECT id, applicant FROM dossiers WHERE call_id = ? AND reference = ?
;
-- name: matching, by thread (dossiers.c gu_store_dossier_by_reply)
SELECT d.id, d.applicant FROM outbox o JOIN dossiers d ON d.id = o.dossier_id
 WHERE o.smtp_message_id = ? AND d.call_id = ? LIMIT 1
;
-- name: matching, by sender (dossiers.c gu_store_dossiers_of_applicant)
SELECT count(*), min(id) FROM dossiers WHERE call_id = ? AND applicant = ? COLLATE NOCASE
;
-- name: rate limit (outbox.c gu_store_replies_since)
SELECT count(*) FROM rate_limits WHERE address = ? COLLATE NOCASE AND at >= ?
;
-- name: outbox due (outbox.c gu_store_outbox_due)
SELECT o.id FROM outbox o LEFT JOIN dossiers d ON d.id = o.dossier_id
 WHERE o.state = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
 ORDER BY o.id LIMIT ?
;
-- name: show REF, the dossier (dossier-load.c find_one)
SELECT d.id FROM dossiers d WHERE d.reference = ? COLLATE NOCASE
;
-- name: show REF, its documents (dossier-load.c gu_store_dossier_load)
SELECT m.dossier_id, doc.id FROM documents doc JOIN messages m ON m.id = doc.message_row
 WHERE m.dossier_id = ? ORDER BY m.received_at, m.id, doc.position
;
-- name: show REF, its pieces (dossier-load.c gu_store_dossier_load)
SELECT p.document_id, p.piece_key FROM pieces p
 JOIN documents doc ON doc.id = p.document_id JOIN messages m ON m.id = doc.message_row
 WHERE m.dossier_id = ? ORDER BY p.document_id, p.rowid
;
-- name: show REF, its messages (dossier-load.c load_history)
SELECT message_id, received_at FROM messages WHERE dossier_id = ? ORDER BY received_at, id
;
-- name: list / export, the dossiers (dossier-load.c gu_store_dossier_list)
SELECT d.id FROM dossiers d WHERE d.call_id = ? AND (?2 IS NULL OR d.status = ?2) ORDER BY d.seq
;
-- name: list / export, all documents (dossier-load.c gu_store_dossier_list)
SELECT m.dossier_id, doc.id FROM documents doc JOIN messages m ON m.id = doc.message_row
 JOIN dossiers d ON d.id = m.dossier_id WHERE d.call_id = ?
 ORDER BY m.received_at, m.id, doc.position
;
-- name: list / export, all pieces (dossier-load.c gu_store_dossier_list)
SELECT p.document_id, p.piece_key FROM pieces p
 JOIN documents doc ON doc.id = p.document_id JOIN messages m ON m.id = doc.message_row
 JOIN dossiers d ON d.id = m.dossier_id WHERE d.call_id = ? ORDER BY p.document_id, p.rowid
;
-- name: digest, late arrivals (digest.c read_message_lists)
SELECT m.received_at, d.reference FROM messages m JOIN dossiers d ON d.id = m.dossier_id
 WHERE d.call_id = ?1 AND m.received_at >= max(?2, ?4) AND m.received_at < ?3
 ORDER BY m.received_at, m.id
;
-- name: digest, unmatched staff letters (digest.c read_message_lists)
SELECT received_at FROM messages WHERE outcome = 'unmatched' ORDER BY received_at, id
;
