import LeadLedgerCore

/// What a model was trained on, as `leadledger train --register` records it in
/// the manifest's `training` object: the canonical-log topic, every partition's
/// range (from offset 0 to the end the trainer read), the split's seed and the
/// no-outcome labelling. With it the candidate's held-out split can be rebuilt
/// from the log: the same examples, split by the same seed.
///
/// The members are additive: a manifest without `log_ranges` (registered by an
/// older trainer, or from a directory without `training.json`) still reads; it
/// has no ``TrainingRange``, and its split cannot be rebuilt.
package struct TrainingRange: Sendable, Equatable {
    /// One partition of the range: offsets `0..<end`.
    package struct Partition: Sendable, Equatable {
        package var partition: Int32
        package var end: Int64

        package init(partition: Int32, end: Int64) {
            self.partition = partition
            self.end = end
        }
    }

    /// The canonical-log topic.
    package var topic: String
    /// The partitions read, each from offset 0.
    package var partitions: [Partition]
    /// The seed of the stratified split.
    package var seed: UInt64
    /// The idle days after which a lead without outcome was labelled 0 (nil: only outcomes label).
    package var negativeAfterDays: Double?
    /// The number of held-out examples the trainer had, when recorded.
    package var heldOut: Int?

    /// Creates a range.
    package init(topic: String, partitions: [Partition], seed: UInt64, negativeAfterDays: Double?, heldOut: Int? = nil) {
        self.topic = topic
        self.partitions = partitions
        self.seed = seed
        self.negativeAfterDays = negativeAfterDays
        self.heldOut = heldOut
    }

    /// Reads the range from a manifest's `training` object; nil when it does not
    /// record one (no `log_topic`, `log_ranges` or `seed`).
    package init?(training: JSONValue?) {
        guard case .object(let object)? = training, case .string(let topic)? = object["log_topic"],
            case .array(let ranges)? = object["log_ranges"], let seed = Self.integer(object["seed"])
        else { return nil }
        var partitions: [Partition] = []
        for range in ranges {
            guard case .object(let r) = range, let partition = Self.integer(r["partition"]), let end = Self.integer(r["to"]),
                Self.integer(r["from"]) == 0, let p = Int32(exactly: partition), end >= 0
            else { return nil }
            partitions.append(Partition(partition: p, end: Int64(end)))
        }
        guard !partitions.isEmpty else { return nil }
        self.topic = topic
        self.partitions = partitions
        self.seed = UInt64(truncatingIfNeeded: seed)
        switch object["negative_after_days"] {
        case .number(let d)?: negativeAfterDays = d
        case .int(let i)?: negativeAfterDays = Double(i)
        default: negativeAfterDays = nil
        }
        heldOut = Self.integer(object["holdout"])
    }

    /// The members `train` adds to the `training` object for this range
    /// (`log_ranges` and `negative_after_days`; topic, seed and counts it writes anyway).
    package var members: [JSONObject.Member] {
        [
            JSONObject.Member(
                "log_ranges",
                .array(
                    partitions.map {
                        .object(["partition": .int(Int($0.partition)), "from": .int(0), "to": .int(Int($0.end))])
                    })),
            JSONObject.Member("negative_after_days", negativeAfterDays.map { .number($0) } ?? .null),
        ]
    }

    /// The range for people: `events partitions 0@0..<120,1@0..<97, seed 0`.
    package var description: String {
        "\(topic) partitions " + partitions.map { "\($0.partition)@0..<\($0.end)" }.joined(separator: ",") + ", seed \(seed)"
    }

    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let i)?: return i
        case .number(let d)? where d == d.rounded() && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }
}
