import ArgumentParser
import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerEngine

extension KPIDimension: ExpressibleByArgument {}

/// `leadledger kpis`: outcome KPIs of the decisions on record.
struct KPIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis",
        abstract: "Outcome KPIs: the decisions on record joined to the outcomes that followed them.",
        discussion: """
            Reads the decisions from the audit topic and the outcomes (lead.converted,
            lead.disqualified, won opportunities with their amount, overrides) from
            the canonical log, and prints per group: leads, qualified-lead rate,
            time-to-qualify median and p90, mean time to route, precision at target,
            conversion (overall and by tier), revenue per lead and per qualified lead,
            and override rate. A lead counts once: in the UTC day, model version and
            arm of its first decision; its tier is that of its last decision before
            its outcome. --since/--until (RFC 3339) select leads by their first
            decision; durations are in event time. --by (repeatable: day, model,
            tier, arm; default day and model) chooses the groups; with --by arm the
            lift of the treatment arm over the holdout arm is printed with its 95 %
            confidence interval. Definitions: docs/lifecycle.md.

            Examples:
              leadledger kpis --config leadledger.yaml
              leadledger kpis --config leadledger.yaml --by tier --since 2026-11-01T00:00:00Z
              leadledger kpis --config leadledger.yaml --by arm --format json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Only leads whose first decision is at or after this event time (RFC 3339).")
    var since: String?

    @Option(help: "Only leads whose first decision is before this event time (RFC 3339).")
    var until: String?

    @Option(help: "Group by day, model, tier or arm (repeatable; default: day and model).")
    var by: [KPIDimension] = []

    @Option(help: "Output: text, or json (one object).")
    var format: ReportFormat = .text

    func validate() throws {
        _ = try Self.time(since, "--since")
        _ = try Self.time(until, "--until")
    }

    /// Parses an RFC 3339 option value.
    static func time(_ text: String?, _ name: String) throws -> EventTime? {
        guard let text else { return nil }
        guard let time = EventTime.parseRFC3339(text) else {
            throw ValidationError("\(name) must be an RFC 3339 time (e.g. 2026-11-01T00:00:00Z), got \(text)")
        }
        return time
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.kpis")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        let reader = LogReader(client: configuration.client("leadledger-kpis"), logger: logger)
        let audit = try await reader.auditDecisions(
            topic: topics.audit, partitions: try await partitions(of: topics.audit, configuration: configuration, logger: logger),
            collectSamples: false)
        let (ledger, _) = try await reader.outcomeLedger(
            topic: topics.events, partitions: try await partitions(of: topics.events, configuration: configuration, logger: logger))
        let report = KPIReport(
            decisions: audit.decisions, ledger: ledger, auditRecords: audit.records, since: try Self.time(since, "--since"),
            until: try Self.time(until, "--until"), by: by)
        switch format {
        case .json:
            StandardOutput.write(String(decoding: try report.json(), as: UTF8.self) + "\n")
        case .text:
            StandardOutput.write(
                Self.text(report.groups, dimensions: report.by, lift: report.lift, records: report.auditRecords, topic: topics.audit))
        }
    }

    static func text(_ groups: [OutcomeKPIs.Figures], dimensions: [KPIDimension], lift: Lift?, records: Int, topic: String) -> String {
        var rows = [
            dimensions.map(\.rawValue) + [
                "leads", "qualified", "ttq_p50", "ttq_p90", "route_mean", "precision", "converted", "rev/lead", "rev/qualified",
                "overrides",
            ]
        ]
        for g in groups {
            let key = dimensions.map { d -> String in
                switch d {
                case .day: g.key.day ?? "-"
                case .model: g.key.model ?? "-"
                case .tier: g.key.tier ?? "-"
                case .arm: g.key.arm?.rawValue ?? "-"
                }
            }
            rows.append(
                key + [
                    "\(g.leads)", Figure.percent(g.qualifiedRate), Figure.duration(g.timeToQualifyMedianSeconds),
                    Figure.duration(g.timeToQualifyP90Seconds), Figure.duration(g.meanTimeToRouteSeconds),
                    Figure.percent(g.precisionAtTarget),
                    Figure.percent(g.conversionRate), Figure.text(g.revenuePerLead, 2), Figure.text(g.revenuePerQualifiedLead, 2),
                    Figure.percent(g.overrideRate),
                ])
        }
        var text = "kpis: \(records) audit records in \(topic), \(groups.reduce(0) { $0 + $1.leads }) leads\n"
        text += Figure.table(rows)
        // Conversion by tier over every group.
        var tiers: [String: (leads: Int, converted: Int)] = [:]
        for g in groups {
            for t in g.byTier {
                tiers[t.tier, default: (0, 0)].leads += t.leads
                tiers[t.tier, default: (0, 0)].converted += t.converted
            }
        }
        text += "conversion by tier: "
        text +=
            tiers.keys.sorted().map { t in
                let v = tiers[t]!
                return "\(t) \(v.converted)/\(v.leads) (\(Figure.percent(v.leads == 0 ? nil : Double(v.converted) / Double(v.leads))))"
            }.joined(separator: ", ") + "\n"
        if let lift {
            text +=
                "lift: treatment \(lift.treatment.converted)/\(lift.treatment.leads) (\(Figure.percent(lift.treatment.conversionRate)), revenue/lead \(Figure.text(lift.treatment.revenuePerLead, 2))), "
                + "holdout \(lift.holdout.converted)/\(lift.holdout.leads) (\(Figure.percent(lift.holdout.conversionRate)), revenue/lead \(Figure.text(lift.holdout.revenuePerLead, 2)))\n"
            let ci = lift.differenceCI.map { "[\(Figure.text($0.lowerBound, 4)), \(Figure.text($0.upperBound, 4))]" } ?? "-"
            let liftCI = lift.liftCI.map { "[\(Figure.percent($0.lowerBound)), \(Figure.percent($0.upperBound))]" } ?? "-"
            text +=
                "lift: difference \(Figure.text(lift.difference, 4)) (95% CI \(ci)), relative \(Figure.percent(lift.lift)) (95% CI \(liftCI)), z \(Figure.text(lift.z, 2))\n"
        }
        return text
    }
}
