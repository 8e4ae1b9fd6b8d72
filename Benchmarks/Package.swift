// swift-tools-version: 6.1
//
// Engine micro-benchmarks (package-benchmark). A separate package, so the root
// package's builds and tests never resolve or build the benchmark dependencies.
// Run them with Benchmarks/run-engine-benchmarks; results: docs/BENCHMARKS.md.
// Also storage-bench (Benchmarks/run-storage-benchmarks), the persistence layer.

import PackageDescription

let package = Package(
    name: "HoldfastBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so the identity does not depend on the checkout's folder name.
        .package(name: "Holdfast", path: ".."),
        // Only the MallocInterposer trait: benchmark 1.38.1's default traits
        // also enable RuntimeInterposer, which on Linux with Swift 6.3 pulls in
        // ordo-one/swift-runtime-interposer, a package the local mirror does not
        // have (resolution fails). Without that trait it is never fetched; the
        // ARC metrics (retain/release counts) are then unavailable.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The workloads, shared by the benchmark suite and engine-profile.
        .target(
            name: "EngineWorkloads",
            dependencies: [.product(name: "Engine", package: "Holdfast")],
            path: "Sources/EngineWorkloads"
        ),
        // For callgrind: instruction counts and hot spots of the same workloads.
        .executableTarget(
            name: "engine-profile",
            dependencies: ["EngineWorkloads"],
            path: "Sources/engine-profile"
        ),
        // For callgrind: instruction counts of applying a kept replay log.
        .executableTarget(
            name: "replay-profile",
            dependencies: [
                .product(name: "Engine", package: "Holdfast"),
                .product(name: "Persistence", package: "Holdfast"),
            ],
            path: "Sources/replay-profile"
        ),
        // The persistence layer on the real disk: log throughput and latency,
        // replay speed, snapshots and the writer's stall. Run it with
        // Benchmarks/run-storage-benchmarks; not a package-benchmark target
        // (each measurement needs its own files, threads and minutes).
        .executableTarget(
            name: "storage-bench",
            dependencies: [
                "EngineWorkloads",
                .product(name: "Engine", package: "Holdfast"),
                .product(name: "Persistence", package: "Holdfast"),
            ],
            path: "Sources/StorageBench",
            // The allocator `holdfast serve` runs with.
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "EngineWorkloads",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
