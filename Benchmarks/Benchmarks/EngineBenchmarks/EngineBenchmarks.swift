// Engine micro-benchmarks: the state machine alone, one shard, in memory.
//
// Each benchmark builds its state and prebuilds every `Command` in its setup
// hook, then warms up past the point where every table is full and evicting
// (see `ReserveReleaseWorkload`), so the measured region is steady-state
// traffic only. scalingFactor .kilo: each measured iteration runs 1,000 ops and
// results are reported per op. Results and how to run them: docs/BENCHMARKS.md.

import Benchmark
import EngineWorkloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000)

    // The framework's own cost per measured iteration (it counts 16 mallocs of
    // its own per iteration, i.e. 0.016 per op at .kilo).
    Benchmark("baseline.emptyLoop") { benchmark in
        for index in benchmark.scaledIterations { blackHole(index) }
    }

    registerReserveBenchmarks(name: "reserve.hotSKU.singleLine", withReserveOnly: true, Workloads.hotSKU)
    registerReserveBenchmarks(name: "reserve.uniform.1MSKUs", withReserveOnly: true, Workloads.uniform1MSKUs)
    registerReserveBenchmarks(name: "reserve.cart.5lines", withReserveOnly: false, Workloads.cart5Lines)
    registerOrderBenchmark(name: "order.lifecycle", fromReservation: false)
    registerOrderBenchmark(name: "order.lifecycle.fromReservation", fromReservation: true)
    for kind in CommandKindWorkload.names { registerKindBenchmark(kind) }
}

/// `kind.<name>`: steady-state traffic of one command kind (`CommandKindWorkload`),
/// whose allocations per op are pinned by `Thresholds/` (see
/// `Benchmarks/run-engine-benchmarks --check-allocations`).
func registerKindBenchmark(_ kind: String) {
    let box = WorkloadBox<CommandKindWorkload>()
    Benchmark("kind.\(kind)", configuration: .init(thresholds: allocationTolerance)) { benchmark in
        box.workload!.run(count: benchmark.scaledIterations.count)
    } setup: {
        var workload = CommandKindWorkload.make(kind)!
        workload.warmUp()
        box.workload = workload
    } teardown: {
        box.workload!.driver.checkNoUnexpectedOutcomes("kind.\(kind)")
        box.workload = nil
    }
}

/// A threshold check fails when a benchmark makes more than 8 mallocs per
/// measured iteration (1,000 ops) beyond its recorded threshold: a new
/// allocation on any path of a command, even a rare one, shows.
var allocationTolerance: [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: .init(absolute: [.p90: 8])]
}

/// Holds a workload between measured iterations. The loops take it `inout`,
/// one exclusivity check per 1,000 ops rather than one per op.
final class WorkloadBox<Workload>: @unchecked Sendable {
    var workload: Workload?
}

/// Registers `name`, where one op is a reserve plus the release of the
/// reservation `activeWindow` reserves older, and optionally `name.reserveOnly`,
/// where one op is a reserve and the releases that keep the state steady run
/// between measured iterations, outside the measurement.
func registerReserveBenchmarks(
    name: String, withReserveOnly: Bool, _ makeWorkload: @escaping @Sendable () -> ReserveReleaseWorkload
) {
    let pairs = WorkloadBox<ReserveReleaseWorkload>()
    Benchmark(name, configuration: .init(thresholds: allocationTolerance)) { benchmark in
        pairs.workload!.runReservePairs(count: benchmark.scaledIterations.count)
    } setup: {
        var workload = makeWorkload()
        workload.warmUp()
        pairs.workload = workload
    } teardown: {
        pairs.workload!.driver.checkNoUnexpectedOutcomes(name)
        pairs.workload = nil
    }
    guard withReserveOnly else { return }

    let reserves = WorkloadBox<ReserveReleaseWorkload>()
    Benchmark("\(name).reserveOnly", configuration: .init(thresholds: allocationTolerance)) { benchmark in
        reserves.workload!.releaseDown(to: 0)
        benchmark.startMeasurement()
        reserves.workload!.runReserves(count: benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    } setup: {
        var workload = makeWorkload()
        workload.warmUp()
        reserves.workload = workload
    } teardown: {
        reserves.workload!.driver.checkNoUnexpectedOutcomes("\(name).reserveOnly")
        reserves.workload = nil
    }
}

/// One op is one order from creation to fulfilment (3 commands, or 4 from a reservation).
func registerOrderBenchmark(name: String, fromReservation: Bool) {
    let box = WorkloadBox<OrderLifecycleWorkload>()
    Benchmark(name, configuration: .init(thresholds: allocationTolerance)) { benchmark in
        box.workload!.runOrders(count: benchmark.scaledIterations.count)
    } setup: {
        var workload = Workloads.orderLifecycle(fromReservation: fromReservation)
        workload.warmUp()
        box.workload = workload
    } teardown: {
        box.workload!.driver.checkNoUnexpectedOutcomes(name)
        box.workload = nil
    }
}
