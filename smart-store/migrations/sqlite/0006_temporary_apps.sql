-- Temporary apps ("Launch by URL" in the web UI): an app under development registered for
-- one UI session. owner_session is that session's token (NULL for every registered app);
-- the app is deleted when the session ends, and servers sweep away any whose session is
-- gone (e.g. after a crash). Their ids start with '~dev.', which registration refuses.

ALTER TABLE apps ADD COLUMN owner_session TEXT;
CREATE INDEX apps_by_owner_session ON apps (owner_session);
