//! Latency percentiles and recall for one kind of query.

use std::time::Duration;

/// What a search answered: the IDs in rank order, or the error code it was refused with.
pub type Outcome = Result<Vec<String>, String>;

#[derive(Default)]
pub struct Tally {
    latencies: Vec<Duration>,
    top1: usize,
    top10: usize,
    refused: usize,
}

pub struct Summary {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub recall1: f64,
    pub recall10: f64,
    pub refused: usize,
}

impl Tally {
    /// Records one query. Returns whether the sought child was in the top ten.
    pub fn record(&mut self, elapsed: Duration, outcome: &Outcome, sought: &str) -> bool {
        self.latencies.push(elapsed);
        let rank = match outcome {
            Ok(ids) => ids.iter().position(|id| id == sought),
            Err(_) => {
                self.refused += 1;
                None
            }
        };
        self.top1 += (rank == Some(0)) as usize;
        self.top10 += rank.is_some_and(|r| r < 10) as usize;
        rank.is_some_and(|r| r < 10)
    }

    pub fn summary(mut self) -> Summary {
        self.latencies.sort();
        let n = self.latencies.len().max(1);
        let ms = |p: f64| {
            self.latencies
                .get(((n as f64 * p) as usize).min(n - 1))
                .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
        };
        Summary {
            n: self.latencies.len(),
            p50: ms(0.50),
            p95: ms(0.95),
            p99: ms(0.99),
            recall1: self.top1 as f64 / n as f64,
            recall10: self.top10 as f64 / n as f64,
            refused: self.refused,
        }
    }
}

impl Summary {
    pub fn latencies(&self) -> String {
        format!("{:>7.3} {:>7.3} {:>7.3}", self.p50, self.p95, self.p99)
    }
}
