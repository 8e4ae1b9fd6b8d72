/// Which methods each path of the API allows, read from the OpenAPI document,
/// so a known path with another method answers 405 with `Allow` (and the
/// document and the router are checked against each other by the tests).
struct AllowedMethods: Sendable {
    struct Route: Sendable {
        var segments: [Substring]
        var methods: [String]
    }

    let routes: [Route]

    static let fromDocument = AllowedMethods(openAPI: OpenAPIDocument.text ?? "")

    /// Reads `paths:` of an OpenAPI document as this project writes it: a path at
    /// two spaces of indentation, its operations at four.
    init(openAPI text: String) {
        var routes: [Route] = []
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.isEmpty, !line.hasPrefix(" ") { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                let path = line.dropFirst(2).dropLast()
                routes.append(Route(segments: path.split(separator: "/"), methods: []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), !routes.isEmpty {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "put", "post", "delete", "patch"].contains(key) {
                    routes[routes.count - 1].methods.append(key.uppercased())
                }
            }
        }
        self.routes = routes
    }

    /// The methods of the first route whose template matches `path`; nil if none does.
    func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        return routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in
                    template.hasPrefix("{") || template == segment
                }
        }?.methods
    }
}
