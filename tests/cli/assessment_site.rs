//! The assessment in the built site: `/assessment/` renders every question through the DOM
//! contract of DESIGN section 8, committed responses get report pages whose scores are
//! `opsbook assess`'s, the trend page charts them, pages that `learn` links point at say
//! which dimensions they support, the search index holds the assessment's pages, and a site
//! without a questionnaire gets none of it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::*;

/// The `<fieldset>` of question `id`.
fn fieldset<'a>(html: &'a str, id: &str) -> &'a str {
    between(html, &format!("data-question=\"{id}\""), "</fieldset>")
}

#[test]
fn every_question_is_rendered_through_the_dom_contract() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let html = site.read("public/assessment/index.html");
    let q = page_questionnaire(&html);
    let questions = q["questions"].as_array().unwrap();
    assert_eq!(questions.len(), attr_values(&html, "data-question").len(), "one fieldset each");
    for question in questions {
        let id = question["id"].as_str().unwrap();
        let set = fieldset(&html, id);
        assert!(set.contains("<legend>"), "{id}: every fieldset has a legend");
        match question["kind"].as_str().unwrap() {
            kind @ ("choice" | "multi") => {
                let input = if kind == "choice" { "radio" } else { "checkbox" };
                for option in question["options"].as_array().unwrap() {
                    let needle = format!(
                        "type=\"{input}\" name=\"{id}\" value=\"{}\"",
                        option["id"].as_str().unwrap()
                    );
                    assert!(set.contains(&needle), "{id}: no {needle}");
                }
            }
            "scale" => {
                let needle = format!(
                    "type=\"range\" name=\"{id}\" id=\"q-{id}-input\" min=\"{}\" max=\"{}\"",
                    question["min"], question["max"]
                );
                assert!(set.contains(&needle), "{id}: no {needle}");
                for label in question["labels"].as_object().unwrap().values() {
                    assert!(
                        set.contains(label.as_str().unwrap()),
                        "{id}: the label {label} is shown"
                    );
                }
            }
            "number" => {
                assert!(set.contains(&format!("type=\"number\" name=\"{id}\"")), "{id}");
                if let Some(unit) = question["unit"].as_str() {
                    assert!(set.contains(&format!("<span class=\"unit\">{unit}</span>")), "{id}");
                }
            }
            other => panic!("unknown kind {other}"),
        }
        // Nothing is hidden on the server: without JavaScript every question is readable.
        assert!(!set.contains(" hidden"), "{id}");
        if !question["show_if"].is_null() {
            assert!(set.contains("data-show-if=\""), "{id}: the condition is in the markup");
            assert!(set.contains("class=\"question-condition\""), "{id}: and in words");
        }
    }
    // The report, the data the script reads, the intro and a template per tier summary.
    assert!(html.contains("data-report"));
    assert!(html.contains("data-storage-key=\"opsbook-assessment:scaling-readiness:"));
    for tier in q["tiers"].as_array().unwrap() {
        let needle = format!("<template data-tier-summary=\"{}\">", tier["id"].as_str().unwrap());
        assert!(html.contains(&needle), "{needle}");
    }
    assert!(html.contains("assets/assessment.js"), "the page loads its script");
    assert!(html.contains("Small operations run on memory and key people"), "the intro");
    // The site links to it: the header, the home page.
    let home = site.read("public/index.html");
    assert!(home.contains("href=\"/assessment/\""));
    assert!(
        broken_links(&site.tree("public"), "/").is_empty(),
        "{:?}",
        broken_links(&site.tree("public"), "/")
    );
}

#[test]
fn the_page_script_reads_the_questionnaire_that_assess_scores() {
    // The JSON in the page is the validated questionnaire, learn links resolved: the same
    // data `opsbook assess` scores with, so the page and the CLI agree.
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let q = page_questionnaire(&site.read("public/assessment/index.html"));
    assert_eq!(q["id"], "scaling-readiness");
    let learn = &q["questions"][0]["learn"][0];
    assert!(learn["url"].as_str().unwrap().starts_with("/how-we-operate/writing-process-docs/"));
    assert!(!learn["title"].as_str().unwrap().is_empty());
}

#[test]
fn response_pages_show_the_scores_that_assess_prints() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let mut previous: Option<Value> = None;
    for stem in ["2026-03-15", "2026-11-20"] {
        let file = format!("content/assessment/responses/{stem}.toml");
        let json: Value =
            serde_json::from_str(&site.run(&["assess", &file, "--format", "json"]).ok().stdout)
                .unwrap();
        let html = site.read(&format!("public/assessment/responses/{stem}/index.html"));
        let overall: f64 = between(&html, "data-overall=\"", "\"").parse().unwrap();
        assert_eq!(overall, json["overall"].as_f64().unwrap(), "{stem}: the unrounded overall");
        assert_eq!(between(&html, "data-tier=\"", "\""), json["tier"]["id"].as_str().unwrap());
        for d in json["dimensions"].as_array().unwrap() {
            let needle = format!("data-dimension=\"{}\" data-score=\"", d["id"].as_str().unwrap());
            let score = between(&html, &needle, "\"");
            match d["score"].as_f64() {
                Some(s) => assert_eq!(score.parse::<f64>().unwrap(), s, "{stem}"),
                None => assert_eq!(score, ""),
            }
        }
        // The change per dimension since the previous response.
        match &previous {
            None => assert!(!html.contains("Since the previous response"), "{stem}"),
            Some(before) => {
                assert!(html.contains("Since the previous response"), "{stem}");
                for (old, new) in before["dimensions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(json["dimensions"].as_array().unwrap())
                {
                    let (Some(o), Some(n)) = (old["score"].as_f64(), new["score"].as_f64()) else {
                        continue;
                    };
                    let row = between(
                        &html,
                        &format!("data-dimension-change=\"{}\"", new["id"].as_str().unwrap()),
                        "</tr>",
                    );
                    let delta = ((n - o) * 10.0).round() / 10.0;
                    let expected = if delta > 0.0 {
                        format!("+{delta:.1}")
                    } else if delta < 0.0 {
                        format!("−{:.1}", -delta)
                    } else {
                        "±0.0".into()
                    };
                    assert!(row.contains(&expected), "{stem}: {row} lacks {expected}");
                }
            }
        }
        assert!(
            !html.contains("<script type=\"module\" src=\"/assets/assessment.js"),
            "no script on a response page"
        );
        previous = Some(json);
    }
}

#[test]
fn the_trend_page_charts_every_response_with_the_numbers_in_a_table() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let html = site.read("public/assessment/trend/index.html");
    assert!(html.contains("<svg class=\"trend-chart large\""), "the overall chart");
    let q = page_questionnaire(&site.read("public/assessment/index.html"));
    for d in q["dimensions"].as_array().unwrap() {
        assert!(html.contains(&format!("data-trend-dimension=\"{}\"", d["id"].as_str().unwrap())));
    }
    let table = between(&html, "<table class=\"trend-table\">", "</table>");
    for stem in ["2026-03-15", "2026-11-20"] {
        assert!(table.contains(&format!("/assessment/responses/{stem}/")), "{stem}");
        let json: Value = serde_json::from_str(
            &site
                .run(&[
                    "assess",
                    &format!("content/assessment/responses/{stem}.toml"),
                    "--format",
                    "json",
                ])
                .ok()
                .stdout,
        )
        .unwrap();
        let overall = format!("{:.1}", json["overall"].as_f64().unwrap());
        assert!(table.contains(&format!("<td>{overall}</td>")), "{stem}: {overall}");
    }
    let assessment = site.read("public/assessment/index.html");
    assert!(assessment.contains("href=\"/assessment/trend/\""), "linked from the assessment");
    // And from the home page, with the latest committed result.
    let home = site.read("public/index.html");
    let card = between(&home, "<section class=\"readiness-card\"", "</section>");
    assert!(card.contains("href=\"/assessment/trend/\""), "{card}");
    assert!(
        card.contains("href=\"/assessment/responses/2026-11-20/\"><strong>90.1</strong>"),
        "{card}"
    );
}

#[test]
fn pages_that_learn_links_point_at_name_the_dimensions_they_support() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let page = site.read("public/how-we-operate/ownership-and-backups/index.html");
    let supports = between(&page, "<p class=\"supports\">", "</p>");
    assert!(supports.contains("href=\"/assessment/#dimension-ownership\""), "{supports}");
    assert!(supports.contains("href=\"/assessment/#dimension-processes\""), "{supports}");
    // A page no learn link points at says nothing.
    let plain = site.read("public/catalog/discontinuing-a-sku/index.html");
    assert!(!plain.contains("class=\"supports\""));
}

#[test]
fn the_search_index_holds_the_assessment_and_the_responses() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let tree = site.tree("public/search");
    let records: String = tree
        .iter()
        .filter(|(path, _)| path.starts_with("r/"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for url in
        ["/assessment/", "/assessment/responses/2026-03-15/", "/assessment/responses/2026-11-20/"]
    {
        assert!(records.contains(&format!("\"url\":\"{url}\"")), "{url} is not in the records");
    }
    let manifest: Value = serde_json::from_slice(&tree["manifest.json"]).unwrap();
    let pages = site.run(&["build"]).ok().stdout;
    let built: usize = between(&pages, "Built ", " pages").replace(',', "").parse().unwrap();
    assert_eq!(manifest["count"].as_u64().unwrap() as usize, built + 3, "pages plus three");
}

#[test]
fn a_site_without_a_questionnaire_has_no_assessment_pages() {
    let site = TestSite::sample();
    std::fs::remove_dir_all(site.path("content/assessment")).unwrap();
    // The home page's link to it would now be broken: point it elsewhere.
    let home =
        site.read("content/_index.md").replace("](/assessment/)", "](how-we-operate/_index.md)");
    site.write("content/_index.md", &home);
    site.run(&["build"]).ok();
    assert!(!site.exists("public/assessment"));
    let page = site.read("public/fulfillment/pick-pack-ship/index.html");
    assert!(!page.contains("/assessment/"), "no header link, no supports line");
    // And a link to it is a broken link.
    site.write("content/x.md", "See [the assessment](/assessment/).\n");
    site.run(&["build"]).fails(1).stderr_has(&["/assessment/"]);
}

#[test]
fn an_assessment_index_page_becomes_the_assessment_pages_title_and_intro() {
    let site = TestSite::sample();
    site.write(
        "content/assessment/_index.md",
        "+++\ntitle = \"How ready are we?\"\nweight = 90\n+++\n\nRead [[pick-pack-ship]] first, then answer.\n",
    );
    site.run(&["build"]).ok();
    let html = site.read("public/assessment/index.html");
    assert!(html.contains("<h1>How ready are we?</h1>"));
    assert!(html.contains("href=\"/fulfillment/pick-pack-ship/\""), "its links resolve");
    assert!(html.contains("data-question=\"sop-coverage\""), "and it is the assessment");
    // It is in the navigation, marked as the current page there.
    assert!(html.contains("aria-current=\"page\""));
}

#[test]
fn init_gives_a_new_site_the_assessment_and_no_assessment_leaves_it_out() {
    let with = TestSite::empty();
    with.run(&["init", "."]).ok();
    with.run(&["build"]).ok();
    let html = with.read("public/assessment/index.html");
    let q = page_questionnaire(&html);
    let sample = page_questionnaire(&{
        let s = TestSite::sample();
        s.run(&["build"]).ok();
        s.read("public/assessment/index.html")
    });
    let ids = |q: &Value| -> Vec<String> {
        q["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&q), ids(&sample), "the starter asks what the sample asks");
    // Every learn link points at a starter page that exists.
    let tree = with.tree("public");
    for question in q["questions"].as_array().unwrap() {
        for link in question["learn"].as_array().unwrap() {
            let url = link["url"].as_str().unwrap().split('#').next().unwrap();
            assert!(
                tree.contains_key(&format!("{}index.html", url.trim_start_matches('/'))),
                "{url}"
            );
        }
    }
    assert!(with.read("public/index.html").contains("href=\"/assessment/\""));

    let without = TestSite::empty();
    without.run(&["init", ".", "--no-assessment"]).ok();
    without.run(&["build"]).ok();
    assert!(!without.exists("content/assessment"));
    assert!(!without.exists("public/assessment"));
    let files: BTreeMap<String, Vec<u8>> = without.tree("public");
    assert!(files.keys().all(|k| !k.starts_with("assessment/")));
}

#[test]
fn under_a_sub_path_every_assessment_link_resolves() {
    let site = TestSite::sample();
    let cfg = site.read("opsbook.toml");
    let cfg = cfg.lines().filter(|l| !l.starts_with("base_url")).collect::<Vec<_>>().join("\n");
    site.write("opsbook.toml", &format!("base_url = \"/kb/\"\n{cfg}\n"));
    site.run(&["build"]).ok();
    let tree = site.tree("public");
    assert!(tree.contains_key("assessment/index.html"));
    let broken = broken_links(&tree, "/kb/");
    assert!(broken.is_empty(), "{broken:?}");
    let html = site.read("public/assessment/index.html");
    let q = page_questionnaire(&html);
    assert!(q["questions"][0]["learn"][0]["url"].as_str().unwrap().starts_with("/kb/"));
    assert!(html.contains("src=\"/kb/assets/assessment.js?v="));
}

#[test]
fn modules_are_imported_at_their_versioned_urls() {
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let html = site.read("public/assessment/index.html");
    let map: Value =
        serde_json::from_str(between(&html, "<script type=\"importmap\">", "</script>")).unwrap();
    for module in ["assessment-score.js", "assessment-io.js", "search-engine.js"] {
        let url = map["imports"][format!("/assets/{module}")].as_str().unwrap_or_default();
        assert!(url.starts_with(&format!("/assets/{module}?v=")), "{module}: {url}");
    }
    // The import map comes before any module script, or browsers ignore it.
    let first_module = html.find("<script type=\"module\"").unwrap();
    assert!(html.find("<script type=\"importmap\">").unwrap() < first_module);
}
