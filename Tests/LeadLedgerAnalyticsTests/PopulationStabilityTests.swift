import Foundation
import LeadLedgerCore
import PropertyBased
import Testing

@testable import LeadLedgerAnalytics

struct PopulationStabilityTests {
    @Test func quantileCutsAndHandComputedIndex() throws {
        let binning = try #require(PopulationStability(baseline: [1, 2, 3, 4], bins: 2))
        // Rank ⌈0.5 · 4⌉ = 2: the cut is 2; shares (−∞, 2] = 0.5, (2, ∞) = 0.5.
        #expect(binning.cuts == [2])
        #expect(binning.expected == [0.5, 0.5])
        // All of [3, 4, 4, 4] in the upper bin; the empty lower bin counts as ε.
        let e = PopulationStability.epsilon
        let expected = (e - 0.5) * log(e / 0.5) + (1 - 0.5) * log(1 / 0.5)
        #expect(abs(try #require(binning.index(of: [3, 4, 4, 4])) - expected) < 1e-12)
        // 1 of 4 below: (0.25 − 0.5) ln(0.5) + (0.75 − 0.5) ln(1.5).
        let quarter = (0.25 - 0.5) * log(0.25 / 0.5) + (0.75 - 0.5) * log(0.75 / 0.5)
        #expect(abs(try #require(binning.index(of: [1, 3, 4, 4])) - quarter) < 1e-12)
    }

    @Test func tiedBaselineGetsFewerBins() throws {
        // Mostly zeros: the deciles collapse to one cut (0), the maximum is never a cut.
        let binning = try #require(PopulationStability(baseline: [0, 0, 0, 0, 0, 0, 0, 0, 1, 2], bins: 10))
        #expect(binning.cuts == [0, 1])
        #expect(binning.expected == [0.8, 0.1, 0.1])
        #expect(PopulationStability.bin(0, cuts: binning.cuts) == 0)
        #expect(PopulationStability.bin(0.5, cuts: binning.cuts) == 1)
        #expect(PopulationStability.bin(9, cuts: binning.cuts) == 2)
    }

    @Test func noFiniteValues() {
        #expect(PopulationStability(baseline: [.nan]) == nil)
        #expect(PopulationStability(baseline: [1, 2])?.index(of: []) == nil)
    }

    @Test func indexOfABaselineAgainstItselfIsZero() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...50).array(of: 1...200), Gen.int(in: 1...20)) { raw, bins in
            let values = raw.map(Double.init)
            let binning = PopulationStability(baseline: values, bins: bins)!
            #expect(abs(binning.index(of: values)!) < 1e-12)
            // And is never negative for any other sample.
            #expect(binning.index(of: values.map { $0 + 7 })! >= 0)
        }
    }

    static func samples(from start: Int64, count: Int, score: (Int) -> Double) -> [DriftSample] {
        (0..<count).map { i in
            DriftSample(
                modelVersion: "m1", time: at(start + Int64(i) * 60), score: score(i),
                features: ["employees": Double(i % 10), "missing_sometimes": i % 3 == 0 ? nil : 1])
        }
    }

    @Test func driftOverTheLatestWindowAgainstTheFirst() throws {
        let day: Int64 = 86_400
        // Day 0: scores 0…99 repeated; day 2: the same, or shifted up by 50.
        let baseline = Self.samples(from: 0, count: 1000) { Double($0 % 100) }
        let same = Self.samples(from: 2 * day, count: 1000) { Double($0 % 100) }
        let shifted = Self.samples(from: 2 * day, count: 1000) { Double($0 % 100 + 50) }
        let quiet = DriftMonitor.reports(baseline + same, windowMilliseconds: day * 1000)
        #expect(quiet.count == 1)
        #expect(quiet[0].variables.map(\.name) == ["score", "employees", "missing_sometimes"])
        #expect(quiet[0].crossings.isEmpty)
        #expect(quiet[0].samples == 1000)
        #expect(!quiet[0].overlapping)
        let loud = try #require(DriftMonitor.reports(baseline + shifted, windowMilliseconds: day * 1000).first)
        #expect(loud.crossings.map(\.name) == ["score"])
        #expect(try #require(loud.variables[0].psi) > 0.2)
        // A higher threshold than the shift's PSI: no crossing.
        let psi = try #require(loud.variables[0].psi)
        #expect(DriftMonitor.reports(baseline + shifted, windowMilliseconds: day * 1000, threshold: psi + 0.01)[0].crossings.isEmpty)
    }

    @Test func storedBaselineIsUsed() throws {
        let day: Int64 = 86_400
        let reference = Self.samples(from: 0, count: 500) { Double($0 % 100 + 50) }
        let stored = DriftBaseline(modelVersion: "m1", samples: reference, from: at(0), until: at(day))
        let decoded = try JSONDecoder().decode(DriftBaseline.self, from: JSONEncoder().encode(stored))
        #expect(decoded == stored)
        // The log's own first window matches its last, but the stored baseline does not.
        let log = Self.samples(from: 0, count: 500) { Double($0 % 100) } + Self.samples(from: 3 * day, count: 500) { Double($0 % 100) }
        let report = try #require(DriftMonitor.reports(log, windowMilliseconds: day * 1000, baselines: ["m1": decoded]).first)
        #expect(report.baselineSource == "file")
        #expect(report.crossings.map(\.name) == ["score"])
    }
}
