/// How far each stage's consumer group is behind its input partitions: what
/// `leadledger lag` prints (schemas/cli/lag.schema.json) and `serve` returns at
/// `GET /v1/lag`. Made by ``StageLagProbe``.
package struct LagReport: Sendable, Equatable, Codable {
    /// One stage's consumer group and its input partitions.
    package struct Stage: Sendable, Equatable, Codable {
        /// One input partition: the committed offset and the records after it.
        package struct Partition: Sendable, Equatable, Codable {
            package var topic: String
            package var partition: Int32
            package var committed: Int64
            package var behind: Int

            package init(topic: String, partition: Int32, committed: Int64, behind: Int) {
                self.topic = topic
                self.partition = partition
                self.committed = committed
                self.behind = behind
            }
        }

        package var stage: String
        package var group: String
        package var committed: Int64
        package var behind: Int
        package var partitions: [Partition]

        package init(stage: String, group: String, committed: Int64 = 0, behind: Int = 0, partitions: [Partition] = []) {
            self.stage = stage
            self.group = group
            self.committed = committed
            self.behind = behind
            self.partitions = partitions
        }
    }

    package var caughtUp: Bool
    package var behind: Int
    /// With `lag --wait`: set when the timeout passed.
    package var timedOut: Bool?
    package var stages: [Stage]

    package init(stages: [Stage], timedOut: Bool? = nil) {
        self.stages = stages
        behind = stages.reduce(0) { $0 + $1.behind }
        caughtUp = behind == 0
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey {
        case caughtUp = "caught_up"
        case behind
        case timedOut = "timed_out"
        case stages
    }
}
