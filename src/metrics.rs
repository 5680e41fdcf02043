//! Counters for `/metrics`, kept in memory per process and written in the Prometheus text format.
//!
//! Labels are bounded: the route template (`/mobiliteter/{id}`, see `telemetry::route_of`), the
//! method, the status code and the background job's name. Nothing per person or per record.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;
use crate::telemetry;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The background jobs Udsyn runs, by the name they carry in `/metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    SessionCleanup,
    StaffImportCheck,
    StaffImport,
    Retention,
    AccessLogCleanup,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::SessionCleanup => "session_cleanup",
            Job::StaffImportCheck => "staff_import_check",
            Job::StaffImport => "staff_import",
            Job::Retention => "retention",
            Job::AccessLogCleanup => "access_log_cleanup",
        }
    }
}

#[derive(Default)]
struct Latency {
    /// One count per bucket of `BUCKETS` (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    /// (route, method, status) → requests answered.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (route, method) → how long they took.
    latency: BTreeMap<(String, String), Latency>,
    in_flight: i64,
    /// job → (running now, finished ok, failed).
    jobs: BTreeMap<Job, (i64, u64, u64)>,
}

pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
    }
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// What `/metrics` reads at the moment it is asked, besides the counters.
pub struct Snapshot {
    pub pool_size: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub sessions: Option<i64>,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain numbers behind: still fine to count on.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a request as in flight until the guard is dropped (also when a timeout or a
    /// closed connection drops the request before it is answered).
    pub fn in_flight(&self) -> InFlight<'_> {
        self.lock().in_flight += 1;
        InFlight(self)
    }

    pub fn request_finished(&self, route: &str, method: &str, status: u16, took: Duration) {
        let mut m = self.lock();
        *m.requests
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        let l = m
            .latency
            .entry((route.to_string(), method.to_string()))
            .or_default();
        let secs = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            l.buckets[i] += 1;
        }
        l.count += 1;
        l.sum += secs;
    }

    /// Counts a background job while it runs and how it ended.
    pub async fn job<T, E>(
        &self,
        job: Job,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        self.lock().jobs.entry(job).or_default().0 += 1;
        let r = work.await;
        let mut m = self.lock();
        let e = m.jobs.entry(job).or_default();
        e.0 -= 1;
        if r.is_ok() {
            e.1 += 1;
        } else {
            e.2 += 1;
        }
        r
    }

    /// The Prometheus text exposition format, version 0.0.4.
    pub fn render(&self, s: &Snapshot) -> String {
        let m = self.lock();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP udsyn_http_requests_total HTTP requests answered, by route template, method and status.\n\
             # TYPE udsyn_http_requests_total counter"
        );
        for ((route, method, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "udsyn_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP udsyn_http_request_duration_seconds Time from request to response, by route template and method.\n\
             # TYPE udsyn_http_request_duration_seconds histogram"
        );
        for ((route, method), l) in &m.latency {
            let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
            let mut cumulative = 0;
            for (b, n) in BUCKETS.iter().zip(l.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "udsyn_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "udsyn_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 udsyn_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 udsyn_http_request_duration_seconds_count{{{labels}}} {}",
                l.count, l.sum, l.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP udsyn_http_requests_in_flight Requests being answered now; more than the pool's connections means some wait for one.\n\
             # TYPE udsyn_http_requests_in_flight gauge\n\
             udsyn_http_requests_in_flight {}",
            m.in_flight
        );
        let in_use = s.pool_size.saturating_sub(s.pool_idle);
        let _ = writeln!(
            out,
            "# HELP udsyn_db_pool_connections Database connections of this instance's pool, by state.\n\
             # TYPE udsyn_db_pool_connections gauge\n\
             udsyn_db_pool_connections{{state=\"in_use\"}} {in_use}\n\
             udsyn_db_pool_connections{{state=\"idle\"}} {}\n\
             # HELP udsyn_db_pool_max_connections The pool's size (DATABASE_MAX_CONNECTIONS).\n\
             # TYPE udsyn_db_pool_max_connections gauge\n\
             udsyn_db_pool_max_connections {}",
            s.pool_idle, s.pool_max
        );
        // Requests that run while every connection is in use wait for one: an upper estimate,
        // since sqlx does not count the tasks queued for a connection.
        let waiting = if in_use >= s.pool_max {
            (m.in_flight - i64::from(in_use)).max(0)
        } else {
            0
        };
        let _ = writeln!(
            out,
            "# HELP udsyn_db_pool_waiting Requests in flight beyond the connections in use while the pool is exhausted (an upper estimate of those waiting for a connection).\n\
             # TYPE udsyn_db_pool_waiting gauge\n\
             udsyn_db_pool_waiting {waiting}"
        );
        if let Some(n) = s.sessions {
            let _ = writeln!(
                out,
                "# HELP udsyn_sessions_active Live login sessions (all instances: sessions are in the database).\n\
                 # TYPE udsyn_sessions_active gauge\n\
                 udsyn_sessions_active {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP udsyn_background_jobs_running Background jobs running now in this instance.\n\
             # TYPE udsyn_background_jobs_running gauge"
        );
        for (job, (running, _, _)) in &m.jobs {
            let _ = writeln!(
                out,
                "udsyn_background_jobs_running{{job=\"{}\"}} {running}",
                job.name()
            );
        }
        let _ = writeln!(
            out,
            "# HELP udsyn_background_jobs_total Background jobs finished in this instance, by outcome.\n\
             # TYPE udsyn_background_jobs_total counter"
        );
        for (job, (_, ok, failed)) in &m.jobs {
            let _ = writeln!(
                out,
                "udsyn_background_jobs_total{{job=\"{0}\",outcome=\"ok\"}} {ok}\n\
                 udsyn_background_jobs_total{{job=\"{0}\",outcome=\"error\"}} {failed}",
                job.name()
            );
        }
        out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts every request by its route template (runs after routing, so the template is known).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = telemetry::route_of(&req).to_string();
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let in_flight = state.metrics.in_flight();
    let res = next.run(req).await;
    drop(in_flight);
    state
        .metrics
        .request_finished(&route, &method, res.status().as_u16(), started.elapsed());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        drop(m.in_flight());
        m.request_finished("/skoler/{id}", "GET", 200, Duration::from_millis(3));
        let _busy = m.in_flight();
        m.request_finished("/skoler/{id}", "GET", 200, Duration::from_millis(30));
        let text = m.render(&Snapshot {
            pool_size: 3,
            pool_idle: 1,
            pool_max: 10,
            sessions: Some(4),
        });
        assert!(text.contains(
            "udsyn_http_requests_total{route=\"/skoler/{id}\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "udsyn_http_request_duration_seconds_bucket{route=\"/skoler/{id}\",method=\"GET\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "udsyn_http_request_duration_seconds_bucket{route=\"/skoler/{id}\",method=\"GET\",le=\"0.05\"} 2"
        ));
        assert!(text.contains("udsyn_db_pool_connections{state=\"in_use\"} 2"));
        assert!(text.contains("udsyn_http_requests_in_flight 1"));
        assert!(text.contains("udsyn_sessions_active 4"));
    }
}
