@testable import Engine

// Request keys in the reference model: a keyed command's first success is
// recorded with its whole content (the command and its caller) under the
// caller's key space, and answered again for an equal retry; any other content
// under the key is a conflict.
extension ReferenceModel {
    mutating func applyKeyed(_ command: Command) -> Outcome {
        guard let (store, key) = Self.requestKey(of: command) else { return dispatch(command) }
        if let error = ModelValidation.identifier(key, field: "requestKey", maxBytes: Limits.requestKeyMaxBytes) {
            return .failure(error)
        }
        // Each customer has its own keys; service callers share the store's.
        // (A request key never holds U+0000, so the joined name is unambiguous.)
        let scoped = ModelKey(store: store, name: customer.map { "\($0)\u{0}\(key)" } ?? key)
        if let entry = requestKeys[scoped] {
            guard entry.command == command && entry.caller == caller else {
                if entry.caller != caller { notable["request key conflict across callers", default: 0] += 1 }
                return .failure(.idempotencyConflict(key: key))
            }
            notable[customer == nil ? "replayed request key" : "replayed request key (customer)", default: 0] += 1
            return .success(Self.markedReplayed(entry.result))
        }
        let outcome = dispatch(command)
        if case .success(let result) = outcome, changed, stores[store] != nil {
            if requestKeyQueue.count >= limits.idempotencyKeysPerShardMax {
                notable["evicted request key", default: 0] += 1
                requestKeys[requestKeyQueue.removeFirst()] = nil
            }
            requestKeys[scoped] = ModelRequestKeyEntry(
                command: command, caller: caller, result: result, recordedAt: clock)
            requestKeyQueue.append(scoped)
        }
        return outcome
    }

    static func requestKey(of command: Command) -> (store: String, key: String)? {
        let pair: (String, String?)
        switch command {
        case .setStock(let command): pair = (command.store, command.requestKey)
        case .adjustStock(let command): pair = (command.store, command.requestKey)
        case .setLocationPriority(let command): pair = (command.store, command.requestKey)
        case .extendReservation(let command): pair = (command.store, command.requestKey)
        case .addCartItem(let command): pair = (command.store, command.requestKey)
        case .setPrice(let command): pair = (command.store, command.requestKey)
        case .payOrder(let command), .fulfillOrder(let command), .cancelOrder(let command):
            pair = (command.store, command.requestKey)
        default: return nil
        }
        guard let key = pair.1 else { return nil }
        return (pair.0, key)
    }

    static func markedReplayed(_ result: CommandResult) -> CommandResult {
        switch result {
        case .stockRecord(var view):
            view.replayed = true
            return .stockRecord(view)
        case .reservation(var view):
            view.replayed = true
            return .reservation(view)
        case .cart(var view):
            view.replayed = true
            return .cart(view)
        case .order(var view):
            view.replayed = true
            return .order(view)
        case .price(var view):
            view.replayed = true
            return .price(view)
        default:
            return result
        }
    }
}
