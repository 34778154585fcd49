//! Runs the JavaScript unit tests (`node --test tests/js/`) as part of `cargo test`.

use std::process::Command;

use crate::support::{TestSite, repo};

#[test]
fn javascript_unit_tests_pass_under_node() {
    let required = std::env::var("OPSBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let node = Command::new("node").arg("--version").output();
    if node.is_err() {
        assert!(!required, "OPSBOOK_REQUIRE_BROWSER=1 but node is not installed");
        eprintln!("\n*** SKIPPING JAVASCRIPT TESTS: node is not installed ***\n");
        return;
    }
    // The search engine's tests read an index the Rust side built.
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let output = Command::new("node")
        .args(["--test", "tests/js/"])
        .current_dir(repo())
        .env("OPSBOOK_TEST_SITE", site.path("public"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node --test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
    assert!(!stdout.contains("# pass 0\n"), "no JavaScript test ran:\n{stdout}");
    assert!(stdout.contains("# skipped 0"), "a JavaScript test was skipped:\n{stdout}");
}
