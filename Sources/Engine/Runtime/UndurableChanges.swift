/// What a shard's memory holds that its log may not: the changes of batches
/// whose journal write failed. Their outcome is unknown — the journal may still
/// make them durable, or a restart may lose them — so no read may show them.
///
/// A read whose answer depends on such a change is refused (`journalFailure`)
/// until the journal reports the failed batches durable (a retrying journal
/// lifts its halt only then) — every other read is answered as usual. What a
/// read depends on is named by keys drawn from the failed batches' events,
/// which describe every change a command makes (`docs/semantics.md`, Events):
/// a stock read depends on its SKU (and on the store's location priority), a
/// reservation, cart or order read on that id, an order list on every order of
/// its store, a price read on that SKU's price.
///
/// Kept under the release queue's lock; the writer checks `isEmpty` through an
/// atomic first, so reads pay nothing while nothing failed.
struct UndurableChanges {
    enum Key: Hashable {
        case stock(store: String, sku: String)
        case storeStock(store: String)
        case reservation(store: String, id: String)
        case cart(store: String, id: String)
        case order(store: String, id: String)
        case orderList(store: String)
        case price(store: String, sku: String)
    }

    private var keys: Set<Key> = []
    /// The failure that left these changes unknown, to name in refusals.
    private(set) var reason: String?

    var isEmpty: Bool { keys.isEmpty }

    mutating func add(_ events: [Event], reason: String) {
        for event in events { Self.keys(of: event, into: &keys) }
        if self.reason == nil && !keys.isEmpty { self.reason = reason }
    }

    mutating func removeAll() {
        keys.removeAll()
        reason = nil
    }

    /// Why `command` (a query) may not be answered now, or nil if nothing it
    /// reads is unknown.
    func refusal(of command: Command) -> String? {
        guard !keys.isEmpty, let reason else { return nil }
        let unknown = Self.keys(readBy: command).contains { keys.contains($0) }
        return unknown ? "its last change is not yet durable (\(reason))" : nil
    }

    /// The keys whose changes a query's answer shows; none for a mutation.
    static func keys(readBy command: Command) -> [Key] {
        switch command {
        case .getStock(let query):
            [.storeStock(store: query.store), .stock(store: query.store, sku: query.sku)]
        case .checkAvailability(let query):
            [.storeStock(store: query.store)] + query.lines.map { .stock(store: query.store, sku: $0.sku) }
        case .getReservation(let reference): [.reservation(store: reference.store, id: reference.reservationID)]
        case .getCart(let reference): [.cart(store: reference.store, id: reference.cartID)]
        case .getOrder(let reference): [.order(store: reference.store, id: reference.orderID)]
        case .listOrders(let query): [.orderList(store: query.store)]
        case .getPrice(let query): [.price(store: query.store, sku: query.sku)]
        default: []
        }
    }

    private static func keys(of event: Event, into keys: inout Set<Key>) {
        forEachKey(of: event) { keys.insert($0) }
    }

    /// Calls `body` with each key whose reads `event`'s change shows in.
    static func forEachKey(of event: Event, _ body: (Key) -> Void) {
        let store = event.store
        switch event.kind {
        case .stockChanged(let change): body(.stock(store: store, sku: change.sku))
        case .lowStock(let sku, _, _, _), .backInStock(let sku, _, _): body(.stock(store: store, sku: sku))
        case .locationPriorityChanged: body(.storeStock(store: store))
        case .reservationPlaced(let id, _, _), .reservationExtended(let id, _), .reservationReleased(let id),
            .reservationExpired(let id):
            body(.reservation(store: store, id: id))
        case .reservationConfirmed(let id, let orderID):
            body(.reservation(store: store, id: id))
            body(.order(store: store, id: orderID))
            body(.orderList(store: store))
        case .cartChanged(let id), .cartHoldExpired(let id), .cartRemoved(let id):
            body(.cart(store: store, id: id))
        case .cartCheckedOut(let id, let orderID):
            body(.cart(store: store, id: id))
            body(.order(store: store, id: orderID))
            body(.orderList(store: store))
        case .orderPlaced(let id, _, _, _), .orderPaid(let id), .orderFulfilled(let id), .orderCancelled(let id):
            body(.order(store: store, id: id))
            body(.orderList(store: store))
        case .priceChanged(let sku, _): body(.price(store: store, sku: sku))
        }
    }
}
