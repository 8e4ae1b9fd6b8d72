import CHoldfastSupport

/// Names the calling thread as `ps -L`, `top -H`, `perf` and
/// `/proc/*/task/*/comm` show it (Linux keeps 15 bytes). Call it first thing
/// in the thread's body: on Linux, Foundation's `Thread.name` set before
/// `start()` does not reach the kernel, and a new thread keeps its creator's
/// name (often a dispatch worker's, "com.apple.root.default-qos" cut to 15 bytes).
public func nameCurrentThread(_ name: String) {
    _ = holdfast_set_thread_name(name)
}
