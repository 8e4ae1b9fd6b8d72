@testable import Engine

// Customer journeys: after a customer's new reservation or changed cart, the
// generator now and then queues its next step (confirm, add, check out) or
// another customer's attempt on the same reservation or cart. Queued steps are
// taken soon, so they meet the reservation or cart while it is still there.
extension CommandGenerator {
    mutating func scheduleFollowUp(after command: Command, result: CommandResult, by customer: String) {
        guard followUps.count < 4, let target = command.store else { return }
        switch (command, result) {
        case (.reserve, .reservation(let view)) where !view.replayed:
            followUp(reservation: ReservationReference(store: target, reservationID: view.reservationID), of: customer)
        case (_, .cart(let view)) where !view.replayed && !view.lines.isEmpty:
            followUp(cart: CartReference(store: target, cartID: view.cartID), of: customer)
        default:
            break
        }
    }

    /// The owner confirms it, or another customer releases or confirms it.
    private mutating func followUp(reservation: ReservationReference, of owner: String) {
        let choice = random.weighted([40, 15, 45])
        guard choice < 2 else { return }
        let caller = choice == 0 ? owner : random.pick(customerNames)
        let confirm = ConfirmReservation(
            store: reservation.store, reservationID: reservation.reservationID,
            terms: customerTerms(caller, store: reservation.store))
        let command: Command =
            choice == 1 && random.chance(0.5) ? .releaseReservation(reservation) : .confirmReservation(confirm)
        followUps.append((command, .customer(caller)))
    }

    /// The owner checks it out or adds to it, or another customer reads or checks it out.
    private mutating func followUp(cart: CartReference, of owner: String) {
        let choice = random.weighted([15, 15, 10, 60])
        guard choice < 3 else { return }
        let caller = choice == 2 ? random.pick(customerNames) : owner
        let checkout = CheckoutCart(
            store: cart.store, cartID: cart.cartID, terms: customerTerms(caller, store: cart.store))
        let command: Command =
            switch choice {
            case 0: .checkoutCart(checkout)
            case 1:
                .addCartItem(
                    AddCartItem(store: cart.store, cartID: cart.cartID, sku: sku(), quantity: random.int64(1...3)))
            default: random.chance(0.5) ? .getCart(cart) : .checkoutCart(checkout)
            }
        followUps.append((command, .customer(caller)))
    }
}
