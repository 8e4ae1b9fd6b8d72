import Engine

/// The proof at the end of a run that nothing was oversold: the stock the
/// server reports for every SKU touched, against the stock it started with and
/// the units the client saw granted.
///
/// For each SKU, with `consumed = reserved + committed + (initialOnHand − onHand)`
/// (fulfilled orders leave on-hand stock):
/// - `reserved + committed ≤ onHand` and `available ≥ 0` (the run sets no backorder allowance),
/// - `0 ≤ initialOnHand − onHand` (nothing but fulfilment takes stock away),
/// - `consumed` lies within the client's ledger bounds (equal to them when no outcome was lost).
struct OversellCheck: Sendable, Codable, Equatable {
    /// One SKU as the server reports it after the run.
    struct Observation: Sendable, Equatable {
        var skuIndex: Int
        var sku: String
        var levels: StockLevels
    }

    var skusChecked = 0
    /// Units the client saw granted and not given back (the ledger's lower bound).
    var clientGrantedUnits: Int64 = 0
    /// Units whose outcome the client does not know (upper bound − lower bound).
    var clientUncertainUnits: Int64 = 0
    /// Units the server holds for the run: reserved + committed + fulfilled.
    var serverConsumedUnits: Int64 = 0
    var serverReservedUnits: Int64 = 0
    var serverCommittedUnits: Int64 = 0
    var serverFulfilledUnits: Int64 = 0
    /// Largest excess of commitments over stock on any SKU (0 when none is oversold).
    var oversoldUnitsMax: Int64 = 0
    /// SKUs that failed, described (at most `violationsShownMax`).
    var violations: [String] = []
    var violationCount = 0

    static let violationsShownMax = 20

    /// No violation, and at least one SKU checked.
    private(set) var passed = false

    /// A check of nothing (it does not pass).
    init() {}

    /// Checks `observations` against the run's initial stock and the client's ledger.
    init(observations: [Observation], initialOnHand: Int64, ledger: StockLedger, expectedSKUs: Int) {
        for observation in observations { check(observation, initialOnHand: initialOnHand, ledger: ledger) }
        if observations.count != expectedSKUs {
            fail("read back \(observations.count) of \(expectedSKUs) SKUs touched")
        }
        passed = violationCount == 0 && skusChecked > 0
    }

    private mutating func check(_ observation: Observation, initialOnHand: Int64, ledger: StockLedger) {
        let levels = observation.levels
        let name = observation.sku
        skusChecked += 1
        let fulfilled = initialOnHand - levels.onHand
        let consumed = levels.reserved + levels.committed + fulfilled
        let lower = ledger.lowerUnits[observation.skuIndex]
        let upper = ledger.upperUnits[observation.skuIndex]
        clientGrantedUnits += lower
        clientUncertainUnits += upper - lower
        serverConsumedUnits += consumed
        serverReservedUnits += levels.reserved
        serverCommittedUnits += levels.committed
        serverFulfilledUnits += fulfilled
        let oversold = levels.reserved + levels.committed - levels.onHand
        oversoldUnitsMax = max(oversoldUnitsMax, oversold)
        if oversold > 0 {
            fail("\(name): reserved \(levels.reserved) + committed \(levels.committed) > on hand \(levels.onHand)")
        }
        if levels.available < 0 { fail("\(name): available \(levels.available) < 0") }
        if levels.backorderLimit != 0 { fail("\(name): backorder limit \(levels.backorderLimit), the run set 0") }
        if fulfilled < 0 { fail("\(name): on hand \(levels.onHand) above the initial \(initialOnHand)") }
        if consumed < lower || consumed > upper {
            let expected = lower == upper ? "\(lower)" : "\(lower)...\(upper)"
            fail(
                "\(name): server holds \(consumed) units (reserved \(levels.reserved), committed \(levels.committed), "
                    + "fulfilled \(fulfilled)); the client saw \(expected) granted")
        }
    }

    private mutating func fail(_ message: String) {
        violationCount += 1
        if violations.count < Self.violationsShownMax { violations.append(message) }
    }

    /// One line for the human report.
    var summary: String {
        let uncertain = clientUncertainUnits == 0 ? "" : " (+ up to \(clientUncertainUnits) of unknown outcome)"
        return "oversell check: \(skusChecked) SKU(s); client saw \(clientGrantedUnits) units granted\(uncertain); "
            + "server holds \(serverConsumedUnits) (reserved \(serverReservedUnits), committed \(serverCommittedUnits), "
            + "fulfilled \(serverFulfilledUnits)); oversold max \(max(oversoldUnitsMax, 0)) → "
            + (passed ? "PASS" : "FAIL (\(violationCount) violation(s))")
    }
}
