// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LeadLedgerCore", targets: ["LeadLedgerCore"]),
        .executable(name: "leadledger-bench", targets: ["leadledger-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // librdkafka's C API through pkg-config (`rdkafka`, >= 2.2).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The pure, I/O-free domain core: contracts, normalization, identity,
        // projections and the account graph. No Kafka, no files, no clock.
        .target(
            name: "LeadLedgerCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            resources: [
                .embedInCode("Normalization/Resources/free-mail-domains.txt"),
                .embedInCode("Normalization/Resources/disposable-mail-domains.txt"),
                .embedInCode("Normalization/Resources/public-suffixes.txt"),
            ]
        ),
        .testTarget(
            name: "LeadLedgerCoreTests",
            dependencies: [
                "LeadLedgerCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures", "validate_fixtures.py"]
        ),
        .executableTarget(
            name: "leadledger-bench",
            dependencies: [
                "LeadLedgerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
