//! [`StageTimer`]: how long each stage of a build or rebuild took, printed when
//! `OPSBOOK_TIMINGS` is set. A leaf module: every stage may time itself without depending on
//! the module that runs the stages.

use std::time::Instant;

/// Prints how long each stage took when `OPSBOOK_TIMINGS` is set (for benchmarking).
pub(crate) struct StageTimer {
    pub enabled: bool,
    last: Instant,
}

impl StageTimer {
    pub(crate) fn new() -> StageTimer {
        StageTimer { enabled: std::env::var_os("OPSBOOK_TIMINGS").is_some(), last: Instant::now() }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!("  {stage:<12} {:>8.1} ms", self.last.elapsed().as_secs_f64() * 1000.0);
        }
        self.last = Instant::now();
    }
}

impl Default for StageTimer {
    fn default() -> Self {
        StageTimer::new()
    }
}
