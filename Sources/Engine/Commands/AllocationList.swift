/// The allocations of a reservation, kept inline when there is just one so the
/// common single-line reserve answers without a heap allocation.
public struct AllocationList: Sendable, Equatable, RandomAccessCollection {
    private var single: LineAllocation?
    private var many: [LineAllocation]

    public init() {
        single = nil
        many = []
    }

    public init(_ allocations: [LineAllocation]) {
        if allocations.count == 1 {
            single = allocations[0]
            many = []
        } else {
            single = nil
            many = allocations
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { single == nil ? many.count : 1 }

    public subscript(position: Int) -> LineAllocation {
        if let single {
            precondition(position == 0, "AllocationList index out of range")
            return single
        }
        return many[position]
    }

    /// Appends one allocation; the second append moves the list to the heap.
    public mutating func append(_ allocation: LineAllocation) {
        if let existing = single {
            many = [existing, allocation]
            single = nil
        } else if many.isEmpty {
            single = allocation
        } else {
            many.append(allocation)
        }
    }

    public static func == (lhs: AllocationList, rhs: AllocationList) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
