#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock, for latencies measured from Kafka timestamps (which are wall
/// clock milliseconds). Never used by a decision.
package enum WallClock {
    /// Nanoseconds from `milliseconds` since the Unix epoch until now; 0 when the
    /// timestamp lies ahead (another host's clock).
    package static func nanosecondsSince(milliseconds: Int64) -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let (since, overflow) = milliseconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return 0 }
        return max(0, nanoseconds - since)
    }
}
