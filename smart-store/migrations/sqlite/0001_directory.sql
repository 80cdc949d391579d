-- The directory and document tables of smart-store (SQLite). Timestamps are milliseconds
-- since the Unix epoch. See src/directory/mod.rs for what each table holds.

CREATE TABLE accounts (
    id                   TEXT    NOT NULL PRIMARY KEY,  -- lower-cased e-mail
    email                TEXT    NOT NULL,              -- as entered
    given_name           TEXT    NOT NULL,
    given_key            TEXT    NOT NULL,              -- lower-cased, for prefix search
    family_name          TEXT    NOT NULL,
    family_key           TEXT    NOT NULL,
    department           TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    password_hash        TEXT,                          -- PHC string, computed by the caller
    state                TEXT    NOT NULL,
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
    id                 TEXT    NOT NULL PRIMARY KEY,   -- manifest id = consumer key
    manifest           TEXT    NOT NULL,               -- JSON
    consumer_secret    TEXT    NOT NULL,
    mode               TEXT    NOT NULL,
    enabled_by_default BOOLEAN NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

CREATE TABLE account_apps (
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id     TEXT    NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    enabled    BOOLEAN NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, app_id)
);
CREATE INDEX account_apps_by_app ON account_apps (app_id);

CREATE TABLE oauth_tokens (
    token      TEXT   NOT NULL PRIMARY KEY,
    secret     TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    app_id     TEXT   REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT   REFERENCES accounts (id) ON DELETE CASCADE,
    record_id  TEXT,
    verifier   TEXT,
    callback   TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL                         -- always set; valid strictly before
);
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_by_app ON oauth_tokens (app_id);
CREATE INDEX oauth_tokens_by_account ON oauth_tokens (account_id);
CREATE INDEX oauth_tokens_by_record ON oauth_tokens (record_id);

CREATE TABLE shares (
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    record_id  TEXT   NOT NULL,                        -- '' for container scope
    app_id     TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, record_id, app_id)
);
CREATE INDEX shares_by_app ON shares (app_id);
CREATE INDEX shares_by_record ON shares (record_id);

CREATE TABLE oauth_nonces (
    consumer   TEXT   NOT NULL,
    token      TEXT   NOT NULL,                        -- '' for two-legged requests
    nonce      TEXT   NOT NULL,
    request_ts BIGINT NOT NULL,                        -- the request's oauth_timestamp
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (consumer, token, nonce, request_ts)
);
CREATE INDEX oauth_nonces_by_time ON oauth_nonces (request_ts);

CREATE TABLE scratchpads (
    record_id    TEXT   NOT NULL,
    app_id       TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    content_type TEXT   NOT NULL,
    data         BLOB   NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (record_id, app_id)
);
CREATE INDEX scratchpads_by_app ON scratchpads (app_id);

CREATE TABLE preferences (
    account_id   TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id       TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    content_type TEXT   NOT NULL,
    data         BLOB   NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, app_id)
);
CREATE INDEX preferences_by_app ON preferences (app_id);

CREATE TABLE records (
    id         TEXT   NOT NULL PRIMARY KEY,
    label      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE launch_audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    launched_at BIGINT  NOT NULL,
    account_id  TEXT,
    app_id      TEXT    NOT NULL,
    record_id   TEXT,
    kind        TEXT    NOT NULL
);
CREATE INDEX launch_audit_by_time ON launch_audit (launched_at, seq);
CREATE INDEX launch_audit_by_account ON launch_audit (account_id, launched_at);

CREATE TABLE documents (
    record_id    TEXT   NOT NULL,
    file_name    TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT   NOT NULL,                      -- lower-case hex
    data         BLOB   NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (record_id, file_name)
);
