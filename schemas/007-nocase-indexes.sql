-- Addresses and references are compared without regard to case
-- (`= ? COLLATE NOCASE`): an index in the column's own BINARY order
-- cannot serve those lookups, and they scanned the table once per
-- message, which grew with the call (bench/RESULTS.md, growth).
DROP INDEX dossiers_applicant;
CREATE INDEX dossiers_applicant ON dossiers (call_id, applicant COLLATE NOCASE);
CREATE INDEX dossiers_reference_nocase ON dossiers (reference COLLATE NOCASE);
DROP INDEX rate_limits_address;
CREATE INDEX rate_limits_address ON rate_limits (address COLLATE NOCASE, at);
CREATE INDEX outbox_dossier_recipient ON outbox (dossier_id, recipient COLLATE NOCASE);
