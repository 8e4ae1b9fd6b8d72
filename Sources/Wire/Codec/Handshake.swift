import Engine

/// The `hello` request: the first frame of every connection.
/// Item: `u16 protocolVersion`, `string clientID` (1–64 bytes), `string credentials` (≤ 8,192 bytes; empty when none).
public struct Hello: Sendable, Equatable {
    public var protocolVersion: UInt16
    public var clientID: String
    public var credentials: String

    public init(protocolVersion: UInt16 = UInt16(WireProtocol.version), clientID: String, credentials: String = "") {
        self.protocolVersion = protocolVersion
        self.clientID = clientID
        self.credentials = credentials
    }

    public func encode(into writer: inout BinaryWriter) {
        writer.write(protocolVersion)
        writer.write(clientID)
        writer.write(credentials)
    }

    public static func decode(from reader: inout BinaryReader) throws -> Hello {
        let version = try reader.readUInt16()
        let clientID = try reader.readString(maxBytes: WireLimits.clientIDMaxBytes)
        let credentials = try reader.readString(maxBytes: WireLimits.credentialsMaxBytes)
        return Hello(protocolVersion: version, clientID: clientID, credentials: credentials)
    }
}

/// The `hello` reply: what the server speaks and the limits it enforces.
/// Item (after status 0): `u16 protocolVersion`, `string serverName`,
/// `u64 connectionID`, `u16 shardCount`, `u32 frameBytesMax`,
/// `u32 itemsPerFrameMax`, `u32 inFlightPerConnectionMax`.
public struct HelloReply: Sendable, Equatable {
    public var protocolVersion: UInt16
    public var serverName: String
    public var connectionID: UInt64
    public var shardCount: Int
    public var limits: WireLimits

    public init(
        protocolVersion: UInt16 = UInt16(WireProtocol.version), serverName: String, connectionID: UInt64,
        shardCount: Int, limits: WireLimits
    ) {
        self.protocolVersion = protocolVersion
        self.serverName = serverName
        self.connectionID = connectionID
        self.shardCount = shardCount
        self.limits = limits
    }

    public func encode(into writer: inout BinaryWriter) {
        writer.write(protocolVersion)
        writer.write(serverName)
        writer.write(connectionID)
        writer.write(UInt16(shardCount))
        writer.write(UInt32(limits.frameBytesMax))
        writer.write(UInt32(limits.itemsPerFrameMax))
        writer.write(UInt32(limits.inFlightPerConnectionMax))
    }

    public static func decode(from reader: inout BinaryReader) throws -> HelloReply {
        let version = try reader.readUInt16()
        let name = try reader.readString(maxBytes: 256)
        let connectionID = try reader.readUInt64()
        let shardCount = Int(try reader.readUInt16())
        let frameBytesMax = Int(try reader.readUInt32())
        let itemsMax = Int(try reader.readUInt32())
        let inFlightMax = Int(try reader.readUInt32())
        guard shardCount >= 1,
            (WireProtocol.headerBytes + 8...WireLimits.frameBytesCeiling).contains(frameBytesMax),
            (1...WireLimits.itemsPerFrameCeiling).contains(itemsMax), inFlightMax >= itemsMax
        else { throw reader.error("hello reply announces impossible limits") }
        return HelloReply(
            protocolVersion: version, serverName: name, connectionID: connectionID, shardCount: shardCount,
            limits: WireLimits(frameBytesMax: frameBytesMax, itemsPerFrameMax: itemsMax, inFlightPerConnectionMax: inFlightMax))
    }
}
