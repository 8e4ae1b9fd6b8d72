import CHoldfastSupport
import Engine
import Foundation

/// A serial worker thread at the lowest CPU priority (nice 19), for work that
/// must not take the CPU from shard writers and journal I/O threads on a small
/// machine: snapshot encoding and writing, segment preallocation.
final class BackgroundWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var running = false
    private var stopped = false
    private var thread: Thread?

    init(name: String) {
        let thread = Thread { [self] in
            nameCurrentThread(name)
            // Linux applies nice per thread; 19 is the lowest priority.
            _ = holdfast_set_thread_nice(19)
            runJobs()
        }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Queues `job`; jobs run one at a time, in order. False (and the job
    /// dropped) once the worker was stopped.
    @discardableResult
    func async(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Returns once every job queued before the call has finished.
    func waitUntilIdle() {
        // A job cannot wait for itself (e.g. the last reference to an owner
        // dropped inside a job).
        if Thread.current == thread { return }
        condition.lock()
        while !jobs.isEmpty || running { condition.wait() }
        condition.unlock()
    }

    /// Finishes the queued jobs, then ends the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            running = true
            condition.unlock()
            job()
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
