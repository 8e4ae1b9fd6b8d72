import ArgumentParser
import Auth
import Foundation

/// `holdfast serve`'s authentication options: where the token keys come from,
/// or the development flag that turns authentication off.
struct ServeAuthOptions: ParsableArguments {
    @Option(help: "HS256: file holding the JWT secret (else env HOLDFAST_JWT_SECRET, else <data-dir>/jwt-secret).")
    var jwtSecretFile: String?

    @Option(help: "RS256: PEM file of the RSA public key tokens are signed for (\"BEGIN PUBLIC KEY\").")
    var jwtPublicKeyFile: String?

    @Option(help: "Require this 'iss' claim in tokens.")
    var jwtIssuer: String?

    @Option(help: "Require this 'aud' claim (a string or an array containing it) in tokens.")
    var jwtAudience: String?

    @Flag(help: "DEVELOPMENT ONLY: no authentication; every client acts as an admin of every store.")
    var insecureDisableAuth = false

    /// The file name of the secret created in the data directory when no key is configured.
    static let defaultSecretFileName = "jwt-secret"

    func validate() throws {
        let keyOptions = [jwtSecretFile, jwtPublicKeyFile, jwtIssuer, jwtAudience].compactMap { $0 }
        if insecureDisableAuth && !keyOptions.isEmpty {
            throw ValidationError("--insecure-disable-auth cannot be combined with --jwt-* options")
        }
    }

    /// The authenticator the options describe, reporting what it uses on `say` and what is
    /// unsafe on `warn` (never a secret). Creates `<dataDirectory>/jwt-secret` when no key
    /// is configured and it does not exist yet.
    func makeAuthenticator(
        dataDirectory: String, say: (String) -> Void, warn: (String) -> Void
    ) throws -> Authenticator {
        if insecureDisableAuth {
            warn(Self.insecureWarning)
            return .disabled
        }
        var secret: [UInt8]?
        let environmentSecret = ProcessInfo.processInfo.environment["HOLDFAST_JWT_SECRET"].map { Array($0.utf8) }
        if let jwtSecretFile {
            secret = try SecretFile.read(jwtSecretFile, say: warn)
            say("auth: HS256 tokens, secret from \(jwtSecretFile)")
        } else if let environmentSecret, !environmentSecret.isEmpty {
            secret = TokenKeys.secret(fromFileContents: environmentSecret)
            say("auth: HS256 tokens, secret from env HOLDFAST_JWT_SECRET")
        } else if jwtPublicKeyFile == nil {
            let path = (dataDirectory as NSString).appendingPathComponent(Self.defaultSecretFileName)
            let created = try SecretFile.createIfMissing(path)
            secret = try SecretFile.read(path, say: warn)
            say("auth: HS256 tokens, secret \(created ? "created in" : "from") \(path) (mode 0600; never printed)")
            say(
                "auth: make a token with: holdfast token create --data-dir \(dataDirectory) --role admin --store '*' --subject <you>"
            )
        }
        var publicKeyPEM: String?
        if let jwtPublicKeyFile {
            guard let text = try? String(contentsOfFile: jwtPublicKeyFile, encoding: .utf8) else {
                throw ValidationError("cannot read --jwt-public-key-file \(jwtPublicKeyFile)")
            }
            publicKeyPEM = text
            say("auth: RS256 tokens, public key from \(jwtPublicKeyFile)")
        }
        do {
            let keys = try TokenKeys(hmacSecret: secret, rsaPublicKeyPEM: publicKeyPEM)
            if let jwtIssuer { say("auth: tokens must have iss '\(jwtIssuer)'") }
            if let jwtAudience { say("auth: tokens must have aud '\(jwtAudience)'") }
            return .tokens(TokenVerifier(keys: keys, issuer: jwtIssuer, audience: jwtAudience))
        } catch {
            throw ValidationError("auth: \(error.description)")
        }
    }

    static let insecureWarning = """
        ************************************************************************
        WARNING: --insecure-disable-auth: AUTHENTICATION IS OFF.
        WARNING: every client, without any token, acts as an admin of every
        WARNING: store: it can set stock, cancel orders and read all events.
        WARNING: For development on a trusted machine only. Never in production.
        ************************************************************************
        """
}

/// The HS256 secret file: read with its permissions checked, or created once.
enum SecretFile {
    /// The secret bytes of `path` (surrounding whitespace trimmed).
    static func read(_ path: String, say: (String) -> Void) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the JWT secret file \(path)")
        }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & 0o077 != 0 {
            say("WARNING: the JWT secret file \(path) is readable by group or others; chmod 600 it")
        }
        let secret = TokenKeys.secret(fromFileContents: Array(data))
        guard secret.count >= TokenKeys.secretBytesMin else {
            throw ValidationError(
                "the JWT secret in \(path) is \(secret.count) bytes; at least \(TokenKeys.secretBytesMin) are needed")
        }
        return secret
    }

    /// Creates `path` with 32 random bytes from /dev/urandom as hex, mode 0600, written
    /// atomically (temporary file, fsync, rename); false when it already exists.
    static func createIfMissing(_ path: String) throws -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom"),
            let bytes = try? random.read(upToCount: 32), bytes.count == 32
        else { throw ValidationError("cannot read 32 random bytes from /dev/urandom") }
        try? random.close()
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        let contents = Array((hex.joined() + "\n").utf8)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ValidationError("cannot create \(temporary): errno \(errno)") }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == contents.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ValidationError("cannot write the JWT secret file \(path)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return true
    }
}
