import Foundation
import LeadLedgerDecisions

/// Conversion lift of the treatment arm (routed by the model) over the holdout
/// arm (routed by the baseline): a two-proportion comparison.
///
/// With p_t = x_t / n_t and p_h = x_h / n_h:
/// - `difference` = p_t − p_h, with a 95 % confidence interval from the normal
///   approximation (unpooled Wald): difference ± 1.959964 · √(p_t(1−p_t)/n_t + p_h(1−p_h)/n_h).
/// - `lift` = p_t / p_h − 1 (relative), with a 95 % interval from the log of the
///   risk ratio (Katz): exp(ln(p_t/p_h) ± 1.959964 · √((1−p_t)/x_t + (1−p_h)/x_h)) − 1;
///   nil when either arm has no conversion.
/// - `z` = the pooled two-proportion z statistic, (p_t − p_h) / √(p(1−p)(1/n_t + 1/n_h)),
///   p = (x_t + x_h) / (n_t + n_h); nil when p is 0 or 1.
/// The approximation wants at least ~5 conversions and ~5 non-conversions per arm.
package struct Lift: Sendable, Equatable, Encodable {
    /// One arm's counts.
    package struct ArmFigures: Sendable, Equatable, Encodable {
        package var leads: Int
        package var converted: Int
        package var revenue: Double
        package var conversionRate: Double? { leads == 0 ? nil : Double(converted) / Double(leads) }
        package var revenuePerLead: Double? { leads == 0 ? nil : revenue / Double(leads) }

        enum CodingKeys: String, CodingKey { case leads, converted, revenue, conversionRate, revenuePerLead }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(leads, forKey: .leads)
            try c.encode(converted, forKey: .converted)
            try c.encode(revenue, forKey: .revenue)
            try c.encodeIfPresent(conversionRate, forKey: .conversionRate)
            try c.encodeIfPresent(revenuePerLead, forKey: .revenuePerLead)
        }

        package init(leads: Int, converted: Int, revenue: Double) {
            self.leads = leads
            self.converted = converted
            self.revenue = revenue
        }
    }

    /// The 97.5 % quantile of the standard normal distribution.
    package static let z975 = 1.959964

    package var treatment: ArmFigures
    package var holdout: ArmFigures
    package var difference: Double?
    package var differenceCI: ClosedRange<Double>?
    package var lift: Double?
    package var liftCI: ClosedRange<Double>?
    package var z: Double?

    /// Compares the arms; the figures that need both arms non-empty are nil otherwise.
    package init(treatment: ArmFigures, holdout: ArmFigures) {
        self.treatment = treatment
        self.holdout = holdout
        guard let pt = treatment.conversionRate, let ph = holdout.conversionRate else { return }
        let nt = Double(treatment.leads)
        let nh = Double(holdout.leads)
        let d = pt - ph
        difference = d
        let se = (pt * (1 - pt) / nt + ph * (1 - ph) / nh).squareRoot()
        differenceCI = (d - Self.z975 * se)...(d + Self.z975 * se)
        if treatment.converted > 0, holdout.converted > 0 {
            let ratio = pt / ph
            lift = ratio - 1
            let seLog = ((1 - pt) / Double(treatment.converted) + (1 - ph) / Double(holdout.converted)).squareRoot()
            liftCI = (exp(log(ratio) - Self.z975 * seLog) - 1)...(exp(log(ratio) + Self.z975 * seLog) - 1)
        }
        let pooled = Double(treatment.converted + holdout.converted) / (nt + nh)
        if pooled > 0, pooled < 1 {
            z = d / (pooled * (1 - pooled) * (1 / nt + 1 / nh)).squareRoot()
        }
    }

    /// The arms of KPI lead summaries (by the arm of each lead's first decision).
    package init(leads: [OutcomeKPIs.LeadSummary]) {
        func figures(_ arm: Arm) -> ArmFigures {
            let members = leads.filter { $0.first.arm == arm }
            return ArmFigures(
                leads: members.count, converted: members.filter(\.converted).count, revenue: members.reduce(0) { $0 + $1.revenue })
        }
        self.init(treatment: figures(.treatment), holdout: figures(.holdout))
    }
}
