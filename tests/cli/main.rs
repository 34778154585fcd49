//! Integration tests: the real binary on fixture sites (tests/fixtures/), one module per
//! feature, plus the browser and JavaScript suites.

mod accessibility;
mod assess;
mod assessment_browser;
mod assessment_site;
mod browser;
mod build;
mod check;
mod content;
mod evidence;
mod governance;
mod governance_pages;
mod hostile;
mod html_validate;
mod js;
mod outputs;
mod review;
mod robustness;
mod scaffold;
mod score_parity;
mod search;
mod serve;
mod support;
mod wiki;
