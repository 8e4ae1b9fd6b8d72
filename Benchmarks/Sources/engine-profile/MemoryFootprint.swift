import Engine
import Glibc

/// Bytes of memory per stock record: the growth of the resident set while
/// stocking `stockRecords` SKUs of one store (tables included, with the slack
/// of arrays that grow by doubling).
enum MemoryFootprint {
    static func measure(stockRecords: Int, longNames: Bool) {
        var machine = StateMachine()
        let before = snapshot()
        var timestamp: Int64 = 1_700_000_000_000_000_000
        for index in 0..<stockRecords {
            // Short names (≤ 15 bytes) stay inside the String; long ones take a heap block.
            let sku = longNames ? "SKU-CATALOG-LONG-\(index)" : "sku\(index)"
            timestamp += 1
            let applied = machine.apply(.setStock(SetStock(store: "bench", sku: sku, onHand: 1_000)), at: timestamp)
            precondition(applied.lsn != nil, "setStock failed: \(applied.outcome)")
            machine.events.removeAll(keepingCapacity: true)
        }
        let after = snapshot()
        let residentPerRecord = Double(after - before) / Double(stockRecords)
        print(
            "engine-profile: memory: \(stockRecords) stock records (\(longNames ? "22–24" : "4–9")-byte SKU names): "
                + "resident \(Int(residentPerRecord.rounded())) B/record")
        withExtendedLifetime(machine) {}
    }

    /// Resident set size in bytes, from /proc/self/statm.
    private static func snapshot() -> Int {
        var residentPages = 0
        if let file = fopen("/proc/self/statm", "r") {
            var size = 0
            _ = withUnsafeMutablePointer(to: &size) { sizePointer in
                withUnsafeMutablePointer(to: &residentPages) { residentPointer in
                    withVaList([sizePointer, residentPointer]) { vfscanf(file, "%ld %ld", $0) }
                }
            }
            fclose(file)
        }
        return residentPages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
