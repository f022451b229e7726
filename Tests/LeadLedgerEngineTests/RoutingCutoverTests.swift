import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import Testing

@testable import LeadLedgerDecisions

@Suite("Routing cut-over (route_from)")
struct RoutingCutoverTests {
    let cutover = RoutingCutover(text: "2026-11-01T02:00:00Z")!

    func output(routing: Int) -> DecisionOutput {
        var output = DecisionOutput()
        // As the Decider writes them: one JSON object and a newline.
        output.audit = [.init(key: "k", value: Array("{\"decision_id\":\"dc_1\",\"tier\":\"hot\"}\n".utf8), decisionID: "dc_1")]
        output.routing = (0..<routing).map { .init(key: "ld_\($0)", value: Array(#"{"change":"new"}"#.utf8), decisionID: "dc_r\($0)") }
        return output
    }

    @Test("before T: routing withheld, the audit record says so and stays sorted JSON")
    func withholdsBefore() throws {
        let before = EventTime.parseRFC3339("2026-11-01T01:59:59.999Z")!
        let filtered = cutover.filter(output(routing: 2), eventTime: before)
        #expect(filtered.routing.isEmpty)
        #expect(filtered.audit.count == 1)
        let text = String(decoding: filtered.audit[0].value, as: UTF8.self)
        #expect(
            text == #"{"decision_id":"dc_1","tier":"hot","withheld_routing":{"count":2,"route_from":"2026-11-01T02:00:00.000Z"}}"# + "\n")
        #expect(filtered.audit[0].decisionID == "dc_1")
        let reparsed = CanonicalJSON.encode(try JSONParser.parse(filtered.audit[0].value)) + [0x0A]
        #expect(reparsed == filtered.audit[0].value, "the marked record is not canonical (sorted) JSON")
    }

    @Test("at or after T, or nothing to withhold: the output is unchanged")
    func passesFromT() {
        let at = EventTime.parseRFC3339("2026-11-01T02:00:00Z")!
        let later = EventTime.parseRFC3339("2027-01-01T00:00:00Z")!
        let before = EventTime.parseRFC3339("2026-10-01T00:00:00Z")!
        #expect(cutover.filter(output(routing: 1), eventTime: at) == output(routing: 1))
        #expect(cutover.filter(output(routing: 3), eventTime: later) == output(routing: 3))
        #expect(cutover.filter(output(routing: 0), eventTime: before) == output(routing: 0))
        #expect(cutover.withholds(eventTime: before) && !cutover.withholds(eventTime: at))
    }

    @Test("route_from: RFC 3339 accepted with offsets, anything else refused")
    func configuration() throws {
        let parsed = try EngineConfiguration.parse(yaml: "route_from: 2026-11-01T03:00:00+01:00\n")
        #expect(parsed.routingCutover?.routeFrom.rfc3339 == "2026-11-01T02:00:00.000Z")
        #expect(EngineConfiguration().routingCutover == nil)
        #expect(throws: EngineError.self) { try EngineConfiguration.parse(yaml: "route_from: yesterday\n") }
        #expect(RoutingCutover(text: "2026-13-01T00:00:00Z") == nil)
    }
}
