import Crypto
import LeadLedgerCore

/// The ordered feature names of a model, named by a short digest: what an audit
/// record (schema_version 3) names in `feature_set` instead of repeating every
/// feature's name in every record. Published once per model version (the model
/// registry's manifest, `leadledger features`); the readers of audit records
/// (``AuditRecordView``) turn a record's arrays back into names and sentences with it.
package struct FeatureSet: Sendable, Equatable {
    /// `feature_set`: the first 16 hex digits of SHA-256 over the names joined by `\n`.
    package let id: String
    /// Feature names in the model's row order (the order of the record's arrays).
    package let names: [String]
    /// What each feature means (empty for a one-hot column without a description).
    package let meanings: [String]

    /// The feature set of `names`, with a meaning per name (missing ones empty).
    package init(names: [String], meanings: [String] = []) {
        self.names = names
        self.meanings = names.indices.map { $0 < meanings.count ? meanings[$0] : "" }
        id = Self.id(of: names)
    }

    /// The feature set an extractor writes rows in.
    package init(_ extractor: FeatureExtractor) {
        let definitions = extractor.definitions
        let names = extractor.schema.names
        self.init(names: names, meanings: names.indices.map { $0 < definitions.count ? definitions[$0].meaning : "" })
    }

    /// The `feature_set` id of an ordered list of names.
    package static func id(of names: [String]) -> String {
        let digest = SHA256.hash(data: Array(names.joined(separator: "\n").utf8))
        return ContentVersion.hex(digest.prefix(8))
    }

    /// Feature `index`'s name; `feature_<index>` when the set has no such feature.
    package func name(_ index: Int) -> String {
        index >= 0 && index < names.count ? names[index] : "feature_\(index)"
    }

    /// The reason sentence the routing record writes for feature `index`:
    /// `name = v raised|lowered the log-odds by |c| (meaning)` (`unknown` for a missing value).
    package func sentence(index: Int, value: Double, contribution: Double) -> String {
        let meaning = index >= 0 && index < meanings.count && !meanings[index].isEmpty ? " (" + meanings[index] + ")" : ""
        let direction = contribution >= 0 ? " raised the log-odds by " : " lowered the log-odds by "
        let shown = value.isNaN ? "unknown" : RecordJSON.numberText(value)
        return name(index) + " = " + shown + direction + RecordJSON.numberText(abs(contribution)) + meaning
    }
}
