//! Benchmark of the readiness assessment (a program, not a test):
//!
//! ```text
//! cargo bench --bench assessment
//! ```
//!
//! Goals from the assessment issue: scoring 10,000 answers files against the sample
//! questionnaire takes well under a second, and validating a 1,000-question questionnaire
//! takes under 50 ms. The answers files are generated as TOML text and parsed, as
//! `opsbook assess` would read them, so the figures include reading, not just arithmetic.
//! Every figure is the median of several rounds after a warm-up.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use opsbook::assessment::schema::{Answers, Kind, Questionnaire};
use opsbook::assessment::{LearnLink, answers, score, validate};
use opsbook::build::{PrepareOptions, prepare};
use opsbook::diagnostics::{Diagnostic, Diagnostics};

const ANSWERS_FILES: usize = 10_000;
const BIG_QUESTIONS: usize = 1_000;
const ROUNDS: usize = 7;

/// A small deterministic generator (xorshift64*), so every run scores the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One answers file for `q`: about 90% of the questions that are asked given the answers
/// so far are answered, with random valid values.
fn answers_text(q: &Questionnaire, rng: &mut Rng, n: usize) -> String {
    let mut out = format!(
        "questionnaire = \"{}\"\ndate = 2026-{:02}-{:02}\nlabel = \"Generated {n}\"\n\n[answers]\n",
        q.id,
        1 + n % 12,
        1 + n % 28
    );
    // Options chosen per question, to decide which later questions are asked.
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); q.questions.len()];
    let mut asked = vec![false; q.questions.len()];
    for (i, question) in q.questions.iter().enumerate() {
        asked[i] = match question.show_if {
            None => true,
            Some(s) => asked[s.question] && chosen[s.question].contains(&s.option),
        };
        if !asked[i] || (i > 0 && !rng.chance(90)) {
            continue;
        }
        let value = match &question.kind {
            Kind::Choice { options } => {
                let o = rng.below(options.len());
                chosen[i].push(o);
                format!("\"{}\"", options[o].id)
            }
            Kind::Multi { options } => {
                let picked: Vec<usize> = (0..options.len()).filter(|_| rng.chance(50)).collect();
                let ids: Vec<String> =
                    picked.iter().map(|&o| format!("\"{}\"", options[o].id)).collect();
                chosen[i] = picked;
                format!("[{}]", ids.join(", "))
            }
            Kind::Scale { min, max, .. } => {
                (min + rng.below((max - min + 1) as usize) as i64).to_string()
            }
            Kind::Number { bands, .. } => {
                let top = bands.iter().filter_map(|b| b.max).fold(1.0f64, f64::max) * 1.3;
                format!("{:.1}", top * rng.below(1000) as f64 / 1000.0)
            }
        };
        out.push_str(&format!("{} = {value}\n", question.id));
    }
    out
}

/// A questionnaire of `n` questions over 10 dimensions, cycling through the four kinds;
/// every fifth question depends on the choice question before it.
fn big_questionnaire(n: usize) -> String {
    let mut out = String::from(
        "id = \"big\"\ntitle = \"Big\"\nintro = \"Generated.\"\n\n\
         [[tiers]]\nid = \"small\"\ntitle = \"Small\"\nmin = 0\nsummary = \"Small.\"\n\n\
         [[tiers]]\nid = \"transition\"\ntitle = \"Transition\"\nmin = 45\nsummary = \"Moving.\"\n\n\
         [[tiers]]\nid = \"scalable\"\ntitle = \"Scalable\"\nmin = 75\nsummary = \"Scalable.\"\n\n",
    );
    for d in 0..10 {
        out.push_str(&format!(
            "[[dimensions]]\nid = \"d{d}\"\ntitle = \"Dimension {d}\"\nweight = {}\n\
             description = \"About {d}.\"\nlearn = [\"fulfillment/_index.md#kpis\"]\n\n",
            1 + d % 3
        ));
    }
    let mut last_choice: Option<usize> = None;
    for i in 0..n {
        let kind = ["choice", "multi", "scale", "number"][i % 4];
        out.push_str(&format!(
            "[[questions]]\nid = \"q{i}\"\ndimension = \"d{}\"\nweight = {}\nkind = \"{kind}\"\n\
             text = \"Question {i}?\"\nhelp = \"Help for {i}.\"\nadvice = \"Advice for {i}.\"\n\
             learn = [\"[[pick-pack-ship#steps]]\", \"inventory/cycle-counting.md\"]\n",
            i % 10,
            1 + i % 2
        ));
        if i % 5 == 4
            && let Some(c) = last_choice
        {
            out.push_str(&format!("show_if = {{ question = \"q{c}\", equals = \"o1\" }}\n"));
        }
        match kind {
            "choice" | "multi" => {
                for o in 0..4 {
                    out.push_str(&format!(
                        "\n[[questions.options]]\nid = \"o{o}\"\nlabel = \"Option {o}\"\nscore = {}\n",
                        o * 33
                    ));
                    if o == 0 && i % 50 == 0 {
                        out.push_str("cap = \"small\"\nadvice = \"Capped.\"\n");
                    }
                }
                if kind == "choice" {
                    last_choice = Some(i);
                }
            }
            "scale" => out
                .push_str("min = 1\nmax = 5\nlabels = { \"1\" = \"Never\", \"5\" = \"Always\" }\n"),
            _ => out.push_str(
                "unit = \"%\"\n\n[[questions.bands]]\nmax = 90\nscore = 0\n\n\
                 [[questions.bands]]\nmax = 98\nscore = 60\n\n[[questions.bands]]\nscore = 100\n",
            ),
        }
        out.push('\n');
    }
    out
}

/// The median of `ROUNDS` timed runs of `f`, after one warm-up run.
fn median<T>(mut f: impl FnMut() -> T) -> Duration {
    black_box(f());
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[ROUNDS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The sample questionnaire, through the real pipeline: its learn links resolve against
    // the sample wiki. This setup is not timed.
    let mut diags = Diagnostics::new();
    let prepared = prepare(root, &PrepareOptions::default(), &mut diags);
    assert!(!diags.has_errors(), "the sample site has errors; run `opsbook check`");
    let assessment =
        prepared.and_then(|p| p.linked.assessment).expect("the sample site has a questionnaire");
    let q = &assessment.questionnaire;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let texts: Vec<String> = (0..ANSWERS_FILES).map(|n| answers_text(q, &mut rng, n)).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let path = Path::new("generated.toml");

    let read = || -> Vec<Answers> {
        let mut diags = Diagnostics::new();
        let all: Vec<Answers> =
            texts.iter().filter_map(|t| answers::answers(path, t, q, &mut diags)).collect();
        assert_eq!(all.len(), ANSWERS_FILES, "{:?}", diags.iter().next());
        all
    };
    let parsed = read();
    let parse_time = median(read);
    let score_all = || -> f64 {
        parsed
            .iter()
            .map(|a| score::score(q, a, score::DEFAULT_TOP).map_or(0.0, |r| r.overall))
            .sum()
    };
    let mean = score_all() / ANSWERS_FILES as f64;
    let score_time = median(score_all);
    let both = parse_time + score_time;

    println!("opsbook assessment benchmark (release build, median of {ROUNDS} rounds)");
    println!();
    println!(
        "sample questionnaire: {} questions, {} dimensions; {} answers files, {:.1} MB of TOML",
        q.questions.len(),
        q.dimensions.len(),
        opsbook::thousands(ANSWERS_FILES),
        bytes as f64 / 1e6
    );
    println!(
        "  read and validate answers   {:>8.1} ms  ({:.1} µs per file)",
        ms(parse_time),
        ms(parse_time) * 1000.0 / ANSWERS_FILES as f64
    );
    println!(
        "  score                       {:>8.1} ms  ({:.2} µs per file; mean overall {mean:.1})",
        ms(score_time),
        ms(score_time) * 1000.0 / ANSWERS_FILES as f64
    );
    println!(
        "  read, validate and score    {:>8.1} ms  goal: well under 1,000 ms: {}",
        ms(both),
        verdict(both < Duration::from_millis(1000))
    );

    let big = big_questionnaire(BIG_QUESTIONS);
    let known =
        ["fulfillment/_index.md#kpis", "[[pick-pack-ship#steps]]", "inventory/cycle-counting.md"];
    // Learn links resolve through a stand-in for the site's link index: a lookup per entry,
    // as the real resolver does.
    let resolve = |reference: &str| -> Result<LearnLink, Diagnostic> {
        if known.contains(&reference) {
            Ok(LearnLink { title: reference.to_string(), url: format!("/{reference}/") })
        } else {
            Err(Diagnostic::error(None, format!("unknown {reference}")))
        }
    };
    let validate_big = || {
        let mut diags = Diagnostics::new();
        let questionnaire =
            validate::questionnaire(Path::new("big.toml"), &big, &resolve, &mut diags);
        assert!(questionnaire.is_some(), "{:?}", diags.iter().next());
        questionnaire
    };
    let validate_time = median(validate_big);
    println!();
    println!(
        "generated questionnaire: {BIG_QUESTIONS} questions, {:.0} KB of TOML",
        big.len() as f64 / 1e3
    );
    println!(
        "  parse and validate          {:>8.1} ms  goal: under 50 ms: {}",
        ms(validate_time),
        verdict(validate_time < Duration::from_millis(50))
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}
