import Engine

/// One client of the checkout funnel: each round reserves a batch of 1–3 line
/// holds on random SKUs of one store, then confirms half (and pays and fulfils
/// those orders) and releases the rest.
struct FunnelClient {
    let index: Int
    let workload: DemoWorkload
    var tally = FunnelTally()
    private var random: SplitMix64
    private var round = 0

    init(index: Int, workload: DemoWorkload) {
        self.index = index
        self.workload = workload
        random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    }

    mutating func runRound(_ runtime: ShardRuntime) async {
        round += 1
        let store = workload.storeName(Int(random.next() % UInt64(workload.stores)))
        let reservations = (0..<workload.batchSize).map { request in
            let lineCount = 1 + Int(random.next() % 3)
            let lines = (0..<lineCount).map { _ in
                LineRequest(sku: "SKU-\(random.next() % UInt64(workload.skusPerStore))", quantity: 1)
            }
            return Reserve(store: store, reservationID: "c\(index)-\(round)-\(request)", lines: lines, ttlSeconds: 60)
        }
        let placed = await runtime.execute(batch: reservations.map(Command.reserve))
        tally.reserves.add(placed)

        var confirms: [Command] = []
        var releases: [Command] = []
        for (reservation, outcome) in zip(reservations, placed) {
            guard case .success = outcome else { continue }
            if random.next() % 2 == 0 {
                let prices = reservation.lines.map { UnitPrice(sku: $0.sku, unitPriceMinor: 1_999) }
                let terms = OrderTerms(
                    orderID: "o-\(reservation.reservationID)", customerID: "customer-\(index)", currency: "EUR",
                    prices: prices)
                confirms.append(
                    .confirmReservation(ConfirmReservation(store: store, reservationID: reservation.reservationID, terms: terms)))
            } else {
                releases.append(.releaseReservation(ReservationReference(store: store, reservationID: reservation.reservationID)))
            }
        }
        let confirmed = await runtime.execute(batch: confirms + releases)
        tally.confirmsAndReleases.add(confirmed)

        let orderIDs = confirmed.prefix(confirms.count).compactMap { outcome -> String? in
            if case .success(.order(let order)) = outcome { order.orderID } else { nil }
        }
        let payments = orderIDs.map { Command.payOrder(OrderTransition(store: store, orderID: $0)) }
        tally.transitions.add(await runtime.execute(batch: payments))
        let fulfilments = orderIDs.map { Command.fulfillOrder(OrderTransition(store: store, orderID: $0)) }
        tally.transitions.add(await runtime.execute(batch: fulfilments))
    }
}

struct FunnelTally: Sendable {
    var reserves = Tally()
    var confirmsAndReleases = Tally()
    var transitions = Tally()

    var operations: Int {
        [reserves, confirmsAndReleases, transitions].reduce(0) { $0 + $1.succeeded + $1.insufficient + $1.otherErrors }
    }

    mutating func merge(_ other: FunnelTally) {
        reserves.merge(other.reserves)
        confirmsAndReleases.merge(other.confirmsAndReleases)
        transitions.merge(other.transitions)
    }
}
