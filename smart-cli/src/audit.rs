//! `smart audit`: the access log of every record API call (written by the server), newest
//! first, with the filters of the admin page's access log.

use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use clap::Args;
use smart_core::RecordId;
use smart_core::catalog::CallId;
use smart_store::directory::{AccessQuery, AccessResult, AppId, Page, Timestamp, UserId};

use crate::{Global, context};

/// `smart audit` options.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Only this user's calls (e-mail).
    #[arg(long)]
    user: Option<String>,
    /// Only this app's calls (app id).
    #[arg(long)]
    app: Option<String>,
    /// Only calls on this record.
    #[arg(long)]
    record: Option<String>,
    /// Only this call (its catalog name, e.g. get_medications; see `smart catalog`).
    #[arg(long)]
    call: Option<String>,
    /// Only calls that ended this way: ok, denied, not_found, bad_request or error.
    #[arg(long)]
    result: Option<String>,
    /// Only calls at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MMZ or
    /// YYYY-MM-DDTHH:MM:SSZ (UTC), or a duration ago such as 30m, 12h or 7d.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only calls before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// At most this many entries (1 to 1000).
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Skip this many entries first (for the next page).
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(global: &Global, args: &AuditArgs) -> Result<ExitCode> {
    // Check every filter before opening the data directory.
    let query = query(args, Timestamp::now())?;
    let page = Page::new(args.offset, args.limit);
    let json = args.json;
    context::with_container(global, async move |c| {
        let listed = c.directory().query_access(&query, page).await?;
        if json {
            let entries: Vec<_> = listed
                .items
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "at": e.at.to_utc_string(),
                        "at_ms": e.at.as_unix_millis(),
                        "user": e.user.as_ref().map(UserId::as_str),
                        "app": e.app.as_ref().map(AppId::as_str),
                        "record": e.record.as_ref().map(RecordId::as_str),
                        "call": e.call.name(),
                        "result": e.result.as_str(),
                    })
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&entries)?);
        } else {
            for e in &listed.items {
                outln!(
                    "{}  {:<11} {:<28} {:<28} {:<36} {}",
                    e.at.to_utc_string(),
                    e.result.as_str(),
                    e.call.name(),
                    e.user.as_ref().map_or("-", UserId::as_str),
                    e.app.as_ref().map_or("-", AppId::as_str),
                    e.record.as_ref().map_or("-", RecordId::as_str),
                );
            }
            match listed.next {
                Some(next) => outln!(
                    "{} entries (more: --offset {})",
                    listed.items.len(),
                    next.offset
                ),
                None => outln!("{} entries", listed.items.len()),
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// The access log query of the options; `now` anchors durations such as `7d`.
fn query(args: &AuditArgs, now: Timestamp) -> Result<AccessQuery> {
    let mut q = AccessQuery::all();
    if let Some(u) = &args.user {
        q = q.user(UserId::new(u.as_str()).with_context(|| format!("--user {u:?}"))?);
    }
    if let Some(a) = &args.app {
        q = q.app(AppId::new(a.as_str()).with_context(|| format!("--app {a:?}"))?);
    }
    if let Some(r) = &args.record {
        q = q.record(RecordId::new(r.as_str()).with_context(|| format!("--record {r:?}"))?);
    }
    if let Some(c) = &args.call {
        q = q.call(CallId::from_name(c).ok_or_else(|| {
            anyhow!("--call {c:?}: no such call (see `smart catalog` for the names)")
        })?);
    }
    if let Some(r) = &args.result {
        q = q.result(AccessResult::parse(r).ok_or_else(|| {
            anyhow!("--result {r:?}: expected ok, denied, not_found, bad_request or error")
        })?);
    }
    if let Some(t) = &args.since {
        q = q.since(time(t, now).with_context(|| format!("--since {t:?}"))?);
    }
    if let Some(t) = &args.until {
        q = q.until(time(t, now).with_context(|| format!("--until {t:?}"))?);
    }
    Ok(q)
}

/// A UTC date or date-time, or a duration before `now` (`30s`, `30m`, `12h`, `7d`).
fn time(text: &str, now: Timestamp) -> Result<Timestamp> {
    if let Some(t) = Timestamp::parse_utc(text) {
        return Ok(t);
    }
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(n) if seconds > 0 => {
            Ok(now.saturating_sub(std::time::Duration::from_secs(n.saturating_mul(seconds))))
        }
        _ => Err(anyhow!(
            "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS]Z or a duration such as 30m, 12h, 7d"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_dates_or_durations_ago() {
        let now = Timestamp::from_unix_secs(1_000_000);
        assert_eq!(
            time("1970-01-02", now).unwrap(),
            Timestamp::from_unix_secs(86_400)
        );
        assert_eq!(
            time("2h", now).unwrap(),
            Timestamp::from_unix_secs(1_000_000 - 7200)
        );
        assert_eq!(
            time("7d", now).unwrap(),
            Timestamp::from_unix_secs(1_000_000 - 7 * 86_400)
        );
        for bad in ["", "h", "5w", "yesterday", "2023-02-30"] {
            assert!(time(bad, now).is_err(), "{bad:?}");
        }
    }
}
