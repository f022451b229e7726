import LeadLedgerEngine
import LeadLedgerOperations
import Testing

@Suite("Health evaluation")
struct HealthEvaluationTests {
    static func partition(_ stage: String, _ number: Int32, restored: Bool = true, lag: Int64? = 0) -> PartitionStatus {
        PartitionStatus(stage: stage, topic: "\(stage).topic", partition: number, restored: restored, lag: lag)
    }

    @Test func readyWhenEveryPartitionIsRestoredAndCaughtUp() {
        let stages = [
            StageStatus(
                name: "validate", joined: true, partitions: [Self.partition("validate", 0), Self.partition("validate", 1, lag: 10_000)]),
            StageStatus(name: "materialize", joined: true, partitions: [Self.partition("materialize", 0, lag: 3)]),
        ]
        let report = HealthEvaluation.readiness(stages, maxLag: 10_000)
        #expect(report.ok)
        #expect(report.status == "ready")
        #expect(report.reasons.isEmpty)
        #expect(report.partitions == 3)
        #expect(String(decoding: report.json, as: UTF8.self) == "{\"partitions\":3,\"reasons\":[],\"status\":\"ready\"}\n")
    }

    @Test func aStageThatHasNotJoinedIsNotReady() {
        let report = HealthEvaluation.readiness([StageStatus(name: "identity")], maxLag: 10)
        #expect(!report.ok)
        #expect(report.status == "not_ready")
        #expect(report.reasons == ["stage identity has not received its partitions yet"])
    }

    @Test func aJoinedStageWithoutPartitionsIsReady() {
        // A group member that got no partition (more members than partitions) has nothing to catch up.
        #expect(HealthEvaluation.readiness([StageStatus(name: "identity", joined: true)], maxLag: 10).ok)
    }

    @Test func restoringLaggingAndUnknownPartitionsAreNamed() {
        let stages = [
            StageStatus(
                name: "materialize", joined: true,
                partitions: [
                    Self.partition("materialize", 2, lag: 10_001),
                    Self.partition("materialize", 0, restored: false, lag: nil),
                    Self.partition("materialize", 1, lag: nil),
                ])
        ]
        let report = HealthEvaluation.readiness(stages, maxLag: 10_000)
        #expect(!report.ok)
        #expect(
            report.reasons == [
                "materialize materialize.topic[0] is restoring its state",
                "materialize materialize.topic[1] has no fetch response yet (lag unknown)",
                "materialize materialize.topic[2] lags 10001 records (ready_max_lag 10000)",
            ])
    }

    @Test func livenessFailsOnlyForASilentProgressLoop() {
        let start = ContinuousClock.now
        let now = start + .seconds(100)
        let stages = [
            StageStatus(name: "identity", joined: true, heartbeat: now - .seconds(5)),
            StageStatus(name: "materialize", joined: true, heartbeat: now - .seconds(61)),
            // Never ran its loop: counted from the start of the process.
            StageStatus(name: "validate"),
        ]
        let report = HealthEvaluation.liveness(stages, now: now, startedAt: start, staleAfter: .seconds(60))
        #expect(!report.ok)
        #expect(report.status == "dead")
        #expect(report.reasons == ["stage materialize: progress loop silent for 61 s", "stage validate: progress loop silent for 100 s"])

        let early = HealthEvaluation.liveness(
            [StageStatus(name: "validate")], now: start + .seconds(2), startedAt: start, staleAfter: .seconds(60))
        #expect(early.ok && early.status == "live")
    }
}
