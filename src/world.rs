//! The one seam through which the outside world (the clock, the environment,
//! the terminal) reaches a build, so that the same inputs give the same bytes.

use nap_model::Date;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// What a command may learn from outside its inputs.
#[derive(Debug, Clone)]
pub struct World {
    /// `SOURCE_DATE_EPOCH`, as set in the environment.
    pub source_date_epoch: Option<String>,
    /// Today, from the system clock (only used when nothing else fixes the date).
    pub today: Date,
    /// Whether stderr is a terminal (progress lines, colour).
    pub interactive: bool,
    /// `NAP_TIMINGS` is set: print each stage's elapsed time (for profiling).
    pub timings: bool,
}

impl World {
    /// The real world: environment, clock and terminal of this process.
    pub fn from_env() -> World {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        World {
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
            today: Date::from_unix_seconds(secs).unwrap_or_else(|_| Date::ymd(2000, 1, 1)),
            interactive: std::io::stderr().is_terminal(),
            timings: std::env::var_os("NAP_TIMINGS").is_some(),
        }
    }

    /// The build date, as the contract's Reproducibility section says:
    /// `SOURCE_DATE_EPOCH` when set, else plan.json's `date`, else today.
    pub fn build_date(&self, plan_date: Option<Date>) -> Result<Date, String> {
        if let Some(raw) = &self.source_date_epoch {
            let secs: i64 = raw.trim().parse().map_err(|_| {
                format!("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, not {raw:?}")
            })?;
            return Date::from_unix_seconds(secs)
                .map_err(|e| format!("SOURCE_DATE_EPOCH={raw}: {e}"));
        }
        Ok(plan_date.unwrap_or(self.today))
    }

    pub fn progress(&self) -> Progress {
        Progress {
            enabled: self.interactive,
            timings: self.timings,
            started: Instant::now(),
        }
    }
}

/// A one-line progress indicator on a terminal, silent when piped.
pub struct Progress {
    enabled: bool,
    timings: bool,
    started: Instant,
}

impl Progress {
    pub fn step(&self, what: &str) {
        if self.timings {
            eprintln!("[{:6.3} s] {what}", self.started.elapsed().as_secs_f64());
        } else if self.enabled {
            let mut e = std::io::stderr().lock();
            let _ = write!(
                e,
                "\r\x1b[2K[{:5.2} s] {what}…",
                self.started.elapsed().as_secs_f64()
            );
            let _ = e.flush();
        }
    }
    pub fn done(&self) {
        if self.timings {
            eprintln!("[{:6.3} s] done", self.started.elapsed().as_secs_f64());
        } else if self.enabled {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K");
            let _ = e.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(sde: Option<&str>) -> World {
        World {
            source_date_epoch: sde.map(Into::into),
            today: Date::ymd(2026, 11, 29),
            interactive: false,
            timings: false,
        }
    }

    #[test]
    fn build_date_prefers_source_date_epoch_then_plan_then_today() {
        let plan = Some(Date::ymd(2020, 12, 15));
        assert_eq!(
            world(Some("1606780800")).build_date(plan),
            Ok(Date::ymd(2020, 12, 1))
        );
        assert_eq!(world(None).build_date(plan), Ok(Date::ymd(2020, 12, 15)));
        assert_eq!(world(None).build_date(None), Ok(Date::ymd(2026, 11, 29)));
        assert!(world(Some("yesterday"))
            .build_date(plan)
            .unwrap_err()
            .contains("SOURCE_DATE_EPOCH"));
    }
}
