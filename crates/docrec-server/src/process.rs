//! This process's CPU time and memory, read from Linux's `/proc/self`
//! (no dependency needed for three numbers): for `/metrics` and for
//! `docrec bench`. On a system without `/proc` they are unknown (`None`).

/// Clock ticks per second in `/proc/self/stat`: Linux's `USER_HZ`, fixed
/// at 100 on every architecture Debian ships (`sysconf(_SC_CLK_TCK)`).
const TICKS_PER_SECOND: f64 = 100.0;

/// A reading of the process's resource use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessUsage {
    /// User and system CPU time since the process started, every thread.
    pub cpu_seconds: f64,
    /// Resident memory now (`VmRSS`).
    pub resident_bytes: u64,
    /// The most resident memory so far (`VmHWM`), since the process
    /// started or since [`reset_peak_memory`].
    pub peak_resident_bytes: u64,
}

impl ProcessUsage {
    /// The process's usage now, or `None` without `/proc`.
    pub fn now() -> Option<ProcessUsage> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        Some(ProcessUsage {
            cpu_seconds: cpu_seconds(&stat)?,
            resident_bytes: status_kib(&status, "VmRSS:")? * 1024,
            peak_resident_bytes: status_kib(&status, "VmHWM:")? * 1024,
        })
    }
}

/// Starts [`ProcessUsage::peak_resident_bytes`] again from the memory
/// resident now (Linux 4.0 and later); false when it could not.
pub fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// utime + stime of a `/proc/PID/stat` line, in seconds. The command name
/// (field 2) is in brackets and may hold spaces, so fields are counted
/// after its closing bracket: utime and stime are fields 14 and 15.
fn cpu_seconds(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / TICKS_PER_SECOND)
}

/// A `/proc/PID/status` line's value in KiB (`VmRSS:   1234 kB`).
fn status_kib(status: &str, label: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(label))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_a_command_name_with_spaces_and_brackets() {
        let stat = "4242 (tokio (rt) 1) S 1 4242 4242 0 -1 4194560 500 0 0 0 \
                    250 130 0 0 20 0 3 0 100 1000000 300 18446744073709551615";
        assert_eq!(cpu_seconds(stat), Some(3.8));
        assert_eq!(cpu_seconds("4242 (x) S 1"), None);
    }

    #[test]
    fn memory_lines_are_read_in_kib() {
        let status = "Name:\tdocrec\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assert_eq!(status_kib(status, "VmRSS:"), Some(102_400));
        assert_eq!(status_kib(status, "VmHWM:"), Some(204_800));
        assert_eq!(status_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn this_process_reads_its_own_usage() {
        let usage = ProcessUsage::now().expect("/proc on the test machine");
        assert!(usage.resident_bytes > 0);
        assert!(usage.peak_resident_bytes >= usage.resident_bytes);
    }
}
