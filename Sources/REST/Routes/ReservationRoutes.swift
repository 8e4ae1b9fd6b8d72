import Engine

/// `/api/v1/stores/{store}/reservations…`.
struct ReservationRoutes {
    let responder: CommandResponder

    func register(on stores: RouteGroup) {
        stores.post("reservations") { request, context in
            let store = try RequestParts.path("store", context)
            let body = try JSONBody.decode(ReserveBody.self, from: request)
            let id = RequestParts.entityID(
                body: body.reservationID, key: try RequestParts.idempotencyKey(request), prefix: "res-")
            let command = Reserve(
                store: store, reservationID: id, lines: body.lines.map(\.request),
                ttlSeconds: body.ttlSeconds ?? Limits.reservationTTLDefaultSeconds, owner: body.owner)
            let location = "/api/v1/stores/\(PathSegment.encode(store))/reservations/\(PathSegment.encode(id))"
            return try responder.run(.reserve(command), context, createdAt: location)
        }
        stores.get("reservations/{id}") { _, context in
            let reference = try Self.reference(context)
            return try responder.run(.getReservation(reference), context)
        }
        stores.post("reservations/{id}/extend") { request, context in
            let reference = try Self.reference(context)
            let body = try JSONBody.decode(ExtendBody.self, from: request)
            let command = ExtendReservation(
                store: reference.store, reservationID: reference.reservationID, ttlSeconds: body.ttlSeconds,
                requestKey: try RequestParts.idempotencyKey(request))
            return try responder.run(.extendReservation(command), context)
        }
        stores.delete("reservations/{id}") { _, context in
            try responder.run(.releaseReservation(try Self.reference(context)), context)
        }
        stores.post("reservations/{id}/confirm") { request, context in
            let reference = try Self.reference(context)
            let body = try JSONBody.decode(OrderTermsBody.self, from: request)
            let orderID = RequestParts.entityID(
                body: body.orderID, key: try RequestParts.idempotencyKey(request), prefix: "ord-")
            let command = ConfirmReservation(
                store: reference.store, reservationID: reference.reservationID, terms: body.terms(orderID: orderID))
            let location = "/api/v1/stores/\(PathSegment.encode(reference.store))/orders/\(PathSegment.encode(orderID))"
            return try responder.run(.confirmReservation(command), context, createdAt: location)
        }
    }

    private static func reference(_ context: RESTContext) throws -> ReservationReference {
        ReservationReference(
            store: try RequestParts.path("store", context), reservationID: try RequestParts.path("id", context))
    }
}
