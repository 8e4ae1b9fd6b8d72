/// The lines of all reservations and orders, as singly linked nodes in one
/// contiguous pool. Freed nodes go on a free list, so steady-state traffic
/// neither allocates nor fragments. The pool reserves `reservedCapacity`
/// nodes (`Limits.lineNodesPerShardMax`) up front, lazily committed memory,
/// so it never reallocates below that.
struct LinePool: Sendable {
    struct Node: Sendable, Equatable {
        /// The stock record the quantity is held or committed at.
        var stockRecord: Int32
        var next: Int32
        var quantity: Int64
        var unitPriceMinor: Int64
    }

    private(set) var nodes: [Node] = []
    private(set) var freeHead: Int32 = noSlot
    private(set) var freeCount = 0
    /// The nodes the pool was sized for; past it, the array doubles.
    private(set) var reservedCapacity = 0
    /// Nodes whose pages were asked for ahead of use (`PageCommitter`).
    private var committedNodes = 0

    init(capacity: Int = 0) {
        precondition(capacity >= 0)
        reservedCapacity = capacity
        nodes.reserveCapacity(capacity)
    }

    var liveCount: Int { nodes.count - freeCount }

    /// A chain being built in order: first node and last node.
    struct Chain: Sendable, Equatable {
        var first: Int32 = noSlot
        var last: Int32 = noSlot
        var count: Int32 = 0
    }

    mutating func append(to chain: inout Chain, stockRecord: Int32, quantity: Int64, unitPriceMinor: Int64 = 0) {
        let node = Node(stockRecord: stockRecord, next: noSlot, quantity: quantity, unitPriceMinor: unitPriceMinor)
        let index: Int32
        if freeHead != noSlot {
            index = freeHead
            freeHead = nodes[Int(index)].next
            freeCount -= 1
            nodes[Int(index)] = node
        } else {
            nodes.append(node, reserving: reservedCapacity, committedThrough: &committedNodes)
            index = Int32(nodes.count - 1)
        }
        if chain.last == noSlot {
            chain.first = index
        } else {
            nodes[Int(chain.last)].next = index
        }
        chain.last = index
        chain.count += 1
    }

    /// The pool's shape before an allocation that may have to be undone.
    struct Mark: Sendable {
        var nodeCount: Int
        var freeHead: Int32
        var freeCount: Int
    }

    var mark: Mark { Mark(nodeCount: nodes.count, freeHead: freeHead, freeCount: freeCount) }

    /// Undoes every append made since `mark` (all of them into `chain`), leaving
    /// the pool exactly as it was — node order, free list and size — so a failed
    /// command leaves no trace in the state.
    mutating func rollback(_ chain: LinePool.Chain, to mark: Mark) {
        var reused: [Int32] = []
        var index = chain.first
        while index != noSlot {
            if Int(index) < mark.nodeCount { reused.append(index) }
            index = nodes[Int(index)].next
        }
        nodes.removeSubrange(mark.nodeCount...)
        for (position, node) in reused.enumerated() {
            let next = position + 1 < reused.count ? reused[position + 1] : freeHead
            nodes[Int(node)] = Node(stockRecord: noSlot, next: next, quantity: 0, unitPriceMinor: 0)
        }
        if let first = reused.first { freeHead = first }
        freeCount += reused.count
        assert(freeHead == mark.freeHead && freeCount == mark.freeCount && nodes.count == mark.nodeCount)
    }

    /// Returns every node of the chain starting at `first` to the free list.
    mutating func free(chainStartingAt first: Int32) {
        var index = first
        while index != noSlot {
            let next = nodes[Int(index)].next
            nodes[Int(index)] = Node(stockRecord: noSlot, next: freeHead, quantity: 0, unitPriceMinor: 0)
            freeHead = index
            freeCount += 1
            index = next
        }
    }

    subscript(index: Int32) -> Node {
        get { nodes[Int(index)] }
        _modify { yield &nodes[Int(index)] }
    }

    /// Calls `body` for each node of a chain, in order.
    func forEach(chainStartingAt first: Int32, _ body: (Node) throws -> Void) rethrows {
        var index = first
        while index != noSlot {
            let node = nodes[Int(index)]
            try body(node)
            index = node.next
        }
    }
}

extension LinePool {
    /// A pool of `capacity` nodes restored from its encoding (the caller has
    /// checked the free list and every chain).
    init(restoringNodes nodes: [Node], freeHead: Int32, freeCount: Int, capacity: Int) {
        self.init()
        self.nodes = nodes
        reservedCapacity = capacity
        self.nodes.reserveCapacity(capacity)
        self.freeHead = freeHead
        self.freeCount = freeCount
    }
}
