// One import for users of the client: `import HoldfastClient` brings the
// engine's commands, results and errors (Engine) and the wire messages (Wire).
@_exported import Engine
@_exported import Wire
