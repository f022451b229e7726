import Testing

@testable import LeadLedgerAnalytics

struct MonitorRecordTests {
    @Test func crossingsBecomeCanonicalRecords() throws {
        let report = DriftMonitor.Report(
            modelVersion: "m1", baselineFrom: "2026-11-01T00:00:00.000Z", baselineUntil: "2026-11-02T00:00:00.000Z",
            baselineSource: "file", windowFrom: "2026-11-05T00:00:00.000Z", windowUntil: "2026-11-06T00:00:00.000Z", samples: 40,
            overlapping: false,
            variables: [
                .init(name: "score", psi: 0.05, baselineCount: 100, currentCount: 40, crosses: false),
                .init(name: "free_mail", psi: 0.93581234, baselineCount: 90, currentCount: 38, crosses: true),
            ])
        let records = MonitorRecord.crossings(report, threshold: 0.2)
        #expect(records.map(\.variable) == ["free_mail"])
        let record = try #require(records.first)
        #expect(record.monitorID.hasPrefix("mn_") && record.monitorID.count == 19)
        // The same window repeats the same id; another window gets another.
        var later = record
        later.windowUntil = "2026-11-07T00:00:00.000Z"
        #expect(later.monitorID != record.monitorID)
        #expect(
            String(decoding: record.bytes, as: UTF8.self)
                == #"{"baseline":{"count":90,"from":"2026-11-01T00:00:00.000Z","source":"file","until":"2026-11-02T00:00:00.000Z"},"kind":"drift.threshold_crossed","model_version":"m1","monitor_id":"\#(record.monitorID)","psi":0.935812,"schema_version":1,"threshold":0.2,"variable":"free_mail","window":{"count":38,"from":"2026-11-05T00:00:00.000Z","until":"2026-11-06T00:00:00.000Z"}}"#
                + "\n")
    }
}
