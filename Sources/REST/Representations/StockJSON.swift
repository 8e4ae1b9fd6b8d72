import Engine

/// The JSON forms of engine results, shared by the REST API and the CLI's `--json`.
/// Field names are the engine's (camelCase, `ID` suffix); money is in minor units;
/// times are given twice, as ISO 8601 UTC text and as Unix nanoseconds.

/// One stock record's levels, with `available` worked out.
public struct LevelsJSON: Codable, Equatable, Sendable {
    public var onHand: Int64
    public var reserved: Int64
    public var committed: Int64
    public var safetyStock: Int64
    public var available: Int64
    public var lowStockThreshold: Int64
    public var backorderLimit: Int64

    public init(_ levels: StockLevels) {
        onHand = levels.onHand
        reserved = levels.reserved
        committed = levels.committed
        safetyStock = levels.safetyStock
        available = levels.available
        lowStockThreshold = levels.lowStockThreshold
        backorderLimit = levels.backorderLimit
    }
}

/// One SKU at one location after a change (`set`, `adjust`).
public struct StockRecordJSON: Codable, Equatable, Sendable {
    public var sku: String
    public var location: String
    public var levels: LevelsJSON
    public var replayed: Bool

    public init(_ view: StockRecordView) {
        sku = view.sku
        location = view.location
        levels = LevelsJSON(view.levels)
        replayed = view.replayed
    }
}

/// A SKU's stock per location, in allocation order, and its totals.
public struct StockJSON: Codable, Equatable, Sendable {
    public struct Location: Codable, Equatable, Sendable {
        public var location: String
        public var levels: LevelsJSON
    }

    public var sku: String
    public var locations: [Location]
    public var totals: LevelsJSON

    public init(_ view: StockView) {
        sku = view.sku
        locations = view.locations.map { Location(location: $0.location, levels: LevelsJSON($0.levels)) }
        totals = LevelsJSON(view.totals)
    }
}

/// The answer to an availability check.
public struct AvailabilityJSON: Codable, Equatable, Sendable {
    public struct Line: Codable, Equatable, Sendable {
        public var sku: String
        public var location: String?
        public var requested: Int64
        public var available: Int64
        public var satisfiable: Bool
    }

    public var lines: [Line]
    public var allSatisfiable: Bool

    public init(_ answers: [LineAvailability]) {
        lines = answers.map {
            Line(
                sku: $0.sku, location: $0.location, requested: $0.requested, available: $0.available,
                satisfiable: $0.satisfiable)
        }
        allSatisfiable = answers.allSatisfy(\.satisfiable)
    }
}

/// A store's location priority (allocation order).
public struct LocationPriorityJSON: Codable, Equatable, Sendable {
    public var locations: [String]

    public init(locations: [String]) { self.locations = locations }
}

/// A SKU's entry in the store's price list (`listed` false: no list price).
public struct PriceJSON: Codable, Equatable, Sendable {
    public var sku: String
    public var listed: Bool
    public var currency: String?
    public var unitPriceMinor: Int64?
    public var replayed: Bool

    public init(_ view: PriceView) {
        sku = view.sku
        listed = view.listed != nil
        currency = view.listed?.currency
        unitPriceMinor = view.listed?.unitPriceMinor
        replayed = view.replayed
    }
}
