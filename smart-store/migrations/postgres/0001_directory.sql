-- The directory and document tables of smart-store (PostgreSQL). Timestamps are
-- milliseconds since the Unix epoch. See src/directory/mod.rs for what each table holds.
-- Text columns use the "C" collation: they compare and sort by bytes, as in SQLite and in
-- the in-memory backend, whatever the database's locale.

CREATE TABLE accounts (
    id                   TEXT COLLATE "C" NOT NULL PRIMARY KEY,  -- lower-cased e-mail
    email                TEXT COLLATE "C" NOT NULL,              -- as entered
    given_name           TEXT COLLATE "C" NOT NULL,
    given_key            TEXT COLLATE "C" NOT NULL,              -- lower-cased, for prefix search
    family_name          TEXT COLLATE "C" NOT NULL,
    family_key           TEXT COLLATE "C" NOT NULL,
    department           TEXT COLLATE "C" NOT NULL,
    role                 TEXT COLLATE "C" NOT NULL,
    password_hash        TEXT COLLATE "C",                          -- PHC string, computed by the caller
    state                TEXT COLLATE "C" NOT NULL,
    failed_login_count   BIGINT  NOT NULL DEFAULT 0,
    total_login_count    BIGINT  NOT NULL DEFAULT 0,
    last_login_at        BIGINT,
    last_failed_login_at BIGINT,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX accounts_by_family ON accounts (family_key, given_key, id);
CREATE INDEX accounts_by_given ON accounts (given_key);

CREATE TABLE apps (
    id                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,   -- manifest id = consumer key
    manifest           TEXT COLLATE "C" NOT NULL,               -- JSON
    consumer_secret    TEXT COLLATE "C" NOT NULL,
    mode               TEXT COLLATE "C" NOT NULL,
    enabled_by_default BOOLEAN NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

CREATE TABLE account_apps (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id     TEXT COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    enabled    BOOLEAN NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, app_id)
);
CREATE INDEX account_apps_by_app ON account_apps (app_id);

CREATE TABLE oauth_tokens (
    token      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    secret     TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    app_id     TEXT COLLATE "C" REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT COLLATE "C" REFERENCES accounts (id) ON DELETE CASCADE,
    record_id  TEXT COLLATE "C",
    verifier   TEXT COLLATE "C",
    callback   TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL                         -- always set; valid strictly before
);
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_by_app ON oauth_tokens (app_id);
CREATE INDEX oauth_tokens_by_account ON oauth_tokens (account_id);
CREATE INDEX oauth_tokens_by_record ON oauth_tokens (record_id);

CREATE TABLE shares (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    record_id  TEXT COLLATE "C" NOT NULL,                        -- '' for container scope
    app_id     TEXT COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, record_id, app_id)
);
CREATE INDEX shares_by_app ON shares (app_id);
CREATE INDEX shares_by_record ON shares (record_id);

CREATE TABLE oauth_nonces (
    consumer   TEXT COLLATE "C" NOT NULL,
    token      TEXT COLLATE "C" NOT NULL,                        -- '' for two-legged requests
    nonce      TEXT COLLATE "C" NOT NULL,
    request_ts BIGINT NOT NULL,                        -- the request's oauth_timestamp
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (consumer, token, nonce, request_ts)
);
CREATE INDEX oauth_nonces_by_time ON oauth_nonces (request_ts);

CREATE TABLE scratchpads (
    record_id    TEXT COLLATE "C" NOT NULL,
    app_id       TEXT COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    content_type TEXT COLLATE "C" NOT NULL,
    data         BYTEA  NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (record_id, app_id)
);
CREATE INDEX scratchpads_by_app ON scratchpads (app_id);

CREATE TABLE preferences (
    account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id       TEXT COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    content_type TEXT COLLATE "C" NOT NULL,
    data         BYTEA  NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, app_id)
);
CREATE INDEX preferences_by_app ON preferences (app_id);

CREATE TABLE records (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    label      TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE launch_audit (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    launched_at BIGINT  NOT NULL,
    account_id  TEXT COLLATE "C",
    app_id      TEXT COLLATE "C" NOT NULL,
    record_id   TEXT COLLATE "C",
    kind        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX launch_audit_by_time ON launch_audit (launched_at, seq);
CREATE INDEX launch_audit_by_account ON launch_audit (account_id, launched_at);

CREATE TABLE documents (
    record_id    TEXT COLLATE "C" NOT NULL,
    file_name    TEXT COLLATE "C" NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT COLLATE "C" NOT NULL,                      -- lower-case hex
    data         BYTEA  NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (record_id, file_name)
);
