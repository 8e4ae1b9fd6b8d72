import NIOCore
import Synchronization

/// A fixed number of connections to one endpoint, handed out in turn. A slot
/// connects on first use (or in `connectAll`) and again after its connection
/// closed; while one slot reconnects, calls go to the open ones.
final class ConnectionPool: Sendable {
    typealias ConnectTask = Task<Result<WireConnection, HoldfastClientError>, Never>

    enum Slot {
        case empty
        case connecting(ConnectTask)
        case open(WireConnection)
    }

    struct State {
        var slots: [Slot]
        var nextSlot = 0
        var isShutDown = false
    }

    let endpoint: WireEndpoint
    let clientID: String
    let credentials: String
    let group: (any EventLoopGroup)?
    private let state: Mutex<State>

    init(endpoint: WireEndpoint, clientID: String, credentials: String, size: Int, group: (any EventLoopGroup)?) {
        precondition(size >= 1, "a pool has at least one connection")
        self.endpoint = endpoint
        self.clientID = clientID
        self.credentials = credentials
        self.group = group
        state = Mutex(State(slots: Array(repeating: .empty, count: size)))
    }

    var size: Int { state.withLock { $0.slots.count } }

    /// Whether `shutdown` was called: no call can succeed any more.
    var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// An open connection: the next open slot in turn, or (when none is open)
    /// the next slot once it has connected.
    ///
    /// - Throws: `connectFailed` / `timeout` / a refused handshake, or
    ///   `connectionClosed` once the pool is shut down.
    func connection() async throws(HoldfastClientError) -> WireConnection {
        let choice = state.withLock { state -> Choice in
            guard !state.isShutDown else { return .shutDown }
            return choose(&state)
        }
        switch choice {
        case .shutDown: throw .connectionClosed
        case .open(let connection): return connection
        case .wait(let task, let slot): return try await finishConnecting(task, slot: slot)
        }
    }

    /// Connects every slot that is not open; throws the first failure.
    func connectAll() async throws(HoldfastClientError) {
        let tasks = state.withLock { state -> [(ConnectTask, Int)] in
            guard !state.isShutDown else { return [] }
            return state.slots.indices.compactMap { slot in
                switch state.slots[slot] {
                case .open(let connection) where !connection.isClosed: return nil
                case .connecting(let task): return (task, slot)
                default: return (startConnecting(&state, slot: slot), slot)
                }
            }
        }
        for (task, slot) in tasks { _ = try await finishConnecting(task, slot: slot) }
    }

    /// Closes every connection; later calls fail with `connectionClosed`.
    func shutdown() async {
        let slots = state.withLock { state -> [Slot] in
            state.isShutDown = true
            defer { state.slots = Array(repeating: .empty, count: state.slots.count) }
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .empty: break
            case .open(let connection): await connection.close()
            case .connecting(let task): if case .success(let connection) = await task.value { await connection.close() }
            }
        }
    }

    // MARK: Choosing a slot

    private enum Choice {
        case shutDown
        case open(WireConnection)
        case wait(ConnectTask, slot: Int)
    }

    /// Takes the first open slot from `nextSlot` on, starting reconnects for
    /// closed ones on the way; with none open, waits for the first slot's connect.
    private func choose(_ state: inout State) -> Choice {
        let count = state.slots.count
        let first = state.nextSlot
        state.nextSlot = (first + 1) % count
        var firstTask: ConnectTask?
        for step in 0..<count {
            let slot = (first + step) % count
            switch state.slots[slot] {
            case .open(let connection) where !connection.isClosed:
                if step > 0 { state.nextSlot = (slot + 1) % count }
                return .open(connection)
            case .connecting(let task):
                if step == 0 { firstTask = task }
            case .open, .empty:
                let task = startConnecting(&state, slot: slot)
                if step == 0 { firstTask = task }
            }
        }
        return .wait(firstTask!, slot: first)
    }

    private func startConnecting(_ state: inout State, slot: Int) -> ConnectTask {
        let (endpoint, clientID, credentials, group) = (self.endpoint, self.clientID, self.credentials, self.group)
        let task = ConnectTask {
            do throws(HoldfastClientError) {
                return .success(
                    try await WireConnection.connect(
                        to: endpoint, clientID: clientID, credentials: credentials, group: group))
            } catch {
                return .failure(error)
            }
        }
        state.slots[slot] = .connecting(task)
        return task
    }

    /// Waits for a slot's connect and records its result in the slot.
    private func finishConnecting(_ task: ConnectTask, slot: Int) async throws(HoldfastClientError) -> WireConnection {
        let result = await task.value
        let orphan = state.withLock { state -> WireConnection? in
            guard case .connecting(let current) = state.slots[slot], current == task else {
                // Shut down meanwhile (the slot was emptied): the connection has no home.
                return state.isShutDown ? try? result.get() : nil
            }
            switch result {
            case .success(let connection): state.slots[slot] = .open(connection)
            case .failure: state.slots[slot] = .empty
            }
            return nil
        }
        if let orphan {
            await orphan.close()
            throw .connectionClosed
        }
        return try result.get()
    }
}
