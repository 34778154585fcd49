//! Search: the index files in the output, and the UI in headless Chromium on the sample
//! wiki (typing, keyboard, filters, the search page, a sub-path site, the dev server).

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::browser::{
    Browser, ServedSample, StaticServer, browser_programs, runtime, served_sample,
};
use crate::support::*;

#[test]
fn the_index_is_written_under_the_base_path_and_reproducible() {
    let site = TestSite::fixture("subpath");
    site.run(&["build", "--output", "one"]).ok();
    site.run(&["build", "--output", "two"]).ok();
    let one = site.tree("one");
    let search: Vec<&String> = one.keys().filter(|k| k.starts_with("search/")).collect();
    assert!(search.iter().any(|k| k.as_str() == "search/manifest.json"));
    assert!(search.iter().any(|k| k.starts_with("search/t/")), "term shards");
    assert!(search.iter().any(|k| k.starts_with("search/r/")), "page records");
    assert!(search.iter().any(|k| k.as_str() == "search/index.html"), "the search page");
    for path in &search {
        assert_eq!(one[*path], site.tree("two")[*path], "{path} differs between builds");
    }
    let manifest: Value = serde_json::from_slice(&one["search/manifest.json"]).unwrap();
    assert_eq!(manifest["format"], 2);
    let records: Vec<&str> =
        manifest["records"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    let record: Value = serde_json::from_slice(&one[&format!("search/{}", records[0])]).unwrap();
    assert!(
        record["pages"][0]["url"].as_str().unwrap().starts_with("/kb/"),
        "record URLs carry the base path"
    );
    let page = String::from_utf8_lossy(&one["ops/pick/index.html"]).into_owned();
    assert!(page.contains("data-index=\"/kb/search/manifest.json\""), "the header knows the index");
    // Every shard and record file has a content hash in its name.
    for path in search.iter().filter(|p| p.starts_with("search/t/") || p.starts_with("search/r/")) {
        let name = path.rsplit('/').next().unwrap();
        assert_eq!(name.split('.').count(), 3, "{name} is <key>.<hash>.json");
    }
}

/// The index files of an output: the manifest and the shard and record files it names.
fn index_files(tree: &std::collections::BTreeMap<String, Vec<u8>>) -> (Vec<String>, Vec<String>) {
    let manifest: Value = serde_json::from_slice(&tree["search/manifest.json"]).unwrap();
    let mut named: Vec<String> = manifest["shards"]
        .as_object()
        .unwrap()
        .values()
        .chain(manifest["records"].as_array().unwrap())
        .map(|v| format!("search/{}", v.as_str().unwrap()))
        .chain(["search/manifest.json".to_string()])
        .collect();
    named.sort();
    named.dedup();
    let on_disk: Vec<String> = tree
        .keys()
        .filter(|k| k.starts_with("search/") && k.as_str() != "search/index.html")
        .cloned()
        .collect();
    (named, on_disk)
}

#[test]
fn a_rebuild_leaves_exactly_the_index_files_the_manifest_names() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let (named, on_disk) = index_files(&site.tree("public"));
    assert_eq!(on_disk, named);
    // A changed page changes its record group's hash: the old file must go.
    let page = "content/returns/refund-rules.md";
    let text = site.read(page);
    site.write(page, &format!("{text}\nA new paragraph about restocking fees.\n"));
    site.run(&["build"]).ok();
    let (named_after, on_disk_after) = index_files(&site.tree("public"));
    assert_eq!(on_disk_after, named_after);
    assert_ne!(named_after, named, "the edited page's record file was renamed");
}

#[test]
fn nothing_else_may_write_where_the_index_goes() {
    let site = TestSite::fixture("basic");
    site.run(&["build"]).ok();
    let before = site.tree("public");
    site.write("static/search/manifest.json", "{}\n");
    site.write("static/search/t/a.json", "{}\n");
    site.run(&["build"]).fails(1).stderr_has(&[
        "static/search/manifest.json and the search index both write search/manifest.json",
        "static/search/t/a.json and the search index both write search/t/a.json",
    ]);
    assert_eq!(site.tree("public"), before, "a refused build writes nothing");
    // With search off the paths are free.
    let config = site.read("opsbook.toml");
    site.write("opsbook.toml", &format!("{config}\n[search]\nenabled = false\n"));
    site.run(&["build"]).ok();
    assert_eq!(site.read("public/search/manifest.json"), "{}\n");
}

#[test]
fn pages_may_link_to_the_index_manifest() {
    let site = TestSite::fixture("basic");
    site.write("content/links.md", "See [the index](/search/manifest.json).\n");
    site.run(&["build"]).ok();
    let config = site.read("opsbook.toml");
    site.write("opsbook.toml", &format!("{config}\n[search]\nenabled = false\n"));
    site.run(&["build"]).fails(1).stderr_has(&["/search/manifest.json"]);
}

#[test]
fn search_can_be_turned_off() {
    let site = TestSite::fixture("basic");
    let config = site.read("opsbook.toml");
    site.write("opsbook.toml", &format!("{config}\n[search]\nenabled = false\n"));
    site.run(&["build"]).ok();
    assert!(!site.exists("public/search"));
    assert!(!site.read("public/index.html").contains("data-index="));
    assert!(
        site.read("public/index.html").contains("action=\"/search/\""),
        "the box still links to /search/"
    );
}

#[test]
fn without_javascript_the_search_box_submits_to_the_search_page() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let home = site.read("public/index.html");
    assert!(home.contains(
        "<form class=\"site-search\" role=\"search\" action=\"/search/\" method=\"get\""
    ));
    assert!(home.contains("name=\"q\""));
    let page = site.read("public/search/index.html");
    assert!(page.contains("<noscript>") && page.contains("needs JavaScript"));
}

async fn wait_results(browser: &Browser) {
    browser
        .wait_for(
            "return document.querySelectorAll('#opsbook-search-results [role=option]').length > 0",
        )
        .await;
}

async fn option_urls(browser: &Browser) -> Vec<String> {
    let urls = browser
        .eval("return [...document.querySelectorAll('#opsbook-search-results [role=option]')].map(o => o.dataset.url)")
        .await;
    urls.as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect()
}

#[test]
fn typing_shows_results_and_the_keyboard_moves_through_them() {
    let Some(ServedSample { chromium, driver, site: _site, server }) = served_sample() else {
        return;
    };
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        browser.client.goto(&format!("{}/fulfillment/", server.base)).await.unwrap();
        let body = browser.client.find(Locator::Css("body")).await.unwrap();
        body.send_keys("/").await.unwrap();
        browser.wait_for("return document.activeElement.id === 'opsbook-search'").await;
        let input = browser.client.find(Locator::Id("opsbook-search")).await.unwrap();
        input.send_keys("returns").await.unwrap();
        wait_results(&browser).await;
        assert_eq!(input.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
        assert_eq!(input.attr("role").await.unwrap().as_deref(), Some("combobox"));
        let urls = option_urls(&browser).await;
        assert!(urls[..3].iter().all(|u| u.starts_with("/returns/")), "returns pages first: {urls:?}");
        let marks = browser.eval("return [...document.querySelectorAll('#opsbook-search-results mark')].map(m => m.textContent.toLowerCase())").await;
        assert!(marks.as_array().unwrap().iter().any(|m| m.as_str().unwrap().starts_with("return")), "{marks}");
        // The open list passes axe: each option is the result's link, not a link inside an
        // option (nested interactive controls).
        let violations = browser.axe().await;
        assert!(violations.is_empty(), "axe on the open results: {violations:?}");
        let nested = browser.eval("return document.querySelectorAll('#opsbook-search-results [role=option] a').length").await;
        assert_eq!(nested, json!(0));

        input.send_keys(&Key::Down.to_string()).await.unwrap();
        input.send_keys(&Key::Down.to_string()).await.unwrap();
        let active = input.attr("aria-activedescendant").await.unwrap();
        assert_eq!(active.as_deref(), Some("opsbook-result-1"));
        let selected = browser.eval("return document.getElementById('opsbook-result-1').getAttribute('aria-selected')").await;
        assert_eq!(selected, json!("true"));
        let target = urls[1].clone();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        browser.wait_for(&format!("return location.pathname + location.hash === {}", json!(target))).await;

        // Escape closes the list; an empty or punctuation-only query shows nothing and no error.
        let input = browser.client.find(Locator::Id("opsbook-search")).await.unwrap();
        input.send_keys("fulf").await.unwrap();
        wait_results(&browser).await;
        assert!(option_urls(&browser).await.contains(&"/fulfillment/".to_string()), "fulf finds fulfillment while typing");
        input.send_keys(&Key::Escape.to_string()).await.unwrap();
        browser.wait_for("return document.getElementById('opsbook-search-panel').hidden").await;
        input.clear().await.unwrap();
        input.send_keys("?!…").await.unwrap();
        browser.wait_for("return document.getElementById('opsbook-search').value === '?!…'").await;
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

#[test]
fn filters_narrow_results_to_one_owner() {
    let Some(ServedSample { chromium, driver, site: _site, server }) = served_sample() else {
        return;
    };
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        browser.client.goto(&format!("{}/search/?q=inventory", server.base)).await.unwrap();
        browser.wait_for("return document.querySelectorAll('[data-search-results] li').length > 0").await;
        let before = browser.eval("return document.querySelectorAll('[data-search-results] li').length").await;
        let chip = browser.client.find(Locator::XPath("//button[@data-filter='owner'][contains(., 'Sam Reyes')]")).await.unwrap();
        let expected: u64 = chip.find(Locator::Css(".chip-count")).await.unwrap().text().await.unwrap().parse().unwrap();
        chip.click().await.unwrap();
        browser.wait_for(&format!("return document.querySelectorAll('[data-search-results] li').length === {expected}")).await;
        assert!(before.as_u64().unwrap() > expected);
        let metas = browser.eval("return [...document.querySelectorAll('[data-search-results] .result-meta')].map(m => m.textContent)").await;
        for meta in metas.as_array().unwrap() {
            assert!(meta.as_str().unwrap().contains("Owner: Sam Reyes"), "{meta}");
        }
        let pressed = browser.eval("return document.querySelector(\"button[data-filter='owner'][aria-pressed='true']\").textContent").await;
        assert!(pressed.as_str().unwrap().starts_with("Sam Reyes"));
        assert!(browser.eval("return location.search").await.as_str().unwrap().contains("owner="), "the filter is in the URL");
        browser.close().await;
    });
}

#[test]
fn the_search_page_runs_the_query_from_its_url() {
    let Some(ServedSample { chromium, driver, site: _site, server }) = served_sample() else {
        return;
    };
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        let links = "return [...document.querySelectorAll('[data-search-results] a.result-title')].map(a => a.getAttribute('href'))";
        // Without a query the page says what to do, not nothing.
        browser.client.goto(&format!("{}/search/", server.base)).await.unwrap();
        browser.wait_for("return document.querySelector('[data-search-status]').textContent !== ''").await;
        let hint = browser.eval("return document.querySelector('[data-search-status]').textContent").await;
        assert!(hint.as_str().unwrap().starts_with("Type what you are looking for"), "{hint}");
        browser.client.goto(&format!("{}/search/?q=returns", server.base)).await.unwrap();
        browser.wait_for("return document.querySelectorAll('[data-search-results] li').length > 0").await;
        let urls = browser.eval(links).await;
        let urls: Vec<&str> = urls.as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
        assert!(urls[..3].iter().all(|u| u.starts_with("/returns/")), "{urls:?}");
        let show_more = browser.eval("return !document.querySelector('[data-search-more]').hidden").await;
        assert_eq!(show_more, json!(true), "more than one page of results");
        // "Show more" until every result is listed.
        loop {
            let shown = browser.eval("return document.querySelectorAll('[data-search-results] li').length").await;
            if browser.eval("return document.querySelector('[data-search-more]').hidden").await == json!(true) {
                break;
            }
            browser.client.find(Locator::Css("[data-search-more]")).await.unwrap().click().await.unwrap();
            browser.wait_for(&format!("return document.querySelectorAll('[data-search-results] li').length > {shown}")).await;
        }
        let all = browser.eval(links).await;
        let all: Vec<&str> = all.as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
        assert!(all.iter().any(|u| u.starts_with("/fulfillment/pick-pack-ship/")), "a page that only says returned");
        assert!(all.iter().any(|u| u.starts_with("/customer-service/wismo-tickets/")), "a page that only says returned");

        // A result's title opens its page at the top (result titles jumped mid-page); the
        // heading its excerpt is under links to that heading.
        browser.client.goto(&format!("{}/search/?q=%C3%89tiquette", server.base)).await.unwrap();
        browser.wait_for("return document.querySelectorAll('[data-search-results] li').length > 0").await;
        let first = browser.eval(links).await;
        assert_eq!(first[0], json!("/customer-service/escalation-matrix/"));
        let heading = browser.eval("return document.querySelector('[data-search-results] li a.result-heading').getAttribute('href')").await;
        assert!(heading.as_str().unwrap().starts_with("/customer-service/escalation-matrix/#"), "{heading}");

        browser.client.goto(&format!("{}/search/?q=%21%3F", server.base)).await.unwrap();
        browser.wait_for("return document.readyState === 'complete'").await;
        browser.wait_for("return document.querySelector('[data-search-status]').textContent !== ''").await;
        assert_eq!(browser.eval("return document.querySelectorAll('[data-search-results] li').length").await, json!(0));
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

#[test]
fn search_works_under_a_sub_path() {
    let Some((chromium, driver)) = browser_programs() else { return };
    let site = TestSite::fixture("subpath");
    site.run(&["build"]).ok();
    // Serve the output under /kb/, as a host would.
    let host = TestSite::empty();
    copy_dir(&site.path("public"), &host.path("kb"));
    let server = StaticServer::start(&host.root);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        browser.client.goto(&format!("{}/kb/ops/", server.base)).await.unwrap();
        let input = browser.client.find(Locator::Id("opsbook-search")).await.unwrap();
        input.send_keys("refunds").await.unwrap();
        wait_results(&browser).await;
        let urls = option_urls(&browser).await;
        assert_eq!(urls[0], "/kb/ops/returns/#refunds");
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

/// The pages whose postings hold `word`, from the index files of an output.
fn pages_with(tree: &std::collections::BTreeMap<String, Vec<u8>>, word: &str) -> Vec<u64> {
    let manifest: Value = serde_json::from_slice(&tree["search/manifest.json"]).unwrap();
    let shards = manifest["shards"].as_object().unwrap();
    let key = shards.keys().filter(|k| word.starts_with(k.as_str())).max_by_key(|k| k.len());
    let Some(key) = key else { return Vec::new() };
    let shard: Value =
        serde_json::from_slice(&tree[&format!("search/{}", shards[key].as_str().unwrap())])
            .unwrap();
    let Some(group) = shard["words"][word].as_u64() else { return Vec::new() };
    let flat = shard["groups"][group as usize]["p"].as_array().unwrap();
    let mut page = 0;
    flat.chunks(2)
        .map(|pair| {
            page += pair[0].as_u64().unwrap();
            page
        })
        .collect()
}

#[test]
fn tags_and_descriptions_are_indexed() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/ops/refunds.md",
        "+++\ntitle = \"Refund Rules\"\ndescription = \"Money back to customers, consistently.\"\ntags = [\"policy\", \"finance-team\"]\n+++\n\nWhat we pay back and when.\n",
    );
    site.run(&["build"]).ok();
    let tree = site.tree("public");
    let refund = pages_with(&tree, "refund");
    assert_eq!(refund.len(), 1, "the title finds the page");
    for word in ["policy", "finance", "consistently"] {
        assert_eq!(pages_with(&tree, word), refund, "{word} finds the page");
    }
}

#[test]
fn a_misspelled_query_suggests_a_word_of_the_index() {
    let Some(ServedSample { chromium, driver, site: _site, server }) = served_sample() else {
        return;
    };
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        browser.client.goto(&format!("{}/fulfillment/", server.base)).await.unwrap();
        let input = browser.client.find(Locator::Id("opsbook-search")).await.unwrap();
        input.send_keys("inventroy").await.unwrap();
        browser.wait_for("return !!document.querySelector('#opsbook-search-panel .search-suggestion')").await;
        let status = browser.eval("return document.querySelector('#opsbook-search-panel .search-status').textContent").await;
        assert_eq!(status, json!("No pages match. Did you mean inventory?"));
        browser.client.find(Locator::Css("#opsbook-search-panel .search-suggestion")).await.unwrap().click().await.unwrap();
        wait_results(&browser).await;
        assert_eq!(browser.eval("return document.getElementById('opsbook-search').value").await, json!("inventory"));
        // An option that opens a heading names it after the page's title.
        let options = browser.eval("return [...document.querySelectorAll('#opsbook-search-results [role=option]')].map(o => [o.dataset.url, o.querySelector('.result-title').textContent])").await;
        for option in options.as_array().unwrap() {
            let (url, title) = (option[0].as_str().unwrap(), option[1].as_str().unwrap());
            assert_eq!(url.contains('#'), title.contains(" › "), "{url}: {title}");
        }
        // The search page offers it too, as a link.
        browser.client.goto(&format!("{}/search/?q=inventroy", server.base)).await.unwrap();
        browser.wait_for("return !!document.querySelector('[data-search-status] .search-suggestion')").await;
        let href = browser.eval("return document.querySelector('[data-search-status] .search-suggestion').getAttribute('href')").await;
        assert_eq!(href, json!("/search/?q=inventory"));
        browser.client.find(Locator::Css("[data-search-status] .search-suggestion")).await.unwrap().click().await.unwrap();
        browser.wait_for("return document.querySelectorAll('[data-search-results] li').length > 0").await;
        assert!(browser.eval("return location.search").await.as_str().unwrap().contains("q=inventory"));
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}
