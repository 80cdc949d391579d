-- The access log: one row per record API call, written in batches by the server's
-- background writer. Ids are kept as text without foreign keys: entries outlive the
-- accounts, apps and records they name (like launch_audit).
CREATE TABLE access_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT  NOT NULL,                 -- milliseconds since the Unix epoch
    account_id TEXT,
    app_id     TEXT,
    record_id  TEXT,
    call       TEXT    NOT NULL,                 -- the catalog call's name
    result     TEXT    NOT NULL                  -- ok, denied, not_found, bad_request, error
);
CREATE INDEX access_log_by_time ON access_log (at, seq);
CREATE INDEX access_log_by_account ON access_log (account_id, at);
CREATE INDEX access_log_by_app ON access_log (app_id, at);
CREATE INDEX access_log_by_record ON access_log (record_id, at);
