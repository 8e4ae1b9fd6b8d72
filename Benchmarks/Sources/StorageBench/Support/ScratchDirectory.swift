import Foundation
import Glibc

/// A fresh directory for one benchmark process, removed at the end. Refuses
/// tmpfs and other memory-backed file systems: fdatasync there costs nothing.
struct ScratchDirectory {
    let path: String
    /// The file system type, from /proc/mounts (as `df -T` shows it).
    let fileSystem: String

    private static let memoryBacked: Set<String> = ["tmpfs", "ramfs"]

    init(parent: String) throws(BenchFailure) {
        let path = (parent as NSString).appendingPathComponent("holdfast-storage-bench-\(getpid())")
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BenchFailure("cannot create \(path): \(error)")
        }
        fileSystem = Self.fileSystemType(of: path)
        guard !Self.memoryBacked.contains(fileSystem) else {
            try? FileManager.default.removeItem(atPath: path)
            throw BenchFailure("\(parent) is on \(fileSystem); pass --directory on a real disk")
        }
        self.path = path
    }

    /// A path inside the scratch directory (not created).
    func child(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: child(name))
    }

    func removeAll() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The type of the mount with the longest mount point that contains `path`.
    private static func fileSystemType(of path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return "unknown" }
        var best = (mountPoint: "", type: "unknown")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = String(fields[1])
            let contains = mountPoint == "/" || resolved == mountPoint || resolved.hasPrefix(mountPoint + "/")
            if contains && mountPoint.count >= best.mountPoint.count { best = (mountPoint, String(fields[2])) }
        }
        return best.type
    }
}
