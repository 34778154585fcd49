//! axe-core 4.10.3 (vendored in tests/vendor/axe-core, MPL-2.0) on every page type of the
//! sample site in headless Chromium: WCAG 2.0 and 2.1, levels A and AA. The assessment page
//! empty and fully answered (report, caps, share link and reset confirmation showing), a
//! response page, the trend page, home, a process page, a section, the tags index, a tag,
//! search with a query and the 404 page; each at 1280 and 390 px wide, light and dark.
//! One browser per width (the two widths run in parallel); a test fails listing every
//! violation with its rule, impact, help and the selectors of the elements at fault.
//! Skips loudly without Chromium, fails instead under `OPSBOOK_REQUIRE_BROWSER=1`.

use fantoccini::Locator;
use serde_json::json;

use crate::assessment_browser::{
    answer, open_assessment, page_report, questionnaire, random_plan, reload_until, share_link,
};
use crate::browser::{Browser, ServedSample, runtime, served_sample};

const PAGES: [(&str, &str); 16] = [
    ("assessment, empty", "/assessment/"),
    ("assessment, answered", "/assessment/"),
    ("response page", "/assessment/responses/2026-11-20/"),
    ("trend page", "/assessment/trend/"),
    ("home", "/"),
    ("process page", "/fulfillment/pick-pack-ship/"),
    ("process page with a checklist", "/catalog/sku-onboarding/"),
    ("section page", "/fulfillment/"),
    ("tags index", "/tags/"),
    ("tag page", "/tags/shipping/"),
    ("search with a query", "/search/?q=pick"),
    ("404 page", "/no-such-page/"),
    ("governance dashboard", "/governance/"),
    ("person page", "/governance/owners/dana-okafor/"),
    ("system page", "/governance/systems/shopify/"),
    ("people index", "/governance/owners/"),
];

/// The assessment's sections are `content-visibility: auto`: off screen, Chromium skips
/// their rendering, and axe would not see their colours. Render them all.
const RENDER_ALL_JS: &str = "const style = document.createElement('style'); \
    style.textContent = '* { content-visibility: visible !important; }'; \
    document.head.append(style); return document.body.offsetHeight";

fn audit(width: u32, height: u32) {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample() else {
        return;
    };
    // Every question answered where asked, with a capping answer: caps, recommendations.
    let plan = random_plan(&questionnaire(&site), 3, 0.0);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, width, height).await;
        // A headless window is at least 500 px wide: the viewport is set exactly.
        browser.set_viewport(width, height).await;
        let mut failures = Vec::new();
        let mut audited = 0;
        for theme in ["light", "dark"] {
            for (name, path) in PAGES {
                let url = format!("{}{path}", server.base);
                browser.goto_in_theme(&url, theme).await;
                browser.wait_for("return document.readyState === 'complete'").await;
                if path == "/assessment/" {
                    open_assessment(&browser, &url).await;
                    // Unanswered but for what the handbook prefills: the answered visit ends
                    // with Start over (storage may lag a reload).
                    reload_until(
                        &browser,
                        "return [...document.querySelectorAll('fieldset[data-answered]')].every((f) => f.hasAttribute('data-prefilled'))",
                    )
                    .await;
                }
                if name == "assessment, answered" {
                    answer(&browser, &plan).await;
                    let report = page_report(&browser).await;
                    assert!(!report["caps"].as_array().unwrap().is_empty(), "{report}");
                    assert!(report["unanswered"].as_array().unwrap().is_empty(), "{report}");
                    // The share link in the status area and the reset confirmation, too.
                    share_link(&browser).await;
                    let reset = Locator::Css("[data-action=reset]");
                    browser.client.find(reset).await.unwrap().click().await.unwrap();
                    browser.wait_for("return !document.querySelector('[data-reset-confirm]').hidden").await;
                }
                if path.starts_with("/search/") {
                    browser.wait_for("return document.querySelectorAll('[data-search-results] li').length > 0").await;
                }
                browser.eval(RENDER_ALL_JS).await;
                let shown = browser.eval("return document.documentElement.dataset.theme").await;
                assert_eq!(shown, json!(theme), "{name} at {width} px");
                for violation in browser.axe().await {
                    failures.push(format!("{width} px, {theme}, {name} ({path}): {violation}"));
                }
                audited += 1;
                if name == "assessment, answered" {
                    // Start over, so that the next visit finds the page empty again.
                    let confirm = Locator::Css("[data-action=reset-confirm]");
                    browser.client.find(confirm).await.unwrap().click().await.unwrap();
                    let left = "return [...document.querySelectorAll('fieldset[data-answered]')].every((f) => f.hasAttribute('data-prefilled'))";
                    assert_eq!(browser.eval(left).await, json!(true), "only the handbook's answers are left");
                }
            }
        }
        browser.close().await;
        assert_eq!(audited, 2 * PAGES.len());
        assert!(
            failures.is_empty(),
            "axe-core found {} WCAG 2.1 A/AA violations:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}

#[test]
fn every_page_type_passes_axe_at_1280_px_in_light_and_dark() {
    audit(1280, 900);
}

#[test]
fn every_page_type_passes_axe_at_390_px_in_light_and_dark() {
    audit(390, 844);
}

/// The pages of a brought-in wiki: embeds, folded callouts, highlights, highlighted code,
/// broken links (and their list on the dashboard), at 390 and 1280 px, light and dark.
#[test]
fn a_brought_in_vault_passes_axe() {
    let Some((chromium, driver)) = crate::browser::browser_programs() else { return };
    let site = crate::wiki::vault_with_everything();
    site.run(&["build"]).ok();
    let server = crate::browser::StaticServer::start(&site.path("public"));
    let pages = ["/fulfillment/pick-and-pack/", "/broken/", "/governance/", "/deep/level-1/"];
    runtime().block_on(async {
        let mut failures = Vec::new();
        for (width, height) in [(390, 844), (1280, 900)] {
            let browser = Browser::start(&chromium, &driver, width, height).await;
            browser.set_viewport(width, height).await;
            for theme in ["light", "dark"] {
                for path in pages {
                    browser.goto_in_theme(&format!("{}{path}", server.base), theme).await;
                    browser.wait_for("return document.readyState === 'complete'").await;
                    browser.eval(RENDER_ALL_JS).await;
                    for violation in browser.axe().await {
                        failures.push(format!("{width} px, {theme}, {path}: {violation}"));
                    }
                }
            }
            browser.close().await;
        }
        assert!(failures.is_empty(), "axe-core found violations:\n{}", failures.join("\n"));
    });
}
