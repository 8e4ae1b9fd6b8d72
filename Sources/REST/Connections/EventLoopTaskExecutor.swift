import NIOCore

/// Runs a REST connection's task on the connection's own event loop, so a
/// request is read, routed, answered and written on the thread that owns its
/// socket. The only thread hops left are into the shard's writer and back.
///
/// Handlers must not block: on this executor they run on the event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
