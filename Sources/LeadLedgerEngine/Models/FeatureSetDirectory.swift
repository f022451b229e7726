import LeadLedgerDecisions
import Synchronization

/// The feature sets a long-running reader of audit records names features
/// with (`serve`): loaded at start and loaded again when a record names a
/// feature set it does not know (a model registered after the start).
package final class FeatureSetDirectory: Sendable {
    private let sets: Mutex<FeatureSets>
    private let load: @Sendable () async -> FeatureSets

    /// - Parameter load: reads every feature set there is (e.g. ``ModelOperations/featureSets()``).
    package init(load: @escaping @Sendable () async -> FeatureSets) {
        self.sets = Mutex(FeatureSets())
        self.load = load
    }

    /// The sets known now.
    package var current: FeatureSets { sets.withLock { $0 } }

    /// Loads the sets again.
    package func refresh() async {
        let loaded = await load()
        sets.withLock { $0 = loaded }
    }

    /// Whether an audit record's bytes name a `feature_set` not known now.
    package func namesUnknownSet(_ audit: [UInt8]) -> Bool {
        guard let id = Self.featureSetID(in: audit) else { return false }
        return sets.withLock { $0[id] == nil }
    }

    /// The value of the first `"feature_set":"…"` member of a record's bytes (the
    /// top-level one: it precedes every nested object holding a string of that shape).
    static func featureSetID(in bytes: [UInt8]) -> String? {
        let marker = Array(#""feature_set":""#.utf8)
        guard bytes.count > marker.count else { return nil }
        var i = 0
        while i + marker.count <= bytes.count {
            if bytes[i] == marker[0], bytes[i..<(i + marker.count)].elementsEqual(marker) {
                let start = i + marker.count
                guard let end = bytes[start...].firstIndex(of: 0x22) else { return nil }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}
