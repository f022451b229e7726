/// Per-account interaction counts by ``ContentCategory`` plus totals.
package struct AccountEngagement: Sendable, Equatable {
    /// Counts by category, inline.
    package var counts = CategoryCounts()
    package var total: UInt32 = 0
    package var lastEngaged: Int64 = .min

    package init() {}

    /// Counts indexed by ``ContentCategory/index``.
    package var byCategory: [UInt32] { (0..<CategoryCounts.count).map { counts[$0] } }

    mutating func add(_ o: AccountEngagement) {
        for i in 0..<CategoryCounts.count { counts[i] &+= o.counts[i] }
        total &+= o.total
        lastEngaged = max(lastEngaged, o.lastEngaged)
    }
}
