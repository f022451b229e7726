// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "LeadLedgerDecisions", targets: ["LeadLedgerDecisions"]),
        .executable(name: "leadledger-bench", targets: ["leadledger-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // librdkafka's C API through pkg-config (`rdkafka`, >= 2.2).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Model layer of the decisions stage: feature vectors, rule model, logistic
        // regression, tree ensembles, TreeSHAP, calibration, ensemble, metrics.
        // No Kafka and no I/O: configs and artifacts come in as Data/String.
        .target(
            name: "LeadLedgerDecisions",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "LeadLedgerDecisionsTests",
            dependencies: ["LeadLedgerDecisions"],
            exclude: ["Scripts"]
        ),
        .executableTarget(
            name: "leadledger-bench",
            dependencies: [
                "LeadLedgerDecisions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Branch `decisions` alone does not carry every target a product names (the
// `Kafka` target lands from another branch). Drop products whose targets are not
// in this manifest so the branch builds on its own; a no-op once all branches
// are merged, and safe to delete then.
let declaredTargets = package.targets.map(\.name)
package.products = package.products.filter { product in
    guard let library = product as? Product.Library else { return true }
    return library.targets.allSatisfy { declaredTargets.contains($0) }
}
