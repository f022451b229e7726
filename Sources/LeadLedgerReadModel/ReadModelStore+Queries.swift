import Foundation
import GRDB
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// The read model's queries: each returns a typed API body (unmasked; the
/// server masks for roles that may not see personal data).
extension ReadModelStore {
    /// A lead's explanation (decisions, current route, person, outcome), or nil when the read model has never seen the lead.
    package func lead(_ leadID: String) throws(ReadModelError) -> LeadExplanation? {
        let configured = configured
        return try read { db in try Self.lead(leadID, db: db, configured: configured) }
    }

    /// The leads an email address belongs to (by identity key), with their
    /// explanations. A merged lead is left out: its addresses belong to the lead
    /// that absorbed it (they are indexed for it too), which is the one found.
    package func leads(emailKey: String) throws(ReadModelError) -> [LeadExplanation] {
        let configured = configured
        return try read { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT lead_email.lead_id FROM lead_email LEFT JOIN lead USING (lead_id)
                    WHERE lead_email.email_key = ? AND lead.merged_into IS NULL ORDER BY lead_email.lead_id
                    """,
                arguments: [emailKey])
            return try ids.compactMap { try Self.lead($0, db: db, configured: configured) }
        }
    }

    private static let decoder = JSONDecoder()

    private static func lead(_ leadID: String, db: Database, configured: ConfiguredVersions?) throws -> LeadExplanation? {
        let entries = try String.fetchAll(db, sql: "SELECT entry FROM decision WHERE lead_id = ?", arguments: [leadID])
        let decisions = try entries.map { try decoder.decode(LeadExplanation.Decision.self, from: Data($0.utf8)) }
        let row = try Row.fetchOne(db, sql: "SELECT * FROM lead WHERE lead_id = ?", arguments: [leadID])
        guard row != nil || !decisions.isEmpty else { return nil }
        var explanation = LeadExplanation(leadID: leadID, decisions: decisions)
        if let row {
            let emails = try String.fetchAll(
                db, sql: "SELECT email_key FROM lead_email WHERE lead_id = ? ORDER BY email_key", arguments: [leadID])
            let primary: String? = row["email"]
            var all = primary.map { [$0] } ?? []
            for key in emails where !all.contains(where: { $0.lowercased() == key }) { all.append(key) }
            explanation.person = LeadExplanation.Person(
                emails: all, firstName: row["first_name"], lastName: row["last_name"], title: row["title"],
                buyingRole: row["buying_role"], seniority: row["seniority"], crmRecord: row["crm_record"],
                erased: row["erased"] as Bool? ?? false, mergedInto: row["merged_into"])
            let custom = try customFields(db, owner: "lead", id: leadID)
            explanation.person?.customFields = custom.isEmpty ? nil : custom
            if let kind: String = row["outcome"] {
                explanation.outcome = LeadExplanation.Outcome(
                    kind: kind, reason: row["outcome_reason"], opportunityID: row["outcome_opportunity_id"],
                    eventTime: row["outcome_time"] ?? "")
            }
            if explanation.accountID == nil { explanation.accountID = row["account_id"] }
        }
        if let configured {
            explanation.switches = try switches(behind: explanation.decisions, db: db, configured: configured)
        }
        return explanation
    }

    /// The activations behind `decisions` (``DecisionSwitches``), from the stored control records.
    private static func switches(
        behind decisions: [LeadExplanation.Decision], db: Database, configured: ConfiguredVersions
    ) throws -> [LeadExplanation.Switch] {
        guard let topic = decisions.first?.lineage.log.topic else { return [] }
        var controls: [LogRecord] = []
        for partition in Set(decisions.map(\.lineage.log.partition)).sorted() {
            let rows = try Row.fetchAll(
                db, sql: "SELECT log_offset, event FROM control_record WHERE log_partition = ? ORDER BY log_offset", arguments: [partition])
            for row in rows {
                let event: Data = row["event"]
                controls.append(LogRecord(topic: topic, partition: partition, offset: row["log_offset"], value: Array(event)))
            }
        }
        return DecisionSwitches.switches(
            behind: decisions, controls: controls, configured: configured.model, configuredRuleSet: configured.ruleSet)
    }

    /// Every lead decision of one audit record, by its decision id.
    package func decision(_ decisionID: String) throws(ReadModelError) -> APIResponse.DecisionRecord? {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT lead_id, entry FROM decision WHERE decision_id = ? ORDER BY is_primary DESC, lead_id",
                arguments: [decisionID])
            guard !rows.isEmpty else { return nil }
            let items = try rows.map { row -> APIResponse.DecisionRecord.Item in
                let entry: String = row["entry"]
                return APIResponse.DecisionRecord.Item(
                    leadID: row["lead_id"], decision: try Self.decoder.decode(LeadExplanation.Decision.self, from: Data(entry.utf8)))
            }
            return APIResponse.DecisionRecord(decisionID: decisionID, decisions: items)
        }
    }

    /// An account: its facts, contacts, opportunities, parent and subsidiaries.
    package func account(_ accountID: String) throws(ReadModelError) -> APIResponse.Account? {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE account_id = ?", arguments: [accountID])
            let contactRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT lead.*, current_route.tier AS tier, current_route.score AS score FROM lead
                    LEFT JOIN current_route ON current_route.lead_id = lead.lead_id
                    WHERE lead.account_id = ? AND lead.merged_into IS NULL ORDER BY lead.lead_id
                    """,
                arguments: [accountID])
            let subsidiaries = try String.fetchAll(
                db, sql: "SELECT account_id FROM account WHERE parent_id = ? ORDER BY account_id", arguments: [accountID])
            // A parent known only because a subsidiary names it is still an account.
            guard row != nil || !contactRows.isEmpty || !subsidiaries.isEmpty else { return nil }
            let contacts = contactRows.map { r in
                APIResponse.Account.Contact(
                    leadID: r["lead_id"], email: r["email"], firstName: r["first_name"], lastName: r["last_name"], title: r["title"],
                    buyingRole: r["buying_role"], seniority: r["seniority"], engagementCount: r["engagement_count"],
                    lastEngagementTime: r["last_engagement_time"], tier: r["tier"], score: r["score"], outcome: r["outcome"])
            }
            let opportunities = try Row.fetchAll(
                db, sql: "SELECT * FROM opportunity WHERE account_id = ? ORDER BY opportunity_id", arguments: [accountID]
            ).map { r in
                let contacts: String = r["contacts"]
                return APIResponse.Account.Opportunity(
                    opportunityID: r["opportunity_id"], stage: r["stage"], amount: r["amount"], closeDate: r["close_date"],
                    isClosed: r["is_closed"], isWon: r["is_won"],
                    contactLeadIDs: (try? Self.decoder.decode([String].self, from: Data(contacts.utf8))) ?? [])
            }
            return APIResponse.Account(
                accountID: accountID, name: row?["name"], domain: row?["domain"], industry: row?["industry"], employees: row?["employees"],
                annualRevenue: row?["annual_revenue"], country: row?["country"], ownerID: row?["owner_id"], parentID: row?["parent_id"],
                subsidiaryIDs: subsidiaries, contacts: contacts, opportunities: opportunities,
                customFields: try Self.customFields(db, owner: "account", id: accountID),
                signals: try Self.signals(db, accountID: accountID),
                similarAccounts: try Self.similarAccounts(db, accountID: accountID, account: row, subsidiaries: subsidiaries),
                notAvailable: [])
        }
    }

    /// The custom CRM fields kept for a lead or an account, by key.
    static func customFields(_ db: Database, owner: String, id: String) throws -> [String: LeadExplanation.Value] {
        var out: [String: LeadExplanation.Value] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT key, value FROM custom_field WHERE owner = ? AND owner_id = ?", arguments: [owner, id])
        {
            let text: String = row["value"]
            out[row["key"]] = (try? decoder.decode(LeadExplanation.Value.self, from: Data(text.utf8))) ?? .string(text)
        }
        return out
    }

    /// How many of an account's latest decisions ``signals(_:accountID:)`` looks through.
    static let signalDecisionWindow = 500

    /// Each account signal (a reason with a graph path) of the account's latest
    /// decisions, the latest per feature, by feature name.
    static func signals(_ db: Database, accountID: String) throws -> [APIResponse.Account.Signal] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT lead_id, entry FROM decision WHERE account_id = ?
                ORDER BY event_time DESC, log_partition DESC, log_offset DESC LIMIT ?
                """,
            arguments: [accountID, signalDecisionWindow])
        var byFeature: [String: APIResponse.Account.Signal] = [:]
        for row in rows {
            let entry: String = row["entry"]
            guard let decision = try? decoder.decode(LeadExplanation.Decision.self, from: Data(entry.utf8)) else { continue }
            for reason in decision.reasons where byFeature[reason.feature] == nil {
                guard let path = reason.graphPath, !path.isEmpty else { continue }
                var value: Double?
                if case .number(let v)? = reason.value { value = v }
                byFeature[reason.feature] = APIResponse.Account.Signal(
                    feature: reason.feature, value: value, contribution: reason.contribution, text: reason.text, leadID: row["lead_id"],
                    decisionID: decision.decisionID, eventTime: decision.eventTime, graphPath: path)
            }
        }
        return byFeature.keys.sorted().map { byFeature[$0]! }
    }

    /// Up to five accounts of the same industry with between half and twice the
    /// employees (the account's parent and subsidiaries left out), same country
    /// first, then the closest size; none when the account's industry or size is unknown.
    static func similarAccounts(
        _ db: Database, accountID: String, account: Row?, subsidiaries: [String]
    ) throws -> [APIResponse.Account.SimilarAccount] {
        guard let account, let industry: String = account["industry"], let employees: Int = account["employees"], employees > 0 else {
            return []
        }
        let country: String? = account["country"]
        let parent: String? = account["parent_id"]
        let related = Set(subsidiaries + [accountID] + (parent.map { [$0] } ?? []))
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT account_id, name, industry, employees, country FROM account
                WHERE lower(industry) = lower(?) AND employees BETWEEN ? AND ? AND account_id != ?
                ORDER BY (country IS NOT ?), abs(employees - ?), account_id LIMIT ?
                """,
            arguments: [industry, (employees + 1) / 2, employees * 2, accountID, country, employees, 5 + related.count])
        return rows.compactMap { r -> APIResponse.Account.SimilarAccount? in
            let id: String = r["account_id"]
            guard !related.contains(id) else { return nil }
            return APIResponse.Account.SimilarAccount(
                accountID: id, name: r["name"], industry: r["industry"], employees: r["employees"], country: r["country"])
        }.prefix(5).map { $0 }
    }

    /// The open leads of a queue (current route there, no CRM outcome yet), oldest first,
    /// with their SLA due time when the queue has an SLA.
    package func queue(_ queue: String, slaHours: Double?, limit: Int) throws(ReadModelError) -> APIResponse.Queue {
        try read { db in
            let count =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM current_route JOIN lead USING (lead_id)
                        WHERE queue = ? AND lead.outcome IS NULL AND lead.merged_into IS NULL
                        """,
                    arguments: [queue]) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT current_route.*, lead.email AS email FROM current_route JOIN lead USING (lead_id)
                    WHERE queue = ? AND lead.outcome IS NULL AND lead.merged_into IS NULL
                    ORDER BY current_route.event_time, current_route.lead_id LIMIT ?
                    """,
                arguments: [queue, limit])
            let items = rows.map { r in
                let routedAt: String = r["event_time"]
                let due = slaHours.flatMap { hours in
                    EventTime.parseRFC3339(routedAt).map {
                        EventTime(milliseconds: $0.milliseconds + Int64((hours * 3_600_000).rounded())).rfc3339
                    }
                }
                return APIResponse.Queue.Item(
                    leadID: r["lead_id"], accountID: r["account_id"], email: r["email"], tier: r["tier"], ownerID: r["owner_id"],
                    score: r["score"], routedAt: routedAt, slaDueAt: due, decisionID: r["decision_id"])
            }
            return APIResponse.Queue(queue: queue, slaHours: slaHours, count: count, leads: items)
        }
    }

    /// Open leads per queue.
    package func queues(slaHours: [String: Double]) throws(ReadModelError) -> APIResponse.QueueList {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT queue, count(*) AS n FROM current_route JOIN lead USING (lead_id)
                    WHERE lead.outcome IS NULL AND lead.merged_into IS NULL GROUP BY queue ORDER BY queue
                    """)
            return APIResponse.QueueList(
                queues: rows.map { r in
                    let queue: String = r["queue"]
                    return APIResponse.QueueList.Item(queue: queue, count: r["n"], slaHours: slaHours[queue])
                })
        }
    }

    /// DLQ counts by error code and the most recent rejects (payloads only when `payloads`).
    package func deadLetters(limit: Int, payloads: Bool) throws(ReadModelError) -> APIResponse.DeadLetters {
        try read { db in
            let counts = try Row.fetchAll(
                db, sql: "SELECT error_code, count(*) AS n FROM dead_letter GROUP BY error_code ORDER BY n DESC, error_code"
            ).map { APIResponse.DeadLetters.Count(errorCode: $0["error_code"], count: $0["n"]) }
            let recent = try Row.fetchAll(
                db, sql: "SELECT * FROM dead_letter ORDER BY rowid DESC LIMIT ?", arguments: [limit]
            ).map { r in
                APIResponse.DeadLetters.Reject(
                    position: LeadExplanation.Position(topic: r["topic"], partition: r["partition"], offset: r["offset"]),
                    source: LeadExplanation.Position(
                        topic: r["source_topic"], partition: r["source_partition"], offset: r["source_offset"]),
                    errorCode: r["error_code"], field: r["field"], reason: r["reason"], stage: r["stage"],
                    originalBase64: payloads ? r["original_base64"] : nil, originalSize: r["original_size"])
            }
            return APIResponse.DeadLetters(total: counts.reduce(0) { $0 + $1.count }, counts: counts, recent: recent)
        }
    }

    /// Primary decisions per event-time hour and tier, the latest `hours` hours that have any.
    package func decisionStats(hours: Int) throws(ReadModelError) -> APIResponse.DecisionStats {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    WITH recent AS (
                        SELECT DISTINCT substr(event_time, 1, 13) AS hour FROM decision WHERE is_primary = 1
                        ORDER BY hour DESC LIMIT ?)
                    SELECT substr(event_time, 1, 13) AS hour, tier, count(*) AS n FROM decision
                    WHERE is_primary = 1 AND substr(event_time, 1, 13) IN (SELECT hour FROM recent)
                    GROUP BY hour, tier ORDER BY hour, tier
                    """,
                arguments: [hours])
            return APIResponse.DecisionStats(
                buckets: rows.map { APIResponse.DecisionStats.Bucket(hour: $0["hour"], tier: $0["tier"], count: $0["n"]) })
        }
    }

    /// The applied offsets and table sizes.
    package func status() throws(ReadModelError) -> APIResponse.Status {
        try read { db in
            let partitions = try Row.fetchAll(db, sql: "SELECT * FROM applied_offset ORDER BY topic, partition").map {
                APIResponse.Status.Partition(topic: $0["topic"], partition: $0["partition"], nextOffset: $0["next_offset"])
            }
            return APIResponse.Status(
                leads: try Int.fetchOne(db, sql: "SELECT count(*) FROM lead") ?? 0,
                decisions: try Int.fetchOne(db, sql: "SELECT count(*) FROM decision") ?? 0,
                skippedRecords: try Int.fetchOne(db, sql: "SELECT count(*) FROM skipped_record") ?? 0,
                partitions: partitions)
        }
    }

    /// The CRM record (`source:id`) of a lead, which an override event must name.
    package func crmRecord(of leadID: String) throws(ReadModelError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT crm_record FROM lead WHERE lead_id = ?", arguments: [leadID]) }
    }
}
