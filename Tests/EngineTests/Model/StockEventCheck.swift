@testable import Engine

/// Checks the stock events of one logged command against the model's stock
/// before and after it: every record whose levels changed is announced by a
/// `stockChanged` event, the last announcement of a record carries its final
/// levels, and for a record announced once, `lowStock` / `backInStock` fire
/// exactly when available crossed the threshold / rose above zero.
enum StockEventCheck {
    private struct RecordName: Hashable, CustomStringConvertible {
        var store: String
        var sku: String
        var location: String

        var description: String { "\(store)/\(sku)@\(location)" }
    }

    static func differences(before: [String: ModelStore], after: [String: ModelStore], events: [Event]) -> [String] {
        var announced: [RecordName: StockLevels] = [:]
        var announcements: [RecordName: Int] = [:]
        var lowStock: Set<RecordName> = []
        var backInStock: Set<RecordName> = []
        for event in events {
            switch event.kind {
            case .stockChanged(let change):
                let name = RecordName(store: event.store, sku: change.sku, location: change.location)
                announced[name] = change.levels
                announcements[name, default: 0] += 1
            case .lowStock(let sku, let location, _, _):
                lowStock.insert(RecordName(store: event.store, sku: sku, location: location))
            case .backInStock(let sku, let location, _):
                backInStock.insert(RecordName(store: event.store, sku: sku, location: location))
            default:
                break
            }
        }

        var differences: [String] = []
        var seen = 0
        for (storeName, store) in after {
            for (sku, records) in store.stock {
                for (location, levels) in records {
                    let name = RecordName(store: storeName, sku: sku, location: location)
                    let previous = before[storeName]?.stock[sku]?[location]
                    guard let last = announced[name] else {
                        if previous != levels { differences.append("\(name) changed without a stockChanged event") }
                        continue
                    }
                    seen += 1
                    if last != levels { differences.append("\(name) announced \(last) but holds \(levels)") }
                    guard announcements[name] == 1 else { continue }
                    let availableBefore = previous?.available ?? 0
                    let threshold = levels.lowStockThreshold
                    let fellBelow = threshold > 0 && availableBefore >= threshold && levels.available < threshold
                    let cameBack = availableBefore <= 0 && levels.available > 0
                    if fellBelow != lowStock.contains(name) {
                        differences.append("\(name): lowStock \(lowStock.contains(name)), but available went \(availableBefore) → \(levels.available) against \(threshold)")
                    }
                    if cameBack != backInStock.contains(name) {
                        differences.append("\(name): backInStock \(backInStock.contains(name)), but available went \(availableBefore) → \(levels.available)")
                    }
                }
            }
        }
        if seen != announced.count { differences.append("stockChanged announced a record that does not exist") }
        return differences
    }
}
