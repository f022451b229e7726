import LeadLedgerAnalytics
import LeadLedgerCore

/// The KPI reports computed since the read model last applied a batch, by query:
/// a dashboard that polls `/v1/kpis` while nothing new arrives is answered
/// without reading every stored decision again. Any applied batch makes them
/// stale (the store's generation moves on).
struct KPIReportCache: Sendable {
    struct Query: Hashable, Sendable {
        var since: Int64?
        var until: Int64?
        var dimensions: [KPIDimension]
    }

    /// The generation the reports were computed at.
    private var generation = -1
    private var reports: [Query: KPIReport] = [:]
    /// At most this many queries are kept per generation.
    static let capacity = 16

    /// The report of `query` computed at `generation`, if any.
    func report(_ query: Query, generation: Int) -> KPIReport? {
        self.generation == generation ? reports[query] : nil
    }

    /// Keeps `report` for `query` at `generation` (dropping older generations' reports).
    mutating func keep(_ report: KPIReport, for query: Query, generation: Int) {
        if generation != self.generation {
            self.generation = generation
            reports = [:]
        }
        if reports.count >= Self.capacity { reports.removeAll() }
        reports[query] = report
    }
}
