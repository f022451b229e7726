import CRdKafka

/// A librdkafka release number, and the oldest one LeadLedger runs on.
///
/// librdkafka 2.0.x misparses the tagged fields current brokers send; 2.2 is
/// the oldest release the clients are built and tested against. The linked
/// library is a shared object, so a binary built on one machine can meet an
/// older library on another: `leadledger` checks at start.
package struct LibrdkafkaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major release.
    package var major: Int
    /// Minor release.
    package var minor: Int
    /// Patch release.
    package var patch: Int

    /// Creates a version.
    package init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// A version from librdkafka's `rd_kafka_version()` number (`0xMMmmrrxx`).
    package init(hex: Int32) {
        let value = UInt32(bitPattern: hex)
        major = Int(value >> 24 & 0xff)
        minor = Int(value >> 16 & 0xff)
        patch = Int(value >> 8 & 0xff)
    }

    /// A version from text such as `2.3.0` (a missing patch is 0); nil when it is not one.
    package init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        major = parts[0]!
        minor = parts[1]!
        patch = parts.count == 3 ? parts[2]! : 0
    }

    /// The library this process is linked with.
    package static var linked: LibrdkafkaVersion { LibrdkafkaVersion(hex: rd_kafka_version()) }

    /// The oldest supported release.
    package static let minimum = LibrdkafkaVersion(major: 2, minor: 2, patch: 0)

    /// Why `version` cannot be used, or nil when it is new enough.
    package static func refusal(of version: LibrdkafkaVersion) -> String? {
        guard version < minimum else { return nil }
        return "librdkafka \(version) is too old: LeadLedger needs librdkafka \(minimum.major).\(minimum.minor) or newer "
            + "(Debian 12 ships 2.0.2; Ubuntu 24.04's librdkafka-dev 2.3 is fine; scripts/bootstrap builds a newer one into /usr/local)"
    }

    package static func < (lhs: LibrdkafkaVersion, rhs: LibrdkafkaVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    package var description: String { "\(major).\(minor).\(patch)" }
}
