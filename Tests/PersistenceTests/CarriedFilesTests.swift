import Engine
import Foundation
import Testing

@testable import Persistence

/// Files carried by backup and restore beside the log (the token secret).
@Suite struct CarriedFilesTests {
    @Test("Backup and restore carry a named file, owner-only, and skip one the source lacks")
    func carried() async throws {
        let directory = TemporaryDirectory()
        let source = directory.sub("source")
        let node = try DurableNode(path: source, shardCount: 1, options: smallLogOptions())
        await run(workload(100, seed: 90), on: node)
        node.shutdown()
        let secret = Data("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n".utf8)
        try secret.write(to: URL(fileURLWithPath: source + "/jwt-secret"))
        chmod(source + "/jwt-secret", 0o644)

        let backup = try Operations.backup(from: source, to: directory.sub("backup"), carrying: ["jwt-secret", "absent"])
        #expect(backup.carriedFiles == ["jwt-secret"])
        let restore = try Operations.restore(from: directory.sub("backup"), to: directory.sub("restored"), carrying: ["jwt-secret"])
        #expect(restore.carriedFiles == ["jwt-secret"])
        for target in ["backup", "restored"] {
            let path = directory.sub(target + "/jwt-secret")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == secret)
            #expect(FileSystem.permissions(of: path) == 0o600, "never wider than owner-only, whatever the source's mode")
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.sub("backup/absent")))
    }

    @Test("A carried file that cannot be copied fails the restore loudly, and the target is no data directory")
    func refusedLoudly() async throws {
        let directory = TemporaryDirectory()
        let source = directory.sub("source")
        DurableNode.openAndClose(source)
        try FileManager.default.createDirectory(atPath: source + "/jwt-secret", withIntermediateDirectories: false)

        let error = PersistenceErrorCatcher.error {
            _ = try Operations.restore(from: source, to: directory.sub("restored"), carrying: ["jwt-secret"])
        }
        #expect("\(String(describing: error))".contains("jwt-secret is not a regular file"))
        #expect(!FileManager.default.fileExists(atPath: directory.sub("restored/MANIFEST")), "the MANIFEST comes last")
        let backupError = PersistenceErrorCatcher.error {
            _ = try Operations.backup(from: source, to: directory.sub("backup"), carrying: ["jwt-secret"])
        }
        #expect(backupError != nil)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("backup/MANIFEST")))
        #expect(PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.sub("restored"), options: smallLogOptions()) } != nil)
    }
}

extension DurableNode {
    /// Creates a data directory with a node and closes it.
    static func openAndClose(_ path: String) {
        (try? DurableNode(path: path, shardCount: 1, options: smallLogOptions()))?.shutdown()
    }
}
