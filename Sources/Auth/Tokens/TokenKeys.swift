/// The keys a `TokenVerifier` checks signatures with: an HS256 secret, an
/// RS256 public key, or both. A token's `alg` must match a configured key.
public struct TokenKeys: Sendable {
    /// Shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
    public static let secretBytesMin = 32

    let hmacSecret: [UInt8]?
    let rsaPublicKey: RSAKey?

    /// Why keys could not be made; safe to print (never contains key material).
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Keys from an HS256 secret and/or an RS256 public key in PEM ("-----BEGIN PUBLIC KEY-----").
    /// - Throws: `Invalid` when neither is given, the secret is shorter than `secretBytesMin`,
    ///   or the PEM is not an RSA public key of at least 2,048 bits.
    public init(hmacSecret: [UInt8]? = nil, rsaPublicKeyPEM: String? = nil) throws(Invalid) {
        guard hmacSecret != nil || rsaPublicKeyPEM != nil else {
            throw Invalid(description: "no key: give an HS256 secret or an RS256 public key")
        }
        if let hmacSecret, hmacSecret.count < Self.secretBytesMin {
            throw Invalid(
                description: "the HS256 secret is \(hmacSecret.count) bytes; at least \(Self.secretBytesMin) are needed"
            )
        }
        self.hmacSecret = hmacSecret
        if let rsaPublicKeyPEM {
            guard let key = RSAKey(publicKeyPEM: rsaPublicKeyPEM) else {
                throw Invalid(description: "the RS256 key is not a PEM RSA public key of at least 2048 bits")
            }
            rsaPublicKey = key
        } else {
            rsaPublicKey = nil
        }
    }

    /// The secret as the bytes of a secret file: surrounding whitespace and newlines trimmed.
    public static func secret(fromFileContents contents: [UInt8]) -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var slice = contents[...]
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return Array(slice)
    }

    /// The algorithms (`alg` values) these keys verify.
    public var algorithms: [String] {
        (hmacSecret == nil ? [] : ["HS256"]) + (rsaPublicKey == nil ? [] : ["RS256"])
    }
}
