import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The typed readers of the routing and audit records (what `audit verify`,
/// `explain`, `watch` and the benchmark use) against the records the Decider
/// writes, with Foundation's JSON parser as an independent reference.
@Suite("Record views: routing and audit records decoded back")
struct RecordViewTests {
    static func replay() throws -> Replay {
        let h = try mixedScenario()
        var r = Replay()
        r.run(h.log[...], decider: Decider(try DecisionFixtures.configuration()))
        return r
    }

    static func lineage(_ json: [String: Any]) -> (Int, Int, String, Int, Int) {
        let lineage = json["lineage"] as? [String: Any] ?? [:]
        let log = lineage["log"] as? [String: Any] ?? [:]
        let source = lineage["source"] as? [String: Any] ?? [:]
        return (
            log["partition"] as? Int ?? -1, log["offset"] as? Int ?? -1,
            source["topic"] as? String ?? "", source["partition"] as? Int ?? -1, source["offset"] as? Int ?? -1
        )
    }

    static func same(_ l: RecordLineage, _ json: [String: Any]) -> Bool {
        let (p, o, t, sp, so) = lineage(json)
        return Int(l.logPartition) == p && Int(l.logOffset) == o && l.source.topic == t && Int(l.source.partition) == sp
            && Int(l.source.offset) == so
    }

    @Test("every routing record decodes to its members")
    func routing() throws {
        let replay = try Self.replay()
        let records = replay.outputs.flatMap(\.routing)
        #expect(records.count >= 5)
        #expect(Set(records.compactMap { try? RoutingRecordView($0.value).change }).isSuperset(of: [.new, .override, .merged]))
        for record in records {
            let view = try RoutingRecordView(record.value)
            let json = parse(record.value)
            #expect(view.decisionID == record.decisionID && view.leadID == record.key)
            #expect(
                view.tier == json["tier"] as? String && view.queue == json["queue"] as? String
                    && view.change.rawValue == json["change"] as? String)
            #expect(view.ownerID == json["owner_id"] as? String && view.accountID == json["account_id"] as? String)
            #expect(
                view.score == (json["score"] as? NSNumber)?.doubleValue
                    && view.probability == (json["probability"] as? NSNumber)?.doubleValue)
            #expect(view.eventTime == json["event_time"] as? String && view.modelVersion == json["model_version"] as? String)
            let reasons = json["reasons"] as? [[String: Any]] ?? []
            #expect(view.reasons.map(\.feature) == reasons.map { $0["feature"] as? String ?? "" })
            #expect(view.reasons.map(\.contribution) == reasons.map { ($0["contribution"] as? NSNumber)?.doubleValue ?? .nan })
            #expect(Self.same(view.lineage, json))
        }
    }

    @Test("every audit record decodes: primary decision, further decisions, features, lineage")
    func audit() throws {
        let replay = try Self.replay()
        let features = try DecisionFixtures.configuration().featureSet
        var sawNoLead = false
        for record in replay.outputs.flatMap(\.audit) {
            let view = try AuditRecordView(record.value, featureSets: FeatureSets([features]))
            let json = parse(record.value)
            #expect(view.decisionID == record.decisionID && view.eventKind == json["event_kind"] as? String)
            #expect(view.stateHash == json["state_hash"] as? String && view.eventTime == json["event_time"] as? String)
            #expect(Self.same(view.lineage, json))
            let position = try RecordLineage.logPosition(recordBytes: record.value)
            #expect(position.partition == view.lineage.logPartition && position.offset == view.lineage.logOffset)
            if let lead = json["lead_id"] as? String {
                let decision = try #require(view.decision)
                #expect(decision.leadID == lead && decision.tier == json["tier"] as? String)
                #expect(decision.routeChanged == json["route_changed"] as? Bool && decision.change?.rawValue == json["change"] as? String)
                #expect(decision.routingDecisionID == json["routing_decision_id"] as? String)
                #expect(decision.previous?.decisionID == (json["previous_decision"] as? [String: Any])?["decision_id"] as? String)
                #expect(view.schemaVersion == 3 && view.featureSet == features.id && json["feature_set"] as? String == features.id)
                if let values = json["features"] as? [Any] {
                    #expect(values.count == features.names.count)
                    for (j, name) in features.names.enumerated() {
                        #expect(view.features[name] == (values[j] as? NSNumber).map(\.doubleValue))
                    }
                    let contributions = json["contributions"] as? [NSNumber] ?? []
                    #expect(contributions.count == features.names.count)
                    #expect(view.contributions.count == contributions.filter { $0.doubleValue != 0 }.count)
                } else {
                    #expect(view.features.isEmpty && view.contributions.isEmpty)
                }
                #expect(json["emails"] == nil && json["subject"] as? String == String(lead.dropFirst(3)))
            } else {
                sawNoLead = true
                #expect(view.decision == nil && view.features.isEmpty && view.contributions.isEmpty)
            }
            let further = json["further_decisions"] as? [[String: Any]] ?? []
            #expect(view.further.map(\.leadID) == further.map { $0["lead_id"] as? String ?? "" })
            #expect(view.further.map(\.stateHash) == further.map { $0["state_hash"] as? String ?? "" })
            #expect(view.decisions.count == (view.decision == nil ? 0 : 1) + further.count)
        }
        #expect(sawNoLead, "the scenario has an event without a lead")
    }

    @Test("an audit record's reasons, resolved through its feature set, are the routing record's reasons of the same decision")
    func auditReasonsMatchRouting() throws {
        let replay = try Self.replay()
        let features = FeatureSets([try DecisionFixtures.configuration().featureSet])
        var routing: [String: RoutingRecordView] = [:]
        for record in replay.outputs.flatMap(\.routing) { routing[record.decisionID] = try RoutingRecordView(record.value) }
        var compared = 0
        for record in replay.outputs.flatMap(\.audit) {
            let view = try AuditRecordView(record.value, featureSets: features)
            for decision in view.decisions {
                guard let id = decision.routingDecisionID, let routed = routing[id] else { continue }
                compared += 1
                #expect(decision.reasons.map(\.feature) == routed.reasons.map(\.feature))
                #expect(decision.reasons.map(\.text) == routed.reasons.map(\.text))
                #expect(decision.reasons.map(\.contribution) == routed.reasons.map(\.contribution))
                #expect(decision.reasons.map(\.isGateRule) == routed.reasons.map(\.isGateRule))
            }
        }
        #expect(compared >= 5)
    }

    @Test("an audit record decoded without its feature set names the features by index")
    func auditWithoutFeatureSet() throws {
        let replay = try Self.replay()
        let record = try #require(
            replay.outputs.flatMap(\.audit).first { (try? AuditRecordView($0.value))?.decision?.reasons.isEmpty == false })
        let view = try AuditRecordView(record.value)
        let reason = try #require(view.decision?.reasons.first { !$0.isGateRule })
        #expect(reason.feature.hasPrefix("feature_") && reason.text.hasPrefix(reason.feature + " = "))
    }

    @Test("records that are not JSON or lack a member are refused with a code and the member's path")
    func refused() throws {
        let replay = try Self.replay()
        let routing = try #require(replay.outputs.flatMap(\.routing).first).value
        let text = String(decoding: routing, as: UTF8.self)
        #expect(throws: ContractError.self) { try RoutingRecordView(Array("{\"decision_id\":".utf8)) }
        do {
            _ = try RoutingRecordView(Array(text.replacingOccurrences(of: "\"lineage\":", with: "\"lineage_\":").utf8))
            Issue.record("a routing record without lineage decoded")
        } catch {
            #expect(error.code == .schemaViolation && error.field == "$.lineage")
        }
        do {
            _ = try RoutingRecordView(Array(text.replacingOccurrences(of: "\"score\":", with: "\"score\":\"x\",\"_\":").utf8))
            Issue.record("a routing record with a string score decoded")
        } catch {
            #expect(error.code == .schemaViolation && error.field == "$.score")
        }
        // An unknown member is ignored (additive change within a schema version).
        let extended = try RoutingRecordView(
            Array(text.replacingOccurrences(of: "{\"account_id\"", with: "{\"a_new_member\":[1],\"account_id\"").utf8))
        #expect(extended == (try RoutingRecordView(routing)))
    }
}
