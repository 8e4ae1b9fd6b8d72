// swift-tools-version: 6.1
//
// Holdfast: a single-writer, sharded, in-memory stock, reservation, cart and order
// engine. The layout follows docs/ARCHITECTURE.md: Engine is the pure core and
// imports nothing else of ours; Persistence, Wire and Frontends are adapters.

import PackageDescription

/// The hot loop lives in Engine. Its state is kept in structs, but the runtime's
/// hand-off points are classes, so release builds skip the dynamic exclusivity
/// checks (measured on this machine: ~35 ns against ~5 ns per access). The two
/// network frontends (WireServer, REST), whose connection handlers are classes
/// touched on every request, skip them too (REST: 3–11 % of a GET's server
/// CPU, docs/BENCHMARKS.md). Debug builds, which the tests run, keep them.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "Holdfast",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "HoldfastClient", targets: ["HoldfastClient"]),
        .executable(name: "holdfast", targets: ["holdfast"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "Engine", dependencies: ["CHoldfastSupport"], path: "Sources/Engine", swiftSettings: engineSettings),
        .systemLibrary(
            name: "CURing",
            path: "Sources/Persistence/CURing",
            providers: [.apt(["liburing-dev"])]
        ),
        /// CRC-32C on the SSE 4.2 instruction and SHA-256 through OpenSSL's EVP
        /// interface (libssl-dev), for the log's checksums and hash chain.
        .target(
            name: "CHoldfastSupport",
            path: "Sources/CHoldfastSupport",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        .target(
            name: "Persistence",
            dependencies: ["Engine", "CURing", "CHoldfastSupport"],
            path: "Sources/Persistence",
            exclude: ["CURing"]
        ),
        /// Bearer tokens (JWT HS256/RS256) and the access policy, shared by the wire and REST frontends.
        .target(name: "Auth", dependencies: ["Engine", "CHoldfastSupport"], path: "Sources/Auth"),
        /// The wire protocol's frames and messages (docs/wire-protocol.md), shared by server and client.
        .target(name: "Wire", dependencies: ["Engine", "CHoldfastSupport"], path: "Sources/Wire/Codec"),
        /// What both listeners of `holdfast serve` share on their sockets: the accept pause.
        .target(
            name: "NetworkSupport", dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/NetworkSupport"),
        .target(
            name: "WireServer",
            dependencies: [
                "Engine", "Wire", "Auth", "NetworkSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Wire/Server",
            swiftSettings: engineSettings
        ),
        /// The Swift client library: async calls, pooling, pipelining, batching, safe retries.
        .target(
            name: "HoldfastClient",
            dependencies: [
                "Engine", "Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Wire/Client"
        ),
        /// Metrics in Prometheus text format and structured JSON logs (docs/operations.md).
        .target(
            name: "Observability",
            dependencies: ["Engine", "Persistence", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Observability"
        ),
        /// The REST API (docs/openapi.yaml) on NIO's HTTP/1.1 codec: JSON in, engine commands
        /// through the same ShardRuntime path the wire server uses, JSON out.
        .target(
            name: "REST",
            dependencies: [
                "Engine", "Wire", "Auth", "Observability", "NetworkSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/REST",
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: engineSettings
        ),
        .executableTarget(
            name: "holdfast",
            dependencies: [
                "Engine", "Persistence", "Wire", "WireServer", "HoldfastClient", "Auth", "REST", "Observability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Frontends",
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine"], path: "Tests/EngineTests"),
        .testTarget(
            name: "PersistenceTests", dependencies: ["Persistence", "Engine"], path: "Tests/PersistenceTests"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Engine"], path: "Tests/WireTests"),
        .testTarget(
            name: "WireServerTests",
            dependencies: [
                "WireServer", "HoldfastClient", "Wire", "Engine", "Persistence", "Auth",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/WireServerTests"
        ),
        .testTarget(
            name: "RESTTests",
            dependencies: ["REST", "Auth", "Engine", "Observability", .product(name: "Logging", package: "swift-log")],
            path: "Tests/RESTTests"
        ),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability", "Engine", "Persistence", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ObservabilityTests"
        ),
        .testTarget(
            name: "FrontendsTests", dependencies: ["holdfast", "Engine", "Persistence", "Auth", "REST"],
            path: "Tests/FrontendsTests"),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Engine"], path: "Tests/AuthTests"),
    ]
)
