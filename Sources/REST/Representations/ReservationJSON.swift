import Engine

/// Where a reservation's or a cart hold's units come from.
public struct AllocationJSON: Codable, Equatable, Sendable {
    public var sku: String
    public var location: String
    public var quantity: Int64

    public init(_ allocation: LineAllocation) {
        sku = allocation.sku
        location = allocation.location
        quantity = allocation.quantity
    }
}

/// A reservation.
public struct ReservationJSON: Codable, Equatable, Sendable {
    public var reservationID: String
    /// `active`, `released`, `confirmed` or `expired`.
    public var status: String
    public var owner: String?
    public var deadlineNanoseconds: Int64
    public var deadline: String
    public var orderID: String?
    public var allocations: [AllocationJSON]
    public var replayed: Bool

    public init(_ view: ReservationView) {
        reservationID = view.reservationID
        status = view.status.description
        owner = view.owner
        deadlineNanoseconds = view.deadline
        deadline = OperatorTime.iso8601(nanoseconds: view.deadline)
        orderID = view.orderID
        allocations = view.allocations.map(AllocationJSON.init)
        replayed = view.replayed
    }
}
