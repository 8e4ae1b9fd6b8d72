import Foundation
import Testing

@testable import Engine

/// The seeds a randomized test runs. `HOLDFAST_SEED=<n>` runs just seed n (to
/// replay a failure), `HOLDFAST_SEEDS=<first>-<last>` a range (for long soaks);
/// `HOLDFAST_COMMANDS=<n>` changes the commands per seed.
enum WorkloadSeeds {
    static func selected(default seeds: ClosedRange<UInt64>) -> [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["HOLDFAST_SEED"], let seed = UInt64(text) { return [seed] }
        if let bounds = environment["HOLDFAST_SEEDS"]?.split(separator: "-").compactMap({ UInt64($0) }),
            bounds.count == 2, bounds[0] <= bounds[1]
        {
            return Array(bounds[0]...bounds[1])
        }
        return Array(seeds)
    }

    static func commandsPerSeed(default count: Int) -> Int {
        ProcessInfo.processInfo.environment["HOLDFAST_COMMANDS"].flatMap { Int($0) } ?? count
    }
}

/// Drives the engine and the reference model with the same random workload and
/// compares them after every command: the exact outcome (results, errors and
/// replayed flags), the LSN (whether the command was logged), the events (LSN
/// and store stamps; every changed stock record announced with its final
/// levels; `lowStock` / `backInStock` crossings), and the engine's own
/// invariants. About 30 % of the commands come from customer callers (with
/// ownership, price-list and request-key rules). Every 250 commands and at the end it also compares the whole
/// state as seen through queries (every stock record, reservation, cart, order
/// and customer order list), the clock, the last LSN and the size of every table.
///
/// 32 seeds × 5,000 commands = 160,000 commands per run, spread over the four
/// limit profiles of `CommandGenerator.limits(forSeed:)`.
@Suite("Model-based: engine against the reference model")
struct ModelBasedTests {
    static let seeds = WorkloadSeeds.selected(default: 1...32)
    static let commandsPerSeed = WorkloadSeeds.commandsPerSeed(default: 5_000)
    static let fullComparisonInterval = 250

    @Test("every command answers as the model does", arguments: seeds)
    func engineMatchesModel(seed: UInt64) {
        var generator = CommandGenerator(seed: seed)
        var machine = StateMachine(limits: generator.limits)
        var model = ReferenceModel(limits: generator.limits)
        var coverage = WorkloadCoverage()

        for index in 0..<Self.commandsPerSeed {
            let step = generator.next()
            let stockBefore = model.stores
            let applied = machine.apply(step.command, at: step.timestamp, by: step.caller)
            let expected = model.apply(step.command, at: step.timestamp, by: step.caller)
            generator.observe(expected.outcome)
            coverage.count(step.command, expected.outcome)
            coverage.count(machine.events)

            var failures: [String] = []
            if applied.outcome != expected.outcome {
                failures.append("outcome\n  engine: \(applied.outcome)\n  model:  \(expected.outcome)")
            }
            if applied.lsn != expected.lsn {
                failures.append("lsn: engine \(String(describing: applied.lsn)), model \(String(describing: expected.lsn))")
            }
            failures += Self.eventDifferences(machine.events, of: step.command, applied: applied)
            if applied.lsn != nil {
                failures += StockEventCheck.differences(before: stockBefore, after: model.stores, events: machine.events)
            }
            machine.events.removeAll(keepingCapacity: true)
            failures += machine.checkInvariants().map { "invariant: \($0)" }
            if index % Self.fullComparisonInterval == 0 || index == Self.commandsPerSeed - 1 {
                failures += Self.stateDifferences(machine: &machine, model: &model)
            }
            if !failures.isEmpty {
                Issue.record(
                    """
                    seed \(seed) (replay: HOLDFAST_SEED=\(seed)), command \(index) at \(step.timestamp) by \(step.caller): \(step.command)
                    \(failures.joined(separator: "\n"))
                    """)
                return
            }
        }
        let missing = coverage.missingCommandKinds
        #expect(missing.isEmpty, "seed \(seed): the workload never issued \(missing)")
        if ProcessInfo.processInfo.environment["HOLDFAST_COVERAGE"] != nil {
            let notable = model.notable.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            print("seed \(seed): \(coverage) | model: \(notable.joined(separator: " "))")
        }
    }

    /// Events carry the command's LSN and store; a logged command emits some,
    /// except a tick that only purged retained records (no event exists for a purge).
    static func eventDifferences(_ events: [Event], of command: Command, applied: AppliedCommand) -> [String] {
        var differences: [String] = []
        if let stray = events.first(where: { $0.lsn != applied.lsn }) {
            differences.append("event \(stray) is not stamped with the command's lsn \(String(describing: applied.lsn))")
        }
        if let store = command.store, let stray = events.first(where: { $0.store != store }) {
            differences.append("event \(stray) names another store than the command's")
        }
        var purgeOnlyTick = false
        if case .success(.tick(let report)) = applied.outcome { purgeOnlyTick = report.expiredReservations == 0 }
        if applied.lsn != nil && events.isEmpty && !purgeOnlyTick {
            differences.append("a logged command emitted no event")
        }
        return differences
    }

    /// Compares everything the queries can see, and the size of every table.
    static func stateDifferences(machine: inout StateMachine, model: inout ReferenceModel) -> [String] {
        var differences: [String] = []
        if machine.now != model.now { differences.append("now: engine \(machine.now), model \(model.now)") }
        if machine.lastLSN != model.lastLSN {
            differences.append("lastLSN: engine \(machine.lastLSN), model \(model.lastLSN)")
        }
        for query in projectionQueries(model) {
            let engineOutcome = machine.apply(query, at: 0)
            let modelOutcome = model.apply(query, at: 0)
            if engineOutcome != AppliedCommand(outcome: modelOutcome.outcome, lsn: nil) {
                differences.append("\(query)\n  engine: \(engineOutcome.outcome)\n  model:  \(modelOutcome.outcome)")
            }
        }
        let sizes = [
            ("reservations", machine.reservations.liveCount, model.reservationCount),
            ("carts", machine.carts.liveCount, model.carts.count),
            ("orders", machine.orders.liveCount, model.orders.count),
            ("request keys", machine.idempotency.liveCount, model.requestKeys.count),
            ("stores", machine.stock.stores.count, model.stores.count),
            ("SKUs", machine.stock.skus.count, model.skuCount),
            ("stock records", machine.stock.records.count, model.recordCount),
        ]
        for (table, engineCount, modelCount) in sizes where engineCount != modelCount {
            differences.append("\(table): engine holds \(engineCount), model \(modelCount)")
        }
        return differences
    }

    /// Queries that together show the model's whole state (and probe an unknown store).
    static func projectionQueries(_ model: ReferenceModel) -> [Command] {
        var queries: [Command] = []
        for (name, store) in model.stores.sorted(by: { $0.key < $1.key }) {
            for sku in store.stock.keys.sorted() + ["sku-unknown"] {
                queries.append(.getStock(StockQuery(store: name, sku: sku)))
            }
        }
        queries.append(.getStock(StockQuery(store: "ghost", sku: "sku0")))
        for key in model.reservations.keys.sorted(by: { ($0.store, $0.name) < ($1.store, $1.name) }) {
            queries.append(.getReservation(ReservationReference(store: key.store, reservationID: key.name)))
        }
        for key in model.carts.keys.sorted(by: { ($0.store, $0.name) < ($1.store, $1.name) }) {
            queries.append(.getCart(CartReference(store: key.store, cartID: key.name)))
        }
        for key in model.orders.keys.sorted(by: { ($0.store, $0.name) < ($1.store, $1.name) }) {
            queries.append(.getOrder(OrderReference(store: key.store, orderID: key.name)))
        }
        for key in model.ordersByCustomer.keys.sorted(by: { ($0.store, $0.name) < ($1.store, $1.name) }) {
            queries.append(.listOrders(OrderListQuery(store: key.store, customerID: key.name, limit: Limits.orderPageSizeMax)))
        }
        return queries
    }
}

/// How often each command kind and each outcome occurred (HOLDFAST_COVERAGE=1 prints it).
struct WorkloadCoverage: CustomStringConvertible {
    static let allCommandKinds = [
        "advanceTime", "setStock", "adjustStock", "setLocationPriority", "reserve", "extendReservation",
        "releaseReservation", "confirmReservation", "configureCart", "addCartItem", "setCartItem", "removeCartItem",
        "clearCart", "checkoutCart", "placeOrder", "payOrder", "fulfillOrder", "cancelOrder", "getStock",
        "checkAvailability", "getReservation", "getCart", "getOrder", "listOrders",
    ]

    private(set) var commands: [String: Int] = [:]
    private(set) var outcomes: [String: Int] = [:]
    private(set) var events: [String: Int] = [:]

    mutating func count(_ command: Command, _ outcome: Outcome) {
        let kind = String(describing: command).prefix { $0 != "(" }
        commands[String(kind), default: 0] += 1
        switch outcome {
        case .success(let result):
            let replayed: Bool =
                switch result {
                case .stockRecord(let view): view.replayed
                case .reservation(let view): view.replayed
                case .cart(let view): view.replayed
                case .order(let view): view.replayed
                default: false
                }
            outcomes[replayed ? "replayed" : "ok", default: 0] += 1
        case .failure(let error):
            outcomes[error.name, default: 0] += 1
        }
    }

    mutating func count(_ events: [Event]) {
        for event in events {
            let kind = String(describing: event.kind).prefix { $0 != "(" }
            self.events[String(kind), default: 0] += 1
        }
    }

    var missingCommandKinds: [String] {
        Self.allCommandKinds.filter { commands[$0] == nil }
    }

    var description: String {
        let outcomeList = outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let eventList = events.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (outcomeList + ["| events:"] + eventList).joined(separator: " ")
    }
}
