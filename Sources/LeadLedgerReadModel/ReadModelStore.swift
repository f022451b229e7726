import Foundation
import GRDB
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Synchronization

/// The read model's SQLite database: what the consumed records say, by lead,
/// account, queue and error code, and the offsets applied so far. Records and
/// the offsets after them are written in one transaction, so a restart resumes
/// exactly after the last applied record.
package final class ReadModelStore: Sendable {
    let pool: DatabasePool
    package let topics: ReadModelTopics
    /// Opens the sealed personal fields of canonical events (crypto-shredding;
    /// nil without a master key): names and emails are stored readable, and an
    /// erased subject's as `[erased]`.
    package let sealer: PersonalDataSealer?
    /// The configured model and rule-set versions (in force before a partition's first
    /// activation): with them a lead's explanation lists its `switches`; nil, it has none.
    package let configured: ConfiguredVersions?
    /// Names the features of schema_version 3 audit records (nil: by index).
    package let featureSets: FeatureSetDirectory?
    /// Counts the applied batches: a cached KPI report is valid only for the count it was computed at.
    let generation = Atomic<Int>(0)
    /// KPI reports of the current generation, by query (``kpis(since:until:by:)``).
    let kpiCache = Mutex(KPIReportCache())

    /// Opens (creating when missing) `readmodel.sqlite` in `directory`.
    package init(
        directory: String, topics: ReadModelTopics, sealer: PersonalDataSealer? = nil, configured: ConfiguredVersions? = nil,
        featureSets: FeatureSetDirectory? = nil
    ) throws(ReadModelError) {
        self.topics = topics
        self.featureSets = featureSets
        self.sealer = sealer
        self.configured = configured
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // Rows an erasure clears or deletes are overwritten, not left in free pages.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
            pool = try DatabasePool(path: (directory as NSString).appendingPathComponent("readmodel.sqlite"), configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw ReadModelError(.store, "cannot open the read model in \(directory): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE applied_offset (
                        topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
                        PRIMARY KEY (topic, partition));
                    CREATE TABLE decision (
                        decision_id TEXT NOT NULL, lead_id TEXT NOT NULL, is_primary INTEGER NOT NULL,
                        event_time TEXT NOT NULL, tier TEXT NOT NULL, account_id TEXT,
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL, entry TEXT NOT NULL,
                        PRIMARY KEY (decision_id, lead_id));
                    CREATE INDEX decision_by_lead ON decision (lead_id);
                    CREATE INDEX decision_by_time ON decision (event_time);
                    CREATE TABLE current_route (
                        lead_id TEXT PRIMARY KEY, decision_id TEXT NOT NULL, account_id TEXT, tier TEXT NOT NULL,
                        queue TEXT NOT NULL, owner_id TEXT, score REAL NOT NULL, event_time TEXT NOT NULL,
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL);
                    CREATE INDEX current_route_by_queue ON current_route (queue, event_time);
                    CREATE TABLE lead (
                        lead_id TEXT PRIMARY KEY, account_id TEXT, email TEXT, first_name TEXT, last_name TEXT,
                        title TEXT, buying_role TEXT, seniority TEXT, crm_record TEXT,
                        outcome TEXT, outcome_reason TEXT, outcome_opportunity_id TEXT, outcome_time TEXT,
                        engagement_count INTEGER NOT NULL DEFAULT 0, last_engagement_time TEXT,
                        merged_into TEXT, erased INTEGER NOT NULL DEFAULT 0);
                    CREATE INDEX lead_by_account ON lead (account_id);
                    CREATE TABLE lead_email (
                        email_key TEXT NOT NULL, lead_id TEXT NOT NULL, PRIMARY KEY (email_key, lead_id));
                    CREATE INDEX lead_email_by_lead ON lead_email (lead_id);
                    CREATE TABLE account (
                        account_id TEXT PRIMARY KEY, name TEXT, domain TEXT, industry TEXT, employees INTEGER,
                        annual_revenue REAL, country TEXT, owner_id TEXT, parent_id TEXT, crm_account_id TEXT,
                        updated_at TEXT);
                    CREATE INDEX account_by_parent ON account (parent_id);
                    CREATE TABLE opportunity (
                        opportunity_id TEXT PRIMARY KEY, account_id TEXT, stage TEXT, amount REAL, close_date TEXT,
                        is_closed INTEGER, is_won INTEGER, contacts TEXT NOT NULL, updated_at TEXT);
                    CREATE INDEX opportunity_by_account ON opportunity (account_id);
                    CREATE TABLE override (
                        lead_id TEXT PRIMARY KEY, tier TEXT, queue TEXT, owner_id TEXT, set_by TEXT, note TEXT,
                        event_time TEXT NOT NULL, cleared INTEGER NOT NULL);
                    CREATE TABLE dead_letter (
                        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
                        error_code TEXT NOT NULL, field TEXT, reason TEXT NOT NULL, stage TEXT NOT NULL,
                        source_topic TEXT NOT NULL, source_partition INTEGER NOT NULL, source_offset INTEGER NOT NULL,
                        original_base64 TEXT, original_size INTEGER,
                        PRIMARY KEY (topic, partition, offset));
                    CREATE INDEX dead_letter_by_code ON dead_letter (error_code);
                    CREATE TABLE override_event (
                        event_id TEXT PRIMARY KEY, lead_id TEXT NOT NULL, type TEXT NOT NULL, set_by TEXT);
                    CREATE TABLE idempotency (
                        event_id TEXT PRIMARY KEY, request_digest TEXT NOT NULL, response TEXT NOT NULL);
                    CREATE TABLE skipped_record (
                        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, error_code TEXT NOT NULL,
                        PRIMARY KEY (topic, partition, offset));
                    """)
        }
        // The inputs of the outcome KPIs (`GET /v1/kpis`): every lead decision as the
        // analytics read it, each lead's first event time, and the canonical events
        // the outcome ledger reads (outcomes, won opportunities, overrides), kept as
        // their bytes so the ledger applies them exactly as `leadledger kpis` does.
        migrator.registerMigration("v2-kpis") { db in
            try db.execute(
                sql: """
                    CREATE TABLE kpi_decision (
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL, lead_id TEXT NOT NULL,
                        event_time_ms INTEGER NOT NULL, tier TEXT NOT NULL, queue TEXT NOT NULL, owner_id TEXT,
                        score REAL NOT NULL, probability REAL NOT NULL, route_changed INTEGER NOT NULL,
                        model_version TEXT NOT NULL, arm TEXT NOT NULL,
                        PRIMARY KEY (log_partition, log_offset, lead_id));
                    CREATE TABLE kpi_audit_record (
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL, PRIMARY KEY (log_partition, log_offset));
                    CREATE TABLE kpi_first_seen (lead_id TEXT PRIMARY KEY, event_time_ms INTEGER NOT NULL);
                    CREATE TABLE kpi_log_event (
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL, event BLOB NOT NULL,
                        PRIMARY KEY (log_partition, log_offset));
                    """)
        }
        // The control records of the canonical log (model and rule-set activations), kept
        // as their bytes so a lead's explanation lists the switches `explain` lists.
        migrator.registerMigration("v3-control") { db in
            try db.execute(
                sql: """
                    CREATE TABLE control_record (
                        log_partition INTEGER NOT NULL, log_offset INTEGER NOT NULL, event BLOB NOT NULL,
                        PRIMARY KEY (log_partition, log_offset));
                    """)
        }
        // An account's latest decisions (its signals' graph paths).
        migrator.registerMigration("v4-account-decisions") { db in
            try db.execute(sql: "CREATE INDEX decision_by_account ON decision (account_id, event_time)")
        }
        // Custom CRM fields of leads and accounts (`custom`), the latest value per key; `value` is its JSON.
        migrator.registerMigration("v5-custom-fields") { db in
            try db.execute(
                sql: """
                    CREATE TABLE custom_field (
                        owner TEXT NOT NULL, owner_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, event_time TEXT NOT NULL,
                        PRIMARY KEY (owner, owner_id, key));
                    """)
        }
        return migrator
    }

    /// The next offset to read of each partition applied so far.
    package func appliedOffsets() throws(ReadModelError) -> [ReadModelPartition: Int64] {
        do {
            return try pool.read { db in
                var out: [ReadModelPartition: Int64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM applied_offset") {
                    out[ReadModelPartition(topic: row["topic"], partition: row["partition"])] = row["next_offset"]
                }
                return out
            }
        } catch {
            throw ReadModelError(.store, "cannot read the applied offsets: \(error)")
        }
    }

    /// Applies `records` and records the offset after the last one of each
    /// partition, in one transaction.
    /// - Returns: the records that could not be decoded (kept in `skipped_record` by position and code).
    @discardableResult
    package func apply(_ records: [LogRecord]) throws(ReadModelError) -> Int {
        let topics = self.topics
        let sealer = self.sealer
        let features = featureSets?.current ?? .none
        do {
            let skipped = try pool.write { db in
                var applier = ReadModelApplier(db: db, topics: topics, sealer: sealer, featureSets: features)
                var next: [ReadModelPartition: Int64] = [:]
                for record in records {
                    try applier.apply(record)
                    let key = ReadModelPartition(topic: record.topic, partition: record.partition)
                    next[key] = max(next[key] ?? 0, record.offset + 1)
                }
                for (key, offset) in next {
                    try db.execute(
                        sql: """
                            INSERT INTO applied_offset (topic, partition, next_offset) VALUES (?, ?, ?)
                            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)
                            """,
                        arguments: [key.topic, key.partition, offset])
                }
                return applier.skipped
            }
            generation.add(1, ordering: .releasing)
            return skipped
        } catch {
            throw ReadModelError(.store, "cannot apply \(records.count) records: \(error)")
        }
    }

    /// Runs a read-only query.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(ReadModelError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw ReadModelError(.store, "query failed: \(error)")
        }
    }
}
