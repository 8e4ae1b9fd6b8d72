// Runs one engine workload outside package-benchmark, for instruction counts
// and hot spots under callgrind (this machine has no perf counters):
//
//   objcopy --strip-debug .build/release/engine-profile /tmp/engine-profile
//   valgrind --tool=callgrind --toggle-collect='*WorkloadV*run*5count*' \
//       /tmp/engine-profile hotSKU.reserveOnly 100000
//
// (valgrind 3.19 cannot read the DWARF of this toolchain's release builds;
// without it, the symbol table still names every function.)
//
// Set-up and warm-up are the same as the benchmarks'; only the measured loops
// (`runReservePairs`, `runReserves`, `runOrders`, `CommandKindWorkload.run`) are collected with the
// toggle above, so Ir / ops = instructions per op.
//
// `engine-profile stall 4000000` times each of 4,000,000 reserves alone and
// prints the slowest (a table that grows by reallocating stalls the writer).

import EngineWorkloads

let arguments = CommandLine.arguments
let usage =
    "usage: engine-profile <hotSKU|uniform1MSKUs|cart5Lines>[.reserveOnly] | order|order.fromReservation | kind.<name> | memory|memory.longNames | stall <ops>"
guard arguments.count == 3, let ops = Int(arguments[2]), ops > 0 else { fatalError(usage) }
let name = arguments[1]
let batch = 1_000

switch name {
case _ where name.hasPrefix("kind."):
    guard var workload = CommandKindWorkload.make(String(name.dropFirst("kind.".count))) else { fatalError(usage) }
    workload.warmUp()
    workload.run(count: ops)
    workload.driver.checkNoUnexpectedOutcomes(name)
case "stall":
    GrowthStall.measure(reserves: ops)
case "memory", "memory.longNames":
    MemoryFootprint.measure(stockRecords: ops, longNames: name == "memory.longNames")
case "order", "order.fromReservation":
    var workload = Workloads.orderLifecycle(fromReservation: name == "order.fromReservation")
    workload.warmUp()
    workload.runOrders(count: ops)
    workload.driver.checkNoUnexpectedOutcomes(name)
default:
    let reserveOnly = name.hasSuffix(".reserveOnly")
    var workload: ReserveReleaseWorkload
    switch reserveOnly ? String(name.dropLast(".reserveOnly".count)) : name {
    case "hotSKU": workload = Workloads.hotSKU()
    case "uniform1MSKUs": workload = Workloads.uniform1MSKUs()
    case "cart5Lines": workload = Workloads.cart5Lines()
    default: fatalError(usage)
    }
    workload.warmUp()
    if reserveOnly {
        // As the benchmark: batches of reserves, releases between them.
        for start in stride(from: 0, to: ops, by: batch) {
            workload.releaseDown(to: 0)
            workload.runReserves(count: min(batch, ops - start))
        }
    } else {
        workload.runReservePairs(count: ops)
    }
    workload.driver.checkNoUnexpectedOutcomes(name)
}
print("engine-profile: \(name): \(ops) ops done")
