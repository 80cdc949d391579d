-- One directory model: smart-auth's own account fields get typed columns, replacing the
-- `auth_state` string that 0002 added and the former translation layer filled with
-- 'v1;admin=0|1;failed=N;locked=SECS|-;last=SECS|-;limited=RECORD|-' (the record id last, so
-- it may hold any character). Existing rows are converted here; the string is then dropped.
-- The failed-login count and last login had a column each already (0001): smart-auth's
-- values, which were the ones in force, move into them. Times become milliseconds.

ALTER TABLE accounts ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN limited_to TEXT COLLATE "C";
ALTER TABLE accounts ADD COLUMN locked_until BIGINT;

UPDATE accounts SET
    is_admin = substring(auth_state FROM '^v1;admin=([01]);') = '1',
    failed_login_count = CAST(substring(auth_state FROM '^v1;admin=[01];failed=([0-9]+);') AS BIGINT),
    locked_until = CAST(NULLIF(substring(auth_state
        FROM '^v1;admin=[01];failed=[0-9]+;locked=([0-9]+|-);'), '-') AS BIGINT) * 1000,
    last_login_at = CAST(NULLIF(substring(auth_state
        FROM '^v1;admin=[01];failed=[0-9]+;locked=(?:[0-9]+|-);last=([0-9]+|-);'), '-') AS BIGINT) * 1000,
    limited_to = NULLIF(substring(auth_state
        FROM '^v1;admin=[01];failed=[0-9]+;locked=(?:[0-9]+|-);last=(?:[0-9]+|-);limited=(.*)$'), '-')
WHERE auth_state ~ '^v1;admin=[01];failed=[0-9]+;locked=(?:[0-9]+|-);last=(?:[0-9]+|-);limited=';

ALTER TABLE accounts DROP COLUMN auth_state;

-- Pending password resets get their own table. The translation layer kept them as tokens
-- of kind 'password_reset' named 'reset.<hex digest>' with a dummy secret; they move here.
CREATE TABLE password_resets (
    digest     TEXT COLLATE "C" NOT NULL PRIMARY KEY,               -- lower-case hex SHA-256 of the code
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_resets_by_account ON password_resets (account_id);
INSERT INTO password_resets (digest, account_id, expires_at)
    SELECT substr(token, 7), account_id, expires_at
    FROM oauth_tokens
    WHERE kind = 'password_reset' AND account_id IS NOT NULL AND token LIKE 'reset.%'
      AND length(token) = 70;
DELETE FROM oauth_tokens WHERE kind = 'password_reset' AND token LIKE 'reset.%';
