import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import Testing

@Suite("Future timestamps: the validate stage's skew check")
struct FutureTimestampTests {
    static let topics = TopicNames()
    /// A fixed "wall clock": 2026-12-01T00:00:00Z.
    static let now = EventTime(seconds: 1_796_083_200)

    static func route(skew: Duration) -> ValidateProcessor {
        ValidateProcessor(topics: topics, futureCheck: FutureTimestampCheck(maxSkew: skew, now: { FutureTimestampTests.now }))
    }

    static func apply(_ route: inout ValidateProcessor, topic: String, _ json: String) -> OutputRecord {
        let outputs = route.apply(LogRecord(topic: topic, partition: 0, offset: 7, key: Array("k".utf8), value: Array(json.utf8)))
        // A rejected input: its DLQ record, then its skip marker on the repartition topic.
        #expect(outputs.count == (outputs.first?.topic == topics.dlq ? 2 : 1))
        return outputs[0]
    }

    static func crm(_ time: String) -> String {
        #"{"event_id":"e1","type":"lead.created","occurred_at":"\#(time)","source":"salesforce","record_id":"00Q1","lead":{"email":"a@acme.io"}}"#
    }

    static func errorCode(_ output: OutputRecord) -> (code: String?, field: String?) {
        guard case .object(let o)? = try? JSONParser.parse(output.value) else { return (nil, nil) }
        guard case .string(let code)? = o["error_code"] else { return (nil, nil) }
        if case .string(let field)? = o["field"] { return (code, field) }
        return (code, nil)
    }

    @Test("an event dated beyond now + skew goes to the DLQ as timestamp_out_of_range; one within it is forwarded")
    func skew() {
        var route = Self.route(skew: .seconds(7 * 86_400))
        let far = Self.apply(&route, topic: Self.topics.crm, Self.crm("9999-01-01T00:00:00Z"))
        #expect(far.topic == Self.topics.dlq)
        #expect(Self.errorCode(far) == ("timestamp_out_of_range", "$.occurred_at"))
        let sixDays = Self.apply(&route, topic: Self.topics.crm, Self.crm("2026-12-07T00:00:00Z"))
        #expect(sixDays.topic == Self.topics.identity)
        let past = Self.apply(&route, topic: Self.topics.crm, Self.crm("2020-01-01T00:00:00Z"))
        #expect(past.topic == Self.topics.identity)

        var tight = Self.route(skew: .seconds(3600))
        let twoHours = Self.apply(&tight, topic: Self.topics.crm, Self.crm("2026-12-01T02:00:00Z"))
        #expect(Self.errorCode(twoHours).code == "timestamp_out_of_range")
        let web = Self.apply(
            &tight, topic: Self.topics.web, #"{"type":"page","messageId":"m1","anonymousId":"an-1","timestamp":"2027-01-01T00:00:00Z"}"#)
        #expect(Self.errorCode(web) == ("timestamp_out_of_range", "$.timestamp"))
        let batch = Self.apply(
            &tight, topic: Self.topics.email,
            #"[{"email":"a@acme.io","timestamp":1796083200,"event":"open","sg_event_id":"s1"},{"email":"a@acme.io","timestamp":1896083200,"event":"open","sg_event_id":"s2"}]"#
        )
        #expect(Self.errorCode(batch) == ("timestamp_out_of_range", "$[1].timestamp"))
    }

    @Test("a skew too large to count in milliseconds turns the check off instead of rejecting everything")
    func hugeSkew() {
        var route = Self.route(skew: .seconds(10_000_000_000_000_000))
        let far = Self.apply(&route, topic: Self.topics.crm, Self.crm("9999-01-01T00:00:00Z"))
        #expect(far.topic == Self.topics.identity)
        let now = Self.apply(&route, topic: Self.topics.crm, Self.crm("2026-12-01T00:00:00Z"))
        #expect(now.topic == Self.topics.identity)
    }

    @Test("max_future_skew: durations in the file, default 7 days")
    func configuration() throws {
        #expect(EngineConfiguration().maxFutureSkewSeconds == 604_800)
        #expect(try EngineConfiguration.parse(yaml: "max_future_skew: 36h").maxFutureSkewSeconds == 129_600)
        #expect(try EngineConfiguration.parse(yaml: "max_future_skew: 90").maxFutureSkewSeconds == 90)
        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "max_future_skew: soon") }
        #expect(EngineConfiguration.durationSeconds("7d") == 604_800)
        #expect(EngineConfiguration.durationSeconds("15m") == 900)
        #expect(EngineConfiguration.durationSeconds("-1s") == nil)
        #expect(EngineConfiguration.durationSeconds("d") == nil)
    }
}
