-- What smart-auth needs beyond 0001 (see src/auth_adapter.rs):
-- * accounts.auth_state: the authentication layer's own account state (administrator role,
--   record limit, failed-login count and lockout), opaque to the directory;
-- * apps.enabled: the container-wide switch of an app (administrators disable apps);
-- * oauth_tokens.parent: the token a launch token was issued from, so that logout revokes
--   what was launched from the session.
-- New token kinds ('background', 'password_reset') need no schema change.

ALTER TABLE accounts ADD COLUMN auth_state TEXT COLLATE "C";
ALTER TABLE apps ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE oauth_tokens ADD COLUMN parent TEXT COLLATE "C";
CREATE INDEX oauth_tokens_by_parent ON oauth_tokens (parent);
