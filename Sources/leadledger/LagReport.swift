/// What `leadledger lag` found (schemas/cli/lag.schema.json).
struct LagReport: Encodable {
    /// One stage's consumer group and its input partitions.
    struct Stage: Encodable {
        /// One input partition: the committed offset and the records after it.
        struct Partition: Encodable {
            var topic: String
            var partition: Int32
            var committed: Int64
            var behind: Int
        }

        var stage: String
        var group: String
        var committed: Int64
        var behind: Int
        var partitions: [Partition]
    }

    var caughtUp: Bool
    var behind: Int
    /// With `--wait`: set when the timeout passed.
    var timedOut: Bool?
    var stages: [Stage]

    enum CodingKeys: String, CodingKey {
        case caughtUp = "caught_up"
        case behind
        case timedOut = "timed_out"
        case stages
    }
}
