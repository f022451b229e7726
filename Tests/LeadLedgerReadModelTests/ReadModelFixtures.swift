import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import LeadLedgerReadModel

/// Records for the read model's unit tests, in the contracts' shapes: audit and
/// routing records as the Decider writes them (the members the views read),
/// log events and DLQ records through the project's own encoders.
enum ReadModelFixtures {
    static let topics = ReadModelTopics(routing: "routing", audit: "audit", events: "events", dlq: "dlq")

    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("readmodel-\(UUID().uuidString)").path
    }

    /// An audit record deciding `lead` (and `further` leads) at a log position.
    static func audit(
        decisionID: String, lead: String?, account: String?, tier: String = "nurture", queue: String = "marketing-nurture",
        score: Double = 12, time: String, logPartition: Int32 = 0, logOffset: Int64, kind: String = "lead.attributes",
        further: [(lead: String, tier: String, queue: String)] = [], change: String? = nil
    ) -> [UInt8] {
        func decision(_ lead: String, _ tier: String, _ queue: String, changed: String?) -> String {
            let routeChanged = changed != nil
            return """
                "lead_id":"\(lead)","tier":"\(tier)","queue":"\(queue)","owner_id":"rep-1","score":\(score),"probability":0.25,\
                "route_changed":\(routeChanged),"change":\(changed.map { "\"\($0)\"" } ?? "null"),\
                "routing_decision_id":\(routeChanged ? "\"dc_\(String(repeating: "e", count: 32))\"" : "null"),\
                "state_hash":"00000000000000aa",\
                "reasons":[{"feature":"pricing_views","value":3,"contribution":0.5,"text":"pricing_views = 3 raised the log-odds"}]
                """
        }
        let primary = lead.map { decision($0, tier, queue, changed: change) + "," } ?? #""lead_id":null,"#
        let furtherJSON = further.map { "{" + decision($0.lead, $0.tier, $0.queue, changed: nil) + "}" }.joined(separator: ",")
        let text = """
            {"schema_version":2,"decision_id":"\(decisionID)","event_kind":"\(kind)",\
            "account_id":\(account.map { "\"\($0)\"" } ?? "null"),"event_time":"\(time)",\(primary)\
            "further_decisions":[\(furtherJSON)],"features":{},"contributions":{},\
            "model_version":"m1","ruleset_version":"r1","state_hash":"00000000000000bb",\
            "lineage":{"log":{"partition":\(logPartition),"offset":\(logOffset)},"source":{"topic":"crm.events","partition":1,"offset":\(logOffset + 100)}}}
            """
        return Array(text.utf8)
    }

    /// An audit record of schema_version 3 deciding `lead`: features named by index
    /// into `featureSet`, one feature reason `reason` (index, value, contribution) with
    /// an optional graph path from the lead to `account`.
    static func auditV3(
        decisionID: String, lead: String, account: String, time: String, logOffset: Int64, featureSet: String, featureCount: Int,
        reason: (index: Int, value: Double, contribution: Double), graphPath: Bool
    ) -> [UInt8] {
        let zeros = Array(repeating: "0", count: featureCount).joined(separator: ",")
        let path =
            graphPath
            ? #","graph_path":[{"edge":null,"kind":"lead","node":"\#(lead)"},{"edge":"works_at","kind":"account","node":"\#(account)"}]"#
            : ""
        let text = """
            {"account_id":"\(account)","change":null,"components":{"account":0.5,"engagement":0.1,"fit":0.4,"intent":0.2,"propensity":0.25},            "contributions":[\(zeros)],"decision_id":"\(decisionID)","disqualifier":null,"event_kind":"engagement",            "event_time":"\(time)","explanation_base":-1,"feature_set":"\(featureSet)","features":[\(zeros)],"further_decisions":[],            "gate":null,"lead_id":"\(lead)",            "lineage":{"log":{"offset":\(logOffset),"partition":0},"source":{"offset":\(logOffset + 100),"partition":1,"topic":"crm.events"}},            "margin":-1,"model_version":"m1","owner_id":null,"previous_decision":null,"probability":0.25,"queue":"marketing-nurture",            "reasons":[{"contribution":\(reason.contribution),"feature":\(reason.index)\(path),"kind":"feature","value":\(reason.value)}],            "route_changed":false,"routing_decision_id":null,"ruleset_version":"r1","schema_version":3,"score":25,            "state_hash":"00000000000000bb","subject":"\(lead.dropFirst(3))","tier":"nurture"}
            """
        return Array(text.utf8)
    }

    static func routing(lead: String, account: String?, emails: [String], time: String) -> [UInt8] {
        let list = emails.map { "\"\($0)\"" }.joined(separator: ",")
        let text = """
            {"decision_id":"dc_\(String(repeating: "f", count: 32))","lead_id":"\(lead)","account_id":\(account.map { "\"\($0)\"" } ?? "null"),\
            "emails":[\(list)],"tier":"nurture","queue":"marketing-nurture","owner_id":null,"score":12,"probability":0.25,\
            "components":{"account":0.5,"engagement":0.1,"fit":0.4,"intent":0.2,"propensity":0.25},"margin":-1.1,"explanation_base":-1,\
            "change":"new","reasons":[],"model_version":"m1","ruleset_version":"r1","schema_version":2,"event_time":"\(time)",\
            "lineage":{"log":{"partition":0,"offset":1},"source":{"topic":"crm.events","partition":1,"offset":101}}}
            """
        return Array(text.utf8)
    }

    static func event(_ payload: CanonicalPayload, lead: String?, account: String?, time: Int64, offset: Int64) -> [UInt8] {
        CanonicalEvent(
            eventTime: EventTime(milliseconds: time), leadID: lead.flatMap { LeadID($0) }, accountID: account.map { AccountID($0) },
            lineage: Lineage(
                position: SourcePosition(topic: "crm.events", partition: 0, offset: offset), seq: 0, externalID: "ext-\(offset)",
                system: .crm),
            payload: payload
        ).encoded
    }

    static func deadLetter(code: ContractError.Code, offset: Int64) -> [UInt8] {
        DeadLetter(
            original: Array("{not json".utf8), source: SourcePosition(topic: "web.events", partition: 2, offset: offset),
            error: ContractError(code, "broken")
        ).encoded
    }

    static func record(_ topic: String, _ partition: Int32, _ offset: Int64, _ value: [UInt8]) -> LogRecord {
        LogRecord(topic: topic, partition: partition, offset: offset, value: value)
    }
}
