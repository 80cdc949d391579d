//! Paging and filters: pages in order and complete, and each date and code filter of a
//! collection against what the unfiltered collection returned.

use super::*;

impl<W: Write> Ctx<'_, W> {
    /// Paging: `limit=1` gives one item and a next page with the next item; walking the
    /// pages gives every item once; pages come in descending date order.
    pub(super) async fn paging(
        &mut self,
        call: &ApiCall,
        url: &str,
        full: &BTreeSet<String>,
        full_graph: &Graph,
    ) {
        let base = format!("{}.paging", call.name);
        if full.len() < 2 {
            self.report.skip(
                &base,
                format!(
                    "needs at least 2 {} (record has {})",
                    noun(call),
                    full.len()
                ),
            );
            return;
        }
        let n = full.len() as u64;
        // limit=1: one item, the full count, and a next page with another item.
        let first = self.page(call, &with_query(url, "limit=1")).await;
        let result = match first {
            Err(e) => Err(e),
            Ok(p1) => self.check_first_pages(call, &p1, n, full).await,
        };
        self.report.check(&format!("{base}.limit"), result);

        // A walk in pages of about a third, following nextPageURL to the end.
        let limit = n.div_ceil(3).max(1);
        let mut next = Some(with_query(url, &format!("limit={limit}")));
        let mut pages: Vec<Page> = Vec::new();
        let mut walk_error = None;
        while let Some(page_url) = next.take() {
            if pages.len() as u64 > n + 1 {
                walk_error = Some(format!("more than {} pages for {n} items: a loop?", n + 1));
                break;
            }
            match self.page(call, &page_url).await {
                Ok(p) => {
                    next = p.next.clone();
                    pages.push(p);
                }
                Err(e) => {
                    walk_error = Some(e);
                    break;
                }
            }
        }
        let result = walk_error.map_or_else(
            || {
                let mut seen = BTreeSet::new();
                let mut repeated = BTreeSet::new();
                for p in &pages {
                    if p.items.len() as u64 > limit {
                        return Err(format!(
                            "a page of limit={limit} holds {} items",
                            p.items.len()
                        ));
                    }
                    for i in &p.items {
                        if !seen.insert(i.clone()) {
                            repeated.insert(i.clone());
                        }
                    }
                }
                if !repeated.is_empty() {
                    return Err(format!(
                        "items on more than one page: {}",
                        show_set(&repeated)
                    ));
                }
                if &seen != full {
                    return Err(difference("the pages", &seen, full));
                }
                Ok(format!(
                    "{} pages of limit={limit} give the {n} items once each",
                    pages.len()
                ))
            },
            Err,
        );
        let walked = result.is_ok();
        self.report.check(&format!("{base}.walk"), result);
        if walked {
            if let Some(sort) = call.default_sort {
                let result = descending_pages(&pages, full_graph, sort);
                self.report.check(&format!("{base}.order"), result);
            }
        }
    }

    /// The first two pages of `limit=1`.
    pub(super) async fn check_first_pages(
        &mut self,
        call: &ApiCall,
        p1: &Page,
        n: u64,
        full: &BTreeSet<String>,
    ) -> Result<String, String> {
        if p1.items.len() != 1 {
            return Err(format!("limit=1 returned {} items", p1.items.len()));
        }
        if p1.total != Some(n) {
            return Err(format!(
                "limit=1: totalResultCount {:?}, expected {n} (the unpaged count)",
                p1.total
            ));
        }
        if p1.returned != Some(1) {
            return Err(format!(
                "limit=1: resultsReturned {:?}, expected 1",
                p1.returned
            ));
        }
        if !p1.items.is_subset(full) {
            return Err(format!(
                "limit=1 returned {}, not an item of the collection",
                show_set(&p1.items)
            ));
        }
        let Some(next) = p1.next.clone() else {
            return Err(format!("limit=1 of {n} items: no api:nextPageURL"));
        };
        let p2 = self.page(call, &next).await?;
        if p2.items.len() != 1 || !p2.items.is_subset(full) || p2.items == p1.items {
            return Err(format!(
                "the next page ({next}) holds {}, expected one other item",
                show_set(&p2.items)
            ));
        }
        Ok(format!(
            "limit=1 gives 1 of {n} items and a next page with the next one"
        ))
    }

    /// One page: fetched, parsed, its items and summary read. Errors are reasons.
    pub(super) async fn page(&mut self, call: &ApiCall, url: &str) -> Result<Page, String> {
        let app = self.app.clone();
        let response = self
            .client
            .send("GET", url, Auth::Signed(&app), None)
            .await
            .map_err(|e| e.to_string())?;
        if response.status != 200 {
            return Err(format!("GET {url}: {}", status_reason(&response)));
        }
        let mut graph = smart_rdf::parse(&response.body, smart_rdf::RdfFormat::RdfXml, Some(url))
            .map_err(|e| format!("GET {url}: {e}"))?;
        let summaries = rdf::take_summaries(&mut graph);
        let items = rdf::typed_nodes(&graph, &[call.target]);
        // With allergies there may be a second summary for the exclusions; the paged one
        // is the one with a next page, else the one whose count is the items'.
        let summary = summaries
            .iter()
            .find(|s| s.next_page_url.is_some())
            .or_else(|| {
                summaries
                    .iter()
                    .find(|s| s.results_returned == Some(items.len() as u64))
            })
            .or(summaries.first());
        let next = match summary.and_then(|s| s.next_page_url.clone()) {
            Some(next) => Some(self.public_to_base(&next).ok_or_else(|| {
                format!("GET {url}: api:nextPageURL {next} is not under the API base")
            })?),
            None => None,
        };
        Ok(Page {
            items,
            returned: summary.and_then(|s| s.results_returned),
            total: summary.and_then(|s| s.total_result_count),
            next,
            graph,
        })
    }

    /// A date filter: a day from the data as the bound; the items kept must be exactly
    /// those whose date lies on the right side of it.
    #[expect(clippy::too_many_arguments, reason = "the parts of one filter check")]
    pub(super) async fn date_filter(
        &mut self,
        call: &ApiCall,
        url: &str,
        param: &str,
        bound: catalog::DateBound,
        property: &str,
        items: &BTreeSet<String>,
        graph: &Graph,
    ) {
        let name = format!("{}.filter.{param}", call.name);
        let dated: Vec<(String, String)> = items
            .iter()
            .filter_map(|k| {
                let node = rdf::node_for_key(k)?;
                let d = rdf::literal_values(graph, &node, property)
                    .into_iter()
                    .next()?;
                Some((k.clone(), d))
            })
            .collect();
        let mut days: Vec<String> = dated
            .iter()
            .filter(|(_, d)| d.len() >= 10)
            .map(|(_, d)| rdf::day(d, false))
            .collect();
        days.sort();
        let Some(pivot) = days.get(days.len() / 2).cloned() else {
            self.report.skip(
                &name,
                format!("no {} with a full date to filter on", noun(call)),
            );
            return;
        };
        let expected: BTreeSet<String> = dated
            .iter()
            .filter(|(_, d)| {
                use catalog::DateBound as B;
                match bound {
                    B::From | B::FromIncluding => rdf::day(d, true) >= pivot,
                    B::FromExcluding => rdf::day(d, true) > pivot,
                    B::To | B::ToIncluding => rdf::day(d, false) <= pivot,
                    B::ToExcluding => rdf::day(d, false) < pivot,
                    _ => true,
                }
            })
            .map(|(k, _)| k.clone())
            .collect();
        let query = format!("{param}={pivot}");
        let result = match self.page(call, &with_query(url, &query)).await {
            Err(e) => Err(e),
            Ok(p) if p.items == expected => Ok(format!(
                "?{query} keeps {} of {} items, the right ones",
                expected.len(),
                items.len()
            )),
            Ok(p) => Err(format!(
                "?{query}: {}",
                difference("the result", &p.items, &expected)
            )),
        };
        self.report.check(&name, result);
    }

    /// A code filter: a code from the data, two codes joined by `|`, and a code no item
    /// has.
    #[expect(clippy::too_many_arguments, reason = "the parts of one filter check")]
    pub(super) async fn code_filter(
        &mut self,
        call: &ApiCall,
        url: &str,
        param: &str,
        path: &[&str],
        namespace: &str,
        items: &BTreeSet<String>,
        graph: &Graph,
    ) {
        let name = format!("{}.filter.{param}", call.name);
        let coded: Vec<(String, BTreeSet<String>)> = items
            .iter()
            .filter_map(|k| {
                let node = rdf::node_for_key(k)?;
                let codes: BTreeSet<String> = rdf::iris_at(graph, &node, path)
                    .into_iter()
                    .filter_map(|c| c.strip_prefix(namespace).map(str::to_owned))
                    .collect();
                Some((k.clone(), codes))
            })
            .collect();
        let all_codes: BTreeSet<&String> = coded.iter().flat_map(|(_, c)| c).collect();
        let mut picks = all_codes.iter();
        let Some(first) = picks.next().map(|c| (*c).clone()) else {
            self.report.skip(
                &name,
                format!("no {} carries a code to filter on", noun(call)),
            );
            return;
        };
        let mut cases: Vec<Vec<String>> = vec![vec![first.clone()]];
        if let Some(second) = picks.next_back() {
            cases.push(vec![first.clone(), (*second).clone()]);
        }
        cases.push(vec!["smart-verify-no-such-code".to_owned()]);
        let mut details = Vec::new();
        for values in cases {
            let expected: BTreeSet<String> = coded
                .iter()
                .filter(|(_, c)| values.iter().any(|v| c.contains(v)))
                .map(|(k, _)| k.clone())
                .collect();
            // `|` separates alternatives; percent-encoded it is the same query value.
            let query = format!("{param}={}", values.join("%7C"));
            match self.page(call, &with_query(url, &query)).await {
                Err(e) => {
                    self.report.fail(&name, e);
                    return;
                }
                Ok(p) if p.items == expected => {
                    details.push(format!("{} → {}", values.join("|"), expected.len()));
                }
                Ok(p) => {
                    self.report.fail(
                        &name,
                        format!(
                            "?{query}: {}",
                            difference("the result", &p.items, &expected)
                        ),
                    );
                    return;
                }
            }
        }
        self.report.pass(
            &name,
            format!(
                "each query keeps exactly the matching items ({})",
                details.join(", ")
            ),
        );
    }

    // ---------------------------------------------------------------- blobs
}

/// One page of a paged collection.
pub(super) struct Page {
    items: BTreeSet<String>,
    returned: Option<u64>,
    total: Option<u64>,
    /// As a URL under the base URL.
    next: Option<String>,
    graph: Graph,
}

/// The classes whose nodes a call returns: its target, and for allergies the
/// exclusions too.
pub(super) fn counted_classes(call: &ApiCall) -> Vec<&'static str> {
    if call.target == sp!("Allergy") {
        vec![sp!("Allergy"), sp!("AllergyExclusion")]
    } else {
        vec![call.target]
    }
}

/// The response summary checks: present on non-empty collections, integer counts that
/// match the statements, no next page without a limit.
pub(super) fn summary_problem(
    summaries: &[Summary],
    returned: u64,
    item: bool,
) -> Result<String, String> {
    if summaries.is_empty() {
        return if returned == 0 || item {
            Ok("no api:ResponseSummary (none needed)".to_owned())
        } else {
            Err(format!("{returned} statements and no api:ResponseSummary"))
        };
    }
    let mut problems: Vec<String> = summaries.iter().flat_map(|s| s.problems.clone()).collect();
    let sum: u64 = summaries.iter().filter_map(|s| s.results_returned).sum();
    if sum != returned {
        problems.push(format!(
            "resultsReturned says {sum}, the graph holds {returned}"
        ));
    }
    for s in summaries {
        if let (Some(r), Some(t)) = (s.results_returned, s.total_result_count) {
            if t != r {
                problems.push(format!(
                    "totalResultCount {t} differs from resultsReturned {r} without a limit"
                ));
            }
        }
        if let Some(next) = &s.next_page_url {
            problems.push(format!("api:nextPageURL {next} without a limit"));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} api:ResponseSummary, resultsReturned {sum} = totalResultCount",
            summaries.len()
        ))
    } else {
        Err(problems.join("; "))
    }
}

/// Pages in descending order of their sort date: no item of a later page is dated after
/// an item of an earlier one. Only whole-day dates are compared (a partial date's place
/// depends on how the container pads it).
pub(super) fn descending_pages(
    pages: &[Page],
    graph: &Graph,
    sort: &str,
) -> Result<String, String> {
    let day_of = |page: &Page, key: &String| -> Option<String> {
        let node = rdf::node_for_key(key)?;
        let value = rdf::literal_values(&page.graph, &node, sort)
            .into_iter()
            .next()
            .or_else(|| rdf::literal_values(graph, &node, sort).into_iter().next())?;
        // A malformed date has no place in the order to check.
        rdf::is_w3c_date(&value).then(|| rdf::day(&value, false))
    };
    let mut previous_min: Option<(String, String)> = None;
    for (i, page) in pages.iter().enumerate() {
        let days: Vec<(String, String)> = page
            .items
            .iter()
            .filter_map(|k| day_of(page, k).map(|d| (d, k.clone())))
            .collect();
        if let (Some((min_day, _)), Some((max_day, max_key))) =
            (previous_min.as_ref(), days.iter().max())
        {
            if max_day > min_day {
                return Err(format!(
                    "page {} holds {max_key} dated {max_day}, later than page {}'s earliest \
                     {min_day}: not in descending order",
                    i + 1,
                    i
                ));
            }
        }
        if let Some(min) = days.iter().min() {
            previous_min = Some(min.clone());
        }
    }
    Ok(format!(
        "pages in descending {} order",
        smart_core::vocab::compact(sort)
    ))
}
