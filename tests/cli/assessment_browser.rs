//! The assessment page in headless Chromium, driven only through its DOM contract
//! (DESIGN.md s8 "In the browser", docs/assessment-page.md): answers set on inputs found by
//! `[data-question]` and `name`/`value` with bubbling `input`/`change` events, the report
//! read from `data-overall`, `data-tier` and `data-dimension`/`data-score`. What the page
//! downloads is scored by the real `opsbook assess` and must agree to 1e-9; share links,
//! autosave, `show_if`, the keyboard and "Load answers" are checked the same way.
//! Skips loudly without Chromium, fails instead under `OPSBOOK_REQUIRE_BROWSER=1`.

use std::str::FromStr;

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::browser::{
    Browser, ServedSample, runtime, served_sample, served_sample_without_prefill,
};
use crate::support::{Rng, TestSite, page_questionnaire};

/// A list of `[question id, answer]`, in questionnaire order; answers as in an answers file
/// (option id, list of option ids, number).
pub type Plan = Vec<(String, Value)>;

/// The questionnaire as the built page embeds it for its script.
pub fn questionnaire(site: &TestSite) -> Value {
    page_questionnaire(&site.read("public/assessment/index.html"))
}

fn option_ids(question: &Value) -> Vec<String> {
    question["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().into())
        .collect()
}

/// The best answer to every question: the top option, every option, the scale's maximum,
/// and a number in the best band (at its `max` exactly where it has one: the edge is in).
pub fn best_plan(questionnaire: &Value) -> Plan {
    let questions = questionnaire["questions"].as_array().unwrap();
    questions
        .iter()
        .map(|q| {
            let answer = match q["kind"].as_str().unwrap() {
                "choice" => {
                    let options = q["options"].as_array().unwrap();
                    let top = options
                        .iter()
                        .map(|o| o["score"].as_f64().unwrap())
                        .fold(f64::MIN, f64::max);
                    options.iter().find(|o| o["score"].as_f64() == Some(top)).unwrap()["id"].clone()
                }
                "multi" => json!(option_ids(q)),
                "scale" => q["max"].clone(),
                _ => {
                    let bands = q["bands"].as_array().unwrap();
                    let top =
                        bands.iter().map(|b| b["score"].as_f64().unwrap()).fold(f64::MIN, f64::max);
                    let at = bands.iter().position(|b| b["score"].as_f64() == Some(top)).unwrap();
                    match bands[at]["max"].as_f64() {
                        Some(max) => json!(max),
                        None if at > 0 => json!(bands[at - 1]["max"].as_f64().unwrap() + 1.0),
                        None => json!(1),
                    }
                }
            };
            (q["id"].as_str().unwrap().to_string(), answer)
        })
        .collect()
}

/// Pseudo-random answers (`skip`: the share left unanswered), with the first capping option
/// of an unconditional choice question chosen, so that the tier is capped. Numbers include
/// band edges, values whose shortest text is awkward (0.1 + 0.2, 1e-7, 2^-20...) and 2^53.
pub fn random_plan(questionnaire: &Value, seed: u64, skip: f64) -> Plan {
    const AWKWARD: [f64; 9] = [
        0.1 + 0.2,
        1e-7,
        97.9,
        0.22,
        -0.5,
        123_456_789.125,
        9.5367431640625e-7,
        2.5,
        9_007_199_254_740_992.0,
    ];
    let mut rng = Rng(seed);
    let questions = questionnaire["questions"].as_array().unwrap();
    let mut plan = Plan::new();
    for q in questions {
        if rng.chance(skip) {
            continue;
        }
        let answer = match q["kind"].as_str().unwrap() {
            "choice" => {
                let ids = option_ids(q);
                json!(ids[rng.below(ids.len())])
            }
            "multi" => {
                let ids = option_ids(q);
                let mut picked: Vec<_> = ids.iter().filter(|_| rng.chance(0.5)).cloned().collect();
                if picked.is_empty() {
                    picked.push(ids[rng.below(ids.len())].clone());
                }
                json!(picked)
            }
            "scale" => {
                let (min, max) = (q["min"].as_i64().unwrap(), q["max"].as_i64().unwrap());
                json!(min + rng.below((max - min + 1) as usize) as i64)
            }
            _ => {
                let bands = q["bands"].as_array().unwrap();
                match rng.below(3) {
                    0 => json!(AWKWARD[rng.below(AWKWARD.len())]),
                    1 => bands[rng.below(bands.len() - 1)]["max"].clone(),
                    _ => json!(rng.below(100_001) as f64 / 1000.0),
                }
            }
        };
        plan.push((q["id"].as_str().unwrap().to_string(), answer));
    }
    let capped = questions.iter().find_map(|q| {
        let option = q["options"].as_array()?.iter().find(|o| !o["cap"].is_null())?;
        (q["kind"] == "choice" && q["show_if"].is_null())
            .then(|| (q["id"].as_str().unwrap().to_string(), option["id"].clone()))
    });
    let (id, option) = capped.expect("the questionnaire has a capping option");
    plan.retain(|(q, _)| *q != id);
    plan.push((id, option));
    // Back in questionnaire order: a show_if parent comes before its questions.
    let order = |id: &str| questions.iter().position(|q| q["id"] == id).unwrap();
    plan.sort_by_key(|(id, _)| order(id));
    plan
}

/// Sets each answer on the question's inputs and dispatches bubbling `input` and `change`,
/// skipping questions that are `hidden` when their turn comes; returns the ids answered.
const ANSWER_JS: &str = r#"
const applied = [];
const fire = (el) => {
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
};
for (const [id, value] of arguments[0]) {
  const fieldset = document.querySelector(`fieldset[data-question="${CSS.escape(id)}"]`);
  if (!fieldset || fieldset.hidden) continue;
  const inputs = [...fieldset.querySelectorAll("input")].filter((el) => el.name === id);
  const kind = fieldset.dataset.kind;
  if (kind === "choice" || kind === "multi") {
    const want = kind === "choice" ? [value] : value;
    for (const el of inputs) {
      if (el.checked !== want.includes(el.value) || (kind === "choice" && el.value === value)) {
        el.checked = want.includes(el.value);
        fire(el);
      }
    }
    if (!inputs.some((el) => el.value === want[0])) throw new Error(`${id} has no option ${want[0]}`);
  } else if (value === null) {
    inputs[0].value = "";
    fire(inputs[0]);
  } else {
    inputs[0].value = String(value);
    fire(inputs[0]);
  }
  applied.push(id);
}
return applied;
"#;

pub async fn answer(browser: &Browser, plan: &Plan) -> Vec<String> {
    let plan: Vec<Value> = plan.iter().map(|(id, v)| json!([id, v])).collect();
    let applied = browser.eval_with(ANSWER_JS, vec![json!(plan)]).await;
    applied.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// Opens /assessment/ and waits until its script has taken over the page.
pub async fn open_assessment(browser: &Browser, url: &str) {
    browser.client.goto(url).await.unwrap();
    wait_interactive(browser).await;
}

async fn wait_interactive(browser: &Browser) {
    browser
        .wait_for(
            "return document.readyState === 'complete' && \
             document.querySelector('[data-assessment]').classList.contains('is-interactive')",
        )
        .await;
}

/// Reloads the page until `script` holds (at most ten seconds). Chromium hands localStorage
/// to a new document asynchronously, so a reload right after a change may still see the old.
pub async fn reload_until(browser: &Browser, script: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        browser.client.refresh().await.unwrap();
        wait_interactive(browser).await;
        if browser.eval(script).await == Value::Bool(true) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "after reloads, still not: {script}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

const HAS_REPORT: &str = "return !!document.querySelector('[data-overall]')";
const NO_REPORT: &str = "return !document.querySelector('[data-overall]')";

/// What the report shows, read through the DOM contract.
const REPORT_JS: &str = r#"
const body = document.querySelector("[data-report]");
const overall = body.querySelector("[data-overall]");
const tier = body.querySelector("[data-tier]");
const ids = (selector) => [...body.querySelectorAll(selector)].map((a) => a.getAttribute("href").replace(/^#q-/, ""));
return {
  overall: overall ? overall.getAttribute("data-overall") : null,
  tier: tier ? tier.getAttribute("data-tier") : null,
  dimensions: [...body.querySelectorAll("[data-dimension]")].map((d) => [d.getAttribute("data-dimension"), d.getAttribute("data-score")]),
  caps: ids(".report-caps li a"),
  recommendations: ids(".report-recommendations .rec-question a"),
  unanswered: ids(".report-unanswered a"),
  completion: body.querySelector(".report-completion")?.textContent ?? null,
  progress: [document.querySelector("[data-progress-count]").textContent, document.querySelector("[data-progress-total]").textContent],
};
"#;

pub async fn page_report(browser: &Browser) -> Value {
    browser.eval(REPORT_JS).await
}

/// Every question's state: `id shown|hidden answered|- value`, the value as the inputs hold it.
const SNAPSHOT_JS: &str = r#"
return [...document.querySelectorAll("fieldset[data-question]")].map((f) => {
  const id = f.dataset.question;
  const inputs = [...f.querySelectorAll("input")].filter((el) => el.name === id);
  const answered = f.hasAttribute("data-answered");
  const value = f.dataset.kind === "choice" || f.dataset.kind === "multi"
    ? inputs.filter((el) => el.checked).map((el) => el.value).join(",") : inputs[0].value;
  return `${id} ${f.hidden ? "hidden" : "shown"} ${answered ? `answered ${value}` : "-"}`;
});
"#;

async fn snapshot(browser: &Browser) -> Vec<String> {
    let lines = browser.eval(SNAPSHOT_JS).await;
    lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect()
}

/// `opsbook assess FILE --format json` in the site.
pub fn assess(site: &TestSite, file: &str) -> Value {
    let run = site.run(&["assess", file, "--format", "json"]).ok();
    serde_json::from_str(&run.stdout).expect("assess prints JSON")
}

/// A number as Rust reads its raw text.
fn number(text: &str, what: &str) -> f64 {
    f64::from_str(text).unwrap_or_else(|_| panic!("{what}: {text:?} is not a number"))
}

fn json_number(value: &Value, what: &str) -> f64 {
    assert!(value.is_number(), "{what}: {value} is not a number");
    number(&value.to_string(), what)
}

fn ids(value: &Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| if key.is_empty() { v } else { &v[key] }.as_str().unwrap().to_string())
        .collect()
}

/// The page's report against `opsbook assess`'s JSON: overall and every dimension to 1e-9,
/// the tier, the caps, the recommendations and what is left unanswered.
pub fn assert_same_report(page: &Value, report: &Value, what: &str) {
    let overall = page["overall"].as_str().unwrap_or_else(|| panic!("{what}: no data-overall"));
    let (shown, scored) = (number(overall, what), json_number(&report["overall"], what));
    assert!((shown - scored).abs() <= 1e-9, "{what}: data-overall {overall} but assess {scored}");
    assert_eq!(page["tier"], report["tier"]["id"], "{what}: data-tier");
    let dimensions = report["dimensions"].as_array().unwrap();
    let shown = page["dimensions"].as_array().unwrap();
    assert_eq!(shown.len(), dimensions.len(), "{what}: one [data-dimension] per dimension");
    for (row, d) in shown.iter().zip(dimensions) {
        assert_eq!(row[0], d["id"], "{what}: dimensions in questionnaire order");
        let text = row[1].as_str().unwrap();
        if d["score"].is_null() {
            assert_eq!(text, "", "{what}: {} is not assessed", d["id"]);
        } else {
            let (a, b) = (number(text, what), json_number(&d["score"], what));
            assert!((a - b).abs() <= 1e-9, "{what}: {} data-score {text} but assess {b}", d["id"]);
        }
    }
    assert_eq!(ids(&page["caps"], ""), ids(&report["caps"], "question"), "{what}: caps");
    assert_eq!(
        ids(&page["recommendations"], ""),
        ids(&report["recommendations"], "question"),
        "{what}: recommendations"
    );
    let unanswered = ids(&report["unanswered"], "");
    assert_eq!(
        ids(&page["unanswered"], ""),
        unanswered[..unanswered.len().min(100)],
        "{what}: not answered yet"
    );
}

/// Keeps what "Download answers" hands the browser: the blob and the file name.
const DOWNLOAD_HOOK_JS: &str = r#"
if (!window.__downloads) {
  window.__downloads = [];
  const create = URL.createObjectURL;
  URL.createObjectURL = function (blob) {
    window.__downloads.push({ blob });
    return create.call(URL, blob);
  };
  const click = HTMLElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const last = window.__downloads[window.__downloads.length - 1];
    if (this.download && last && this.href.startsWith("blob:")) return void (last.name = this.download);
    return click.call(this);
  };
}
"#;

/// Clicks "Download answers" and returns the file's name and text.
pub async fn download(browser: &Browser) -> (String, String) {
    browser.eval(DOWNLOAD_HOOK_JS).await;
    let before = browser.eval("return window.__downloads.length").await;
    browser
        .client
        .find(Locator::Css("[data-action=download]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let got = browser
        .eval_async(
            "const [before, done] = arguments;
             (function poll() {
               const last = window.__downloads[window.__downloads.length - 1];
               if (window.__downloads.length > before && last.name) last.blob.text().then((text) => done([last.name, text]));
               else setTimeout(poll, 20);
             })();",
            vec![before],
        )
        .await;
    (got[0].as_str().unwrap().to_string(), got[1].as_str().unwrap().to_string())
}

/// The downloaded file holds exactly `expected` (by id; numbers read back bit for bit).
fn assert_file_answers(text: &str, expected: &[(String, Value)], what: &str) {
    let file: toml::Table = text.parse().unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    let answers = file["answers"].as_table().unwrap();
    let got: Vec<&String> = answers.keys().collect();
    let want: Vec<&String> = expected.iter().map(|(id, _)| id).collect();
    assert_eq!(got, want, "{what}: the file answers what was answered\n{text}");
    for (id, value) in expected {
        let in_file = &answers[id];
        match value {
            Value::String(s) => assert_eq!(in_file.as_str(), Some(s.as_str()), "{what}: {id}"),
            Value::Array(list) => {
                let mut a: Vec<&str> = list.iter().map(|v| v.as_str().unwrap()).collect();
                let mut b: Vec<&str> =
                    in_file.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "{what}: {id}");
            }
            _ => {
                let n = in_file.as_integer().map(|i| i as f64).or(in_file.as_float());
                assert_eq!(n, value.as_f64(), "{what}: {id} = {in_file} in the file\n{text}");
            }
        }
    }
}

/// The browser's local date, which names the downloaded file.
async fn local_today(browser: &Browser) -> String {
    let today = "const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]\
                 .map((n, k) => String(n).padStart(k ? 2 : 4, '0')).join('-')";
    browser.eval(today).await.as_str().unwrap().to_string()
}

#[test]
fn answers_given_in_the_page_download_to_a_file_that_assess_scores_the_same() {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample_without_prefill()
    else {
        return;
    };
    let questionnaire = questionnaire(&site);
    let url = format!("{}/assessment/", server.base);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        let sets = [
            ("all-best", best_plan(&questionnaire)),
            ("mixed", random_plan(&questionnaire, 7, 0.25)),
            ("mixed-2", random_plan(&questionnaire, 2026, 0.1)),
        ];
        for (name, plan) in sets {
            open_assessment(&browser, &url).await;
            browser.eval("localStorage.clear()").await;
            reload_until(&browser, NO_REPORT).await;

            let applied = answer(&browser, &plan).await;
            browser.wait_for(HAS_REPORT).await;
            let (file, text) = download(&browser).await;
            let today = local_today(&browser).await;
            assert_eq!(file, format!("scaling-readiness-{today}.toml"), "{name}");
            let expected: Vec<_> =
                plan.iter().filter(|(id, _)| applied.contains(id)).cloned().collect();
            assert_file_answers(&text, &expected, name);

            site.write(&format!("{name}.toml"), &text);
            let report = assess(&site, &format!("{name}.toml"));
            let page = page_report(&browser).await;
            assert_same_report(&page, &report, name);
            if name.starts_with("mixed") {
                assert!(!report["caps"].as_array().unwrap().is_empty(), "{name} caps the tier");
                assert!(!report["unanswered"].as_array().unwrap().is_empty(), "{name} skips some");
                assert!(applied.len() < plan.len(), "{name} leaves show_if questions out");
            } else {
                assert_eq!(report["overall"], json!(100.0), "all-best scores 100");
                assert_eq!(report["tier"]["id"], "scalable");
            }
            let errors = browser.console_errors().await;
            assert!(errors.is_empty(), "{name}: console errors {errors:?}");
        }
        browser.close().await;
    });
}

/// The status area's text.
async fn status(browser: &Browser) -> String {
    browser
        .eval("return document.querySelector('[data-status]').textContent")
        .await
        .as_str()
        .unwrap()
        .to_string()
}

/// Makes `navigator.clipboard.writeText` refuse, as it does without permission, or record
/// what it is given in `window.__copied`.
async fn clipboard(browser: &Browser, works: bool) {
    let script = "const works = arguments[0]; \
        Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText(text) { \
          if (!works) return Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')); \
          window.__copied = text; return Promise.resolve(); } } });";
    browser.eval_with(script, vec![json!(works)]).await;
}

/// "Copy share link" where the clipboard refuses: the link shows in the status area, selected.
pub async fn share_link(browser: &Browser) -> String {
    clipboard(browser, false).await;
    browser.eval("document.querySelector('[data-status]').textContent = ''").await;
    browser.client.find(Locator::Css("[data-action=share]")).await.unwrap().click().await.unwrap();
    browser.wait_for("return !!document.querySelector('[data-status] input.share-link')").await;
    let input = "const input = document.querySelector('[data-status] input.share-link'); \
                 return [input.value, input.readOnly, document.activeElement === input, \
                         input.selectionStart === 0 && input.selectionEnd === input.value.length]";
    let got = browser.eval(input).await;
    let flags = &got.as_array().unwrap()[1..];
    assert_eq!(flags, [json!(true), json!(true), json!(true)], "readonly, focused, selected");
    got[0].as_str().unwrap().to_string()
}

#[test]
fn a_share_link_reopens_the_same_answers_and_a_tampered_one_only_says_so() {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample_without_prefill()
    else {
        return;
    };
    let questionnaire = questionnaire(&site);
    let url = format!("{}/assessment/", server.base);
    runtime().block_on(async {
        let first = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&first, &url).await;
        let plan = random_plan(&questionnaire, 11, 0.4);
        answer(&first, &plan).await;
        let link = share_link(&first).await;
        assert!(link.starts_with(&format!("{url}#answers=v1.")), "{link}");
        assert!(status(&first).await.contains("never sent to a server"));
        let answers = snapshot(&first).await;
        let report = page_report(&first).await;
        assert!(report["overall"].is_string());

        // Where the clipboard works, the same link goes there.
        clipboard(&first, true).await;
        first.client.find(Locator::Css("[data-action=share]")).await.unwrap().click().await.unwrap();
        first.wait_for("return typeof window.__copied === 'string'").await;
        assert_eq!(first.eval("return window.__copied").await, json!(link));
        first.wait_for("return document.querySelector('[data-status]').textContent.includes('copied')").await;
        assert!(first.console_errors().await.is_empty());
        first.close().await;

        // A fresh browser: a new profile, so nothing saved.
        let second = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&second, &link).await;
        assert_eq!(second.eval("return localStorage.length").await, json!(0));
        assert_eq!(snapshot(&second).await, answers, "the same answers are checked");
        assert_eq!(page_report(&second).await, report, "the same report");
        let said = status(&second).await;
        assert!(said.starts_with("Showing the ") && said.contains("from the share link"), "{said}");
        assert!(second.console_errors().await.is_empty());

        let entries = link.split_once("#answers=v1.").unwrap().1;
        let second_tilde = entries.match_indices('~').nth(1).unwrap().0;
        let truncated = format!("#answers=v1.{}", &entries[..second_tilde + 4]);
        let huge = format!("#answers=v1.{}", "sop-coverage:call~".repeat(6000));
        let tampered: [(&str, &str, &[&str]); 8] = [
            ("garbage", "#answers=%E0%A4%A", &["could not be read", "damaged"]),
            ("garbage", "#answers=v1.!!!~~~:::~%20", &["could not be read", "damaged parts"]),
            ("wrong version", "#answers=v2.sop-coverage:call", &["could not be read", "v2"]),
            ("no version", "#answers=sop-coverage:call", &["could not be read", "damaged"]),
            (
                "unknown ids",
                "#answers=v1.no-such-question:cyes~sop-coverage:cno-such-option~__proto__:s1~docs-used:s99",
                &["Showing the 0 answers", "no-such-question", "sop-coverage", "__proto__", "docs-used"],
            ),
            ("truncated", &truncated, &["Showing the 2 answers", "damaged parts left out: 1"]),
            ("huge", &huge, &["could not be read", "too long"]),
            (
                "markup",
                "#answers=v1.x:c%3Cimg%20src%3Dx%20onerror%3D__xss%3D1%3E~%3Cb%3E:c1",
                &["could not be read", "damaged parts"],
            ),
        ];
        for (what, fragment, says) in tampered {
            second.client.goto("about:blank").await.unwrap();
            open_assessment(&second, &format!("{url}{fragment}")).await;
            second.wait_for("return document.querySelector('[data-status]').textContent !== ''").await;
            let said = status(&second).await;
            for needle in says {
                assert!(said.contains(needle), "{what}: the status lacks {needle:?}: {said}");
            }
            let report = page_report(&second).await;
            if what == "truncated" {
                assert!(report["overall"].is_string(), "{what}: what fits is applied");
            } else {
                assert!(report["overall"].is_null(), "{what}: nothing applied: {report}");
            }
            assert_eq!(second.eval("return window.__xss").await, Value::Null, "{what}");
            let errors = second.console_errors().await;
            assert!(errors.is_empty(), "{what}: console errors {errors:?}");
        }

        // A link pasted into the address bar of the open page applies too (hashchange).
        open_assessment(&second, &url).await;
        assert!(page_report(&second).await["overall"].is_null());
        let fragment = format!("#answers=v1.{entries}");
        second.eval_with("location.hash = arguments[0]", vec![json!(fragment)]).await;
        second.wait_for("return !!document.querySelector('[data-overall]')").await;
        assert_eq!(snapshot(&second).await, answers, "the pasted link's answers");
        assert_eq!(page_report(&second).await, report);

        // The first change saves the shown answers and drops the fragment.
        open_assessment(&second, &link).await;
        let one = vec![("sop-coverage".to_string(), json!("none"))];
        answer(&second, &one).await;
        assert_eq!(second.eval("return location.hash").await, json!(""));
        let saved = second
            .eval("return JSON.parse(localStorage.getItem(document.querySelector('[data-assessment]').dataset.storageKey)).answers['sop-coverage']")
            .await;
        assert_eq!(saved, json!("none"));
        assert!(second.console_errors().await.is_empty());
        second.close().await;
    });
}

const STORAGE_KEY_JS: &str =
    "return document.querySelector('[data-assessment]').dataset.storageKey";

#[test]
fn answers_are_autosaved_start_over_clears_them_and_the_page_scores_without_storage() {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample_without_prefill()
    else {
        return;
    };
    let questionnaire = questionnaire(&site);
    let url = format!("{}/assessment/", server.base);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&browser, &url).await;
        let key = browser.eval(STORAGE_KEY_JS).await;
        let key = key.as_str().unwrap();
        assert!(key.starts_with("opsbook-assessment:scaling-readiness:"), "{key}");
        let plan = random_plan(&questionnaire, 5, 0.5);
        let applied = answer(&browser, &plan).await;
        let answers = snapshot(&browser).await;
        let report = page_report(&browser).await;
        let saved = browser.eval_with("return localStorage.getItem(arguments[0])", vec![json!(key)]).await;
        let saved: Value = serde_json::from_str(saved.as_str().expect("saved")).unwrap();
        let saved_ids: Vec<&String> = saved["answers"].as_object().unwrap().keys().collect();
        let mut applied_sorted = applied.clone();
        applied_sorted.sort();
        let mut saved_sorted: Vec<String> = saved_ids.into_iter().cloned().collect();
        saved_sorted.sort();
        assert_eq!(saved_sorted, applied_sorted, "every answer given is saved");

        reload_until(&browser, HAS_REPORT).await;
        assert_eq!(snapshot(&browser).await, answers, "the answers survive a reload");
        assert_eq!(page_report(&browser).await, report);
        assert!(status(&browser).await.contains("saved answers are back"));

        // Start over: a confirmation (Escape or Cancel keeps everything), then all clear.
        browser.client.find(Locator::Css("[data-action=reset]")).await.unwrap().click().await.unwrap();
        let confirm = "return !document.querySelector('[data-reset-confirm]').hidden";
        assert_eq!(browser.eval(confirm).await, json!(true));
        assert_eq!(
            browser.eval("return document.activeElement.dataset.action").await,
            json!("reset-cancel")
        );
        browser.press(&[Key::Escape.into()]).await;
        assert_eq!(browser.eval(confirm).await, json!(false), "Escape cancels");
        assert_eq!(browser.eval("return document.activeElement.dataset.action").await, json!("reset"));
        assert_eq!(snapshot(&browser).await, answers, "cancelling keeps the answers");
        browser.client.find(Locator::Css("[data-action=reset]")).await.unwrap().click().await.unwrap();
        browser.client.find(Locator::Css("[data-action=reset-confirm]")).await.unwrap().click().await.unwrap();
        let cleared = page_report(&browser).await;
        assert!(cleared["overall"].is_null(), "no report after Start over: {cleared}");
        assert_eq!(browser.eval("return document.querySelectorAll('[data-answered]').length").await, json!(0));
        assert_eq!(
            browser.eval("return document.querySelectorAll('fieldset[data-question] input:checked').length").await,
            json!(0)
        );
        assert_eq!(
            browser.eval_with("return localStorage.getItem(arguments[0])", vec![json!(key)]).await,
            Value::Null,
            "the saved answers are gone"
        );
        assert_eq!(
            browser.eval("return document.activeElement.closest('fieldset')?.dataset.question").await,
            questionnaire["questions"][0]["id"],
            "the focus goes to the first question"
        );
        reload_until(&browser, NO_REPORT).await; // nothing comes back

        // Storage that throws (disabled, private mode): the page scores, and does not remember.
        let throwing = [
            "for (const m of ['getItem', 'setItem', 'removeItem', 'clear', 'key']) \
             Storage.prototype[m] = function () { throw new DOMException('denied', 'SecurityError'); };",
            "Object.defineProperty(window, 'localStorage', { configurable: true, \
             get() { throw new DOMException('denied', 'SecurityError'); } });",
        ];
        for script in throwing {
            let id = browser.on_new_document(script).await;
            browser.client.refresh().await.unwrap();
            wait_interactive(&browser).await;
            assert!(page_report(&browser).await["overall"].is_null());
            answer(&browser, &plan).await;
            assert_eq!(page_report(&browser).await, report, "scored without storage: {script}");
            browser.client.refresh().await.unwrap();
            wait_interactive(&browser).await;
            assert!(page_report(&browser).await["overall"].is_null(), "nothing remembered");
            let errors = browser.console_errors().await;
            assert!(errors.is_empty(), "console errors with {script}: {errors:?}");
            browser.forget_new_document(&id).await;
        }
        browser.close().await;
    });
}

/// The report's numbers, for "the same report as before".
async fn numbers(browser: &Browser) -> Value {
    let report = page_report(browser).await;
    json!([
        report["overall"],
        report["tier"],
        report["dimensions"],
        report["progress"],
        report["completion"]
    ])
}

#[test]
fn a_show_if_question_is_hidden_and_disabled_until_its_parent_names_it_and_then_not_scored_when_hidden_again()
 {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample() else {
        return;
    };
    let questionnaire = questionnaire(&site);
    let questions = questionnaire["questions"].as_array().unwrap();
    let url = format!("{}/assessment/", server.base);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&browser, &url).await;
        let conditional: Vec<&Value> = questions.iter().filter(|q| !q["show_if"].is_null()).collect();
        assert!(conditional.len() >= 2, "the sample has show_if questions");
        let parents: Vec<&Value> = conditional
            .iter()
            .map(|q| &questions[q["show_if"]["question"].as_u64().unwrap() as usize]["id"])
            .collect();
        // Every other question answered, so that each dimension is assessed throughout.
        let mut base = best_plan(&questionnaire);
        base.retain(|(id, _)| {
            let q = questions.iter().find(|q| q["id"] == id.as_str()).unwrap();
            q["show_if"].is_null() && !parents.contains(&&q["id"])
        });
        answer(&browser, &base).await;
        let state = "const f = document.querySelector(`fieldset[data-question=\"${arguments[0]}\"]`); \
                     const inputs = [...f.querySelectorAll('input')].filter((el) => el.name === arguments[0]); \
                     return [f.hidden, inputs.every((el) => el.disabled), inputs.some((el) => el.disabled)]";
        let hidden = json!([true, true, true]);
        let shown = json!([false, false, false]);
        for child in &conditional {
            let id = &child["id"];
            assert_eq!(browser.eval_with(state, vec![id.clone()]).await, hidden, "{id} starts hidden");
        }
        let mut kinds = std::collections::BTreeSet::new();
        for (n, child) in conditional.into_iter().enumerate() {
            let id = child["id"].as_str().unwrap().to_string();
            let parent = &questions[child["show_if"]["question"].as_u64().unwrap() as usize];
            let parent_id = parent["id"].as_str().unwrap().to_string();
            let named = parent["options"][child["show_if"]["option"].as_u64().unwrap() as usize]["id"]
                .as_str()
                .unwrap()
                .to_string();
            let other = option_ids(parent).into_iter().find(|o| *o != named).unwrap();
            kinds.insert(parent["kind"].as_str().unwrap().to_string());
            // The DOM says which parent and option it waits for.
            let attrs = browser
                .eval_with(
                    "const f = document.querySelector(`fieldset[data-question=\"${arguments[0]}\"]`); \
                     return [f.dataset.showIf, f.dataset.showIfOption]",
                    vec![json!(id)],
                )
                .await;
            assert_eq!(attrs, json!([parent_id, named]), "{id}");

            let set = |option: &str| {
                let value = if parent["kind"] == "multi" { json!([option]) } else { json!(option) };
                vec![(parent_id.clone(), value)]
            };
            answer(&browser, &set(&other)).await;
            assert_eq!(browser.eval_with(state, vec![json!(id)]).await, hidden, "{id}: {other}");
            let without = numbers(&browser).await;

            answer(&browser, &set(&named)).await;
            assert_eq!(browser.eval_with(state, vec![json!(id)]).await, shown, "{id}: {named}");
            let mut plan = random_plan(&questionnaire, n as u64, 0.0);
            plan.retain(|(q, _)| *q == id);
            assert_eq!(answer(&browser, &plan).await, vec![id.clone()], "{id} can be answered");
            let with = numbers(&browser).await;
            assert_ne!(with[3], without[3], "{id} counts once shown");

            // Hidden again: kept in the form, but neither scored, counted nor saved.
            answer(&browser, &set(&other)).await;
            assert_eq!(browser.eval_with(state, vec![json!(id)]).await, hidden, "{id} hides again");
            assert_eq!(numbers(&browser).await, without, "{id}: a hidden answer is not scored");
            let saved = browser
                .eval("return Object.keys(JSON.parse(localStorage.getItem(document.querySelector('[data-assessment]').dataset.storageKey)).answers)")
                .await;
            assert!(!saved.as_array().unwrap().contains(&json!(id)), "{id} is not saved: {saved}");
            if n == 0 {
                let (_, text) = download(&browser).await;
                assert!(!text.contains(&format!("\n{id} =")), "{id} is not downloaded:\n{text}");
                site.write("hidden.toml", &text);
                assert_same_report(&page_report(&browser).await, &assess(&site, "hidden.toml"), &id);
                let link = share_link(&browser).await;
                assert!(!link.contains(&format!("{id}:")), "{id} is not shared: {link}");
            }
            // Shown again, the kept answer counts again.
            answer(&browser, &set(&named)).await;
            assert_eq!(numbers(&browser).await, with, "{id}: shown again");
        }
        assert_eq!(kinds.len(), 2, "conditions on choice (equals) and multi (includes) parents");
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

/// The focused element shows a focus ring: it matches `:focus-visible` and it (or the option
/// label around it) has an outline.
const FOCUS_JS: &str = r#"
const el = document.activeElement;
const ring = (node) => { const s = getComputedStyle(node); return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; };
const fieldset = el.closest("fieldset[data-question]");
return {
  tag: el.tagName.toLowerCase(), type: el.type ?? "", name: el.name ?? "", action: el.dataset?.action ?? "",
  kind: fieldset?.dataset.kind ?? "", question: fieldset?.dataset.question ?? "",
  inReport: !!el.closest("[data-report]"),
  visible: el.matches(":focus-visible") && (ring(el) || (!!el.closest("label.option") && ring(el.closest("label.option")))),
};
"#;

#[test]
fn the_questionnaire_can_be_answered_with_the_keyboard_alone() {
    let Some(ServedSample { chromium, driver, site: _site, server }) =
        served_sample_without_prefill()
    else {
        return;
    };
    let url = format!("{}/assessment/", server.base);
    let (tab, space, enter) = (Key::Tab.into(), ' ', Key::Enter.into());
    let (down, left, right) = (Key::Down.into(), Key::Left.into(), Key::Right.into());
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&browser, &url).await;
        let legends = "return [...document.querySelectorAll('fieldset')].every((f) => \
                       f.firstElementChild?.tagName === 'LEGEND' && f.firstElementChild.textContent.trim() !== '')";
        assert_eq!(browser.eval(legends).await, json!(true), "every fieldset has a legend first");

        // The skip link, then Tab to the first question.
        browser.press(&[tab]).await;
        let focus = browser.eval(FOCUS_JS).await;
        assert_eq!(focus["tag"], "a", "the skip link comes first: {focus}");
        assert_eq!(focus["visible"], true, "{focus}");
        browser.press(&[enter]).await;
        let mut done = std::collections::BTreeMap::new();
        let mut tabs = 0;
        while done.len() < 4 {
            browser.press(&[tab]).await;
            tabs += 1;
            assert!(tabs < 200, "never reached a question of each kind: {done:?}");
            let focus = browser.eval(FOCUS_JS).await;
            assert_eq!(focus["visible"], true, "the focus is visible: {focus}");
            let kind = focus["kind"].as_str().unwrap().to_string();
            if kind.is_empty() || done.contains_key(&kind) || focus["action"] == "clear" {
                continue;
            }
            let question = focus["question"].as_str().unwrap().to_string();
            match kind.as_str() {
                "choice" => {
                    // Space picks the focused (first) option, the arrow moves to the next.
                    browser.press(&[space, down]).await;
                    let got = question_state(&browser, &question).await;
                    assert_eq!(got[0], true, "{question}: {got}");
                    assert_eq!(got[1], json!(focus_options(&browser, &question).await[1]));
                }
                "multi" => {
                    browser.press(&[space, tab, space]).await;
                    let got = question_state(&browser, &question).await;
                    let options = focus_options(&browser, &question).await;
                    assert_eq!(got[1], json!(format!("{},{}", options[0], options[1])), "{question}");
                }
                "scale" => {
                    // At its minimum already: the arrow key still answers it.
                    browser.press(&[left]).await;
                    let got = question_state(&browser, &question).await;
                    assert_eq!(got[0], true, "{question}: an arrow at the minimum answers");
                    assert!(got[3].as_str().unwrap().starts_with('1'), "{got}");
                    browser.press(&[right]).await;
                    assert_eq!(question_state(&browser, &question).await[2], json!("2"));
                }
                _ => {
                    browser.press(&['9', '7', '.', '5']).await;
                    let got = question_state(&browser, &question).await;
                    assert_eq!(got.as_array().unwrap()[..3], [json!(true), json!(""), json!("97.5")]);
                    // "Clear answer" by keyboard puts the focus back on the field.
                    browser.press(&[tab]).await;
                    assert_eq!(browser.eval(FOCUS_JS).await["action"], "clear");
                    browser.press(&[enter]).await;
                    assert_eq!(question_state(&browser, &question).await[0], false, "{question} cleared");
                    assert_eq!(browser.eval(FOCUS_JS).await["question"], json!(question));
                    browser.press(&['9', '7', '.', '5']).await;
                    assert_eq!(question_state(&browser, &question).await[0], true);
                }
            }
            done.insert(kind, question.clone());
            let report = page_report(&browser).await;
            assert!(report["overall"].is_string(), "a report after {question}");
            let answered = done.len().to_string();
            assert_eq!(report["progress"][0], json!(answered), "the report counts {question}");
            assert!(report["completion"].as_str().unwrap().starts_with(&format!("{answered} of ")));
        }

        // On to the report: its first link (a cap, a recommendation or one not answered yet).
        loop {
            browser.press(&[tab]).await;
            tabs += 1;
            assert!(tabs < 400, "the report is never reached by Tab");
            let focus = browser.eval(FOCUS_JS).await;
            assert_eq!(focus["visible"], true, "the focus is visible: {focus}");
            if focus["inReport"] == true {
                break;
            }
        }
        let report = page_report(&browser).await;
        assert_eq!(report["progress"][0], "4", "four answered: {report}");
        assert!(report["completion"].as_str().unwrap().starts_with("4 of "), "{report}");
        for question in done.values() {
            assert!(!report["unanswered"].as_array().unwrap().contains(&json!(question)));
        }
        // Enter on a report link moves to that question.
        let href = browser.eval("return document.activeElement.getAttribute('href')").await;
        browser.press(&[enter]).await;
        assert_eq!(browser.eval("return location.hash").await, href);
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

/// `[answered, checked values, first input's value, scale output]` of a question.
async fn question_state(browser: &Browser, question: &str) -> Value {
    browser
        .eval_with(
            "const f = document.querySelector(`fieldset[data-question=\"${arguments[0]}\"]`); \
             const inputs = [...f.querySelectorAll('input')].filter((el) => el.name === arguments[0]); \
             return [f.hasAttribute('data-answered'), inputs.filter((el) => el.checked).map((el) => el.value).join(','), \
                     inputs[0].value, f.querySelector('[data-scale-output]')?.textContent ?? null]",
            vec![json!(question)],
        )
        .await
}

async fn focus_options(browser: &Browser, question: &str) -> Vec<String> {
    let got = browser
        .eval_with(
            "return [...document.querySelectorAll(`fieldset[data-question=\"${arguments[0]}\"] input`)].map((el) => el.value)",
            vec![json!(question)],
        )
        .await;
    got.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

#[test]
fn load_answers_reads_a_committed_response_and_scores_it_as_assess_does() {
    let Some(ServedSample { chromium, driver, site, server }) = served_sample() else {
        return;
    };
    let url = format!("{}/assessment/", server.base);
    site.write(
        "other.toml",
        "questionnaire = \"another-one\"\ndate = 2026-11-01\n[answers]\nsop-coverage = \"all\"\n",
    );
    site.write(
        "odd.toml",
        "questionnaire = \"scaling-readiness\"\ndate = 2026-11-02\n[answers]\n\
         sop-coverage = \"most\"\nno-such-question = 3\ndocs-used = 0x10\n",
    );
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&browser, &url).await;
        let load = |rel: &str| {
            let path = site.path(rel).display().to_string();
            let browser = &browser;
            async move {
                browser.eval("document.querySelector('[data-status]').textContent = ''").await;
                let input = browser
                    .client
                    .find(Locator::Css("input[type=file][data-action=load]"))
                    .await
                    .unwrap();
                input.send_keys(&path).await.unwrap();
                browser
                    .wait_for("return document.querySelector('[data-status]').textContent !== ''")
                    .await;
                status(browser).await
            }
        };
        for rel in [
            "content/assessment/responses/2026-11-20.toml",
            "content/assessment/responses/2026-03-15.toml",
        ] {
            let said = load(rel).await;
            let file = rel.rsplit('/').next().unwrap();
            assert!(said.starts_with("Loaded ") && said.contains(file), "{said}");
            let expected = assess(&site, rel);
            assert_same_report(&page_report(&browser).await, &expected, rel);
            // Every answer in the file is what the inputs now hold.
            let text = site.read(rel);
            let file: toml::Table = text.parse().unwrap();
            let plan: Plan = file["answers"]
                .as_table()
                .unwrap()
                .iter()
                .map(|(id, v)| (id.clone(), serde_json::to_value(v).unwrap()))
                .collect();
            let shown = snapshot(&browser).await;
            for (id, value) in &plan {
                let line = shown.iter().find(|l| l.starts_with(&format!("{id} "))).unwrap();
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Array(list) => {
                        let picked: Vec<&str> = list.iter().map(|v| v.as_str().unwrap()).collect();
                        let mut options = focus_options(&browser, id).await;
                        options.retain(|o| picked.contains(&o.as_str()));
                        options.join(",")
                    }
                    n => n.as_f64().unwrap().to_string(),
                };
                assert_eq!(line, &format!("{id} shown answered {text}"), "{rel}");
            }
        }
        let before = page_report(&browser).await;
        let said = load("other.toml").await;
        assert!(said.contains("another-one") && said.contains("nothing was loaded"), "{said}");
        assert_eq!(
            page_report(&browser).await,
            before,
            "a file for another questionnaire is refused"
        );
        let said = load("odd.toml").await;
        assert!(said.contains("Loaded 1 answer") && said.contains("no-such-question"), "{said}");
        assert!(said.contains("line 6"), "the hex integer is a problem on its line: {said}");
        assert!(browser.console_errors().await.is_empty());
        browser.close().await;
    });
}

/// The page's evidence (`[data-report]` "What the handbook shows"): per entry, the question,
/// whether it is marked a contradiction and whether its answer came from the handbook.
const EVIDENCE_JS: &str = r#"
return [...document.querySelectorAll("[data-report] .report-evidence > li")].map((li) => [
  li.dataset.question,
  li.classList.contains("contradiction"),
  li.querySelector(".evidence-answer").textContent.startsWith("Answered from the handbook"),
]);
"#;

/// On a site with evidence (tests/fixtures/assessment/evidence): the handbook answers the
/// unanswered `backed` question, the page marks it and the reader can change it; the live
/// report shows agreement and contradictions; and the downloaded answers, scored by `opsbook
/// assess`, give the page's report, evidence included.
#[test]
fn the_handbook_prefills_answers_and_the_page_agrees_with_assess_on_the_evidence() {
    let Some((chromium, driver)) = crate::browser::browser_programs() else { return };
    let site = TestSite::fixture("assessment/evidence");
    site.run(&["build"]).ok();
    let server = crate::browser::StaticServer::start(&site.path("public"));
    let url = format!("{}/assessment/", server.base);
    runtime().block_on(async {
        let browser = Browser::start(&chromium, &driver, 1280, 900).await;
        open_assessment(&browser, &url).await;
        browser.eval("localStorage.clear()").await;
        browser.client.refresh().await.unwrap();
        wait_interactive(&browser).await;
        let prefilled = "return [...document.querySelectorAll('fieldset[data-prefilled]')].map((f) => f.dataset.question)";
        // E = 50 on a 1-5 scale: 3, marked, and answered; `nowhere` has no value to give.
        assert_eq!(browser.eval(prefilled).await, json!(["backed"]));
        assert_eq!(
            browser.eval("return document.querySelector('fieldset[data-question=backed] input').value").await,
            json!("3")
        );
        let sentence = "return document.querySelector('fieldset[data-question=owned] [data-evidence]').textContent";
        assert_eq!(
            browser.eval(sentence).await,
            json!("The handbook shows: 2 of 3 processes under ops/ have an owner (67%)")
        );
        // Every asked question with a value shows its evidence; only `backed` is answered.
        assert_eq!(
            browser.eval(EVIDENCE_JS).await,
            json!([
                ["documented", false, false],
                ["owned", false, false],
                ["backed", false, true],
                ["fresh", false, false],
                ["systems", false, false]
            ])
        );

        // The founder's claims: every one beyond the tolerance but `systems`.
        let plan: Plan = vec![
            ("documented".into(), json!("all")),
            ("owned".into(), json!("all")),
            ("fresh".into(), json!("always")),
            ("systems".into(), json!(["shop", "erp"])),
        ];
        answer(&browser, &plan).await;
        let evidence = browser.eval(EVIDENCE_JS).await;
        assert_eq!(
            evidence,
            json!([
                ["documented", true, false],
                ["owned", true, false],
                ["backed", false, true],
                ["fresh", true, false],
                ["systems", false, false]
            ])
        );
        // What the page shows is what `assess` says of the downloaded file.
        let page = page_report(&browser).await;
        let (_, text) = download(&browser).await;
        assert!(text.contains("prefilled = [\"backed\"]"), "{text}");
        site.write("answers/downloaded.toml", &text);
        let report = assess(&site, "answers/downloaded.toml");
        assert_same_report(&page, &report, "with evidence");
        let flags: Vec<Value> = report["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["value"].is_null())
            .map(|e| json!([e["question"], e["contradiction"], e["prefilled"]]))
            .collect();
        assert_eq!(json!(flags), evidence);

        // The reader overrides the handbook: no longer marked, and now a contradiction
        // (5 scores 100, E is 50).
        answer(&browser, &vec![("backed".into(), json!(5))]).await;
        assert_eq!(browser.eval(prefilled).await, json!([]));
        assert_eq!(browser.eval(EVIDENCE_JS).await[2], json!(["backed", true, false]));
        let (_, text) = download(&browser).await;
        assert!(!text.contains("prefilled"), "{text}");
        let errors = browser.console_errors().await;
        assert!(errors.is_empty(), "console errors {errors:?}");
    });
}
