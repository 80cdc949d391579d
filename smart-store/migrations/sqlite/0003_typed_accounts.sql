-- One directory model: smart-auth's own account fields get typed columns, replacing the
-- `auth_state` string that 0002 added and the former translation layer filled with
-- 'v1;admin=0|1;failed=N;locked=SECS|-;last=SECS|-;limited=RECORD|-' (the record id last, so
-- it may hold any character). Existing rows are converted here; the string is then dropped.
-- The failed-login count and last login had a column each already (0001): smart-auth's
-- values, which were the ones in force, move into them. Times become milliseconds.

ALTER TABLE accounts ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN limited_to TEXT;
ALTER TABLE accounts ADD COLUMN locked_until BIGINT;

-- SQLite has no regular expressions: split the fixed-order string step by step.
CREATE TABLE auth_state_v1 AS
    SELECT id,
           substr(auth_state, 10, 1) AS admin,  -- after 'v1;admin='
           substr(auth_state, 19) AS r1,        -- after 'v1;admin=X;failed='
           '' AS failed, '' AS r2, '' AS locked, '' AS r3, '' AS last, '' AS limited
    FROM accounts
    WHERE auth_state LIKE 'v1;admin=_;failed=%';
UPDATE auth_state_v1
    SET failed = substr(r1, 1, instr(r1, ';') - 1), r2 = substr(r1, instr(r1, ';') + 8);
UPDATE auth_state_v1
    SET locked = substr(r2, 1, instr(r2, ';') - 1), r3 = substr(r2, instr(r2, ';') + 6);
UPDATE auth_state_v1
    SET last = substr(r3, 1, instr(r3, ';') - 1), limited = substr(r3, instr(r3, ';') + 9);

UPDATE accounts SET
    is_admin = (SELECT s.admin = '1' FROM auth_state_v1 s WHERE s.id = accounts.id),
    failed_login_count =
        (SELECT CAST(s.failed AS INTEGER) FROM auth_state_v1 s WHERE s.id = accounts.id),
    locked_until = (SELECT CASE s.locked WHEN '-' THEN NULL
                                         ELSE CAST(s.locked AS INTEGER) * 1000 END
                    FROM auth_state_v1 s WHERE s.id = accounts.id),
    last_login_at = (SELECT CASE s.last WHEN '-' THEN NULL
                                        ELSE CAST(s.last AS INTEGER) * 1000 END
                     FROM auth_state_v1 s WHERE s.id = accounts.id),
    limited_to = (SELECT CASE s.limited WHEN '-' THEN NULL ELSE s.limited END
                  FROM auth_state_v1 s WHERE s.id = accounts.id)
WHERE id IN (SELECT id FROM auth_state_v1);

DROP TABLE auth_state_v1;
ALTER TABLE accounts DROP COLUMN auth_state;

-- Pending password resets get their own table. The translation layer kept them as tokens
-- of kind 'password_reset' named 'reset.<hex digest>' with a dummy secret; they move here.
CREATE TABLE password_resets (
    digest     TEXT   NOT NULL PRIMARY KEY,                 -- lower-case hex SHA-256 of the code
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_resets_by_account ON password_resets (account_id);
INSERT INTO password_resets (digest, account_id, expires_at)
    SELECT substr(token, 7), account_id, expires_at
    FROM oauth_tokens
    WHERE kind = 'password_reset' AND account_id IS NOT NULL AND token LIKE 'reset.%'
      AND length(token) = 70;
DELETE FROM oauth_tokens WHERE kind = 'password_reset' AND token LIKE 'reset.%';
