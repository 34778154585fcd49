//! The assessment's pages (DESIGN.md section 8, "In the browser"): `/assessment/`, where every
//! question is rendered on the server (readable and printable without JavaScript) and the
//! page's script adds the live report; one page per committed response with the whole report
//! and no script; and `/assessment/trend/`, the responses over time as inline SVG with the
//! numbers in a table. Also what other stages take from the assessment: which pages its
//! `learn` links support, and the text the search index holds for these pages.
//!
//! Scoring is `assessment::score`'s and the report's HTML `assessment::report`'s: this module
//! only lays them out in the site's theme.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::assessment::evidence::EvidenceValue;
use crate::assessment::report::{self, View, markdown_html, one};
use crate::assessment::schema::{Answers, DimensionResult, Kind, Questionnaire, Report};
use crate::assessment::score::{DEFAULT_TOP, score_with_evidence};
use crate::assessment::{Assessment, Response};
use crate::content::markdown::{Heading, TextBlock};
use crate::content::{Page, Parsed};

/// The assessment page's folder below the base URL.
pub(crate) const DIR: &str = "assessment/";
/// The trend page's folder.
pub(crate) const TREND_DIR: &str = "assessment/trend/";

/// The folder of the report page of the committed answers file `file`.
pub(crate) fn response_dir(file: &Path) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let slug = crate::content::slug::slugify(&stem);
    let slug = if slug.is_empty() { "response".to_string() } else { slug };
    format!("{DIR}responses/{slug}/")
}

/// The questionnaire as the page's script reads it (`serde_json` of [`Questionnaire`]), safe
/// inside a `<script>` element: `<` never appears, so neither `</script>` nor `<!--` can.
fn script_json(questionnaire: &Questionnaire) -> String {
    script_data(questionnaire, &[])
}

/// The page's data: the questionnaire and, per question, the handbook's evidence (`null`, or
/// `{value, matched, total}`), which the page's scorer uses as `score.rs` does.
fn script_data(questionnaire: &Questionnaire, evidence: &[Option<EvidenceValue>]) -> String {
    let evidence: Vec<serde_json::Value> = evidence
        .iter()
        .map(|e| match e {
            Some(e) => {
                serde_json::json!({ "value": e.value, "matched": e.matched, "total": e.total })
            }
            None => serde_json::Value::Null,
        })
        .collect();
    let json = serde_json::to_string(
        &serde_json::json!({ "questionnaire": questionnaire, "evidence": evidence }),
    )
    .unwrap_or_else(|_| "{}".into());
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// A hash of everything the assessment's pages show, for the dev server's fingerprints.
pub(super) fn hash(assessment: Option<&Assessment>) -> u64 {
    let Some(a) = assessment else { return 0 };
    let responses: Vec<(&Path, String)> = a
        .responses
        .iter()
        .map(|r| (r.path.as_path(), serde_json::to_string(&r.answers).unwrap_or_default()))
        .collect();
    hash_of(&(script_json(&a.questionnaire), &a.questionnaire.intro, responses))
}

/// E per question for the site's reports (empty without evidence).
fn evidence_values<'a>(input: &RenderInput<'a>) -> &'a [Option<EvidenceValue>] {
    input.evidence.map_or(&[][..], |e| &e.values[..])
}

/// A hash of the evidence, for the dev server's fingerprints of the pages that show it.
pub(super) fn evidence_hash(evidence: Option<&crate::assessment::evidence::EvidenceSet>) -> u64 {
    let Some(e) = evidence else { return 0 };
    let mut h = Xxh3::new();
    for f in &e.facts {
        (&f.path, &f.title, &f.url, f.owned, f.backed_up, f.fresh, f.systems).hash(&mut h);
    }
    for v in e.values.iter().flatten() {
        (v.measure, v.value.map(f64::to_bits), v.matched, v.total, &v.processes).hash(&mut h);
    }
    e.values.len().hash(&mut h);
    h.finish()
}

// ---- Views --------------------------------------------------------------------------------

/// What every page may show of the assessment (the home page does): where to take it, the
/// latest committed result and the trend page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReadinessView {
    url: String,
    title: String,
    questions: usize,
    latest: Option<ResponseLink>,
    trend_url: Option<String>,
}

/// The report of the latest committed response that scores, with the handbook's evidence.
pub(super) fn latest_report(input: &RenderInput<'_>) -> Option<Report> {
    let a = input.assessment?;
    scored(&input.cfg.base_url, a, evidence_values(input)).into_iter().rev().find_map(|s| s.report)
}

pub(super) fn readiness(input: &RenderInput<'_>) -> Option<ReadinessView> {
    let a = input.assessment?;
    let base = &input.cfg.base_url;
    let responses = scored(base, a, evidence_values(input));
    Some(ReadinessView {
        url: base.url(DIR),
        title: a.questionnaire.title.clone(),
        questions: a.questionnaire.questions.len(),
        latest: responses.iter().rev().find(|s| s.report.is_some()).map(|s| s.link.clone()),
        trend_url: (!responses.is_empty()).then(|| base.url(TREND_DIR)),
    })
}

#[derive(Serialize)]
struct AssessmentView {
    id: String,
    title: String,
    /// HTML: the intro page's body, or the questionnaire's `intro`.
    intro: String,
    storage_key: String,
    /// The questionnaire for the page's script (see `script_json`).
    data: String,
    question_count: usize,
    dimensions: Vec<DimensionView>,
    tiers: Vec<TierView>,
    advice: Vec<AdviceView>,
    responses: Vec<ResponseLink>,
    trend_url: Option<String>,
}

#[derive(Serialize)]
struct EvidenceView {
    /// "5 of 7 processes under fulfillment/ have an owner (71%)".
    shows: String,
    /// An unanswered question takes its answer from this.
    prefill: bool,
}

#[derive(Serialize)]
struct DimensionView {
    id: String,
    title: String,
    description: String,
    weight: f64,
    questions: Vec<QuestionView>,
}

#[derive(Serialize)]
struct QuestionView {
    /// What the handbook shows about the question, when its evidence has a value.
    evidence: Option<EvidenceView>,
    id: String,
    text: String,
    kind: &'static str,
    help: Option<String>,
    condition: Option<ConditionView>,
    options: Vec<OptionView>,
    min: Option<i64>,
    max: Option<i64>,
    labels: Vec<LabelView>,
    unit: Option<String>,
}

#[derive(Serialize)]
struct ConditionView {
    question: String,
    question_text: String,
    option: String,
    option_label: String,
    /// `equals` (a choice question) or `includes` (a multi question).
    rule: &'static str,
}

#[derive(Serialize)]
struct OptionView {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct LabelView {
    value: i64,
    text: String,
}

#[derive(Serialize)]
struct TierView {
    id: String,
    title: String,
    min: f64,
    summary: String,
}

#[derive(Serialize)]
struct AdviceView {
    /// `question` or `question/option`.
    key: String,
    html: String,
}

#[derive(Debug, Serialize, Clone)]
pub(crate) struct ResponseLink {
    title: String,
    url: String,
    date: String,
    label: Option<String>,
    /// One decimal; `None` when nothing was scored.
    overall: Option<String>,
    tier: Option<String>,
}

#[derive(Serialize)]
struct ResponseView {
    title: String,
    date: String,
    label: Option<String>,
    source: String,
    /// HTML of the report's sections (see `assessment::report::sections`).
    report: Option<String>,
    overall: Option<f64>,
    tier: Option<String>,
    changes: Option<ChangesView>,
    previous: Option<ResponseLink>,
    next: Option<ResponseLink>,
    assessment_url: String,
    trend_url: String,
}

#[derive(Serialize)]
struct ChangesView {
    since: ResponseLink,
    overall: String,
    rows: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct ChangeRow {
    id: String,
    title: String,
    before: String,
    after: String,
    change: String,
    /// `up`, `down`, `same` or `none`.
    direction: &'static str,
}

#[derive(Serialize)]
struct TrendView {
    title: String,
    assessment_url: String,
    overall_chart: String,
    charts: Vec<TrendChart>,
    columns: Vec<String>,
    rows: Vec<TrendRow>,
}

#[derive(Serialize)]
struct TrendChart {
    id: String,
    title: String,
    svg: String,
}

#[derive(Serialize)]
struct TrendRow {
    response: ResponseLink,
    cells: Vec<String>,
}

/// A committed response with its report, in date order.
struct Scored<'a> {
    response: &'a Response,
    report: Option<Report>,
    link: ResponseLink,
}

/// The committed responses scored with the handbook's evidence (`values`: E per question).
fn scored<'a>(
    base: &crate::config::BaseUrl,
    a: &'a Assessment,
    values: &[Option<EvidenceValue>],
) -> Vec<Scored<'a>> {
    let mut out: Vec<Scored<'a>> = a
        .responses
        .iter()
        .map(|response| {
            let report =
                score_with_evidence(&a.questionnaire, &response.answers, DEFAULT_TOP, values).ok();
            let link = response_link(base, response, report.as_ref());
            Scored { response, report, link }
        })
        .collect();
    out.sort_by(|x, y| {
        (&x.response.answers.date, &x.response.path)
            .cmp(&(&y.response.answers.date, &y.response.path))
    });
    out
}

fn response_link(
    base: &crate::config::BaseUrl,
    response: &Response,
    report: Option<&Report>,
) -> ResponseLink {
    let answers: &Answers = &response.answers;
    let title = match &answers.label {
        Some(label) => format!("{label} ({})", answers.date),
        None => format!("Response of {}", answers.date),
    };
    ResponseLink {
        title,
        url: base.url(&response_dir(&response.path)),
        date: answers.date.clone(),
        label: answers.label.clone(),
        overall: report.map(|r| one(r.overall)),
        tier: report.map(|r| r.tier.title.clone()),
    }
}

fn signed(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else if rounded < 0.0 {
        format!("−{:.1}", -rounded)
    } else {
        "±0.0".into()
    }
}

impl Renderer<'_> {
    /// The job of an assessment page.
    pub(super) fn assessment_job(&self, origin: &Origin) -> Job {
        let input = self.input;
        let Some(a) = input.assessment else {
            // The plan has these entries only when the assessment loaded; a build with an
            // invalid questionnaire stops before rendering.
            return Job::Raw(OutputFile::html(String::new(), String::new()));
        };
        let base = &input.cfg.base_url;
        let responses = scored(base, a, evidence_values(input));
        let trend_url = (!responses.is_empty()).then(|| base.url(TREND_DIR));
        match origin {
            Origin::AssessmentResponse(file) => {
                let i = responses.iter().position(|s| &s.response.path == file).unwrap_or(0);
                let data = self.response_view(a, &responses, i);
                Job::Template {
                    template: "assessment-response.html",
                    data: generated::generated_data(serde_json::json!({ "response": data })),
                    nav: Some(0),
                }
            }
            Origin::AssessmentTrend => {
                let data = trend_view(a, base, &responses);
                Job::Template {
                    template: "assessment-trend.html",
                    data: generated::generated_data(serde_json::json!({ "trend": data })),
                    nav: Some(0),
                }
            }
            _ => {
                let view = self.assessment_view(a, &responses, trend_url);
                Job::Template {
                    template: "assessment.html",
                    data: generated::generated_data(serde_json::json!({ "assessment": view })),
                    nav: Some(self.assessment_nav()),
                }
            }
        }
    }

    /// The page `content/assessment/_index.md` made, if any: its title and body become the
    /// assessment page's.
    pub(super) fn intro_page(&self) -> Option<PageId> {
        let site = self.input.site;
        site.pages.iter().position(|p| p.path == DIR && p.file.is_some())
    }

    /// The navigation shown: the intro page's section when there is one (so the page is
    /// marked current there), else the top level.
    pub(super) fn assessment_nav(&self) -> SectionId {
        self.intro_page().map_or(0, |id| self.input.site.pages[id].section)
    }

    fn assessment_view(
        &self,
        a: &Assessment,
        responses: &[Scored<'_>],
        trend_url: Option<String>,
    ) -> AssessmentView {
        let q = &a.questionnaire;
        let input = self.input;
        let (title, intro) = match self.intro_page() {
            Some(id) => {
                let page = &input.site.pages[id];
                (page.title.clone(), page_html(input.site, &input.graph.links, id))
            }
            None => (q.title.clone(), markdown_html(&q.intro)),
        };
        let data = script_data(q, evidence_values(self.input));
        let mut advice = Vec::new();
        let dimensions = q
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| DimensionView {
                id: dim.id.clone(),
                title: dim.title.clone(),
                description: markdown_html(&dim.description),
                weight: dim.weight,
                questions: q
                    .questions
                    .iter()
                    .enumerate()
                    .filter(|(_, question)| question.dimension == d)
                    .map(|(i, question)| {
                        if let Some(text) = &question.advice {
                            advice.push(AdviceView {
                                key: question.id.clone(),
                                html: markdown_html(text),
                            });
                        }
                        for option in question.kind.options() {
                            if let Some(text) = &option.advice {
                                advice.push(AdviceView {
                                    key: format!("{}/{}", question.id, option.id),
                                    html: markdown_html(text),
                                });
                            }
                        }
                        let evidence = evidence_values(input).get(i).and_then(Option::as_ref);
                        question_view(q, question, evidence)
                    })
                    .collect(),
            })
            .collect();
        AssessmentView {
            id: q.id.clone(),
            title,
            intro,
            storage_key: format!("opsbook-assessment:{}:{:016x}", q.id, xxh3_64(data.as_bytes())),
            data,
            question_count: q.questions.len(),
            dimensions,
            tiers: q
                .tiers
                .iter()
                .map(|t| TierView {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    min: t.min,
                    summary: markdown_html(&t.summary),
                })
                .collect(),
            advice,
            responses: responses.iter().rev().map(|s| s.link.clone()).collect(),
            trend_url,
        }
    }

    fn response_view(&self, a: &Assessment, responses: &[Scored<'_>], i: usize) -> ResponseView {
        let base = &self.input.cfg.base_url;
        let this = &responses[i];
        let answers = &this.response.answers;
        let report = this.report.as_ref().map(|r| {
            let view = View {
                questionnaire: &a.questionnaire,
                report: r,
                label: answers.label.as_deref(),
                origin: None,
                evidence: self.input.evidence,
            };
            report::sections(&view)
        });
        let previous = i.checked_sub(1).map(|p| &responses[p]);
        let changes = match (previous.and_then(|p| p.report.as_ref()), &this.report) {
            (Some(before), Some(after)) => previous.map(|p| changes(&p.link, before, after)),
            _ => None,
        };
        ResponseView {
            title: this.link.title.clone(),
            date: answers.date.clone(),
            label: answers.label.clone(),
            source: crate::diagnostics::display_path(&this.response.path, &self.input.cfg.root),
            report,
            overall: this.report.as_ref().map(|r| r.overall),
            tier: this.report.as_ref().map(|r| r.tier.id.clone()),
            changes,
            previous: previous.map(|p| p.link.clone()),
            next: responses.get(i + 1).map(|n| n.link.clone()),
            assessment_url: base.url(DIR),
            trend_url: base.url(TREND_DIR),
        }
    }
}

fn question_view(
    q: &Questionnaire,
    question: &crate::assessment::schema::Question,
    evidence: Option<&EvidenceValue>,
) -> QuestionView {
    let condition = question.show_if.and_then(|rule| {
        let parent = q.questions.get(rule.question)?;
        let option = parent.kind.options().get(rule.option)?;
        Some(ConditionView {
            question: parent.id.clone(),
            question_text: parent.text.clone(),
            option: option.id.clone(),
            option_label: option.label.clone(),
            rule: if matches!(parent.kind, Kind::Multi { .. }) { "includes" } else { "equals" },
        })
    });
    let options = question
        .kind
        .options()
        .iter()
        .map(|o| OptionView { id: o.id.clone(), label: o.label.clone() })
        .collect();
    let (min, max, labels, unit) = match &question.kind {
        Kind::Scale { min, max, labels } => (
            Some(*min),
            Some(*max),
            labels.iter().map(|(v, t)| LabelView { value: *v, text: t.clone() }).collect(),
            None,
        ),
        Kind::Number { unit, .. } => (None, None, Vec::new(), unit.clone()),
        _ => (None, None, Vec::new(), None),
    };
    let evidence = question.evidence.as_ref().zip(evidence).and_then(|(ev, v)| {
        let value = v.value?;
        Some(EvidenceView {
            shows: report::evidence_sentence(ev, v.matched, v.total, value),
            prefill: ev.prefill,
        })
    });
    QuestionView {
        evidence,
        id: question.id.clone(),
        text: question.text.clone(),
        kind: question.kind.name(),
        help: question.help.as_deref().map(markdown_html),
        condition,
        options,
        min,
        max,
        labels,
        unit,
    }
}

fn changes(since: &ResponseLink, before: &Report, after: &Report) -> ChangesView {
    let rows = after
        .dimensions
        .iter()
        .map(|d| {
            let old = before.dimensions.iter().find(|b| b.id == d.id).and_then(|b| b.score);
            let text = |s: Option<f64>| s.map_or_else(|| "not assessed".to_string(), one);
            let (change, direction) = match (old, d.score) {
                (Some(o), Some(n)) => {
                    let delta = n - o;
                    let dir = if (delta * 10.0).round() > 0.0 {
                        "up"
                    } else if (delta * 10.0).round() < 0.0 {
                        "down"
                    } else {
                        "same"
                    };
                    (signed(delta), dir)
                }
                _ => ("–".to_string(), "none"),
            };
            ChangeRow {
                id: d.id.clone(),
                title: d.title.clone(),
                before: text(old),
                after: text(d.score),
                change,
                direction,
            }
        })
        .collect();
    ChangesView { since: since.clone(), overall: signed(after.overall - before.overall), rows }
}

// ---- Trend --------------------------------------------------------------------------------

fn trend_view(
    a: &Assessment,
    base: &crate::config::BaseUrl,
    responses: &[Scored<'_>],
) -> TrendView {
    let q = &a.questionnaire;
    let dates: Vec<&str> = responses.iter().map(|s| s.link.date.as_str()).collect();
    let overall: Vec<Option<f64>> =
        responses.iter().map(|s| s.report.as_ref().map(|r| r.overall)).collect();
    let tiers: Vec<(f64, &str)> =
        q.tiers.iter().filter(|t| t.min > 0.0).map(|t| (t.min, t.title.as_str())).collect();
    let overall_chart = line_chart(
        "trend-overall",
        "Overall score by response date",
        &dates,
        &overall,
        &tiers,
        true,
    );
    let dimension_scores = |id: &str| -> Vec<Option<f64>> {
        responses
            .iter()
            .map(|s| {
                s.report
                    .as_ref()
                    .and_then(|r| r.dimensions.iter().find(|d: &&DimensionResult| d.id == id))
                    .and_then(|d| d.score)
            })
            .collect()
    };
    let charts = q
        .dimensions
        .iter()
        .map(|d| TrendChart {
            id: d.id.clone(),
            title: d.title.clone(),
            svg: line_chart(
                &format!("trend-{}", d.id),
                &format!("{} score by response date", d.title),
                &dates,
                &dimension_scores(&d.id),
                &[],
                false,
            ),
        })
        .collect();
    let mut columns = vec!["Overall".to_string(), "Tier".to_string()];
    columns.extend(q.dimensions.iter().map(|d| d.title.clone()));
    let rows = responses
        .iter()
        .map(|s| {
            let mut cells = vec![
                s.link.overall.clone().unwrap_or_else(|| "–".into()),
                s.link.tier.clone().unwrap_or_else(|| "–".into()),
            ];
            for d in &q.dimensions {
                let score = s
                    .report
                    .as_ref()
                    .and_then(|r| r.dimensions.iter().find(|x| x.id == d.id))
                    .and_then(|x| x.score);
                cells.push(score.map_or_else(|| "not assessed".to_string(), one));
            }
            TrendRow { response: s.link.clone(), cells }
        })
        .collect();
    TrendView {
        title: format!("{}: trend", q.title),
        assessment_url: base.url(DIR),
        overall_chart,
        charts,
        columns,
        rows,
    }
}

/// A line chart of `values` (0 to 100) over `dates`, evenly spaced in response order, with
/// dashed lines where `tiers` start. Gaps (not assessed) break the line.
fn line_chart(
    id: &str,
    title: &str,
    dates: &[&str],
    values: &[Option<f64>],
    tiers: &[(f64, &str)],
    large: bool,
) -> String {
    let (w, h) = if large { (640.0, 260.0) } else { (320.0, 150.0) };
    let (left, right, top, bottom) = (36.0, 16.0, 14.0, 28.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = dates.len();
    let x = |i: usize| {
        if n <= 1 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (n - 1) as f64 }
    };
    let y = |v: f64| top + plot_h * (1.0 - v / 100.0);
    let mut svg = String::new();
    let esc = |s: &str| {
        let mut out = String::new();
        let _ = escape_html(&mut out, s);
        out
    };
    let _ = write!(
        svg,
        "<svg class=\"trend-chart{}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        if large { " large" } else { "" },
        esc(title)
    );
    for tick in [0.0, 50.0, 100.0] {
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"/><text class=\"axis\" x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\">{tick}</text>",
            y(tick),
            w - right,
            left - 6.0,
            y(tick) + 4.0
        );
    }
    for (min, name) in tiers {
        let _ = write!(
            svg,
            "<line class=\"tier-line\" x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"><title>{2} from {min}</title></line>",
            y(*min),
            w - right,
            esc(name)
        );
    }
    // The line, broken where a value is missing.
    let mut segment: Vec<String> = Vec::new();
    let flush = |segment: &mut Vec<String>, svg: &mut String| {
        if segment.len() > 1 {
            let _ = write!(svg, "<polyline class=\"line\" points=\"{}\"/>", segment.join(" "));
        }
        segment.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => segment.push(format!("{:.1},{:.1}", x(i), y(*v))),
            None => flush(&mut segment, &mut svg),
        }
    }
    flush(&mut segment, &mut svg);
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                svg,
                "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>{}: {}</title></circle>",
                x(i),
                y(*v),
                esc(dates[i]),
                one(*v)
            );
        }
    }
    // Date labels: all when they fit, else the first and the last.
    let every = if n as f64 * 78.0 <= plot_w { 1 } else { n.max(1) };
    for (i, date) in dates.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            // The first and last labels keep inside the chart.
            let anchor = match i {
                _ if n == 1 => "middle",
                0 => "start",
                _ if i + 1 == n => "end",
                _ => "middle",
            };
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                x(i),
                h - 8.0,
                esc(date)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

// ---- What other stages take ---------------------------------------------------------------

/// For each page, the indices of the dimensions whose `learn` links (their own or their
/// questions') point at it.
pub(crate) fn learned_by(
    site: &crate::content::Site,
    base: &crate::config::BaseUrl,
    assessment: Option<&Assessment>,
) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); site.pages.len()];
    let Some(a) = assessment else { return out };
    let by_url: HashMap<String, PageId> =
        site.pages.iter().enumerate().map(|(id, p)| (base.url(&p.path), id)).collect();
    let q = &a.questionnaire;
    for (d, dim) in q.dimensions.iter().enumerate() {
        let links = dim.learn.iter().chain(
            q.questions
                .iter()
                .filter(|question| question.dimension == d)
                .flat_map(|question| &question.learn),
        );
        let mut pages: Vec<PageId> = links
            .filter_map(|l| by_url.get(l.url.split('#').next().unwrap_or("")).copied())
            .collect();
        pages.sort_unstable();
        pages.dedup();
        for id in pages {
            out[id].push(d);
        }
    }
    out
}

/// For each page, the dimensions it supports, as links to them on the assessment page.
pub(super) fn supports(input: &RenderInput<'_>) -> Vec<Vec<LinkView>> {
    let base = &input.cfg.base_url;
    let learned = learned_by(input.site, base, input.assessment);
    let Some(a) = input.assessment else { return vec![Vec::new(); learned.len()] };
    learned
        .iter()
        .map(|dims| {
            dims.iter()
                .map(|&d| {
                    let dim = &a.questionnaire.dimensions[d];
                    LinkView {
                        title: dim.title.clone(),
                        url: base.url(&format!("{DIR}#dimension-{}", dim.id)),
                    }
                })
                .collect()
        })
        .collect()
}

/// The assessment's pages as the search index reads pages: title, headings and text.
pub(crate) fn search_pages(
    assessment: Option<&Assessment>,
    base: &crate::config::BaseUrl,
    evidence: &[Option<EvidenceValue>],
) -> Vec<Page> {
    let Some(a) = assessment else { return Vec::new() };
    let q = &a.questionnaire;
    let mut pages = Vec::new();
    let mut headings = Vec::new();
    let mut blocks = vec![TextBlock { heading: None, text: plain(&q.intro) }];
    for (d, dim) in q.dimensions.iter().enumerate() {
        let mut text = plain(&dim.description);
        for question in q.questions.iter().filter(|question| question.dimension == d) {
            text.push(' ');
            text.push_str(&question.text);
            if let Some(help) = &question.help {
                text.push(' ');
                text.push_str(&plain(help));
            }
            for option in question.kind.options() {
                text.push(' ');
                text.push_str(&option.label);
            }
        }
        blocks.push(TextBlock { heading: Some(headings.len()), text });
        headings.push(Heading {
            level: 2,
            id: format!("dimension-{}", dim.id),
            text: dim.title.clone(),
        });
    }
    pages.push(search_page(DIR, &q.title, &plain(&q.intro), headings, blocks));
    for s in scored(base, a, evidence) {
        let Some(report) = &s.report else { continue };
        let summary = format!(
            "{} of 100, {}. {} of the readiness assessment.",
            one(report.overall),
            report.tier.title,
            s.link.title
        );
        let mut headings = Vec::new();
        let mut blocks = vec![TextBlock { heading: None, text: summary.clone() }];
        let text: Vec<String> = report
            .recommendations
            .iter()
            .filter_map(|rec| {
                let question = q.questions.iter().find(|x| x.id == rec.question)?;
                Some(format!(
                    "{} {}",
                    question.text,
                    rec.advice.as_deref().map(plain).unwrap_or_default()
                ))
            })
            .collect();
        headings.push(Heading {
            level: 2,
            id: "recommendations".into(),
            text: "Recommendations".into(),
        });
        blocks.push(TextBlock { heading: Some(0), text: text.join(" ") });
        pages.push(search_page(
            &response_dir(&s.response.path),
            &format!("{}: {}", q.title, s.link.title),
            &summary,
            headings,
            blocks,
        ));
    }
    pages
}

fn search_page(
    path: &str,
    title: &str,
    summary: &str,
    headings: Vec<Heading>,
    blocks: Vec<TextBlock>,
) -> Page {
    let word_count = blocks.iter().map(|b| b.text.split_whitespace().count()).sum();
    Page {
        rel: path.to_string(),
        file: None,
        text: Arc::from(""),
        path: path.to_string(),
        section: 0,
        is_index: false,
        title: title.to_string(),
        name: String::new(),
        meta: Default::default(),
        doc: Arc::new(Parsed {
            headings,
            blocks,
            word_count,
            summary: summary.to_string(),
            ..Parsed::default()
        }),
    }
}

/// Markdown as plain text (for the search index).
fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_pages_are_named_after_their_files() {
        assert_eq!(
            response_dir(Path::new("x/responses/2026-11-20.toml")),
            "assessment/responses/2026-11-20/"
        );
        assert_eq!(
            response_dir(Path::new("x/responses/Q4 Review.toml")),
            "assessment/responses/q4-review/"
        );
        assert_eq!(
            response_dir(Path::new("x/responses/!!!.toml")),
            "assessment/responses/response/"
        );
    }

    #[test]
    fn script_data_never_closes_its_script_element() {
        let mut q = Questionnaire {
            id: "q".into(),
            title: "</script><!-- & >".into(),
            intro: String::new(),
            tiers: Vec::new(),
            dimensions: Vec::new(),
            questions: Vec::new(),
        };
        let json = script_json(&q);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["questionnaire"]["title"], "</script><!-- & >");
        q.title.clear();
        assert!(script_json(&q).contains("\"title\":\"\""));
    }

    #[test]
    fn changes_are_signed_to_one_decimal() {
        assert_eq!(signed(3.04), "+3.0");
        assert_eq!(signed(-0.04), "±0.0");
        assert_eq!(signed(-12.34), "−12.3");
        assert_eq!(signed(0.0), "±0.0");
    }

    #[test]
    fn markdown_reads_as_plain_text() {
        assert_eq!(
            plain("Count **every** bin.\nSee [the SOP](x.md)."),
            "Count every bin. See the SOP."
        );
    }
}
