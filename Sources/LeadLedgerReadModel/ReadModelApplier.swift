import Foundation
import GRDB
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// Applies one consumed record to the read model's tables inside the store's
/// write transaction. Records are decoded with the project's typed views
/// (``AuditRecordView``, ``RoutingRecordView``, ``CanonicalEvent``,
/// ``DeadLetter``); a record that does not decode is kept by position and
/// error code in `skipped_record`, never applied half-way and never fatal.
struct ReadModelApplier {
    let db: Database
    let topics: ReadModelTopics
    private(set) var skipped = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private let emails = EmailNormalizer()

    private let sealer: PersonalDataSealer?
    private let featureSets: FeatureSets

    init(db: Database, topics: ReadModelTopics, sealer: PersonalDataSealer? = nil, featureSets: FeatureSets = .none) {
        self.db = db
        self.topics = topics
        self.sealer = sealer
        self.featureSets = featureSets
    }

    mutating func apply(_ record: LogRecord) throws {
        // Control records (model and rule-set activation) in the log are not canonical events: kept for the switches.
        if record.topic == topics.events, ControlRecords.isControl(record.headers) {
            try db.execute(
                sql: "INSERT OR REPLACE INTO control_record (log_partition, log_offset, event) VALUES (?, ?, ?)",
                arguments: [record.partition, record.offset, Data(record.value)])
            return
        }
        do {
            switch record.topic {
            case topics.audit: try applyAudit(try AuditRecordView(record.value, featureSets: featureSets))
            case topics.routing: try applyRouting(try RoutingRecordView(record.value))
            case topics.events:
                guard let event = try record.canonicalEvent() else { return }
                try applyEvent(sealer?.open(event) ?? event, record: record)
            case topics.dlq: try applyDeadLetter(try DeadLetter(bytes: record.value), at: record)
            default: return
            }
        } catch let error as ContractError {
            skipped += 1
            try db.execute(
                sql: "INSERT OR REPLACE INTO skipped_record (topic, partition, offset, error_code) VALUES (?, ?, ?, ?)",
                arguments: [record.topic, record.partition, record.offset, error.code.rawValue])
        }
    }

    // MARK: audit

    private func applyAudit(_ record: AuditRecordView) throws {
        try recordObservations(record)
        for (leadID, row) in LeadExplanation.decisions(in: record, logTopic: topics.events) {
            let entry = String(decoding: try encoder.encode(row), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO decision (decision_id, lead_id, is_primary, event_time, tier, account_id, log_partition, log_offset, entry)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    row.decisionID, leadID, row.primaryLeadID == nil, row.eventTime, row.tier,
                    row.accountID, row.lineage.log.partition, row.lineage.log.offset, entry,
                ])
            // The latest decision (event time, then log position) is the current route.
            try db.execute(
                sql: """
                    INSERT INTO current_route (lead_id, decision_id, account_id, tier, queue, owner_id, score, event_time, log_partition, log_offset)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (lead_id) DO UPDATE SET
                        decision_id = excluded.decision_id, account_id = excluded.account_id, tier = excluded.tier,
                        queue = excluded.queue, owner_id = excluded.owner_id, score = excluded.score,
                        event_time = excluded.event_time, log_partition = excluded.log_partition, log_offset = excluded.log_offset
                    WHERE (excluded.event_time, excluded.log_partition, excluded.log_offset)
                        >= (current_route.event_time, current_route.log_partition, current_route.log_offset)
                    """,
                arguments: [
                    leadID, row.decisionID, row.accountID, row.tier, row.queue, row.ownerID,
                    row.score, row.eventTime, row.lineage.log.partition, row.lineage.log.offset,
                ])
            try ensureLead(leadID, account: row.accountID)
        }
    }

    // MARK: routing

    private func applyRouting(_ record: RoutingRecordView) throws {
        try ensureLead(record.leadID, account: record.accountID)
        for address in record.emails {
            try addEmail(address, lead: record.leadID)
        }
    }

    // MARK: canonical log

    private func applyEvent(_ event: CanonicalEvent, record: LogRecord) throws {
        try recordOutcomeFacts(event, record: record)
        let time = event.eventTime.rfc3339
        let account = event.accountID?.rawValue
        guard let lead = event.leadID?.description else {
            switch event.payload {
            case .accountUpserted(let facts): try upsertAccount(account, facts, time: time)
            case .opportunity(let facts): try upsertOpportunity(facts, account: account, time: time)
            default: break
            }
            return
        }
        try ensureLead(lead, account: account)
        if case .crm = event.lineage.system, let eventID = event.lineage.externalID {
            switch event.payload {
            case .overrideSet(let fields):
                try db.execute(
                    sql: "INSERT OR IGNORE INTO override_event (event_id, lead_id, type, set_by) VALUES (?, ?, 'override.set', ?)",
                    arguments: [eventID, lead, fields.setBy])
            case .overrideCleared:
                try db.execute(
                    sql: "INSERT OR IGNORE INTO override_event (event_id, lead_id, type) VALUES (?, ?, 'override.cleared')",
                    arguments: [eventID, lead])
            default:
                break
            }
        }
        switch event.payload {
        case .identityLinked(let identifiers):
            for identifier in identifiers {
                switch identifier.kind {
                case .email:
                    try indexEmail(key: identifier.value, lead: lead)
                case .crmRecord:
                    try db.execute(
                        sql: "UPDATE lead SET crm_record = coalesce(crm_record, ?) WHERE lead_id = ? AND erased = 0",
                        arguments: [identifier.value, lead])
                case .userID, .anonymousID:
                    break
                }
            }
        case .identityMerged(let absorbed):
            // The absorbed lead's own events may lie in another log partition that
            // this store has not read this far yet: its row is made now, so the
            // merge is kept whichever partition is applied first.
            try ensureLead(absorbed.description, account: nil)
            try db.execute(sql: "UPDATE lead SET merged_into = ? WHERE lead_id = ?", arguments: [lead, absorbed.description])
            try db.execute(
                sql: "INSERT OR IGNORE INTO lead_email (email_key, lead_id) SELECT email_key, ? FROM lead_email WHERE lead_id = ?",
                arguments: [lead, absorbed.description])
        case .attributes(let values):
            for value in values {
                let column: String
                switch value.name {
                case .email:
                    try addEmail(value.value, lead: lead)
                    column = "email"
                case .firstName: column = "first_name"
                case .lastName: column = "last_name"
                case .title: column = "title"
                case .buyingRole: column = "buying_role"
                case .seniority: column = "seniority"
                default: continue
                }
                try db.execute(sql: "UPDATE lead SET \(column) = ? WHERE lead_id = ? AND erased = 0", arguments: [value.value, lead])
            }
        case .engagement(let engagement):
            guard engagement.action.isActive else { break }
            try db.execute(
                sql: """
                    UPDATE lead SET engagement_count = engagement_count + 1,
                        last_engagement_time = max(coalesce(last_engagement_time, ''), ?) WHERE lead_id = ?
                    """,
                arguments: [time, lead])
        case .accountUpserted(let facts):
            try upsertAccount(account, facts, time: time)
        case .customFields(let fields):
            try setCustomFields(fields, owner: "lead", id: lead, time: time)
        case .accountLinked:
            break
        case .opportunity(let facts):
            try upsertOpportunity(facts, account: account, time: time)
        case .outcome(let kind, let reason, let opportunityID):
            try db.execute(
                sql: "UPDATE lead SET outcome = ?, outcome_reason = ?, outcome_opportunity_id = ?, outcome_time = ? WHERE lead_id = ?",
                arguments: [kind.rawValue, reason, opportunityID, time, lead])
        case .overrideSet(let fields):
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO override (lead_id, tier, queue, owner_id, set_by, note, event_time, cleared)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                    """,
                arguments: [lead, fields.tier?.name, fields.queue, fields.ownerID, fields.setBy, fields.note, time])
        case .overrideCleared:
            try db.execute(sql: "UPDATE override SET cleared = 1, event_time = ? WHERE lead_id = ?", arguments: [time, lead])
        case .erasure:
            try db.execute(
                sql: """
                    UPDATE lead SET email = NULL, first_name = NULL, last_name = NULL, title = NULL, crm_record = NULL, erased = 1
                    WHERE lead_id = ?
                    """,
                arguments: [lead])
            try db.execute(sql: "DELETE FROM lead_email WHERE lead_id = ?", arguments: [lead])
            try db.execute(sql: "DELETE FROM custom_field WHERE owner = 'lead' AND owner_id = ?", arguments: [lead])
        }
        // The lead's account is the one its latest event names.
        if let account {
            try db.execute(sql: "UPDATE lead SET account_id = ? WHERE lead_id = ?", arguments: [account, lead])
        }
    }

    /// Keeps the latest value of each custom field (a field read out of order does not
    /// replace a later one); an erased lead's are not kept.
    private func setCustomFields(_ fields: [CustomField], owner: String, id: String, time: String) throws {
        for field in fields {
            let value: String
            switch field.value {
            case .string(let text): value = String(decoding: try encoder.encode(text), as: UTF8.self)
            case .number(let number): value = String(decoding: try encoder.encode(number), as: UTF8.self)
            case .bool(let flag): value = flag ? "true" : "false"
            }
            try db.execute(
                sql: """
                    INSERT INTO custom_field (owner, owner_id, key, value, event_time)
                    SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM lead WHERE ? = 'lead' AND lead_id = ? AND erased = 1)
                    ON CONFLICT (owner, owner_id, key) DO UPDATE SET value = excluded.value, event_time = excluded.event_time
                    WHERE excluded.event_time >= custom_field.event_time
                    """,
                arguments: [owner, id, field.key, value, time, owner, id])
        }
    }

    private func upsertAccount(_ account: String?, _ facts: AccountFacts, time: String) throws {
        guard let account else { return }
        try setCustomFields(facts.custom, owner: "account", id: account, time: time)
        try db.execute(
            sql: """
                INSERT INTO account (account_id, name, domain, industry, employees, annual_revenue, country, owner_id, parent_id, crm_account_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET
                    name = coalesce(excluded.name, name), domain = coalesce(excluded.domain, domain),
                    industry = coalesce(excluded.industry, industry), employees = coalesce(excluded.employees, employees),
                    annual_revenue = coalesce(excluded.annual_revenue, annual_revenue), country = coalesce(excluded.country, country),
                    owner_id = coalesce(excluded.owner_id, owner_id), parent_id = coalesce(excluded.parent_id, parent_id),
                    crm_account_id = coalesce(excluded.crm_account_id, crm_account_id), updated_at = excluded.updated_at
                """,
            arguments: [
                account, facts.name, facts.domain, facts.industry, facts.employees, facts.annualRevenue, facts.country, facts.ownerID,
                facts.parent?.rawValue, facts.crmAccountID, time,
            ])
    }

    private func upsertOpportunity(_ facts: OpportunityFacts, account: String?, time: String) throws {
        let contacts = String(decoding: try encoder.encode(facts.contacts.map(\.description)), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO opportunity (opportunity_id, account_id, stage, amount, close_date, is_closed, is_won, contacts, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (opportunity_id) DO UPDATE SET
                    account_id = coalesce(excluded.account_id, account_id), stage = coalesce(excluded.stage, stage),
                    amount = coalesce(excluded.amount, amount), close_date = coalesce(excluded.close_date, close_date),
                    is_closed = coalesce(excluded.is_closed, is_closed), is_won = coalesce(excluded.is_won, is_won),
                    contacts = excluded.contacts, updated_at = excluded.updated_at
                """,
            arguments: [
                facts.opportunityID, account, facts.stage, facts.amount, facts.closeDate, facts.isClosed, facts.isWon, contacts, time,
            ])
    }

    // MARK: DLQ

    private func applyDeadLetter(_ letter: DeadLetter, at record: LogRecord) throws {
        // The copy's bytes, or a referenced original's first bytes, as base64; the size only for a reference.
        let (original, size): (String, Int?) =
            switch letter.original {
            case .copy(let bytes): (Base64.encode(bytes), nil)
            case .reference(let reference): (Base64.encode(reference.prefix), reference.size)
            }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO dead_letter (topic, partition, offset, error_code, field, reason, stage,
                    source_topic, source_partition, source_offset, original_base64, original_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.topic, record.partition, record.offset, letter.error.code.rawValue, letter.error.field, letter.error.reason,
                letter.stage.rawValue, letter.source.topic, letter.source.partition, letter.source.offset, original, size,
            ])
    }

    // MARK: helpers

    private func ensureLead(_ lead: String, account: String?) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO lead (lead_id, account_id) VALUES (?, ?)", arguments: [lead, account])
    }

    /// Indexes an address by its identity key (plus-tag removed, as the resolver
    /// matches people), so that a search finds the lead by any spelling of it.
    private func addEmail(_ address: String, lead: String) throws {
        let key = emails.normalize(address)?.identityKey ?? address.lowercased()
        try indexEmail(key: key, lead: lead)
        try db.execute(sql: "UPDATE lead SET email = coalesce(email, ?) WHERE lead_id = ? AND erased = 0", arguments: [address, lead])
    }

    /// Indexes an identity key for `lead` and, when the lead was merged already (its
    /// merge read first, from another log partition), for the lead that absorbed it
    /// (through every later merge): a search by the address finds the surviving lead.
    ///
    /// Nothing is indexed for an erased lead: its erasure may have been read
    /// first, from another log partition than its own earlier events (or its
    /// routing records), and an erased person must not be found again.
    private func indexEmail(key: String, lead: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT erased FROM lead WHERE lead_id = ?", arguments: [lead]) == true { return }
        try db.execute(sql: "INSERT OR IGNORE INTO lead_email (email_key, lead_id) VALUES (?, ?)", arguments: [key, lead])
        try db.execute(
            sql: """
                WITH RECURSIVE survivor(lead_id, depth) AS (
                    SELECT merged_into, 1 FROM lead WHERE lead_id = ? AND merged_into IS NOT NULL
                    UNION SELECT lead.merged_into, survivor.depth + 1 FROM lead JOIN survivor USING (lead_id)
                    WHERE lead.merged_into IS NOT NULL AND survivor.depth < 64)
                INSERT OR IGNORE INTO lead_email (email_key, lead_id) SELECT ?, lead_id FROM survivor
                """,
            arguments: [lead, key])
    }
}
