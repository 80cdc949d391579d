-- Shared links (smart_auth::directory::SharedLinkStore): a user's read-only link to one
-- app on one record. The link token is never stored, only its SHA-256 digest (lower-case
-- hex), by which links are found; the PIN only as a password hash (PHC string).
CREATE TABLE shared_links (
    digest           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    owner_id         TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id           TEXT COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    record_id        TEXT COLLATE "C" NOT NULL,
    pin_hash         TEXT COLLATE "C",
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,                 -- works strictly before
    revoked          BOOLEAN NOT NULL DEFAULT FALSE,
    failed_pin_count BIGINT  NOT NULL DEFAULT 0,
    pin_locked_until BIGINT
);
CREATE INDEX shared_links_by_owner ON shared_links (owner_id, created_at);
CREATE INDEX shared_links_by_app ON shared_links (app_id);
CREATE INDEX shared_links_by_record ON shared_links (record_id);
