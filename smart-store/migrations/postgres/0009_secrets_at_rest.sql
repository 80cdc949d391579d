-- Secrets at rest (issue 16). What is only compared is stored as its hex SHA-256 digest:
-- oauth_tokens.token, .verifier and .parent, and oauth_nonces.token (the token a request
-- was signed with). What must be read back is sealed with the key
-- in the data directory's secrets.key (`v1:` + base64url(nonce || ciphertext)):
-- apps.consumer_secret, apps.owner_session, oauth_tokens.secret and .parent_sealed (the
-- parent token, which the provider compares with the session it was launched from).
-- SQL cannot hash or encrypt: rows with at_rest = 0 (written before this migration) are
-- converted by the server when it opens the database, in one transaction.
-- at_rest_check holds one value sealed with the key, so that a missing or wrong key file is
-- refused at open instead of making every secret unreadable.
ALTER TABLE apps ADD COLUMN at_rest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE oauth_tokens ADD COLUMN at_rest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE oauth_tokens ADD COLUMN parent_sealed TEXT;
ALTER TABLE oauth_nonces ADD COLUMN at_rest INTEGER NOT NULL DEFAULT 0;
CREATE TABLE at_rest_check (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed TEXT    NOT NULL
);
