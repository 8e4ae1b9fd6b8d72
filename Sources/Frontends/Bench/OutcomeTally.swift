import Engine

/// Counts of operation outcomes: successes, the two refusals a load test
/// expects (insufficient stock, busy), and every other error by its stable name.
struct OutcomeTally: Sendable, Equatable, Codable {
    var ok = 0
    var insufficientStock = 0
    var busy = 0
    /// Other engine errors, protocol errors and transport failures, by name.
    var otherErrors: [String: Int] = [:]

    var total: Int { ok + insufficientStock + busy + otherErrorCount }
    var otherErrorCount: Int { otherErrors.values.reduce(0, +) }

    mutating func addError(named name: String, count: Int = 1) {
        otherErrors[name, default: 0] += count
    }

    mutating func merge(_ other: OutcomeTally) {
        ok += other.ok
        insufficientStock += other.insufficientStock
        busy += other.busy
        for (name, count) in other.otherErrors { otherErrors[name, default: 0] += count }
    }

    /// `ok 10, INSUFFICIENT_STOCK 2, BUSY 0, …` for the human report.
    var summary: String {
        var parts = ["ok \(ok)", "insufficient stock \(insufficientStock)", "busy \(busy)"]
        for (name, count) in otherErrors.sorted(by: { $0.key < $1.key }) { parts.append("\(name) \(count)") }
        return parts.joined(separator: ", ")
    }
}

/// Name of a client-side failure: the reply never came or could not be read.
enum TransportFailure {
    static let lost = "LOST (no reply)"
    static let unreadableReply = "UNREADABLE_REPLY"
    static let itemCountMismatch = "REPLY_ITEM_COUNT_MISMATCH"
}
