//! [`StageTimer`]: how long each stage of a build or rebuild took, printed when
//! `OPSBOOK_TIMINGS` is set; and how counts and durations read in summaries. A leaf module:
//! every stage may time itself, and every command print its summary, without depending on
//! the module that runs them.

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

/// `1204` -> `1,204`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `38 ms` below a second, `1.24 s` above.
pub(crate) fn duration(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 { format!("{} ms", ms.round() as u64) } else { format!("{:.2} s", ms / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(duration(std::time::Duration::from_millis(38)), "38 ms");
        assert_eq!(duration(std::time::Duration::from_millis(1240)), "1.24 s");
    }
}
