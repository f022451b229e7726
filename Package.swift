// swift-tools-version: 6.1
// LeadLedger — an event-sourced streaming processor for B2B lead qualification.
import PackageDescription

let package = Package(
    name: "LeadLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Kafka", targets: ["Kafka"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        // librdkafka's C API through pkg-config (`rdkafka`, >= 2.2).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
