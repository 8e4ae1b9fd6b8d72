import Foundation

extension BenchReport {
    /// The report for people.
    func table() -> String {
        var lines: [String] = []
        lines.append(
            "holdfast bench \(workload) — server \(server.name) at \(server.endpoint) (protocol \(server.protocolVersion), "
                + "\(server.shardCount) shard(s))")
        lines.append(loadLine)
        lines.append(
            "catalog: \(catalog.skus) SKU(s) × \(catalog.stockPerSKU) units in store \(store)"
                + (catalog.zipfExponent.map { ", zipf s=\($0)" } ?? "")
                + ", loaded in \(Self.format(catalog.setupSeconds, digits: 2)) s; seed \(seed)")
        lines.append("")
        lines.append(
            "throughput: \(Self.grouped(operationsPerSecond)) ops/s, \(Self.grouped(grantsPerSecond)) granted/s "
                + "(\(operations) operations in \(Self.format(measuredSeconds, digits: 3)) s)")
        if let openLoop {
            lines.append(
                "open loop: target \(Self.grouped(openLoop.targetOperationsPerSecond)) ops/s, achieved "
                    + "\(Self.grouped(openLoop.achievedOperationsPerSecond)) (short by \(Self.format(openLoop.shortfallPercent, digits: 1)) %"
                    + ", \(openLoop.missedOperations) never sent)")
        }
        let latency = latencyMicroseconds
        lines.append(
            "latency µs: p50 \(Self.micros(latency.p50))  p90 \(Self.micros(latency.p90))  p99 \(Self.micros(latency.p99))  "
                + "p99.9 \(Self.micros(latency.p999))  max \(Self.micros(latency.max))  mean \(Self.micros(latency.mean))")
        lines.append("outcomes: \(outcomes.summary)")
        if let funnel { lines += funnelLines(funnel) }
        if let serverCounters {
            lines.append(
                "server: \(serverCounters.operationsReceived) operations received, \(serverCounters.busyRefusals) busy refusals, "
                    + "\(serverCounters.protocolErrors) protocol errors, shard queues \(serverCounters.shardQueueDepths)"
                    + (serverCounters.writesHalted.isEmpty ? "" : ", WRITES HALTED: \(serverCounters.writesHalted)"))
        }
        lines.append("")
        lines.append(check.summary)
        for violation in check.violations { lines.append("  ✗ \(violation)") }
        if releasedReservations > 0 { lines.append("released \(releasedReservations) reservation(s) after the check") }
        lines.append("result: \(passed ? "PASS" : "FAIL")")
        return lines.joined(separator: "\n")
    }

    private var loadLine: String {
        let shape = "\(load.connections) connection(s) × \(load.framesInFlight) frame(s) in flight × \(load.batchSize) op(s)/frame"
        let mode =
            load.targetOperationsPerSecond.map { "open loop at \(Self.grouped($0)) ops/s, at most \(shape)" }
            ?? "closed loop, \(shape)"
        return "load: \(mode), \(load.threads) client thread(s); warm-up \(Self.format(load.warmupSeconds, digits: 1)) s, "
            + "measured \(Self.format(load.durationSeconds, digits: 1)) s"
    }

    private func funnelLines(_ funnel: Funnel) -> [String] {
        let customers = funnel.customers
        var lines = [
            "funnel customers: \(customers.started) started, \(customers.fulfilled) fulfilled, \(customers.cancelled) cancelled, "
                + "\(customers.abandoned) abandoned, \(customers.refusedForStock) refused for stock, \(customers.failed) failed"
        ]
        for stage in FunnelStage.allCases {
            guard let tally = funnel.stages[stage.name], tally.total > 0 else { continue }
            lines.append("  \(stage.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(tally.summary)")
        }
        return lines
    }

    static func format(_ value: Double, digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func micros(_ value: Double) -> String { value >= 100 ? format(value, digits: 0) : format(value, digits: 1) }

    /// A rate with thousands separators: `1,234,567`.
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (position, character) in digits.reversed().enumerated() {
            if position > 0 && position % 3 == 0 && character != "-" { grouped.append(",") }
            grouped.append(character)
        }
        return String(grouped.reversed())
    }
}
