import Synchronization

/// The children of a labelled family by their label values, created on first
/// use and kept for the life of the registry. Callers look a child up once and
/// keep it; only the lookup takes the lock.
final class SeriesTable<Child: AnyObject & Sendable>: Sendable {
    let familyName: String
    let labelNames: [String]
    private let maximum: Int
    private let make: @Sendable () -> Child
    private let children = Mutex<[[String]: Child]>([:])

    init(familyName: String, labelNames: [String], maximum: Int, make: @escaping @Sendable () -> Child) {
        self.familyName = familyName
        self.labelNames = labelNames
        self.maximum = maximum
        self.make = make
    }

    func child(_ values: [String]) throws(MetricsError) -> Child {
        guard values.count == labelNames.count else {
            throw .labelCountMismatch(family: familyName, expected: labelNames.count, given: values.count)
        }
        let result: Result<Child, MetricsError> = children.withLock { table in
            if let existing = table[values] { return .success(existing) }
            guard table.count < maximum else { return .failure(.tooManySeries(family: familyName, max: maximum)) }
            let created = make()
            table[values] = created
            return .success(created)
        }
        return try result.get()
    }

    /// Every child with its label values, ordered by label values.
    func sorted() -> [(values: [String], child: Child)] {
        children.withLock { table in table.map { (values: $0.key, child: $0.value) } }
            .sorted { $0.values.lexicographicallyPrecedes($1.values) }
    }
}
