//! # The smart-auth manual
//!
//! Documentation only: who can call what, how requests are authenticated, and why. The
//! code is the reference; this page explains the choices.
//!
//! ## 1. Principals
//!
//! Authentication ([`crate::Provider::authenticate`]) turns a signed request into one
//! [`crate::Principal`]. The consumer key decides the family, the token (if any) the
//! rest:
//!
//! | consumer key | token | principal | policy column |
//! |---|---|---|---|
//! | the UI's (configuration) | none | `Ui` | `Ui` |
//! | the UI's | session token | `Session` (the user; admin role and record limit read from the account at every request) | `Session` |
//! | the UI's | SMART Connect token | `Token { access: Connect }` acting as the launched app | `AppToken` |
//! | an admin credential's (configuration) | none (a token is refused) | `Admin` | `Admin` |
//! | an app's (registry) | none | `App { mode }` | `App`, or `BackgroundApp` for `mode: background` |
//! | an app's | its request token | `RequestToken` | `RequestToken` |
//! | an app's | its REST token | `Token { access: Rest }` | `AppToken` |
//! | a background app's | its per-record token | `Token { access: Background }` | `BackgroundToken` |
//!
//! A token is found only together with the consumer it was issued for: a REST token
//! signed with the UI's key, a connect token signed with an app's key, or app A's token
//! signed with app B's key is "unknown token". A disabled app, a disabled account or an
//! expired token stops working at the next request.
//!
//! The **UI principal** is the web UI's own credential. It may log users in, run password
//! resets and (if configured) self-registration, and read the app list and manifests. It
//! cannot read clinical data and cannot read app secrets. Everything else the UI does, it
//! does *for a logged-in user*, with that user's session token, and then the user's rules
//! apply. A UI running in the same process as the provider uses
//! [`crate::Provider::internal_ui`], [`crate::Provider::resume_session`] and
//! [`crate::Provider::resume_connect`] instead of signing requests to itself.
//!
//! **Administrators** are a role, not a list kept by the UI: either an admin machine
//! credential (2-legged, for tools) or a session of an account whose `admin` flag is set.
//! They manage the app registry (register, replace, delete, enable/disable, read
//! credentials) and accounts. They read no clinical data.
//!
//! ## 2. The access policy
//!
//! [`crate::policy`] holds one static table: for each endpoint (the 47 API calls of the
//! smart-core catalog, by name, plus the container endpoints of
//! [`crate::policy::ContainerEndpoint`]) and each principal kind, one
//! [`crate::policy::Rule`]. A missing entry is "deny"; a unit test checks that every
//! catalog call has exactly one row. [`crate::policy::decide`] returns `Allow`,
//! `Unauthenticated` (no principal, endpoint not public: HTTP 401) or `Forbidden` (known
//! principal, rule does not hold: HTTP 403).
//!
//! | endpoints | allowed for |
//! |---|---|
//! | `get_container_manifest`, `get_ontology`, `GET /apps/` | everyone, anonymous included |
//! | `get_app_manifests`, `get_app_manifest` | any authenticated principal except a request token |
//! | every record call (`/records/{record_id}/…`) including `post_clinical_note` and reading a scratchpad | an app or background token **bound to that record** |
//! | `put_scratchpad_data`, `delete_scratchpad_data` | a token bound to that record **and** to that app |
//! | `get/put/delete_user_preferences` | a user-bound app token whose **user and app** are the ones in the path |
//! | `search_records` | a session not limited to one record |
//! | `search_users` | a session not limited to one record; an admin credential |
//! | `get_user` | the user themself (session or user-bound token); an admin credential |
//! | request token | a user-facing app, 2-legged |
//! | access token | a request token |
//! | login, password-reset request and reset, self-registration | the UI principal |
//! | logout | a session |
//! | authorize page and approval | a session (a limited session only for its record) |
//! | launch (`/accounts/{account_id}/apps/{app_id}/launch`) | the session of that very account (a limited session only for its record) |
//! | own account, sidebar apps, shares, share revocation, password change | the session of that very account |
//! | background tokens (`/apps/{app_id}/tokens/records/…`) | that very background app, 2-legged |
//! | app registry, account management | administrators |
//!
//! The flows check the policy themselves before acting (they take an
//! [`crate::provider::Authenticated`], which only authentication creates), so an HTTP
//! route that forgets its check cannot, say, mint tokens for another app.
//!
//! ### Rules the reference container omitted, added here
//!
//! * An app **writes only its own scratchpad** on its record. Reading another app's
//!   scratchpad on the same record stays allowed, because the SMART spec says so.
//! * Preferences are only those of the token's **user and app**; background tokens, which
//!   act for no user, have none.
//! * Accounts act **only on themselves**: account data, sidebar apps, launches, shares.
//!   The reference let any session act on any account id.
//! * Background apps **mint tokens only for themselves**; user-facing apps cannot use the
//!   background endpoints at all.
//! * A limited (direct-link) session approves and launches only on its one record.
//! * `/users/{id}` shows a user to themself (and administrators), not to every app.
//! * `search_records` is the container's patient picker: sessions only. The reference
//!   also let `frame_ui` and background apps search every record, which let a token bound
//!   to one record read across records; apps get records through launches and the
//!   background token walk instead. `search_users` likewise is no longer open to apps.
//! * Apps no longer reach the login endpoint (a password oracle in the reference), and the
//!   UI's credential no longer reads app secrets.
//!
//! ## 3. OAuth 1.0a as verified
//!
//! [`crate::oauth`] implements RFC 5849 §3.4 exactly, independently of any client library:
//!
//! * **Parameters** come from the `Authorization: OAuth …` header (quoted or bare values,
//!   percent-decoded; `realm` ignored), the query string, and an
//!   `application/x-www-form-urlencoded` body (`+` is a space; other content types,
//!   `multipart/form-data` included, contribute nothing). Every `oauth_*` name may occur
//!   once, across all sources. Non-OAuth parameters in the header (the SMART launch
//!   parameters) are signed like any other. A malformed `%`-escape is refused rather than
//!   guessed at.
//! * **Base string**: method upper-cased; base string URI from the **configured public
//!   base URL** (scheme and host lower-cased, default port dropped) plus the request path
//!   as sent, never from the `Host` header, so a TLS-terminating proxy changes nothing;
//!   parameters encoded per §3.6, sorted by encoded name then encoded value, `realm` (from
//!   the header) and `oauth_signature` left out.
//! * **Methods**: HMAC-SHA1 always; HMAC-SHA256 by configuration; PLAINTEXT only through
//!   the explicitly named `dangerous()` builder and only when the public base is `https`.
//!   RSA-SHA1 and unknown methods are refused as unsupported (a 400, not a crash).
//!   Comparisons are constant-time (`hmac::Mac::verify_slice`, `subtle`).
//! * **Body hash**: `oauth_body_hash` is verified whenever present (SHA-1 for HMAC-SHA1,
//!   SHA-256 for HMAC-SHA256), and **required** on every request whose non-empty body is
//!   not form-encoded, so that the signature covers such bodies (a missing one is a 401
//!   naming `oauth_body_hash`). The original SMART clients never send it: the explicitly
//!   named `dangerous().accept_missing_body_hash()` (the server's `[oauth]
//!   require_body_hash = false`) accepts them, and their bodies are then not covered by the
//!   signature (replay protection still holds).
//! * **Order of checks**: form of the parameters → timestamp → consumer and token →
//!   signature and body hash → token expiry, app and account state → nonce. Nothing is
//!   stored for a request that fails any earlier step.
//!
//! The test suite checks the RFC 5849 and OAuth Core 1.0a vectors, vectors computed by
//! Python's oauthlib (Unicode, repeated keys, reserved characters, normalization), and
//! property tests against the Rust client `oauth1-request`.
//!
//! ## 4. Replay and lifetimes
//!
//! * **Timestamps** must lie within a window around the server's time (±5 minutes by
//!   default, configurable up to 1 hour) — in both directions: the reference accepted
//!   any future timestamp.
//! * **Nonces** are remembered per (consumer, token, nonce, timestamp), only after the
//!   signature verified, and only until the timestamp leaves the window (after that the
//!   timestamp check refuses the request anyway). A single node keeps them in
//!   [`crate::nonce::MemoryNonceStore`]: bounded in entries overall and per consumer,
//!   evicted by time, failing closed when full. The hot path never waits on a database.
//! * **Restarts**: an in-memory store remembers nothing from before it started, so the
//!   provider refuses timestamps older than the store's start
//!   ([`crate::nonce::NonceStore::remembers_since`]). A restart therefore opens no replay
//!   window; clients whose clock lags see refusals for at most one window after a restart.
//! * **Several nodes** must share one nonce store (implemented on their database), whose
//!   `remembers_since` is `None`.
//! * **Tokens** all expire, and the expiry is checked at every use: sessions 8 h, request
//!   tokens 10 min, 3-legged access tokens 12 h, launch credentials 8 h but never past the
//!   session that launched them, background tokens 1 h, reset codes 30 min (all
//!   configurable within 1 minute to 30 days).
//! * **Revocation**: logout revokes the session and everything launched from it;
//!   revoking a share revokes the tokens issued under it; disabling or deleting an app
//!   revokes its tokens; disabling an account, or resetting its password, revokes every
//!   token acting for it.
//! * **Randomness**: tokens (16 bytes), secrets (32 bytes), verifiers, nonces and reset
//!   codes come from a CSPRNG ([`crate::SecureRandom`], the OS generator by default), as
//!   unpadded base64url, which needs no percent-encoding anywhere.
//!
//! ## 5. The flows
//!
//! * **Login** (UI principal): e-mail and password → session token and secret
//!   (`oauth_token=…&oauth_token_secret=…&account_id=…`).
//! * **3-legged** (standalone SMART REST apps): `request_token` (2-legged, with
//!   `smart_record_id` in the form body or header; reply includes
//!   `oauth_callback_confirmed=true`) → the user sees [`crate::Provider::authorization_request`]
//!   and approves ([`crate::provider::Remember`]: stored per user × record × app only if
//!   the user asks; a stored approval may be repeated silently) or denies
//!   ([`crate::Provider::deny`]: the request token is removed, the redirect carries
//!   `oauth_problem=user_refused`) → redirect to the **manifest's** callback, never the one
//!   in the request → `access_token` with the single-use verifier → a REST token bound to one
//!   record (`oauth_token=…&oauth_token_secret=…&record_id=…&user_id=…`; `user_id` is the
//!   e-mail, as everywhere else, not an internal id).
//! * **SMART Connect launch** (session): for (user, record, app), a connect token (used
//!   with the UI's key; its secret never reaches the browser:
//!   [`crate::provider::LaunchCredentials::browser_view`]), a REST token, and the
//!   `oauth_header`: an `OAuth realm="", …` header signed 2-legged with the app's consumer
//!   secret over `GET <app index>`, carrying `smart_container_api_base`,
//!   `smart_oauth_token`, `smart_oauth_token_secret`, `smart_user_id`, `smart_app_id` and
//!   `smart_record_id`. App back ends written in Rust verify it with
//!   [`crate::provider::verify_launch_header`].
//! * **Background apps** (2-legged): a token per record for themselves only, walking the
//!   records in the directory's order (`first`, `next`, or one record);
//!   `oauth_token=…&oauth_token_secret=…&smart_record_id=…`.
//! * **Administration**: register (the consumer secret is drawn here), replace, delete,
//!   enable/disable, read credentials; create accounts and set their state and role.
//!
//! ## 6. Passwords
//!
//! argon2id, stored as PHC strings, parameters configurable (default 19 MiB, 2 passes, 1
//! lane); hashes with other parameters are upgraded at the next successful login. Unknown
//! e-mails cost the same time as wrong passwords and give the same error. After 5
//! consecutive failures logins are refused **without checking the password** for 1
//! minute, doubling with each further failure up to 1 hour. The lockout is separate from
//! the account's administrative state: it ends by itself, and an account an administrator
//! disabled stays disabled (the reference re-activated it one second after a failed
//! login). Reset codes are 32 random bytes, stored only as SHA-256 digests, single use,
//! valid for 30 minutes, and a new one replaces the old one.
//!
//! ## 7. Left to the HTTP layer
//!
//! * Adapting requests ([`crate::oauth::Request`]): the path and query as received, the
//!   single `Authorization` header (refuse requests with several), the content type and
//!   the body (with a size limit).
//! * Mapping [`crate::AuthErrorKind`] and [`crate::policy::Decision`] to statuses and
//!   `WWW-Authenticate` headers.
//! * Routes: which [`crate::policy::Endpoint`] and [`crate::policy::Target`] each URL is,
//!   and for the record-level calls, that the record exists.
//! * The browser side: cookies, CSRF protection of the authorize and admin forms, no open
//!   redirects after login, `X-Frame-Options` on the authorize page, carrying the connect
//!   token from the container page (`smart_connect_token`, not an OAuth header), e-mailing
//!   reset codes.
//! * Scheduling [`crate::Provider::remove_expired_tokens`].
//!
//! ## 8. The reference container's security defects, and where each is handled
//!
//! | defect (server-analysis §7.1) | here |
//! |---|---|
//! | expiry never checked; logout and app removal revoke nothing | expiry at every use; revocation on logout, share revocation, app disable/delete, account disable, password reset |
//! | anonymous signature oracle `/oauth/debug` | no such endpoint; the policy has no entry for it |
//! | arbitrary SPARQL on record search | not an auth matter (smart-store); search is for sessions only |
//! | missing ownership checks | every rule names its subject: record, app, user (section 2) |
//! | no timestamp upper bound, nonces before signature, global nonce table, no nonces for sessions and Connect, non-constant-time comparison, optional body hash, unsigned POST query, 500 on unknown method, Mersenne Twister, no `oauth_callback_confirmed` | sections 3 and 4 |
//! | SHA-256 passwords, lockout that re-enables disabled accounts, eternal reset secrets, password oracle for apps | section 6 and the login rule |
//! | one master credential reads every app secret | the UI principal cannot; administrators are a server-side role |
