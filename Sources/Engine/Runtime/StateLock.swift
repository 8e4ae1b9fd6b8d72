import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The lock of a shard's state between its writer and reads without the
/// queue. The writer takes it for each batch it applies (and briefly to mark
/// a batch durable); a reader on a network thread takes it only while no
/// writer holds or waits for it, and otherwise gives up at once — so a
/// network thread never waits for a batch to be applied. Readers exclude one
/// another too, but each holds it for one query's answer only.
final class StateLock: @unchecked Sendable {  // the mutex is only used through pthread calls
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Writers holding or waiting for the lock.
    private let writers = Atomic<Int>(0)

    init() {
        mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Takes the lock for the writer side, waiting as long as it takes.
    func lockAsWriter() {
        writers.wrappingAdd(1, ordering: .relaxed)
        pthread_mutex_lock(mutex)
    }

    func unlockAsWriter() {
        pthread_mutex_unlock(mutex)
        writers.wrappingSubtract(1, ordering: .relaxed)
    }

    func withWriterLock<Value>(_ body: () -> Value) -> Value {
        lockAsWriter()
        defer { unlockAsWriter() }
        return body()
    }

    /// Runs `body` under the lock unless a writer holds or wants it; nil then.
    /// While another reader holds it, tries again (a read is short).
    func withReaderLockIfWriterIdle<Value>(_ body: () -> Value?) -> Value? {
        while pthread_mutex_trylock(mutex) != 0 {
            if writers.load(ordering: .relaxed) > 0 { return nil }
            sched_yield()
        }
        defer { pthread_mutex_unlock(mutex) }
        if writers.load(ordering: .relaxed) > 0 { return nil }
        return body()
    }
}
