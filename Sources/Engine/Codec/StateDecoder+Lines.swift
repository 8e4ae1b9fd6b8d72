/// The line pool as read, and which of its nodes are accounted for: on the free
/// list, or in the chain of exactly one live reservation or order. Claiming a
/// chain checks its links, length and tail, so no chain can loop, share nodes
/// or end elsewhere than it says.
struct DecodedLines {
    static let nodeBytes = 24

    var pool: LinePool
    /// Offset of the first node's bytes.
    let nodesOffset: Int
    private var claimed: [Bool]

    init(pool: LinePool, nodesOffset: Int) {
        self.pool = pool
        self.nodesOffset = nodesOffset
        claimed = [Bool](repeating: false, count: pool.nodes.count)
    }

    var nodeCount: Int { pool.nodes.count }

    func nodeOffset(_ index: Int32) -> Int { nodesOffset + Int(index) * Self.nodeBytes }

    /// Claims the free list: `freeCount` blank nodes from `freeHead` to the end.
    mutating func claimFreeList(at offset: Int) throws {
        var index = pool.freeHead
        var referrer = offset
        var length = 0
        while index != noSlot {
            let node = pool[index]
            guard !claimed[Int(index)], length < pool.freeCount else {
                throw DecodingError(
                    offset: referrer, reason: "free list of lines loops or is longer than \(pool.freeCount)")
            }
            guard node.stockRecord == noSlot, node.quantity == 0, node.unitPriceMinor == 0 else {
                throw DecodingError(offset: nodeOffset(index), reason: "free line node \(index) is not blank")
            }
            claimed[Int(index)] = true
            length += 1
            referrer = nodeOffset(index)
            index = node.next
        }
        guard length == pool.freeCount else {
            throw DecodingError(
                offset: offset, reason: "free list of lines holds \(length) nodes, not \(pool.freeCount)")
        }
    }

    /// Claims the chain of a live record in `store`: 1 or more nodes, each at a
    /// stock record of that store, quantity 1...`quantityMax`, unit price in
    /// `prices`. Returns Σ quantity × unit price (refusing overflow).
    mutating func claim(
        _ chain: LinePool.Chain, at offset: Int, store: Int32, prices: ClosedRange<Int64>, stock: StockTable
    ) throws -> Int64 {
        var index = chain.first
        var last = noSlot
        var length: Int32 = 0
        var amount: Int64 = 0
        while index != noSlot {
            let node = pool[index]
            guard !claimed[Int(index)], length < chain.count else {
                throw DecodingError(
                    offset: offset, reason: "line chain loops, shares node \(index) or is longer than \(chain.count)")
            }
            guard node.stockRecord != noSlot, stock.skus[Int(stock.records[Int(node.stockRecord)].sku)].store == store,
                (1...Limits.quantityMax).contains(node.quantity), prices.contains(node.unitPriceMinor)
            else {
                throw DecodingError(offset: nodeOffset(index), reason: "line node \(index) does not fit its record")
            }
            let (lineAmount, overflow) = node.quantity.multipliedReportingOverflow(by: node.unitPriceMinor)
            let (sum, sumOverflow) = amount.addingReportingOverflow(lineAmount)
            guard !overflow, !sumOverflow else { throw DecodingError(offset: offset, reason: "line amounts overflow") }
            claimed[Int(index)] = true
            amount = sum
            length += 1
            last = index
            index = node.next
        }
        guard length >= 1, length == chain.count, last == chain.last else {
            throw DecodingError(
                offset: offset,
                reason: "line chain has \(length) nodes ending at \(last), not \(chain.count) ending at \(chain.last)")
        }
        return amount
    }

    /// Checks that every node was claimed: none leaked.
    func checkAllClaimed() throws {
        if let leaked = claimed.firstIndex(of: false) {
            throw DecodingError(
                offset: nodeOffset(Int32(leaked)), reason: "line node \(leaked) is neither free nor in a live chain")
        }
    }
}

extension StateDecoder {
    /// The line pool: nodes (references range-checked), free head and count,
    /// with the free list claimed. Live chains are claimed by their owners.
    mutating func decodeLines(stockRecordCount: Int) throws -> DecodedLines {
        let count = try readCount(
            "line nodes", capacity: min(limits.lineNodesPerShardMax, Int(Int32.max)),
            elementBytes: DecodedLines.nodeBytes)
        let nodesOffset = offset
        var nodes: [LinePool.Node] = []
        nodes.reserveCapacity(limits.lineNodesPerShardMax)
        for _ in 0..<count {
            let stockRecord = try readReference("line stock record", below: stockRecordCount, nullable: true)
            let next = try readReference("next line", below: count, nullable: true)
            nodes.append(
                LinePool.Node(
                    stockRecord: stockRecord, next: next, quantity: try reader.readInt64(),
                    unitPriceMinor: try reader.readInt64()))
        }
        let freeHeadOffset = offset
        let freeHead = try readReference("free line head", below: count, nullable: true)
        let freeCountOffset = offset
        let freeCount = Int(try reader.readUInt32())
        guard freeCount <= count else {
            throw DecodingError(offset: freeCountOffset, reason: "\(freeCount) free lines of \(count) nodes")
        }
        var lines = DecodedLines(
            pool: LinePool(
                restoringNodes: nodes, freeHead: freeHead, freeCount: freeCount, capacity: limits.lineNodesPerShardMax),
            nodesOffset: nodesOffset)
        try lines.claimFreeList(at: freeHeadOffset)
        return lines
    }

    /// Reads a live record's chain and claims it; a blank record's chain must be empty.
    mutating func readChain(
        live: Bool, store: Int32, prices: ClosedRange<Int64>, lines: inout DecodedLines, stock: StockTable
    ) throws -> (chain: LinePool.Chain, amount: Int64) {
        let start = offset
        let chain = try readChain(nodeCount: lines.nodeCount)
        guard live else {
            guard chain == LinePool.Chain() else {
                throw DecodingError(offset: start, reason: "a free slot holds lines")
            }
            return (chain, 0)
        }
        return (chain, try lines.claim(chain, at: start, store: store, prices: prices, stock: stock))
    }
}
